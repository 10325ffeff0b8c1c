"""Optimizers racing down loss surfaces: SGD, momentum, RMSprop and Adam from the same start.

With the same small learning rate plain SGD crawls; momentum gathers speed, follows the bends of
Rosenbrock's curved valley and overshoots them; RMSprop and Adam divide each step by the recent
size of the gradient, so they take nearly equal steps in every direction — fast on flat plateaus
(Beale) and out of the saddle, where SGD barely leaves the ridge. Each path is 300 steps of that
optimizer on the exact gradient.

Run:   python examples/optimizers_race.py [OUT.png]       (seconds; needs 'profundo[viz]')
"""

import sys
from pathlib import Path

from matplotlib.figure import Figure

import profundo as pf
from profundo import optimizers

RACERS = {  # label → a new optimizer (each surface gets fresh ones)
    "SGD": lambda: optimizers.SGD(1e-3),
    "momentum 0.9": lambda: optimizers.SGD(1e-3, momentum=0.9),
    "RMSprop": lambda: optimizers.RMSprop(1e-2),
    "Adam": lambda: optimizers.Adam(5e-2),
}


def race(surface, steps=300):
    """The final point and loss of each optimizer on ``surface`` (a built-in name)."""
    fn, start, _ = pf.viz.SURFACES[surface]
    results = {}
    for label, make in RACERS.items():
        end = pf.viz.optimizer_path(surface, make(), start, steps)[-1]
        results[label] = (end, float(fn(*end)))
    return results


def main(out="optimizers_race.png", steps=300):
    out = Path(out)
    fig = Figure(figsize=(13, 10), layout="constrained")
    for ax, surface in zip(
        fig.subplots(2, 2).ravel(), ["rosenbrock", "beale", "quadratic", "saddle"]
    ):
        pf.viz.plot_optimizer_paths(
            surface, {k: make() for k, make in RACERS.items()}, steps=steps, ax=ax
        )
        for label, (end, loss) in race(surface, steps).items():
            print(
                f"{surface:>10} {label:>13}: "
                f"ends at ({end[0]: .3f}, {end[1]: .3f}), loss {loss:.4g}"
            )
    fig.savefig(out, dpi=80)
    print(f"wrote {out}")
    return out


if __name__ == "__main__":
    main(*sys.argv[1:2])
