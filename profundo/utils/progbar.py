"""``Progbar``: Keras' text progress bar for loops of one's own (``keras.utils.Progbar``).

>>> bar = Progbar(target=100)
>>> for step in range(100):
...     bar.update(step + 1, values=[("loss", loss)])
... # doctest: +SKIP
"""

from __future__ import annotations

import sys
import time


class Progbar:
    """A progress bar of ``target`` steps (None: unknown) that shows the mean of each value since
    the start (the latest value for names in ``stateful_metrics``)."""

    def __init__(
        self,
        target,
        width: int = 20,
        verbose: int = 1,
        interval: float = 0.05,
        stateful_metrics=None,
        unit_name: str = "step",
        stream=None,
    ):
        self.target, self.width, self.verbose = target, width, verbose
        self.interval, self.unit_name = interval, unit_name
        self.stateful_metrics = set(stateful_metrics or ())
        self.stream = stream or sys.stdout
        self._sums: dict = {}  # name -> [sum of value × steps, steps] or the latest value
        self._seen = 0
        self._start = self._last_shown = time.time()

    def update(self, current: int, values=None, finalize: bool | None = None) -> None:
        """Move the bar to step ``current``; ``values``: ``[(name, value), ...]`` for this step."""
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        steps = max(current - self._seen, 1)
        for name, value in values or []:
            value = float(value)
            if name in self.stateful_metrics:
                self._sums[name] = value
            else:
                total, count = self._sums.get(name, (0.0, 0))
                self._sums[name] = (total + value * steps, count + steps)
        self._seen = current
        now = time.time()
        if self.verbose == 0 or (not finalize and now - self._last_shown < self.interval):
            return
        self._last_shown = now
        if self.verbose == 1 or finalize:
            end = "\n" if finalize else ""
            self.stream.write("\r" + self._line(current, now) + end)
            self.stream.flush()

    def add(self, n: int, values=None) -> None:
        """Advance by ``n`` steps."""
        self.update(self._seen + n, values)

    def _line(self, current: int, now: float) -> str:
        if self.target is not None:
            done = int(self.width * min(current / max(self.target, 1), 1))
            head = ">" if done < self.width else ""
            bar = (
                f"{current}/{self.target} ["
                + "=" * (done - bool(head))
                + head
                + "." * (self.width - done)
                + "]"
            )
        else:
            bar = f"{current}"
        parts = [bar, f"{now - self._start:.0f}s"]
        for name, value in self._sums.items():
            mean = value if name in self.stateful_metrics else value[0] / max(value[1], 1)
            parts.append(f"{name}: {mean:.4g}")
        return " - ".join(parts)
