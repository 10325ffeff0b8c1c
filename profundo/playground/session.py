"""One page's playground: its data, its network, the epoch and whether it is playing.

The states and what moves between them::

    paused ──play──▶ playing ──pause / step──▶ paused
      │  ▲             │
      └──┘ step,        ├── advance(): train mini-batches for a time budget, then a frame
           step_batch   │
                        └── the run ends (status): loss not finite ("diverged"), the perceptron
                            "converged" or "not_converged" after its epochs, or "epoch_limit"
                            ──▶ paused; play and step do nothing until a reset or a new config

``config`` rebuilds data and network (epoch 0) unless only the learning rate, the batch size or
the regularization rate changed: those apply at once and training goes on. ``reset`` rebuilds and
pauses. A message that fails raises ``MessageError`` before anything changes.

"step" trains to the end of the current epoch; "step_batch" trains one mini-batch and the frame
then shows backpropagation at work: that batch's points, every weight's ∂L/∂w and the change
Δw the optimizer made. Training goes in slices of at most ``SLICE``
seconds of mini-batches, so a frame never waits for a whole epoch (5,000 points in batches of 1
take seconds) and pause is answered within a slice.

profundo keeps its random generator and learning phase in module globals, so the sessions of
one server take turns: each slice of training and each message holds ``COMPUTE_LOCK`` (never a
whole epoch: sessions wait for each other's slices only), and each session keeps its own random
state (``pf.manual_seed(seed)`` at each reset) across turns.
"""

from __future__ import annotations

import base64
import contextlib
import math
import os
import tempfile
import time

import numpy as np

import profundo as pf
from profundo import activations
from profundo import backend as B

from . import datasets
from .export import script
from .network import PERCEPTRON_EPOCHS, build, plain
from .render import SMALL, grid_features, heat_maps, pack_frame, shrink
from .schema import Config, MessageError
from .turns import Turns

COMPUTE_LOCK = Turns()  #: held for one slice of training or one message, first come first served
LIVE_FIELDS = ("learning_rate", "batch_size", "regularization_rate")
MAX_EPOCHS = 100_000  #: playing stops here: a training run is bounded
SLICE = 0.02  #: seconds of training between two chances for other sessions to compute
FRAME_INTERVAL = 1 / 35  #: while playing, a frame this often: training fills what the last
MIN_TRAINING = 0.005  #: frame's computing left of it, at least this many seconds


class Session:
    """The playground's state machine for one connection."""

    config: Config
    status: str | None  # why training stopped ("diverged", "converged", ...), None while it can go
    batch_view: dict | None  # after "step_batch": its points, gradients and updates
    _unsent: list  # the loss curve's entries the page has not received yet

    def __init__(self, config: Config | None = None):
        self.playing = False
        self.run = 0  # counts resets, so the page knows when to clear its loss curve
        self.data_sent: int | None = None  # the run whose points the page has (None: none sent)
        self.features_sent = False
        self.frame_seconds = 0.0  # what the last frame took to compute
        with COMPUTE_LOCK:
            every = grid_features(datasets.FEATURES)  # the same for every run: sent once per page
            self.feature_maps = heat_maps([shrink(every / np.abs(every).max(axis=0))], SMALL)
            self._rebuild(config or Config.model_validate({}))  # every setting at its default

    # --- building ---------------------------------------------------------------------------
    def _rebuild(self, config: Config) -> None:
        """New data and a new network for ``config``, at epoch 0 (all made before any is kept)."""
        c = config
        if c.dataset == "custom":
            xy, labels = datasets.custom_points(c.points)
        else:
            xy, labels = datasets.make_points(c.dataset, n=c.n_points, noise=c.noise, seed=c.seed)
        (train_xy, y_train), (test_xy, y_test) = datasets.split(xy, labels, c.train_ratio, c.seed)
        grid = grid_features(c.features)
        pf.manual_seed(c.seed)
        net = build(c, len(c.features))
        self.rng_state = B.get_rng_state()
        self.train_xy, self.test_xy = train_xy, test_xy
        self.x_train, self.x_test = (
            datasets.featurize(train_xy, c.features),
            datasets.featurize(test_xy, c.features),
        )
        self.y_train, self.y_test = y_train[:, None], y_test[:, None]
        self.grid, self.net = grid, net
        self.config, self.epoch, self.status = c, 0, None
        self.batch_view = None
        self.run += 1
        self.losses, self._unsent = (math.nan, math.nan), []
        self._record()

    @contextlib.contextmanager
    def _own_random_state(self):
        """Run with this session's random generator state, and keep where it got to."""
        B.set_rng_state(self.rng_state)
        try:
            yield
        finally:
            self.rng_state = B.get_rng_state()

    # --- messages ---------------------------------------------------------------------------
    def handle(self, message) -> list:
        """Apply one checked message; returns the replies
        (dicts to send as JSON, frames as bytes)."""
        if message.type == "step":
            self.playing = False
            self._finish_epoch()
            with COMPUTE_LOCK:
                return [self.frame()]
        if message.type == "step_batch":
            self.playing = False
            with COMPUTE_LOCK:
                self._step_batch()
                return [self.frame()]
        with COMPUTE_LOCK:
            kind = message.type
            if kind == "config":
                self._configure(message.config)  # a page that has not got this run's points
                fresh = self.data_sent != self.run  # (the first config, or rebuilt): send
                return ([self.data_message()] if fresh else []) + [self.frame()]
            if kind == "play":
                self.playing = self.status is None
                return [self.frame()]
            if kind == "pause":
                self.playing = False
                return [self.frame()]
            if kind == "reset":
                self.playing = False
                self._rebuild(self.config)
                return [self.data_message(), self.frame()]
            if kind == "set_weight":
                try:
                    self.net.set_weight(
                        message.layer, message.source, message.target, message.value
                    )
                except IndexError as error:
                    raise MessageError("invalid", str(error), reason="outside_network") from None
                self.batch_view = None
                self._record()
                return [self.frame()]
            if kind == "inspect":
                return [self.inspect(message.x1, message.x2)]
            return [self.export(message.format)]

    def _configure(self, config: Config) -> bool:
        """Apply a new config; True when data and network were rebuilt."""
        live = {name: getattr(config, name) for name in LIVE_FIELDS}
        if self.config.model_copy(update=live) != config:
            self._rebuild(config)
            return True
        self.net.set_learning_rate(config.learning_rate)
        self.net.set_regularization_rate(config.regularization_rate)
        self.config = config
        return False

    # --- training ---------------------------------------------------------------------------
    def advance(self, budget: float | None = None, interrupted=lambda: False) -> bytes | None:
        """While playing: train for about ``budget`` seconds (at least one mini-batch; by default
        what keeps a frame every ``FRAME_INTERVAL``), then a frame. When ``interrupted()`` says
        so (a message from the page is waiting), stop after the current slice, without a frame:
        the message's answer will carry one."""
        if budget is None:
            budget = max(MIN_TRAINING, FRAME_INTERVAL - self.frame_seconds)
        end = time.perf_counter() + budget
        while self.playing:
            self._train_slice(min(end, time.perf_counter() + SLICE))
            if interrupted():
                return None
            if time.perf_counter() >= end:
                break
        with COMPUTE_LOCK:
            start = time.perf_counter()
            frame = self.frame()
            self.frame_seconds = time.perf_counter() - start
            return frame

    def _step_batch(self) -> None:
        """One mini-batch, remembering what the page shows of it (network mode only)."""
        if self.status is not None or self.config.mode != "network":
            return
        before = self.net.kernels()
        with self._own_random_state():
            ended = self.net.train_batches(self.x_train, self.y_train, self.config.batch_size, 0.0)
        after = self.net.kernels()
        self.batch_view = {
            "points": self.net.last_batch.tolist(),
            "gradients": self.net.gradients(),
            "deltas": [
                {"kernel": plain(ka - kb), "bias": plain(ba - bb)}
                for (kb, bb), (ka, ba) in zip(before, after)
            ],
        }
        if ended:
            self._end_epoch()

    def _finish_epoch(self) -> None:
        """Train to the end of the current epoch, slice by slice."""
        while not self._train_slice(time.perf_counter() + SLICE):
            pass

    def _train_slice(self, until: float) -> bool:
        """Mini-batches until ``until`` (at least one), holding the lock; at the end of an epoch,
        the losses and the status. True when an epoch ended (or the run has)."""
        with COMPUTE_LOCK:
            self.batch_view = None
            if self.status is not None:
                return True
            with self._own_random_state():
                if not self.net.train_batches(
                    self.x_train, self.y_train, self.config.batch_size, until
                ):
                    return False
            self._end_epoch()
            return True

    def _end_epoch(self) -> None:
        self.epoch += 1
        train_loss, test_loss = self._record()
        if not (math.isfinite(train_loss) and math.isfinite(test_loss)):
            self.playing, self.status = False, "diverged"
        elif getattr(self.net, "converged", False):
            self.playing, self.status = False, "converged"
        elif self.config.mode == "perceptron" and self.epoch >= PERCEPTRON_EPOCHS:
            self.playing, self.status = False, "not_converged"
        elif self.epoch >= MAX_EPOCHS:
            self.playing, self.status = False, "epoch_limit"

    def _record(self) -> tuple:
        """Compute the train and test loss now and add them to the curves: entries
        ``[epoch, train loss, test loss, train accuracy, test accuracy]`` (accuracies None in
        regression)."""
        self.losses = (
            self.net.data_loss(self.x_train, self.y_train),
            self.net.data_loss(self.x_test, self.y_test),
        )
        accuracies = [
            self.net.accuracy(self.x_train, self.y_train),
            self.net.accuracy(self.x_test, self.y_test),
        ]
        self._unsent.append(
            [
                self.epoch,
                *(plain(v) for v in self.losses),
                *(None if a is None else plain(a) for a in accuracies),
            ]
        )
        return self.losses

    # --- what the page receives -------------------------------------------------------------
    def data_message(self) -> dict:
        """The points, ``[x₁, x₂, value]`` with value on the display scale −1 … 1."""

        def rows(xy, y):
            value = y[:, 0] * 2 - 1 if self.config.problem == "classification" else y[:, 0]
            return np.round(np.column_stack([xy, value]), 3).tolist()

        self.data_sent = self.run
        return {
            "type": "data",
            "run": self.run,
            "problem": self.config.problem,
            "train": rows(self.train_xy, self.y_train),
            "test": rows(self.test_xy, self.y_test),
        }

    def frame(self) -> bytes:
        """The frame the page draws: numbers, weights, gradients and the heat maps — every
        feature's (only in the page's first frame: they never change), each hidden neuron's
        (small) and the output's (the full grid)."""
        c = self.config
        outputs = self.net.neuron_outputs(self.grid)
        header = {
            "type": "frame",
            "run": self.run,
            "epoch": self.epoch,
            "playing": self.playing,
            "status": self.status,
            "mode": c.mode,
            "problem": c.problem,
            "config": c.model_dump(exclude={"points"}),
            "features": list(c.features),
            "feature_maps": not self.features_sent,
            "layout": [len(c.features)] + [o.shape[1] for o in outputs],
            "train_loss": plain(self.losses[0]),
            "test_loss": plain(self.losses[1]),
            "losses": self._unsent,
            "weights": self.net.weights(),
            "gradients": self.net.gradient_magnitudes(),
            "batch": self.batch_view,
            "dead": [int(np.sum(np.all(o == 0, axis=0))) for o in outputs[:-1]],
        }
        maps = [
            *(self.feature_maps if header["feature_maps"] else []),
            *heat_maps(
                [
                    shrink(
                        np.concatenate(
                            [np.empty((len(self.grid), 0), np.float32), *outputs[:-1]], axis=1
                        )
                    )
                ],
                SMALL,
            ),
            *heat_maps(outputs[-1:]),
        ]
        self._unsent, self.features_sent = [], True
        return pack_frame(header, maps)

    def inspect(self, x1: float, x2: float) -> dict:
        """Each neuron's z and f(z) for the point (x1, x2) (network mode)."""
        if self.config.mode != "network":
            raise MessageError("no_inspect", "the perceptron's one neuron is its output")
        features = datasets.featurize(np.array([[x1, x2]], np.float32), self.config.features)[0]
        z = np.linspace(-5, 5, 81, dtype=np.float32)  # the activation's curve, to draw
        with pf.no_grad():
            curve = activations.get(self.config.activation)(pf.tensor(z)).numpy()
        return {
            "type": "inspection",
            "point": [x1, x2],
            "features": plain(features),
            "activation": self.config.activation,
            "curve": [plain(z), plain(curve)],
            "problem": self.config.problem,
            "signed": getattr(self.net, "signed", False),
            "batch_norm": self.config.batch_norm,
            **self.net.inspect(features),
        }

    def export(self, kind: str) -> dict:
        """The network as a script or as a saved ``.profundo`` model, base64-encoded."""
        if kind == "script":
            name = f"playground_{self.config.dataset}.py"
            body = script(self.config, epochs=self.epoch or 100, filename=name).encode()
            return _download(kind, name, "text/x-python", body)
        if self.config.mode == "perceptron":
            raise MessageError("no_model", "the perceptron has no model file; export the script")
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "playground.profundo")
            self.net.model.save(path)
            with open(path, "rb") as f:
                body = f.read()
        return _download(
            kind, f"playground_{self.config.dataset}.profundo", "application/octet-stream", body
        )


def _download(kind: str, filename: str, mime: str, body: bytes) -> dict:
    return {
        "type": "export",
        "format": kind,
        "filename": filename,
        "mime": mime,
        "data": base64.b64encode(body).decode("ascii"),
    }


__all__ = ["Session", "COMPUTE_LOCK", "FRAME_INTERVAL", "LIVE_FIELDS", "MAX_EPOCHS", "SLICE"]
