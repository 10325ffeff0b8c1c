"""plot_filters, feature maps, saliency, integrated gradients and Grad-CAM: checked against the
layers' own outputs, finite differences and a hand computation."""

import numpy as np
import pytest

pytest.importorskip("matplotlib")

import profundo as pf
from profundo import layers


def _cnn(classes=3, activation=None):
    return pf.Sequential(
        [
            layers.Input((8, 8, 2)),
            layers.Conv2D(4, 3, activation="tanh", name="conv"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(classes, activation=activation),
        ]
    )


def _image(seed=0, shape=(8, 8, 2)):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def test_plot_filters_shows_each_kernel_slice():
    model = _cnn()
    kernel = model.layers[0].get_weights()[0]
    fig = pf.viz.plot_filters(model.layers[0], channel=1)
    images = [a.get_images()[0].get_array() for a in fig.axes]
    assert len(images) == 4
    lo, hi = kernel[:, :, 1, :].min(), kernel[:, :, 1, :].max()
    for k, image in enumerate(images):
        np.testing.assert_allclose(image, (kernel[:, :, 1, k] - lo) / (hi - lo), rtol=1e-6)
    rgb = pf.viz.plot_filters(_rgb_layer())
    assert rgb.axes[0].get_images()[0].get_array().shape == (3, 3, 3)
    with pytest.raises(ValueError, match="no 2-D convolution kernel"):
        pf.viz.plot_filters(model.layers[-1])
    with pytest.raises(ValueError, match="2 input channels"):
        pf.viz.plot_filters(model.layers[0], channel=2)


def _rgb_layer():
    layer = layers.Conv2D(5, 3)
    layer(np.zeros((1, 6, 6, 3), "float32"))
    return layer


def test_feature_maps_equal_the_layers_outputs():
    model = _cnn()
    x = _image()
    maps = pf.viz.feature_maps(model, x)
    h = x[None]
    for layer in model.layers:
        h = layer(h).numpy()
        np.testing.assert_allclose(maps[layer.name], h[0], rtol=1e-5, atol=1e-6)
    fig = pf.viz.plot_feature_maps(model, x, layers=["conv", model.layers[1]], max_maps=4)
    assert len(fig.axes) == 8
    np.testing.assert_allclose(fig.axes[2].get_images()[0].get_array(), maps["conv"][:, :, 2])
    assert fig.axes[4].get_ylabel() == model.layers[1].name
    with pytest.raises(ValueError, match="one input"):
        pf.viz.feature_maps(model, np.stack([x, x]))


def _score(model, x, c):
    return float(model.predict(x[None].astype("float64"))[0, c])


def test_saliency_equals_finite_differences_of_the_class_score():
    pf.set_default_dtype("float64")
    try:
        model = _cnn()
        x = _image().astype("float64")
        heat = pf.viz.saliency(model, x, class_index=1)
        eps = 1e-6
        grad = np.zeros_like(x)
        for idx in np.ndindex(*x.shape):
            plus, minus = x.copy(), x.copy()
            plus[idx] += eps
            minus[idx] -= eps
            grad[idx] = (_score(model, plus, 1) - _score(model, minus, 1)) / (2 * eps)
        np.testing.assert_allclose(heat, np.abs(grad).max(-1), rtol=1e-5, atol=1e-8)
        assert all(w.grad is None for w in model.weights)

        attribution = pf.viz.integrated_gradients(model, x, 1, steps=64)
        total = _score(model, x, 1) - _score(model, np.zeros_like(x), 1)
        np.testing.assert_allclose(attribution.sum(), total, rtol=2e-3)
    finally:
        pf.set_default_dtype("float32")


def test_grad_cam_equals_the_hand_computation():
    """Conv → global average pooling → linear Dense: ∂y_c/∂A_ijk = W_kc / (H'W'), so the map is
    ReLU(Σ_k W_kc A_k) / (H'W'), scaled to a maximum of 1."""
    model = pf.Sequential(
        [
            layers.Input((7, 7, 1)),
            layers.Conv2D(3, 3, activation="relu"),
            layers.GlobalAveragePooling2D(),
            layers.Dense(2),
        ]
    )
    x = _image(3, (7, 7, 1))
    c = 1
    a = model.layers[0](x[None]).numpy()[0]  # (5, 5, 3)
    w = model.layers[-1].get_weights()[0]  # (3, 2)
    want = np.maximum(a @ w[:, c] / 25, 0)
    want /= want.max()
    got = pf.viz.grad_cam(model, x, c, upsample=False)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    full = pf.viz.grad_cam(model, x, c)
    assert full.shape == (7, 7) and 0 <= full.min() and full.max() <= 1
    np.testing.assert_allclose(full[1:-1, 1:-1][::1, ::1].mean(), want.mean(), atol=0.15)
    assert all(w.grad is None for w in model.weights)
    with pytest.raises(ValueError, match="class_index"):
        pf.viz.grad_cam(model, x, 5)


def test_grad_cam_in_a_functional_model_at_a_chosen_layer_and_plot_heatmap():
    inp = layers.Input((8, 8, 1))
    first = layers.Conv2D(2, 3, padding="same", activation="relu", name="first")(inp)
    second = layers.Conv2D(2, 3, padding="same", activation="relu")(first)
    out = layers.Dense(2)(layers.Flatten()(layers.Add()([first, second])))
    model = pf.Model(inp, out)
    x = _image(4, (8, 8, 1))
    heat = pf.viz.grad_cam(model, x, 0, layer="first")
    assert heat.shape == (8, 8)
    fig = pf.viz.plot_heatmap(x, heat, title="class 0")
    _, overlay = fig.axes[0].get_images()
    np.testing.assert_allclose(overlay.get_array(), heat)
    assert fig.axes[0].get_title() == "class 0"
    with pytest.raises(ValueError, match="heat shape"):
        pf.viz.plot_heatmap(x, heat[:4])


def test_resize_bilinear_keeps_constants_and_interpolates():
    from profundo.viz.attribution import resize_bilinear

    np.testing.assert_allclose(resize_bilinear(np.full((3, 3), 2.0), (9, 9)), 2.0)
    ramp = resize_bilinear(np.array([[0.0, 1.0]]), (1, 4))
    np.testing.assert_allclose(ramp, [[0, 0.25, 0.75, 1]])


def test_scores_are_taken_before_the_final_softmax():
    model = _cnn(activation="softmax")
    x = _image(5)
    heat = pf.viz.saliency(model, x, 2)
    cam = pf.viz.grad_cam(model, x, 2, upsample=False)
    model.layers[-1].activation = pf.ops.linear
    np.testing.assert_allclose(heat, pf.viz.saliency(model, x, 2), rtol=1e-6)
    np.testing.assert_allclose(cam, pf.viz.grad_cam(model, x, 2, upsample=False), rtol=1e-6)
    model.layers[-1].activation = pf.ops.softmax
    np.testing.assert_allclose(model.predict(x[None]).sum(), 1, rtol=1e-5)  # softmax restored
