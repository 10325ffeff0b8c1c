"""Hyperparameter search on Optuna: ``build(hp)`` defines the space, ``Tuner`` searches it.

>>> def build(hp):
...     model = pf.Sequential([layers.Input((784,)),
...                            layers.Dense(hp.Int("units", 32, 256, step=32), activation="relu"),
...                            layers.Dense(10, activation="softmax")])
...     model.compile(optimizers.Adam(hp.Float("lr", 1e-4, 1e-2, log=True)),
...                   "sparse_categorical_crossentropy", metrics=["accuracy"])
...     return model
>>> tuner = pf.tune.Tuner(build, objective="val_accuracy", strategy="bayesian", max_trials=20)
>>> tuner.search(x, y, validation_split=0.1, epochs=5)  # doctest: +SKIP
>>> best = tuner.best_model()  # doctest: +SKIP

Strategies: ``"random"`` (independent draws), ``"grid"`` (every combination once), ``"bayesian"``
(TPE). Pruners: ``"median"``, ``"hyperband"`` or ``None``, fed with each epoch's objective.
Needs the ``tune`` extra (``pip install 'profundo[tune]'``): Optuna, matplotlib for ``plot``.
"""

from .hyperparameters import HyperParameters, SpaceError
from .results import Results
from .tuner import Tuner

__all__ = ["HyperParameters", "Results", "SpaceError", "Tuner"]
