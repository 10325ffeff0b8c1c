"""``load_torch_state_dict``: PyTorch weights into a profundo model, in Keras' layouts.

A PyTorch state dict names each tensor ``<module>.<param>`` (``fc1.weight``, ``conv.bias``,
``bn.running_mean``). Its modules are matched with the model's layers that have weights — in
order, or by ``mapping={"<module>": "<layer name>"}`` — and each tensor is put into the layout of
the Keras layer of the same kind:

    Linear            weight (out, in)            → Dense kernel (in, out) = weightᵀ; bias
    Conv1d/2d         weight (out, in, k…)        → kernel (k…, in, out)
    ConvTranspose2d   weight (in, out, kh, kw)    → Conv2DTranspose kernel (kh, kw, out, in)
    Conv2d, groups=C  weight (C·m, 1, kh, kw)     → DepthwiseConv2D kernel (kh, kw, C, m)
    BatchNorm         weight, bias, running_mean, running_var → gamma, beta, moving_mean,
                      moving_variance (set ``epsilon=1e-5``, PyTorch's, on the layer)
    LayerNorm, Embedding: the same arrays
    RNN / LSTM        weight_ih (g·u, in), weight_hh (g·u, u), b_ih + b_hh → kernel = weight_ihᵀ,
                      recurrent_kernel = weight_hhᵀ, bias (the gate orders i, f, g, o agree)
    GRU               rows r, z, n → Keras' z, r, h; bias (2, 3u) = [b_ih, b_hh] (reset_after)

A Dense layer right after ``Flatten`` of an image gets its input rows reordered: PyTorch
flattens (C, H, W), profundo — channels last — (H, W, C). ``num_batches_tracked`` is skipped.
"""

from __future__ import annotations

import numpy

from ..layers.symbolic import SymbolicTensor
from .saving import ModelFileError
from .torch_file import read_torch_file


class WeightMismatchError(ModelFileError):
    """The state dict and the model do not fit together: which weight, and both shapes."""


def _to_numpy(value):
    if isinstance(value, numpy.ndarray):
        return value
    if hasattr(value, "detach"):  # a torch.Tensor given in a dict
        return value.detach().cpu().numpy()
    return numpy.asarray(value)


def _state_dict(source) -> dict:
    state = read_torch_file(source) if not isinstance(source, dict) else source
    for key in ("state_dict", "model_state_dict", "model"):  # a training checkpoint
        if isinstance(state.get(key), dict):
            state = state[key]
            break
    return {k: _to_numpy(v) for k, v in state.items() if not k.endswith("num_batches_tracked")}


def _modules(state: dict) -> dict:
    """{module prefix: {param name: array}} in the order the state dict lists them."""
    modules: dict = {}
    for key, array in state.items():
        prefix, _, param = key.rpartition(".")
        modules.setdefault(prefix, {})[param] = array
    return modules


def _leaf_layers(layer) -> list:
    """The layers that own weights, nested models opened, in order."""
    subs = layer.layers if hasattr(layer, "layers") else layer._sublayers()
    if not subs or type(layer).__name__ in _CONVERTERS:
        return [layer] if layer.weights else []
    return [leaf for sub in subs for leaf in _leaf_layers(sub)]


# --- one converter per kind of layer: torch's arrays → the layer's get_weights() list -----------
def _linear(layer, t):
    kernel = t["weight"].T
    image = _flattened_image_shape(layer)
    if image is not None and kernel.shape[0] == numpy.prod(image):
        h, w, c = image  # rows in torch's (C, H, W) order → profundo's (H, W, C)
        kernel = kernel.reshape(c, h, w, -1).transpose(1, 2, 0, 3).reshape(h * w * c, -1)
    return [kernel] + ([t["bias"]] if "bias" in t else [])


def _conv(layer, t):
    w = t["weight"]
    return [w.transpose(*range(2, w.ndim), 1, 0)] + ([t["bias"]] if "bias" in t else [])


def _depthwise(layer, t):
    w = t["weight"]
    channels = layer.weights[0].shape[-2]
    kernel = w.reshape(channels, -1, *w.shape[2:]).transpose(2, 3, 0, 1)
    return [kernel] + ([t["bias"]] if "bias" in t else [])


def _batch_norm(layer, t):
    return [t[k] for k in ("weight", "bias") if k in t] + [t["running_mean"], t["running_var"]]


def _same(layer, t):
    return [t[k] for k in ("weight", "bias") if k in t]


def _recurrent(layer, t, rows=lambda m: m):
    extra = sorted(k for k in t if not k.endswith("_l0"))
    if extra:
        raise WeightMismatchError(
            f"load_torch_state_dict: layer {layer.name!r} "
            f"({type(layer).__name__}) takes one PyTorch layer (…_l0); got "
            f"{extra}: make one profundo layer per torch layer and map them"
        )
    out = [rows(t["weight_ih_l0"]).T, rows(t["weight_hh_l0"]).T]
    if "bias_ih_l0" in t:
        b_ih, b_hh = rows(t["bias_ih_l0"]), rows(t["bias_hh_l0"])
        out.append(numpy.stack([b_ih, b_hh]) if type(layer).__name__ == "GRU" else b_ih + b_hh)
    return out


def _zrn(m):
    """PyTorch's GRU rows (r, z, n) in Keras' order (z, r, h)."""
    r, z, n = numpy.split(m, 3, axis=0)
    return numpy.concatenate([z, r, n])


def _gru(layer, t):
    if not getattr(layer, "reset_after", True):
        raise WeightMismatchError(
            f"load_torch_state_dict: GRU {layer.name!r} has reset_after=False; "
            f"PyTorch's GRU is reset_after=True"
        )
    return _recurrent(layer, t, _zrn)


_CONVERTERS = {
    "Dense": _linear,
    "Conv1D": _conv,
    "Conv2D": _conv,
    "Conv2DTranspose": _conv,
    "DepthwiseConv2D": _depthwise,
    "BatchNormalization": _batch_norm,
    "LayerNormalization": _same,
    "Embedding": _same,
    "SimpleRNN": _recurrent,
    "LSTM": _recurrent,
    "GRU": _gru,
}


def _flattened_image_shape(layer):
    """(H, W, C) when the layer's input is ``Flatten`` of an image in a graph, else None."""
    for node in layer.inbound_nodes[:1]:
        source = node.inputs
        if isinstance(source, SymbolicTensor) and type(source.node.layer).__name__ == "Flatten":
            shape = source.node.inputs.shape
            return tuple(shape[1:]) if len(shape) == 4 else None
    return None


def load_torch_state_dict(model, path_or_dict, mapping: dict | None = None) -> None:
    """Set ``model``'s weights from a PyTorch state dict (a ``.pt``/``.pth``/``.safetensors`` file,
    read without running code, or a dict of arrays/tensors), converting each to Keras' layout.

    ``mapping``: ``{"<torch module>": "<layer name>"}`` for the modules to load; without it, the
    state dict's modules are matched in order with the model's layers that have weights."""
    modules = _modules(_state_dict(path_or_dict))
    targets = _leaf_layers(model)
    if mapping is None:
        if len(modules) != len(targets):
            raise WeightMismatchError(
                f"load_torch_state_dict: the state dict has {len(modules)} modules with weights "
                f"({', '.join(modules)}), {model.name} has {len(targets)} layers with weights "
                f"({', '.join(layer.name for layer in targets)}); "
                "give mapping={module: layer name}"
            )
        pairs = list(zip(modules.items(), targets))
    else:
        unknown = sorted(set(mapping) - set(modules))
        if unknown:
            raise WeightMismatchError(
                f"load_torch_state_dict: mapping names modules {unknown} that "
                f"the state dict lacks; it has {list(modules)}"
            )
        by_name = {layer.name: layer for layer in targets}
        missing = sorted(set(mapping.values()) - set(by_name))
        if missing:
            raise WeightMismatchError(
                f"load_torch_state_dict: mapping names layers {missing} that "
                f"{model.name} lacks (or that have no weights); it has "
                f"{list(by_name)}"
            )
        pairs = [((m, modules[m]), by_name[name]) for m, name in mapping.items()]
    converted = []
    for (prefix, tensors), layer in pairs:
        kind = type(layer).__name__
        if kind not in _CONVERTERS:
            raise WeightMismatchError(
                f"load_torch_state_dict: cannot convert PyTorch weights into "
                f"{kind} {layer.name!r}; convertible: {', '.join(_CONVERTERS)}"
            )
        try:
            arrays = _CONVERTERS[kind](layer, tensors)
        except KeyError as err:
            raise WeightMismatchError(
                f"load_torch_state_dict: module {prefix!r} has no {err.args[0]!r} "
                f"for {kind} {layer.name!r}; it has {sorted(tensors)}"
            ) from None
        own = layer.weights
        if len(arrays) != len(own):
            raise WeightMismatchError(
                f"load_torch_state_dict: module {prefix!r} gives {len(arrays)} "
                f"arrays, {kind} {layer.name!r} has {len(own)} weights"
            )
        for w, a in zip(own, arrays):
            if tuple(a.shape) != tuple(w.shape):
                raise WeightMismatchError(
                    f"load_torch_state_dict: {prefix!r} → {w.name}: the layer needs shape "
                    f"{tuple(w.shape)}, the PyTorch weights give {tuple(a.shape)} (from "
                    f"{ {k: v.shape for k, v in tensors.items()} })"
                )
        converted.append((layer, arrays))
    for layer, arrays in converted:  # all checked first: nothing half-loaded
        layer.set_weights(arrays)
