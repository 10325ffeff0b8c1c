"""Seconds, not goals: how long ONNX export and the heat maps take on the zoo models, and ONNX
Runtime's inference beside profundo's own (same machine, same thread count, interleaved).

For each zoo model (random weights: the times do not depend on training):
- export: ``to_onnx`` (graph, initializers, ``onnx.checker``) and serializing to bytes;
- Grad-CAM and saliency of one image (one forward and one backward pass each);
- predict on a batch of 64 in profundo and in ONNX Runtime (one intra-op thread by default).

Run:  .venv/bin/python bench/viz_onnx.py [--repeats 5] [--threads 1]
"""

from __future__ import annotations

import argparse

import numpy as np
import onnxruntime as ort
from harness import add_arguments, header, interleaved, set_threads

import profundo as pf
from profundo.io.onnx_export import to_onnx
from profundo.layers.nest import flatten
from profundo.models import zoo


def main():
    args = add_arguments(argparse.ArgumentParser(description=__doc__), repeats=5).parse_args()
    threads = set_threads(args.threads)
    print(header("ONNX export, Grad-CAM, saliency, ONNX Runtime", threads))
    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = threads
    rng = np.random.default_rng(0)
    print("median wall ms (CPU ms) per call")
    print(
        f"{'model':<14}{'export':>16}{'Grad-CAM':>16}{'saliency':>16}"
        f"{'predict 64':>16}{'ONNX Runtime 64':>18}"
    )
    for build in (zoo.lenet5, zoo.vgg_small, zoo.resnet_small):
        pf.manual_seed(0)
        model = build()
        shape = flatten(model.inputs)[0].shape[1:]
        image = rng.random(shape, dtype=np.float32)
        batch = rng.random((64, *shape), dtype=np.float32)
        session = ort.InferenceSession(
            to_onnx(model).SerializeToString(), options, providers=["CPUExecutionProvider"]
        )
        feed = {session.get_inputs()[0].name: batch}
        np.testing.assert_allclose(
            session.run(None, feed)[0], model.predict(batch, batch_size=64), rtol=1e-4, atol=1e-5
        )
        t = interleaved(
            {
                "export": lambda: to_onnx(model).SerializeToString(),
                "grad_cam": lambda: pf.viz.grad_cam(model, image, 0),
                "saliency": lambda: pf.viz.saliency(model, image, 0),
                "predict": lambda: model.predict(batch, batch_size=64),
                "onnxruntime": lambda: session.run(None, feed),
            },
            repeats=args.repeats,
            warmup=1,
        )
        cells = [
            f"{t[k].median * 1e3:.1f} ({t[k].cpu_median * 1e3:.1f})"
            for k in ("export", "grad_cam", "saliency", "predict", "onnxruntime")
        ]
        print(f"{model.name:<14}" + "".join(f"{c:>16}" for c in cells[:4]) + f"{cells[4]:>18}")


if __name__ == "__main__":
    main()
