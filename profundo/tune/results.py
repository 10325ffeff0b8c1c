"""The trials of a search as a table, and its two pictures: the optimization history and the
hyperparameters' importances."""

from __future__ import annotations

import math


class Results:
    """One row (a dict) per trial, the best first, then pruned and failed trials by number.

    ``print(results)`` shows a table; ``results.rows`` is the list of dicts; ``results.to_pandas()``
    a DataFrame (needs pandas)."""

    def __init__(self, trials, objective: str, direction: str):
        self.objective, self.direction = objective, direction
        self.trials = list(trials)
        sign = -1.0 if direction == "maximize" else 1.0
        names = sorted({k for t in self.trials for k in t.params})
        self.rows = []
        for t in self.trials:
            if t.user_attrs.get("interrupted"):
                state = "interrupted"
            else:
                state = t.state.name.lower()
            row = {
                "trial": t.number,
                "state": state,
                objective: t.value,
                **{k: t.params.get(k) for k in names},
                "epochs": t.user_attrs.get("epochs"),
                "seconds": t.user_attrs.get("seconds"),
            }
            if t.user_attrs.get("error"):
                row["error"] = t.user_attrs["error"]
            self.rows.append(row)
        self.rows.sort(
            key=lambda r: (
                r["state"] != "complete",
                sign * r[objective] if r[objective] is not None else 0.0,
                r["trial"],
            )
        )

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]

    def to_pandas(self):
        try:
            import pandas
        except ImportError as e:
            raise ImportError("Results.to_pandas needs pandas: pip install pandas") from e
        return pandas.DataFrame(self.rows).set_index("trial")

    def __str__(self):
        if not self.rows:
            return "(no trials)"
        columns = [c for c in dict.fromkeys(k for r in self.rows for k in r) if c != "error"]
        cells = [[_cell(r.get(c)) for c in columns] for r in self.rows]
        widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
        lines = ["  ".join(c.rjust(w) for c, w in zip(columns, widths))]
        lines += ["  ".join(v.rjust(w) for v, w in zip(row, widths)) for row in cells]
        return "\n".join(lines)

    __repr__ = __str__

    def best_so_far(self) -> list:
        """The best value after each trial, in trial order (NaN until one trial completed)."""
        best, out = None, []
        for t in sorted(self.trials, key=lambda t: t.number):
            finite = t.state.name == "COMPLETE" and t.value is not None and math.isfinite(t.value)
            if finite and (
                best is None or (t.value > best if self.direction == "maximize" else t.value < best)
            ):
                best = t.value
            out.append(math.nan if best is None else best)
        return out

    def plot(self, path=None, study=None):
        import matplotlib.pyplot as plt

        fig, (history, importance) = plt.subplots(1, 2, figsize=(11, 4))
        done = [t for t in self.trials if t.state.name == "COMPLETE"]
        history.scatter([t.number for t in done], [t.value for t in done], s=18, label="trial")
        history.plot(
            sorted(t.number for t in self.trials),
            self.best_so_far(),
            color="C1",
            label="best so far",
        )
        history.set(xlabel="trial", ylabel=self.objective, title="Optimization history")
        history.legend()
        scores = _importances(study)
        if scores:
            names = list(scores)[::-1]
            importance.barh(names, [scores[n] for n in names])
            importance.set(xlabel="importance (Optuna)", title="Hyperparameter importances")
        else:
            importance.text(
                0.5,
                0.5,
                "importances need at least two completed trials\n"
                "that differ in some hyperparameter",
                ha="center",
                va="center",
                transform=importance.transAxes,
            )
            importance.set_axis_off()
        fig.tight_layout()
        if path is not None:
            fig.savefig(path)
        return fig


def _importances(study) -> dict:
    if study is None:
        return {}
    import warnings

    import optuna

    try:
        with warnings.catch_warnings():  # few trials per value: the estimate is rough, as drawn
            warnings.simplefilter("ignore")
            return optuna.importance.get_param_importances(study)
    except (ValueError, RuntimeError, ImportError):
        return {}


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
