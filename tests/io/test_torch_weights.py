"""PyTorch weights into profundo models: files written by real PyTorch, read without running code;
each converted layer computes what the PyTorch module computes."""

import pickle
import zipfile

import numpy as np
import pytest

import profundo as pf
from profundo import layers
from profundo.io import (
    TorchFileError,
    WeightMismatchError,
    load_torch_state_dict,
    read_torch_file,
)
from profundo.testing import assert_close

torch = pytest.importorskip("torch")
nn = torch.nn


def run_both(torch_model, model, x_nhwc, path=None, **kwargs):
    torch_model.eval()
    load_torch_state_dict(model, path if path is not None else torch_model.state_dict(), **kwargs)
    with torch.no_grad():
        x = torch.tensor(np.moveaxis(x_nhwc, -1, 1) if x_nhwc.ndim == 4 else x_nhwc)
        expected = torch_model(x).numpy()
    return model.predict(x_nhwc, verbose=0), expected


def test_a_cnn_saved_by_torch_save_gives_the_same_outputs(tmp_path):
    torch.manual_seed(0)
    net = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1),
        nn.BatchNorm2d(8, eps=1e-3),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(8, 4, 3),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(4 * 2 * 2, 5),
    )
    net.train()
    net(torch.randn(16, 3, 8, 8))  # moving statistics away from 0 and 1
    torch.save(net.state_dict(), tmp_path / "cnn.pt")
    model = pf.Sequential(
        [
            layers.Input((8, 8, 3)),
            layers.Conv2D(8, 3, padding="same"),
            layers.BatchNormalization(),
            layers.ReLU(),
            layers.MaxPooling2D(2),
            layers.Conv2D(4, 3, activation="relu"),
            layers.Flatten(),
            layers.Dense(5),
        ]
    )
    x = np.random.default_rng(0).normal(size=(3, 8, 8, 3)).astype(np.float32)
    ours, theirs = run_both(net, model, x, tmp_path / "cnn.pt")
    assert_close(ours, theirs, rtol=1e-4, atol=1e-5)


def test_safetensors_and_a_mapping_by_name(tmp_path):
    st = pytest.importorskip("safetensors.torch")
    torch.manual_seed(1)
    net = nn.Sequential(nn.Linear(6, 4), nn.Tanh(), nn.Linear(4, 2))
    st.save_file(net.state_dict(), str(tmp_path / "mlp.safetensors"))
    model = pf.Sequential(
        [
            layers.Input((6,)),
            layers.Dense(4, activation="tanh", name="hidden"),
            layers.Dense(2, name="head"),
        ]
    )
    x = np.random.default_rng(1).normal(size=(5, 6)).astype(np.float32)
    ours, theirs = run_both(
        net, model, x, tmp_path / "mlp.safetensors", mapping={"2": "head", "0": "hidden"}
    )
    assert_close(ours, theirs, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
def test_recurrent_layers_gate_orders(kind):
    torch.manual_seed(2)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = getattr(nn, kind)(3, 5, batch_first=True)

        def forward(self, x):
            return self.rnn(x)[0]

    ours_layer = {"LSTM": layers.LSTM, "GRU": layers.GRU, "RNN": layers.SimpleRNN}[kind]
    model = pf.Sequential([layers.Input((4, 3)), ours_layer(5, return_sequences=True)])
    x = np.random.default_rng(2).normal(size=(2, 4, 3)).astype(np.float32)
    ours, theirs = run_both(Net(), model, x)
    assert_close(ours, theirs, rtol=1e-4, atol=1e-5)


def test_transposed_and_depthwise_convolutions_and_a_checkpoint_dict():
    torch.manual_seed(3)
    net = nn.Sequential(nn.Conv2d(4, 8, 3, groups=4), nn.ConvTranspose2d(8, 3, 3, stride=2))
    model = pf.Sequential(
        [
            layers.Input((6, 6, 4)),
            layers.DepthwiseConv2D(3, depth_multiplier=2),
            layers.Conv2DTranspose(3, 3, strides=2),
        ]
    )
    x = np.random.default_rng(3).normal(size=(2, 6, 6, 4)).astype(np.float32)
    load_torch_state_dict(model, {"epoch": 3, "model_state_dict": net.state_dict()})
    with torch.no_grad():
        theirs = net(torch.tensor(np.moveaxis(x, -1, 1))).numpy()
    assert_close(model.predict(x, verbose=0), np.moveaxis(theirs, 1, -1), rtol=1e-4, atol=1e-5)


def test_a_shape_mismatch_names_the_weight_and_both_shapes():
    net = nn.Sequential(nn.Linear(6, 3))
    model = pf.Sequential([layers.Input((6,)), layers.Dense(4)])
    before = model.get_weights()
    with pytest.raises(
        WeightMismatchError,
        match=r"'0' → dense\S*/kernel: the layer needs shape "
        r"\(6, 4\), the PyTorch weights give \(6, 3\)",
    ):
        load_torch_state_dict(model, net.state_dict())
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    with pytest.raises(WeightMismatchError, match="2 modules with weights.*1 layers with weights"):
        load_torch_state_dict(model, nn.Sequential(nn.Linear(6, 4), nn.Linear(4, 4)).state_dict())


def test_a_pickle_that_names_code_is_refused_before_anything_runs(tmp_path):
    class Evil:
        def __reduce__(self):
            return (print, ("this must not run",))

    torch.save({"w": torch.zeros(2)}, tmp_path / "ok.pt")
    with (
        zipfile.ZipFile(tmp_path / "ok.pt") as src,
        zipfile.ZipFile(tmp_path / "evil.pt", "w") as dst,
    ):
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("data.pkl"):
                data = pickle.dumps({"w": Evil()}, protocol=2)
            dst.writestr(info, data)
    with pytest.raises(TorchFileError, match=r"names \S*\.print"):
        read_torch_file(tmp_path / "evil.pt")
    torch.save(nn.Linear(2, 2), tmp_path / "module.pt")  # a whole module, not its state
    with pytest.raises(TorchFileError, match=r"save model.state_dict\(\)"):
        read_torch_file(tmp_path / "module.pt")


def test_a_storage_smaller_than_its_tensor_is_refused(tmp_path):
    torch.save({"w": torch.zeros(4)}, tmp_path / "w.pt")
    with (
        zipfile.ZipFile(tmp_path / "w.pt") as src,
        zipfile.ZipFile(tmp_path / "bad.pt", "w") as dst,
    ):
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, data[:8] if info.filename.endswith("data/0") else data)
    with pytest.raises(TorchFileError, match="bytes for 4 elements"):
        read_torch_file(tmp_path / "bad.pt")
