"""``Model``: layers grouped into one trainable whole — functional graphs and subclassed models.

Functional — call layers on ``Input`` tensors, then give the model its inputs and outputs::

    inputs = layers.Input((20,))
    h = layers.Dense(64, activation="relu")(inputs)
    model = pf.Model(inputs, layers.Dense(1, activation="sigmoid")(h))

Subclassed — create layers in ``__init__`` and write the forward pass in ``call``::

    class MLP(pf.Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.Dense(64, activation="relu")
            self.out = layers.Dense(1, activation="sigmoid")

        def call(self, x, training=None):
            return self.out(self.hidden(x))

A model is a ``Layer`` too, so it can be used inside another model. Training (``compile``, ``fit``,
``evaluate``, ``predict``) lives in ``profundo.models.training``; ``summary`` in ``.summary``.
"""

from __future__ import annotations

import numpy

from ..autograd import Tensor, no_grad
from ..autograd.engine import topological_order
from ..layers.base import Layer, learning_phase
from ..layers.core import InputLayer
from ..layers.nest import flatten, is_shape, map_structure
from ..layers.symbolic import SymbolicTensor
from ..metrics import Metric
from . import training as trainer
from .summary import summary as _summary


class Model(Layer):
    """A network of layers: ``Model(inputs, outputs)`` for a functional graph, or a subclass."""

    def __init__(self, inputs=None, outputs=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.stop_training = False
        self.optimizer = None
        self.compiled = None
        self.history = None
        if inputs is None and outputs is None:
            return
        if inputs is None or outputs is None:
            raise ValueError(
                "Model: give both inputs and outputs (or neither, for a subclassed model)"
            )
        for t in flatten(inputs) + flatten(outputs):
            if not isinstance(t, SymbolicTensor):
                raise TypeError(
                    f"Model: inputs and outputs must come from layers.Input and layer calls "
                    f"on them, got {type(t).__name__}"
                )
        self._inputs, self._outputs = inputs, outputs
        self._nodes = _topological_nodes(outputs, inputs)
        self._layers = []
        for node in self._nodes:
            if node.layer not in self._layers:
                self._layers.append(node.layer)
        self.built = True

    # --- structure ------------------------------------------------------------------------------
    @property
    def is_functional(self) -> bool:
        return hasattr(self, "_nodes")

    @property
    def layers(self) -> list:
        """The model's layers, in the order they run (a functional model's Input layers first)."""
        if self.is_functional:
            return list(self._layers)
        return [layer for _, layer in Layer._children(self)]  # a subclass: its attributes

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """A layer by name (or by position in ``layers``)."""
        if index is not None:
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise self.error(
            f"no layer named {name!r}; layers: {', '.join(layer.name for layer in self.layers)}"
        )

    @property
    def inputs(self):
        """The symbolic inputs, always a list (Keras' ``model.inputs``)."""
        return flatten(self._inputs) if self.is_functional else None

    @property
    def outputs(self):
        """The symbolic outputs, always a list (Keras' ``model.outputs``)."""
        return flatten(self._outputs) if self.is_functional else None

    @property
    def input(self):
        """The symbolic inputs as the model was given them (one tensor, a list or a dict)."""
        return self._inputs if self.is_functional else super().input

    @property
    def output(self):
        """The symbolic outputs as the model was given them."""
        return self._outputs if self.is_functional else super().output

    def _children(self):
        """A model's layers are its children, named by position: ``layers/0``, ``layers/1``..."""
        return ((f"layers/{i}", layer) for i, layer in enumerate(self.layers))

    def regularization_loss(self):
        total = None
        for layer in self.layers:
            sub = layer.regularization_loss()
            if sub is not None:
                total = sub if total is None else total + sub
        return total

    # --- running ----------------------------------------------------------------------------------
    def call(self, inputs, training=None):
        if not self.is_functional:
            raise NotImplementedError(
                f"{type(self).__name__}: a subclassed Model must define "
                f"call(self, inputs, training=None)"
            )
        return self._run_graph(
            inputs, lambda layer, args, kw: layer(args, training=training, **kw), masks=True
        )

    def compute_mask(self, inputs, mask=None):
        return None

    def _input_list(self, inputs) -> list:
        """The values for the model's Input nodes, in order, from one value, a list or a dict."""
        expected = flatten(self._inputs)
        if isinstance(inputs, dict):
            missing = [t.node.layer.name for t in expected if t.node.layer.name not in inputs]
            if missing:
                raise self.error(f"no value for input(s) {missing}; got keys {list(inputs)}")
            return [inputs[t.node.layer.name] for t in expected]
        if len(expected) == 1:
            return [inputs[0] if isinstance(inputs, list) and len(inputs) == 1 else inputs]
        if not isinstance(inputs, (list, tuple)) or len(inputs) != len(expected):
            raise self.error(
                f"expected a list of {len(expected)} inputs "
                f"({', '.join(t.node.layer.name for t in expected)})"
            )
        return list(inputs)

    def _run_graph(self, inputs, run, masks: bool = False):
        """Walk the graph: feed ``inputs`` to the Input nodes, then ``run`` each layer's node;
        with ``masks``, also pass each layer the mask of its inputs (``Layer.compute_mask``)."""
        values = {id(sym): v for sym, v in zip(flatten(self._inputs), self._input_list(inputs))}
        mask_of: dict = {}
        for node in self._nodes:
            if node.inputs is None:
                continue
            args = map_structure(lambda s: values[id(s)], node.inputs)
            kwargs = node.kwargs
            if masks:
                in_mask = map_structure(lambda s: mask_of.get(id(s)), node.inputs)
                if any(m is not None for m in flatten(in_mask)):
                    kwargs = {**kwargs, "mask": in_mask}
            outs = run(node.layer, args, kwargs)
            if masks:
                out_masks = node.layer.compute_mask(args, kwargs.get("mask"))
                out_list = flatten(node.outputs)
                mask_list = (
                    out_masks if isinstance(out_masks, list) else [out_masks] * len(out_list)
                )
                mask_of.update((id(sym), m) for sym, m in zip(out_list, mask_list))
            for sym, value in zip(flatten(node.outputs), flatten(outs, is_leaf=is_shape)):
                values[id(sym)] = value
        return map_structure(lambda s: values[id(s)], self._outputs)

    def __call__(self, inputs, training=None, **kwargs):
        if self.is_functional and not isinstance(
            inputs, (Tensor, SymbolicTensor, list, tuple, dict)
        ):
            inputs = Tensor(inputs)
        return super().__call__(inputs, training=training, **kwargs)

    def compute_output_shape(self, input_shape):
        if self.is_functional:
            return self._run_graph(
                input_shape, lambda layer, args, kw: layer.compute_output_shape(args)
            )
        return super().compute_output_shape(input_shape)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}, {len(self.layers)} layers>"

    # --- training, evaluation, prediction (see profundo.models.training) --------------------------
    def compile(
        self,
        optimizer="rmsprop",
        loss=None,
        metrics=None,
        loss_weights=None,
        weighted_metrics=None,
        run_eagerly=None,
        steps_per_execution=1,
        jit_compile="auto",
        auto_scale_loss=True,
    ):
        """Choose the optimizer, the loss (one per output, or a list/dict; None for an output
        that is not trained on) and the metrics. As in Keras, ``metrics`` ignore the sample
        weights and ``weighted_metrics`` use them. ``run_eagerly``, ``steps_per_execution``,
        ``jit_compile`` and ``auto_scale_loss`` are accepted for Keras programs and change
        nothing: profundo always runs eagerly, one step at a time, without a compiler."""
        trainer.compile(self, optimizer, loss, metrics, loss_weights, weighted_metrics)

    def fit(
        self,
        x=None,
        y=None,
        batch_size=32,
        epochs=1,
        verbose="auto",
        callbacks=None,
        validation_split=0.0,
        validation_data=None,
        shuffle=True,
        class_weight=None,
        sample_weight=None,
        initial_epoch=0,
        steps_per_epoch=None,
        validation_batch_size=None,
        distributed=False,
        validation_steps=None,
        validation_freq=1,
    ):
        """Train for ``epochs`` passes over the data; returns the ``History``. ``distributed=True``:
        data-parallel over the MPI ranks of ``profundo.distributed``."""
        return trainer.fit(
            self,
            x,
            y,
            batch_size=batch_size,
            epochs=epochs,
            verbose=verbose,
            callbacks=callbacks,
            validation_split=validation_split,
            validation_data=validation_data,
            shuffle=shuffle,
            class_weight=class_weight,
            sample_weight=sample_weight,
            initial_epoch=initial_epoch,
            steps_per_epoch=steps_per_epoch,
            validation_batch_size=validation_batch_size,
            distributed=distributed,
            validation_steps=validation_steps,
            validation_freq=validation_freq,
        )

    def evaluate(
        self,
        x=None,
        y=None,
        batch_size=32,
        verbose="auto",
        sample_weight=None,
        return_dict=False,
        callbacks=None,
    ):
        """Loss and metrics on data: a number, a list [loss, metric...] or a dict."""
        return trainer.evaluate(
            self,
            x,
            y,
            batch_size=batch_size,
            verbose=verbose,
            sample_weight=sample_weight,
            return_dict=return_dict,
            callbacks=callbacks,
        )

    def predict(self, x, batch_size=32, verbose=0, steps=None, callbacks=None):
        """Outputs for ``x`` as NumPy arrays, computed in batches, in inference mode, no graph;
        ``verbose=1`` shows a progress bar, ``callbacks`` get the predict hooks; ``steps`` limits
        the batches drawn from a generator or pipeline."""
        return trainer.predict(
            self, x, batch_size=batch_size, verbose=verbose, callbacks=callbacks, steps=steps
        )

    # --- the steps: override them to train in your own way (Keras 3's names and arguments) --------
    def train_step(self, data) -> dict:
        """One training step on one batch — forward, ``compute_loss``, backward, optimizer update,
        ``compute_metrics`` — returning the logs {name: value} that ``fit`` shows. ``data`` is
        ``x``, ``(x, y)`` or ``(x, y, sample_weight)``
        (``unpack_x_y_sample_weight`` in ``profundo.models.training``)."""
        return trainer.train_step(self, data)

    def test_step(self, data) -> dict:
        """One evaluation step on one batch (inference mode, no graph); returns the logs."""
        return trainer.test_step(self, data)

    def predict_step(self, data):
        """The outputs for one batch, in inference mode."""
        return trainer.predict_step(self, data)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The loss to minimize: the compiled loss of (y, y_pred), plus the ``add_loss`` terms of
        the last call, plus the weights' regularization penalties."""
        return trainer.compute_loss(self, x, y, y_pred, sample_weight, training)

    def compute_metrics(self, x, y, y_pred, sample_weight=None) -> dict:
        """Update the compiled metrics with a batch; returns ``get_metrics_result()``."""
        return trainer.compute_metrics(self, x, y, y_pred, sample_weight)

    def get_metrics_result(self) -> dict:
        """The current results of ``self.metrics`` as {name: value}."""
        return trainer.metrics_result(self)

    @property
    def metrics_names(self) -> list:
        """The names of ``self.metrics`` (Keras' ``model.metrics_names``)."""
        return [m.name for m in self.metrics]

    @property
    def metrics(self) -> list:
        """The metrics ``fit`` resets each epoch: the loss tracker and compiled metrics (after
        ``compile``), and every ``Metric`` held as an attribute of the model (e.g. a GAN's
        ``self.d_loss_tracker = metrics.Mean(name="d_loss")``)."""
        found = [self.compiled.loss_tracker, self.compiled.compile_metrics] if self.compiled else []
        for value in vars(self).values():
            items = value if isinstance(value, (list, tuple)) else [value]
            found += [m for m in items if isinstance(m, Metric)]
        return found

    def reset_metrics(self) -> None:
        for m in self.metrics:
            m.reset_state()

    def zero_grad(self) -> None:
        """Forget the gradients of all weights (each ``w.grad`` becomes None) before a backward."""
        for w in self.weights:
            w.grad = None

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One gradient step on one batch; returns the loss (and metrics)."""
        return trainer.train_on_batch(self, x, y, sample_weight, class_weight, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        return trainer.test_on_batch(self, x, y, sample_weight, return_dict)

    def predict_on_batch(self, x):
        with no_grad(), learning_phase(False):
            out = self(x, training=False)
        return map_structure(
            lambda t: t.numpy() if isinstance(t, Tensor) else numpy.asarray(t), out
        )

    def summary(self, line_length: int = 90, print_fn=print):
        """Print a table of the layers, their output shapes and parameter counts."""
        return _summary(self, line_length=line_length, print_fn=print_fn)

    # --- saving (implemented in profundo.io, which sits above models) -----------------------------
    def save(self, filepath, include_optimizer: bool = True, training_state=None) -> None:
        """Write the model — architecture, weights, compile settings, optimizer state — to one
        ``.profundo`` archive, atomically (see ``profundo.io.saving``). ``training_state``: extra
        JSON data to keep with it (``BackupAndRestore`` keeps the epoch and the RNG state)."""
        from ..io.saving import save_model

        save_model(
            self, filepath, include_optimizer=include_optimizer, training_state=training_state
        )

    def load_state(self, filepath) -> dict:
        """Restore weights and optimizer state from an archive into this model; returns the
        archive's ``training_state`` (empty if none)."""
        from ..io.saving import load_state

        return load_state(self, filepath)

    def save_weights(self, filepath) -> None:
        """Write only the weights, as a safetensors file."""
        from ..io.saving import save_weights

        save_weights(self, filepath)

    def load_weights(self, filepath) -> None:
        """Read weights written by ``save_weights`` (or a ``.profundo`` archive) into this model."""
        from ..io.saving import load_weights

        load_weights(self, filepath)

    def export(self, filepath, format: str = "onnx", opset: int | None = None) -> None:
        """Write the model for other runtimes: ``format="onnx"`` (Keras 3's spelling), a file
        that opens in Netron and runs in ONNX Runtime (see ``profundo.io.onnx_export``)."""
        if format != "onnx":
            raise self.error(f"export supports format='onnx', got {format!r}")
        from ..io.onnx_export import DEFAULT_OPSET, export_onnx

        export_onnx(self, filepath, opset=opset or DEFAULT_OPSET)

    def to_json(self, **json_kwargs) -> str:
        """The architecture (no weights) as a JSON string; ``models.model_from_json`` reads it."""
        import json

        from ..layers.registry import serialize_layer

        return json.dumps(serialize_layer(self), **json_kwargs)

    def get_config(self) -> dict:
        if not self.is_functional:
            return super().get_config()
        from .graph_config import functional_config

        return functional_config(self)

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        if "layers" in config and "input_layers" in config:
            from .graph_config import functional_from_config

            return functional_from_config(cls, config, custom_objects)
        return cls(**config)


def _topological_nodes(outputs, inputs) -> list:
    """The nodes the outputs depend on, each after its parents (inputs' nodes first)."""
    order = topological_order([t.node for t in flatten(outputs)], lambda node: node.parents)
    input_nodes = {id(t.node) for t in flatten(inputs)}
    for node in order:
        if node.inputs is None and id(node) not in input_nodes:
            raise ValueError(
                f"Model: the outputs depend on the input {node.layer.name!r}, which is "
                f"not among the model's inputs"
            )
    return order


__all__ = ["Model", "InputLayer"]
