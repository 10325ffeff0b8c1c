"""The TensorBoard callback: its event files, read back with TensorBoard's own reader."""

import numpy as np
import pytest

pytest.importorskip("tensorboardX")
event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")

import profundo as pf
from profundo import callbacks, layers


def _read(run_dir):
    acc = event_accumulator.EventAccumulator(
        str(run_dir), size_guidance={"images": 0, "histograms": 0}
    )
    acc.Reload()
    return acc


def _data(n=64):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 6, 6, 1)).astype("float32")
    return x, (x.mean((1, 2, 3)) > 0).astype(int)


def _model():
    model = pf.Sequential(
        [
            layers.Input((6, 6, 1)),
            layers.Conv2D(3, 3, activation="relu"),
            layers.Flatten(),
            layers.Dense(2, activation="softmax"),
        ]
    )
    model.compile(pf.optimizers.Adam(0.01), "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_epoch_scalars_histograms_images_graph_and_hparams(tmp_path):
    x, y = _data()
    model = _model()
    tb = callbacks.TensorBoard(
        tmp_path,
        histogram_freq=1,
        write_images=True,
        hparams={"optimizer": "adam", "learning_rate": 0.01},
    )
    history = model.fit(
        x, y, epochs=3, batch_size=16, validation_split=0.25, verbose=0, callbacks=[tb]
    )
    train, val = _read(tmp_path / "train"), _read(tmp_path / "validation")
    for name in ("loss", "accuracy"):
        events = train.Scalars(f"epoch_{name}")
        assert [e.step for e in events] == [0, 1, 2]
        np.testing.assert_allclose([e.value for e in events], history.history[name], rtol=1e-6)
        np.testing.assert_allclose(
            [e.value for e in val.Scalars(f"epoch_{name}")],
            history.history[f"val_{name}"],
            rtol=1e-6,
        )
    np.testing.assert_allclose([e.value for e in train.Scalars("epoch_learning_rate")], 0.01)

    tags = train.Tags()
    kernel = model.layers[-1].get_weights()[0]
    assert f"{model.layers[-1].name}/kernel/histogram" in tags["histograms"]
    last = train.Histograms(f"{model.layers[-1].name}/kernel/histogram")[-1].histogram_value
    assert last.num == kernel.size
    np.testing.assert_allclose(
        [last.min, last.max, last.sum], [kernel.min(), kernel.max(), kernel.sum()], rtol=1e-5
    )
    conv_images = train.Images(f"{model.layers[0].name}/kernel/image")
    assert len(conv_images) == 3  # one per epoch: the 3 filters in a row
    assert (conv_images[0].width, conv_images[0].height) == (3 * 3, 3)

    graph = train.Graph()
    ops = {node.name: node.op for node in graph.node}
    assert list(ops.values()) == ["InputLayer", "Conv2D", "Flatten", "Dense"]
    conv, flatten = graph.node[1], graph.node[2]
    assert list(flatten.input) == [conv.name]
    assert [d.size for d in conv.attr["_output_shapes"].list.shape[0].dim] == [-1, 4, 4, 3]

    from tensorboard.plugins.hparams import plugin_data_pb2

    hp = _read(tmp_path / "train" / "hparams").PluginTagToContent("hparams")
    start = plugin_data_pb2.HParamsPluginData.FromString(hp["_hparams_/session_start_info"])
    assert start.session_start_info.hparams["optimizer"].string_value == "adam"
    assert start.session_start_info.hparams["learning_rate"].number_value == 0.01


def test_batch_scalars_every_n_batches(tmp_path):
    x, y = _data()
    tb = callbacks.TensorBoard(
        tmp_path, update_freq=2, write_graph=False, write_steps_per_second=True
    )
    _model().fit(x, y, epochs=2, batch_size=16, verbose=0, callbacks=[tb])  # 4 batches an epoch
    train = _read(tmp_path / "train")
    assert [e.step for e in train.Scalars("batch_loss")] == [2, 4, 6, 8]
    assert all(e.value > 0 for e in train.Scalars("epoch_steps_per_second"))
    assert "epoch_loss" in train.Tags()["scalars"] and not train.Tags()["histograms"]
    with pytest.raises(ValueError, match="update_freq"):
        callbacks.TensorBoard(tmp_path, update_freq="sometimes")
    with pytest.raises(NotImplementedError, match="profile_batch"):
        callbacks.TensorBoard(tmp_path, profile_batch=(2, 4))
