"""The messages between the page and the server, and the limits every one of them must respect.

A message is one JSON object with a ``type``. ``parse_message(text)`` turns the raw text into one
of the models below, or raises ``MessageError`` saying what was wrong; nothing else in the server
ever sees unchecked input. Names are closed sets (``Literal``), numbers have ranges, lists have
lengths, and unknown fields are refused.

Page → server::

    {"type": "config", "config": {...Config...}}     choose data, network and training settings
    {"type": "play"} | {"type": "pause"} | {"type": "step"} | {"type": "step_batch"}
    {"type": "reset"}
    {"type": "drawn"}                                a frame has been drawn (flow control)
    {"type": "set_weight", "layer": 0, "source": 1, "target": 2, "value": 0.5}
    {"type": "inspect", "x1": 1.5, "x2": -2}         what each neuron computes for that point
    {"type": "export", "format": "script" | "model"}

Server → page: ``data`` (the points), ``frame`` (binary: see ``render.pack_frame``),
``inspection`` (the answer to ``inspect``),
``export`` (a file to download), ``error``: ``code`` (what kind), ``detail`` (in English), and
for a refused setting ``field``, ``reason`` and ``limit``, from which the page says the same in
the learner's language (pydantic's error types, and the model's own rules named below).
"""

from __future__ import annotations

from typing import Annotated, Literal, Optional, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .datasets import CLASSIFICATION, DOMAIN, FEATURES, REGRESSION

MAX_MESSAGE_BYTES = 256 * 1024  #: larger messages are refused before they are parsed
MAX_LAYERS = 6  #: hidden layers
MAX_NEURONS = 8  #: neurons in a hidden layer
MAX_POINTS = 5000  #: points in a data set (generated or the learner's own)
MIN_CUSTOM_POINTS = 4

Activation = Literal["relu", "tanh", "sigmoid", "linear", "elu", "leaky_relu", "selu", "gelu"]
Feature = Literal["x1", "x2", "x1_sq", "x2_sq", "x1x2", "sin_x1", "sin_x2"]
DatasetName = Literal["circle", "xor", "gauss", "spiral", "plane", "multi_gauss", "custom"]
OptimizerName = Literal["sgd", "momentum", "adam", "rmsprop"]

Fraction = Annotated[float, Field(ge=0.0, lt=1.0, allow_inf_nan=False)]
Coordinate = Annotated[float, Field(ge=-DOMAIN, le=DOMAIN, allow_inf_nan=False)]
Label = Annotated[float, Field(ge=-1.0, le=1.0, allow_inf_nan=False)]
WeightValue = Annotated[float, Field(ge=-100.0, le=100.0, allow_inf_nan=False)]


class MessageError(ValueError):
    """A message that was refused; ``code`` names the kind for the page to translate, and for a
    refused value ``field`` (dotted path), ``reason`` (a name) and ``limit`` say what was wrong."""

    def __init__(self, code: str, detail: str, field: str = "", reason: str = "", limit=None):
        super().__init__(detail)
        self.code, self.detail = code, detail
        self.field, self.reason, self.limit = field, reason, limit

    def reply(self) -> dict:
        """The error message for the page."""
        extra = {"field": self.field, "reason": self.reason, "limit": self.limit}
        return {
            "type": "error",
            "code": self.code,
            "detail": self.detail,
            **{k: v for k, v in extra.items() if v not in ("", None)},
        }


def _rule(reason: str, detail: str, **values):
    """A broken rule of the configuration, named so that the page can translate it."""
    return PydanticCustomError(reason, detail, values)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Config(_Strict):
    """Everything the learner chooses in the page (the state kept in the URL)."""

    mode: Literal["network", "perceptron"] = "network"
    problem: Literal["classification", "regression"] = "classification"
    dataset: DatasetName = "circle"
    points: Optional[
        Annotated[list[tuple[Coordinate, Coordinate, Label]], Field(max_length=MAX_POINTS)]
    ] = None
    n_points: int = Field(500, ge=MIN_CUSTOM_POINTS, le=MAX_POINTS)
    noise: float = Field(0.0, ge=0.0, le=0.5, allow_inf_nan=False)
    train_ratio: float = Field(0.5, ge=0.1, le=0.9, allow_inf_nan=False)
    seed: int = Field(0, ge=0, le=2**31 - 1)
    features: list[Feature] = Field(
        default_factory=lambda: list[Feature](["x1", "x2"]),
        min_length=1,
        max_length=len(FEATURES),
    )
    hidden: list[Annotated[int, Field(ge=1, le=MAX_NEURONS)]] = Field(
        default_factory=lambda: [4, 2], max_length=MAX_LAYERS
    )
    activation: Activation = "tanh"
    regularization: Literal["none", "l1", "l2"] = "none"
    regularization_rate: float = Field(0.0, ge=0.0, le=10.0, allow_inf_nan=False)
    learning_rate: float = Field(0.03, ge=1e-5, le=10.0, allow_inf_nan=False)
    batch_size: int = Field(10, ge=1, le=MAX_POINTS)
    optimizer: OptimizerName = "sgd"
    momentum: float = Field(0.9, ge=0.0, le=0.999, allow_inf_nan=False)
    beta_1: float = Field(0.9, ge=0.0, le=0.9999, allow_inf_nan=False)
    beta_2: float = Field(0.999, ge=0.0, le=0.9999, allow_inf_nan=False)
    rho: float = Field(0.9, ge=0.0, le=0.9999, allow_inf_nan=False)
    dropout: Fraction = 0.0
    batch_norm: bool = False
    loss: Literal["default", "squared_error"] = "default"  #: or TF Playground's ½ (ŷ − y)²
    init_zero: bool = False  #: every kernel starts at 0

    @field_validator("features")
    @classmethod
    def _unique(cls, names):
        if len(set(names)) != len(names):
            raise _rule("repeated_feature", "each feature may be chosen once")
        return names

    @model_validator(mode="after")
    def _consistent(self):
        builtin = CLASSIFICATION if self.problem == "classification" else REGRESSION
        if self.dataset != "custom" and self.dataset not in builtin:
            raise _rule(
                "wrong_dataset",
                "dataset '{dataset}' is not a {problem} data set",
                dataset=self.dataset,
                problem=self.problem,
            )
        if self.dataset == "custom":
            if self.points is None or len(self.points) < MIN_CUSTOM_POINTS:
                raise _rule(
                    "too_few_points",
                    "the custom data set needs at least {limit} points",
                    limit=MIN_CUSTOM_POINTS,
                )
            if self.problem == "classification" and any(
                p[2] not in (0.0, 1.0) for p in self.points
            ):
                raise _rule("labels_01", "classification labels must be 0 or 1")
        elif self.points is not None:
            raise _rule("points_not_custom", "points are only given with dataset 'custom'")
        if self.mode == "perceptron" and self.problem != "classification":
            raise _rule(
                "perceptron_classifies",
                "the perceptron classifies: choose problem 'classification'",
            )
        return self


class ConfigMessage(_Strict):
    type: Literal["config"]
    config: Config


class CommandMessage(_Strict):
    type: Literal["play", "pause", "step", "step_batch", "reset", "drawn"]


class SetWeightMessage(_Strict):
    """Set one weight: ``layer`` counts the dense layers from 0 (the output is the last);
    ``source`` is the neuron of the layer below, or None for the bias; ``target`` the neuron."""

    type: Literal["set_weight"]
    layer: int = Field(ge=0, le=MAX_LAYERS)
    source: Optional[int] = Field(ge=0, le=max(MAX_NEURONS, len(FEATURES)))
    target: int = Field(ge=0, le=MAX_NEURONS)
    value: WeightValue


class InspectMessage(_Strict):
    """What each neuron computes for the point (x1, x2) of the plane."""

    type: Literal["inspect"]
    x1: Coordinate
    x2: Coordinate


class ExportMessage(_Strict):
    type: Literal["export"]
    format: Literal["script", "model"]


Message = Annotated[
    Union[ConfigMessage, CommandMessage, SetWeightMessage, InspectMessage, ExportMessage],
    Field(discriminator="type"),
]
_MESSAGE = TypeAdapter(Message)


def parse_message(text) -> BaseModel:
    """The checked message in ``text`` (a str or bytes), or ``MessageError``."""
    if not isinstance(text, (str, bytes)):
        raise MessageError("bad_message", "expected a JSON text message")
    if len(text) > MAX_MESSAGE_BYTES:
        raise MessageError(
            "too_large",
            f"a message may have at most {MAX_MESSAGE_BYTES} bytes, got {len(text)}",
            reason="too_large",
            limit=MAX_MESSAGE_BYTES,
        )
    try:
        return _MESSAGE.validate_json(text)
    except ValidationError as error:
        first = error.errors()[0]
        if first["type"] == "json_invalid":
            raise MessageError("bad_json", f"not valid JSON: {first['msg']}") from None
        where = ".".join(str(part) for part in first["loc"][1:])  # [0] is the message type
        limits = [
            v
            for k, v in (first.get("ctx") or {}).items()
            if k in ("le", "ge", "lt", "gt", "max_length", "min_length", "limit")
        ]
        raise MessageError(
            "invalid",
            f"{where}: {first['msg']}" if where else first["msg"],
            field=where,
            reason=first["type"],
            limit=limits[0] if limits else None,
        ) from None
