"""Chapter 8's checkers, each with a right and a wrong answer."""

import math

import numpy as np

from profundo.course import ch08


def output_size(n, k, stride, padding):
    return math.ceil(n / stride) if padding == "same" else (n - k) // stride + 1


def test_output_size():
    assert ch08.check_output_size(output_size)
    v = ch08.check_output_size(lambda n, k, s, p: n - k + 1)  # ignores stride and padding
    assert not v and "same" in v.message
    assert not ch08.check_output_size(lambda n, k, s, p: None)


def conv2d(image, kernel):
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i : i + kh, j : j + kw] * kernel)
    return out


def test_conv2d():
    assert ch08.check_conv2d(conv2d)
    v = ch08.check_conv2d(lambda image, kernel: conv2d(image, kernel[::-1, ::-1]))
    assert not v and "flip" in v.message
    assert not ch08.check_conv2d(lambda image, kernel: conv2d(image, kernel)[1:])
    assert not ch08.check_conv2d(lambda image, kernel: 2 * conv2d(image, kernel))


def test_vertical_edge_filter():
    assert ch08.check_vertical_edge_filter([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    assert not ch08.check_vertical_edge_filter([[-1, -2, -1], [0, 0, 0], [1, 2, 1]])  # horizontal
    v = ch08.check_vertical_edge_filter(np.ones((3, 3)) / 9)  # a blur
    assert not v
    assert not ch08.check_vertical_edge_filter(None)
    assert not ch08.check_vertical_edge_filter(np.ones((2, 2)))
