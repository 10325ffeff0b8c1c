"""Whether operations record the graph (``no_grad``), and anomaly mode (``set_debug``)."""

from __future__ import annotations

import functools

_enabled = True
_debug = False


def grad_enabled() -> bool:
    """True when new operations are recorded for ``backward()``."""
    return _enabled


def is_grad_enabled() -> bool:
    return _enabled


class set_grad_enabled:
    """Turn graph recording on or off, as a context manager or a decorator."""

    def __init__(self, mode: bool) -> None:
        self.mode = bool(mode)

    def __enter__(self):
        global _enabled
        self.prev, _enabled = _enabled, self.mode
        return self

    def __exit__(self, *exc) -> None:
        global _enabled
        _enabled = self.prev

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with type(self)(self.mode) if type(self) is set_grad_enabled else type(self)():
                return func(*args, **kwargs)

        return wrapper


class no_grad(set_grad_enabled):
    """Run without recording the graph: inference, parameter updates, metrics.

    >>> with pf.no_grad():
    ...     y = model(x)          # y.requires_grad is False, no memory kept for backward
    ... # doctest: +SKIP
    """

    def __init__(self) -> None:
        super().__init__(False)


class enable_grad(set_grad_enabled):
    """Record the graph again inside a ``no_grad`` block."""

    def __init__(self) -> None:
        super().__init__(True)


def set_debug(mode: bool = True) -> None:
    """Anomaly mode: check every gradient in ``backward()`` and name the op that made NaN or inf."""
    global _debug
    _debug = bool(mode)


def debug_enabled() -> bool:
    return _debug
