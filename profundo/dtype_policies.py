"""Dtype policies (Keras' ``DTypePolicy``): the dtype a layer computes in and the dtype its
weights are kept in.

"float32", "float64", "float16": both the same. **"mixed_float16"**: compute in float16 (half the
memory per activation; NumPy runs float16 in software, so on a CPU it saves memory rather than
time) while the weights stay float32 — every update is added to float32 "master" weights, so small
steps are not lost to float16's 11-bit precision. The bfloat16 policies are refused: NumPy has
no bfloat16 type. A layer takes ``dtype="mixed_float16"`` (or a ``DTypePolicy``); without one it
takes the global policy (``pf.mixed_precision.set_global_policy``).

>>> DTypePolicy("mixed_float16").compute_dtype, DTypePolicy("mixed_float16").variable_dtype
('float16', 'float32')
"""

from __future__ import annotations

_POLICIES = {
    "float16": ("float16", "float16"),
    "float32": ("float32", "float32"),
    "float64": ("float64", "float64"),
    "mixed_float16": ("float16", "float32"),
}
_global: list = [None]


class DTypePolicy:
    """A named pair (compute dtype, variable dtype); see the module docstring."""

    def __init__(self, name: str | DTypePolicy = "float32"):
        if isinstance(name, DTypePolicy):
            name = name.name
        if name in ("bfloat16", "mixed_bfloat16"):
            raise ValueError(
                f"DTypePolicy: {name!r} needs bfloat16, which NumPy does not have; use "
                f"'mixed_float16' (float16 compute, float32 weights)"
            )
        if name not in _POLICIES:
            raise ValueError(f"DTypePolicy: name must be one of {sorted(_POLICIES)}, got {name!r}")
        self.name: str = name
        self.compute_dtype, self.variable_dtype = _POLICIES[name]

    @property
    def is_mixed(self) -> bool:
        return self.compute_dtype != self.variable_dtype

    def get_config(self) -> dict:
        return {"name": self.name}

    @classmethod
    def from_config(cls, config: dict) -> DTypePolicy:
        return cls(config["name"])

    def __eq__(self, other) -> bool:
        return isinstance(other, DTypePolicy) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        return f'<DTypePolicy "{self.name}">'


def is_policy_name(value) -> bool:
    """True for a DTypePolicy or the name of one (bfloat16 ones included, to refuse them)."""
    if isinstance(value, DTypePolicy):
        return True
    return isinstance(value, str) and (
        value in _POLICIES or value in ("bfloat16", "mixed_bfloat16")
    )


def set_global_policy(policy) -> None:
    """The policy of every layer made from now on without its own ``dtype`` (None: back to the
    default float type)."""
    _global[0] = None if policy is None else DTypePolicy(policy)


def global_policy() -> DTypePolicy | None:
    """The global policy, or None when none was set (layers then use the default float type)."""
    return _global[0]


__all__ = ["DTypePolicy", "global_policy", "set_global_policy", "is_policy_name"]
