"""Chapter 8 — convolutional networks: the checkers of its exercises.

The output size of a convolution against the shapes ``pf.conv2d`` gives, a convolution written by
hand against ``pf.conv2d`` (cross-correlation, as every deep-learning library computes it), and a
3×3 filter that finds vertical edges, judged by its responses to a vertical edge, a horizontal
edge and a flat image.
"""

from __future__ import annotations

import numpy as np

from .verdict import checker, returns_none, verdict

#: (n, k, stride, padding) cases of the output-size exercise
SIZE_CASES = (
    (28, 3, 1, "valid"),
    (28, 3, 1, "same"),
    (28, 5, 2, "valid"),
    (28, 5, 2, "same"),
    (7, 2, 2, "valid"),
    (7, 3, 3, "same"),
    (32, 4, 1, "valid"),
    (9, 1, 4, "valid"),
)


def conv_output_size(n: int, k: int, stride: int, padding: str) -> int:
    """The side of a convolution's output, as ``pf.conv2d`` computes it on an n×n image."""
    from ..ops import conv2d

    x = np.zeros((1, n, n, 1), np.float32)
    return conv2d(x, np.zeros((k, k, 1, 1), np.float32), strides=stride, padding=padding).shape[1]


@checker
def check_output_size(fn):
    """Exercise 1: ``fn(n, k, stride, padding)`` is the output side of a k×k convolution with
    that stride and padding ("valid" or "same") on an n×n input."""
    wrong = []
    for n, k, stride, padding in SIZE_CASES:
        got, want = fn(n, k, stride, padding), conv_output_size(n, k, stride, padding)
        if got is None:
            return returns_none("escribe la fórmula", "write the formula")
        if int(got) != want:
            wrong.append(f"n={n}, k={k}, stride={stride}, {padding}: {got} ≠ {want}")
    if not wrong:
        return verdict(
            True,
            es=f"tus tamaños coinciden con pf.conv2d en los {len(SIZE_CASES)} casos.",
            en=f"your sizes match pf.conv2d in all {len(SIZE_CASES)} cases.",
        )
    return verdict(
        False,
        es="no coincide con pf.conv2d (tuyo ≠ pf.conv2d): " + "; ".join(wrong),
        en="it differs from pf.conv2d (yours ≠ pf.conv2d): " + "; ".join(wrong),
    )


@checker
def check_conv2d(fn):
    """Exercise 2: ``fn(image, kernel)`` is the "valid" convolution of a 2-D image (H, W) with a
    2-D kernel (kh, kw): y[i, j] = Σ_u Σ_v image[i + u, j + v] · kernel[u, v]."""
    from ..ops import conv2d

    rng = np.random.default_rng(8)
    image, kernel = rng.normal(size=(6, 7)), rng.normal(size=(3, 2))
    want = conv2d(image[None, :, :, None], kernel[:, :, None, None]).numpy()[0, :, :, 0]
    got = fn(image, kernel)
    if got is None:
        return returns_none("escribe la convolución", "write the convolution")
    got = np.asarray(got, dtype=np.float64)
    if got.shape != want.shape:
        return verdict(
            False,
            es=f"la salida tiene forma {got.shape}; una imagen 6×7 y un kernel "
            f"3×2 dan {want.shape} en modo 'valid'.",
            en=f"the output has shape {got.shape}; a 6×7 image and a 3×2 kernel give "
            f"{want.shape} in 'valid' mode.",
        )
    if np.allclose(got, want, rtol=1e-4, atol=1e-5):
        return verdict(
            True,
            es="tu convolución coincide con pf.conv2d.",
            en="your convolution matches pf.conv2d.",
        )
    flipped = conv2d(image[None, :, :, None], kernel[::-1, ::-1, None, None]).numpy()[0, :, :, 0]
    if np.allclose(got, flipped, rtol=1e-4, atol=1e-5):
        return verdict(
            False,
            es="has girado el kernel (la convolución de los matemáticos); las "
            "redes usan la correlación: image[i + u, j + v] · kernel[u, v].",
            en="you flipped the kernel (the mathematicians' convolution); networks use "
            "cross-correlation: image[i + u, j + v] · kernel[u, v].",
        )
    return verdict(
        False,
        es="no coincide con pf.conv2d: revisa los índices de la suma.",
        en="it differs from pf.conv2d: check the indices of the sum.",
    )


def edge_images(size: int = 8) -> dict:
    """A vertical edge (dark left, bright right), a horizontal one, and a flat grey image."""
    vertical = np.zeros((size, size))
    vertical[:, size // 2 :] = 1.0
    return {
        "vertical": vertical,
        "horizontal": vertical.T.copy(),
        "flat": np.full((size, size), 0.5),
    }


def filter_response(kernel, image) -> float:
    """The largest |response| of a 3×3 filter anywhere on the image ("valid")."""
    from ..ops import conv2d

    kernel = np.asarray(kernel, dtype=np.float32)
    out = conv2d(image[None, :, :, None].astype(np.float32), kernel[:, :, None, None]).numpy()
    return float(np.abs(out).max())


@checker
def check_vertical_edge_filter(kernel):
    """Exercise 3: a 3×3 ``kernel`` that answers a vertical edge (≥ 1) and nearly ignores a
    horizontal edge and a flat image (≤ 10% of its answer to the vertical one)."""
    if kernel is None:
        return verdict(
            False,
            es="escribe los 9 pesos del filtro, una matriz 3×3.",
            en="write the filter's 9 weights, a 3×3 array.",
        )
    kernel = np.asarray(kernel, dtype=np.float64)
    if kernel.shape != (3, 3):
        return verdict(
            False,
            es=f"el filtro debe ser 3×3; el tuyo es {kernel.shape}.",
            en=f"the filter must be 3×3; yours is {kernel.shape}.",
        )
    r = {name: filter_response(kernel, image) for name, image in edge_images().items()}
    if r["vertical"] < 1:
        return verdict(
            False,
            es=f"apenas responde al borde vertical ({r['vertical']:.2f} < 1): "
            f"haz que reste la columna izquierda y sume la derecha.",
            en=f"it hardly answers the vertical edge ({r['vertical']:.2f} < 1): make "
            f"it subtract the left column and add the right one.",
        )
    for name, es, en in (
        ("horizontal", "un borde horizontal", "a horizontal edge"),
        ("flat", "una imagen uniforme", "a flat image"),
    ):
        if r[name] > 0.1 * r["vertical"]:
            return verdict(
                False,
                es=f"también responde a {es} ({r[name]:.2f} frente a "
                f"{r['vertical']:.2f}): que cada fila del filtro sume 0.",
                en=f"it also answers {en} ({r[name]:.2f} against {r['vertical']:.2f}): "
                f"make each row of the filter sum to 0.",
            )
    return verdict(
        True,
        es=f"responde {r['vertical']:.2f} al borde vertical y casi nada a los demás.",
        en=f"it answers the vertical edge with {r['vertical']:.2f} and the others hardly at all.",
    )
