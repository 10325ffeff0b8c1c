"""Building an ONNX graph node by node: what the layer converters of ``onnx_layers`` write into.

>>> g = OnnxGraph(opset=17)
>>> y = g.op("MatMul", [x, g.const(kernel, "dense/kernel")], "dense")  # doctest: +SKIP
>>> y = g.op("Add", [y, g.const(bias, "dense/bias")], "dense")  # doctest: +SKIP

Names are made unique (``dense``, ``dense_1``...). Constants become initializers: float arrays in
float32, integer arrays in int64. The graph is assembled with the ``onnx`` package's helpers.
"""

from __future__ import annotations

import numpy


class OnnxGraph:
    """Nodes and initializers of one ONNX graph under construction, for one opset."""

    def __init__(self, opset: int):
        from onnx import helper, numpy_helper

        self.helper, self.numpy_helper = helper, numpy_helper
        self.opset = opset
        self.nodes: list = []
        self.initializers: list = []
        self._used: set[str] = set()

    def name(self, base: str) -> str:
        """``base``, or ``base_1``, ``base_2``... if taken."""
        name, n = base, 0
        while name in self._used:
            n += 1
            name = f"{base}_{n}"
        self._used.add(name)
        return name

    def const(self, array, base: str) -> str:
        array = numpy.asarray(array)
        array = array.astype(numpy.int64 if array.dtype.kind in "iub" else numpy.float32)
        name = self.name(base)
        self.initializers.append(self.numpy_helper.from_array(array, name))
        return name

    def op(self, op_type: str, inputs, base: str, outputs: int = 1, **attributes):
        """Add one node; returns its output name (a list of them for ``outputs`` > 1). An empty
        string among ``inputs`` leaves an optional input out."""
        names = [self.name(base if outputs == 1 else f"{base}/{k}") for k in range(outputs)]
        self.nodes.append(
            self.helper.make_node(
                op_type, list(inputs), names, name=self.name(f"{base}/{op_type}"), **attributes
            )
        )
        return names[0] if outputs == 1 else names

    # --- a few compound operations the converters share ---------------------------------------
    def reduce(self, op_type: str, x: str, axes, base: str, keepdims: bool = True) -> str:
        """ReduceMean/ReduceMax/... over ``axes`` (an input from opset 18, an attribute before)."""
        if self.opset >= 18 or op_type == "ReduceSum":
            return self.op(
                op_type, [x, self.const(list(axes), f"{base}/axes")], base, keepdims=int(keepdims)
            )
        return self.op(op_type, [x], base, axes=list(axes), keepdims=int(keepdims))

    def transpose(self, x: str, perm, base: str) -> str:
        return self.op("Transpose", [x], base, perm=list(perm))

    def model(self, inputs, outputs, name: str, metadata=None):
        """The ``onnx.ModelProto``: ``inputs``/``outputs`` as (name, shape) with None for unknown
        sizes (named ``batch`` on the first axis)."""
        from onnx import TensorProto

        def value_info(name, shape):
            dims = [
                "batch" if n is None and i == 0 else (f"{name}_{i}" if n is None else n)
                for i, n in enumerate(shape)
            ]
            return self.helper.make_tensor_value_info(name, TensorProto.FLOAT, dims)

        graph = self.helper.make_graph(
            self.nodes,
            name,
            [value_info(*i) for i in inputs],
            [value_info(*o) for o in outputs],
            self.initializers,
        )
        model = self.helper.make_model(
            graph,
            producer_name="profundo",
            opset_imports=[self.helper.make_opsetid("", self.opset)],
        )
        for key, value in (metadata or {}).items():
            model.metadata_props.add(key=key, value=value)
        return model
