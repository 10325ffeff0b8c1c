"""Seeing inside a convolutional network: what it learned and where it looks.

Trains a small CNN on MNIST, then draws, into a folder:

    history.png           learning curves (loss and accuracy, training and validation)
    confusion_matrix.png  which digits it mistakes for which
    filters.png           the 3×3 filters of the first convolution (edge and stroke detectors)
    feature_maps.png      what each convolution and pooling outputs for one test digit
    grad_cam.png          Grad-CAM heat maps of 8 test digits: where the evidence for the
                          predicted class lies (warm = more)
    saliency.png          the same digits' saliency: the pixels the score is most sensitive to

Run:   python examples/seeing_inside.py [OUT_DIR]     (about 2 minutes on 2 cores)
Needs: pip install 'profundo[viz]'; MNIST is downloaded on first use (or taken from
       PROFUNDO_DATASETS_MIRROR, see examples/mnist_cnn.py).
"""

import sys
from pathlib import Path

import numpy as np

import profundo as pf
from profundo import datasets, layers


def load_mnist(n_train):
    try:
        (x_train, y_train), (x_test, y_test) = datasets.mnist.load_data()
    except datasets.DatasetError as err:
        sys.exit(
            f"MNIST is not available here: {err}\n\nConnect to the internet, or set "
            f"PROFUNDO_DATASETS_MIRROR to a folder holding mnist/*-ubyte.gz."
        )
    scale = np.float32(1 / 255)
    return (x_train[:n_train, ..., None] * scale, y_train[:n_train]), (
        x_test[..., None] * scale,
        y_test,
    )


def build_model():
    return pf.Sequential(
        [
            layers.Input((28, 28, 1)),
            layers.Conv2D(16, 3, activation="relu", name="conv1"),
            layers.MaxPooling2D(2, name="pool1"),
            layers.Conv2D(32, 3, activation="relu", name="conv2"),
            layers.MaxPooling2D(2, name="pool2"),
            layers.Flatten(),
            layers.Dense(10, activation="softmax"),
        ],
        name="small_cnn",
    )


def heat_grid(model, images, labels, method):
    """A 2 × 4 grid of the images with their heat maps for the predicted class."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 4.4), layout="constrained")
    predicted = model.predict(images).argmax(1)
    for ax, image, label, guess in zip(fig.subplots(2, 4).ravel(), images, labels, predicted):
        heat = method(model, image, int(guess))
        pf.viz.plot_heatmap(image, heat, title=f"true {label}, predicted {guess}", ax=ax)
    return fig


def main(out_dir="seeing_inside", epochs=3, n_train=20000, verbose="auto"):
    pf.manual_seed(0)
    (x_train, y_train), (x_test, y_test) = load_mnist(n_train)
    model = build_model()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(
        x_train, y_train, batch_size=64, epochs=epochs, validation_split=0.1, verbose=verbose
    )
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"test accuracy: {accuracy:.2%}")

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    figures = {
        "history": pf.viz.plot_history(history),
        "confusion_matrix": pf.viz.plot_confusion_matrix(y_test, model.predict(x_test)),
        "filters": pf.viz.plot_filters(model.get_layer("conv1")),
        "feature_maps": pf.viz.plot_feature_maps(
            model, x_test[0], layers=["conv1", "pool1", "conv2", "pool2"]
        ),
        "grad_cam": heat_grid(model, x_test[:8], y_test[:8], pf.viz.grad_cam),
        "saliency": heat_grid(model, x_test[:8], y_test[:8], pf.viz.saliency),
    }
    paths = {}
    for name, fig in figures.items():
        paths[name] = out / f"{name}.png"
        fig.savefig(paths[name], dpi=80)
    print(f"wrote {', '.join(p.name for p in paths.values())} to {out}/")
    return accuracy, paths


if __name__ == "__main__":
    main(*sys.argv[1:2])
