"""The session's state machine: configure, play, pause, step, reset, edit weights, export."""

import base64
import json
import math
import struct
import threading

import numpy as np
import pytest

pytest.importorskip("pydantic")

import profundo as pf  # noqa: E402
from profundo.playground.render import unpack_frame  # noqa: E402
from profundo.playground.schema import Config, MessageError, parse_message  # noqa: E402
from profundo.playground.session import Session  # noqa: E402


def send(session, type, **fields):
    """Apply a message given as keyword fields; returns (json replies, decoded frames)."""
    replies = session.handle(parse_message(json.dumps({"type": type, **fields})))
    frames = [unpack_frame(r) for r in replies if isinstance(r, bytes)]
    return [r for r in replies if isinstance(r, dict)], frames


def configure(session, **fields):
    return send(session, "config", config=fields)


@pytest.fixture
def session():
    return Session(Config(n_points=100, hidden=[3]))


def test_a_new_session_is_paused_at_epoch_zero_with_a_frame_to_show(session):
    assert not session.playing and session.epoch == 0 and session.status is None
    header, maps = unpack_frame(session.frame())
    assert header["layout"] == [2, 3, 1] and header["features"] == ["x1", "x2"]
    assert header["epoch"] == 0 and header["playing"] is False
    assert [m.shape for m in maps] == [(25, 25)] * (7 + 3) + [(100, 100)]  # all features: once
    assert unpack_frame(session.frame())[0]["maps"] == [25] * 3 + [100]
    assert len(header["weights"]) == 2 and np.shape(header["weights"][0]["kernel"]) == (2, 3)
    assert header["losses"][0][0] == 0 and header["config"]["hidden"] == [3]
    assert "points" not in header["config"]


def test_config_rebuilds_data_and_network(session):
    replies, frames = configure(
        session, dataset="xor", n_points=60, hidden=[4, 4], features=["x1", "x2", "x1x2"]
    )
    data = replies[0]
    assert data["type"] == "data" and data["run"] == 2
    assert len(data["train"]) == 30 and len(data["test"]) == 30
    assert {row[2] for row in data["train"]} <= {-1.0, 1.0}
    header, maps = frames[0]
    assert header["layout"] == [3, 4, 4, 1] and len(maps) == 7 + 4 + 4 + 1


def test_the_first_config_gets_the_points_even_when_it_equals_the_default():
    """The plain address sends the default config first: the page must still get its points."""
    fresh = Session()
    replies, _ = send(fresh, "config", config=Config().model_dump(exclude={"points"}))
    assert [r["type"] for r in replies] == ["data"] and len(replies[0]["train"]) > 0
    replies, _ = send(fresh, "config", config=Config().model_dump(exclude={"points"}))
    assert replies == []  # the page has them: not sent again
    replies, _ = send(
        fresh, "config", config={**Config().model_dump(exclude={"points"}), "learning_rate": 0.1}
    )
    assert replies == []  # a live setting keeps the data


def test_play_pause_step_and_reset_move_between_states(session):
    send(session, "play")
    assert session.playing
    header, _ = unpack_frame(session.advance(budget=0.0))  # one mini-batch of 10: a frame
    assert header["epoch"] == 0 and header["playing"]  # long before the epoch ends
    for _ in range(4):  # 50 training points: 5 batches
        session.advance(budget=0.0)
    assert session.epoch == 1
    send(session, "pause")
    assert not session.playing
    session.advance(budget=0.0)  # paused: no training
    assert session.epoch == 1
    _, frames = send(session, "step")
    assert session.epoch == 2 and frames[0][0]["epoch"] == 2 and not session.playing
    send(session, "play")
    send(session, "step")  # a step pauses
    assert not session.playing and session.epoch == 3
    replies, frames = send(session, "reset")
    assert session.epoch == 0 and not session.playing
    assert replies[0]["type"] == "data" and frames[0][0]["run"] == 2


def test_training_lowers_the_loss_and_streams_the_loss_curve():
    session = Session(Config(dataset="gauss", n_points=200, hidden=[4], learning_rate=0.1))
    session.frame()
    first = session.losses[1]
    for _ in range(10):
        send(session, "step")
    assert session.losses[1] < first * 0.5
    session.playing = True
    header, _ = unpack_frame(session.advance(budget=0.05))
    assert [entry[0] for entry in header["losses"]] == list(range(11, header["epoch"] + 1))


def test_live_settings_apply_without_a_reset(session):
    replies, _ = configure(session, n_points=100, hidden=[3])  # the page's first message
    assert [r["type"] for r in replies] == ["data"]
    for _ in range(3):
        send(session, "step")
    weights = [w.numpy().copy() for w in session.net.model.weights]
    replies, _ = configure(session, n_points=100, hidden=[3], learning_rate=0.3, batch_size=5)
    assert replies == [] and session.epoch == 3
    assert session.net.model.optimizer.learning_rate == pytest.approx(0.3)
    assert session.config.batch_size == 5
    for before, after in zip(weights, session.net.model.weights):
        np.testing.assert_array_equal(before, after.numpy())


def test_the_regularization_rate_changes_in_place():
    session = Session(Config(n_points=50, regularization="l1", regularization_rate=0.01))
    configure(session, n_points=50, regularization="l1", regularization_rate=0.3)
    assert session.epoch == 0 and session.net.regularizer.l1 == 0.3
    assert session.run == 1


def test_the_same_seed_gives_the_same_run_and_sessions_do_not_disturb_each_other():
    config = Config(dataset="spiral", n_points=100, hidden=[4, 4], dropout=0.2, seed=7)
    a, b = Session(config), Session(config)
    for _ in range(3):
        send(a, "step")
        pf.manual_seed(123)  # someone else's random draws
        send(b, "step")
    assert a.losses == b.losses


def test_set_weight_changes_one_weight_or_bias(session):
    send(session, "set_weight", layer=0, source=1, target=2, value=2.5)
    send(session, "set_weight", layer=1, source=None, target=0, value=-1.0)
    assert session.net.dense[0].kernel.numpy()[1, 2] == 2.5
    assert session.net.dense[1].bias.numpy()[0] == -1.0
    header, _ = unpack_frame(session.frame())
    assert header["weights"][0]["kernel"][1][2] == 2.5


@pytest.mark.parametrize(
    "fields",
    [
        dict(layer=2, source=0, target=0),
        dict(layer=0, source=2, target=0),
        dict(layer=0, source=0, target=3),
    ],
)
def test_set_weight_outside_the_network_is_refused_and_changes_nothing(session, fields):
    before = [w.numpy().copy() for w in session.net.model.weights]
    with pytest.raises(MessageError) as info:
        send(session, "set_weight", value=1.0, **fields)
    assert info.value.code == "invalid"
    for b, w in zip(before, session.net.model.weights):
        np.testing.assert_array_equal(b, w.numpy())


def test_a_diverging_run_stops_with_a_status_and_does_not_go_on():
    session = Session(
        Config(
            problem="regression",
            dataset="plane",
            n_points=100,
            hidden=[8] * 6,
            activation="relu",
            learning_rate=10.0,
            features=["x1_sq", "x2_sq"],
        )
    )
    send(session, "play")
    for _ in range(200):
        session.advance(budget=0.0)
        if session.status:
            break
    assert session.status == "diverged" and not session.playing
    header, _ = unpack_frame(session.frame())
    assert header["status"] == "diverged" and None in (header["train_loss"], header["test_loss"])
    epoch = session.epoch
    send(session, "play")
    send(session, "step")
    assert not session.playing and session.epoch == epoch


def test_regression_uses_a_linear_output_and_the_mean_squared_error():
    session = Session(Config(problem="regression", dataset="multi_gauss", n_points=100))
    replies, frames = configure(session, problem="regression", dataset="plane", n_points=100)
    assert session.net.model.layers[-1].get_config()["activation"] == "linear"
    values = [row[2] for row in replies[0]["train"]]
    assert min(values) < -0.3 and max(values) > 0.3


def test_batch_norm_and_dropout_keep_one_heat_map_per_neuron():
    session = Session(Config(n_points=50, hidden=[3, 2], batch_norm=True, dropout=0.3))
    names = [type(layer).__name__ for layer in session.net.model.layers]
    assert names == ["Dense", "BatchNormalization", "Activation", "Dropout"] * 2 + ["Dense"]
    header, maps = unpack_frame(session.frame())
    assert header["layout"] == [2, 3, 2, 1] and len(maps) == 7 + 3 + 2 + 1
    send(session, "step")


def test_the_perceptron_converges_on_separable_data_and_not_on_xor():
    session = Session(Config(mode="perceptron", dataset="gauss", n_points=100, learning_rate=0.1))
    header, maps = unpack_frame(session.frame())
    assert header["layout"] == [2, 1] and header["gradients"] == []
    send(session, "play")
    while session.playing:
        session.advance(budget=0.01)
    assert session.status == "converged" and session.losses[0] == 0.0
    xor = Session(Config(mode="perceptron", dataset="xor", n_points=60))
    send(xor, "play")
    while xor.playing:
        xor.advance(budget=0.05)
    assert xor.status == "not_converged" and xor.epoch == 100 and xor.losses[0] > 0.2
    with pytest.raises(MessageError):
        send(xor, "set_weight", layer=0, source=0, target=0, value=1.0)


def test_the_heat_maps_show_what_the_network_computes(session):
    header, maps = unpack_frame(session.frame())
    x1 = maps[0].astype(int)
    assert (
        (np.diff(x1, axis=1) > 0).all() and x1[0, 0] < 10 and x1[0, -1] > 245
    )  # x₁ grows rightwards
    x1x2 = maps[4].astype(int)  # a feature not in use: drawn too
    assert x1x2[0, -1] > 200 and x1x2[0, 0] < 55 and abs(x1x2[12, 12] - 128) < 5
    grid_output = session.net.model.predict_on_batch(session.grid)[:, 0]
    np.testing.assert_array_equal(
        maps[-1].ravel(), np.rint((2 * grid_output - 1 + 1) * 127.5).astype(np.uint8)
    )
    hidden = session.net.neuron_outputs(session.grid)[0]  # (100², 3)
    small = hidden.reshape(25, 4, 25, 4, 3).mean(axis=(1, 3))[
        ..., 0
    ]  # its first neuron, 4 × 4 blocks
    np.testing.assert_array_equal(
        maps[7], np.rint((np.clip(small, -1, 1) + 1) * 127.5).astype(np.uint8)
    )


def test_export_script_and_model(session, tmp_path):
    send(session, "step")
    (script,), _ = send(session, "export", format="script")
    assert script["filename"] == "playground_circle.py"
    text = base64.b64decode(script["data"]).decode()
    compile(text, script["filename"], "exec")
    assert 'make_points("circle", n=100' in text and 'epochs", type=int, default=1,' in text
    (model,), _ = send(session, "export", format="model")
    path = tmp_path / model["filename"]
    path.write_bytes(base64.b64decode(model["data"]))
    loaded = pf.models.load_model(path)
    np.testing.assert_allclose(
        loaded.predict(session.x_test), session.net.model.predict(session.x_test), rtol=1e-6
    )


def test_the_perceptron_exports_a_script_but_no_model_file():
    session = Session(Config(mode="perceptron", n_points=50))
    (script,), _ = send(session, "export", format="script")
    assert "pf.Perceptron(learning_rate=0.03" in base64.b64decode(script["data"]).decode()
    with pytest.raises(MessageError) as info:
        send(session, "export", format="model")
    assert info.value.code == "no_model"


def test_custom_points_train_a_network():
    points = [[-3, -3, 0], [-2, -3, 0], [3, 3, 1], [2, 3, 1], [-3, -2, 0], [3, 2, 1]]
    session = Session()
    replies, _ = configure(session, dataset="custom", points=points, train_ratio=0.5)
    assert len(replies[0]["train"]) == 3 and len(replies[0]["test"]) == 3
    assert math.isfinite(session.losses[0])


def test_no_hidden_layers_is_logistic_regression_on_the_features():
    session = Session(
        Config(
            dataset="circle",
            n_points=100,
            hidden=[],
            features=["x1_sq", "x2_sq"],
            learning_rate=0.3,
        )
    )
    header, maps = unpack_frame(session.frame())
    assert header["layout"] == [2, 1] and len(maps) == 7 + 1 and len(header["gradients"]) == 1
    for _ in range(30):
        send(session, "step")
    assert session.losses[1] < 0.3


def strict_header(frame: bytes) -> dict:
    """A frame's header read as a browser's JSON.parse reads it: NaN or Infinity is an error."""
    (length,) = struct.unpack_from("<I", frame)

    def refuse(constant):
        raise ValueError(f"{constant} in a frame: JSON.parse would refuse it")

    return json.loads(frame[4 : 4 + length], parse_constant=refuse)


def test_a_diverged_run_never_sends_a_number_json_has_not():
    """Seen in Chromium: regression, plane, learning rate 10, SGD, ReLU, 8-8-8, batch 1 put NaN
    weights in the frames, the page's JSON.parse refused them and it froze at epoch 0."""
    session = Session(
        Config(
            problem="regression",
            dataset="plane",
            n_points=100,
            hidden=[8, 8, 8],
            activation="relu",
            learning_rate=10.0,
            batch_size=1,
        )
    )
    send(session, "play")
    headers = []
    while session.playing and len(headers) < 500:
        headers.append(strict_header(session.advance(budget=0.0)))
    assert session.status == "diverged" and headers[-1]["status"] == "diverged"
    assert headers[-1]["test_loss"] is None
    replies, frames = send(session, "step")
    assert frames[0][0]["status"] == "diverged"
    dense = session.net.dense[0]  # weights that are no longer numbers
    dense.kernel.data[0, 0], dense.bias.data[1] = np.nan, np.inf
    dense.kernel.grad = np.full(dense.kernel.shape, np.nan, np.float32)
    header = strict_header(session.frame())
    assert header["weights"][0]["kernel"][0][0] is None and header["weights"][0]["bias"][1] is None
    assert header["gradients"][0] is None


def test_sessions_wait_for_each_others_slices_never_for_a_whole_epoch():
    """A heavy session (5,000 points in batches of 1: seconds an epoch) trains without pause;
    meanwhile a small session steps three epochs, and the heavy one's first epoch is not over."""
    heavy = Session(Config(dataset="spiral", n_points=5000, hidden=[8] * 6, batch_size=1))
    small = Session(Config(n_points=60, hidden=[3]))
    send(heavy, "play")
    stop = threading.Event()

    def play():
        while not stop.is_set():
            heavy.advance(budget=0.05)

    worker = threading.Thread(target=play)
    worker.start()
    try:
        for _ in range(3):
            send(small, "step")
        assert small.epoch == 3 and heavy.epoch == 0
        header, _ = unpack_frame(heavy.advance(budget=0.0))  # a frame mid-epoch
        assert header["epoch"] == 0 and header["playing"]
    finally:
        stop.set()
        worker.join()


def test_tf_playgrounds_loss_is_half_the_squared_error_with_tanh_output_and_labels_minus_1_and_1():
    session = Session(Config(n_points=100, hidden=[3], loss="squared_error"))
    output = session.net.model.predict_on_batch(session.x_test)  # tanh: in (−1, 1)
    target = 2 * session.y_test - 1
    assert session.losses[1] == pytest.approx(
        float(np.mean(0.5 * (output - target) ** 2)), rel=1e-5
    )
    header, maps = unpack_frame(session.frame())
    np.testing.assert_array_equal(
        maps[-1].ravel(),
        np.rint(
            (np.clip(session.net.model.predict_on_batch(session.grid)[:, 0], -1, 1) + 1) * 127.5
        ).astype(np.uint8),
    )
    zero = Session(Config(n_points=100, hidden=[3], init_zero=True))
    assert all(not np.any(d.kernel.numpy()) for d in zero.net.dense)


def test_one_batch_shows_its_points_gradients_and_the_updates_the_optimizer_made():
    session = Session(Config(n_points=100, hidden=[3], batch_size=10, learning_rate=0.1))
    before = [w.copy() for w, _ in session.net.kernels()]
    _, frames = send(session, "step_batch")
    batch = frames[0][0]["batch"]
    assert len(batch["points"]) == 10 and len(set(batch["points"])) == 10 and session.epoch == 0
    for layer, (grad, delta) in enumerate(zip(batch["gradients"], batch["deltas"])):
        kernel = session.net.dense[layer].kernel.numpy()
        np.testing.assert_allclose(delta["kernel"], kernel - before[layer], rtol=1e-4, atol=1e-7)
        # plain SGD: Δw = −η ∂L/∂w
        np.testing.assert_allclose(
            delta["kernel"], -0.1 * np.array(grad["kernel"]), rtol=1e-3, atol=1e-6
        )
    seen = list(batch["points"])
    for _ in range(4):
        seen += send(session, "step_batch")[1][0][0]["batch"]["points"]
    assert session.epoch == 1 and sorted(seen) == list(range(50))  # an epoch: every point once
    send(session, "play")
    assert unpack_frame(session.advance(budget=0.0))[0]["batch"] is None  # training: gone


def test_the_curves_carry_accuracy_and_the_frame_counts_dead_neurons():
    from sklearn.metrics import accuracy_score

    session = Session(Config(n_points=100, hidden=[3], activation="relu"))
    header = send(session, "step")[1][0][0]
    epoch, train_loss, test_loss, train_acc, test_acc = header["losses"][-1]
    predicted = session.net.model.predict_on_batch(session.x_test)[:, 0] > 0.5
    assert test_acc == pytest.approx(
        accuracy_score(session.y_test[:, 0] > 0.5, predicted), abs=1e-4
    )
    dense = session.net.dense[0]  # kill neuron 1: no input can wake it
    dense.kernel.data[:, 1], dense.bias.data[1] = 0.0, -1.0
    assert unpack_frame(session.frame())[0]["dead"] == [1]
    regression = Session(Config(problem="regression", dataset="plane", n_points=60))
    assert unpack_frame(regression.frame())[0]["losses"][0][3:] == [None, None]


def test_the_point_inspector_gives_each_neurons_weighted_sum_and_output():
    session = Session(
        Config(n_points=100, hidden=[3, 2], activation="relu", features=["x1", "x2", "x1x2"])
    )
    send(session, "step")
    (answer,), _ = send(session, "inspect", x1=1.5, x2=-2.0)
    assert answer["type"] == "inspection" and answer["features"] == [1.5, -2.0, -3.0]
    x = np.array(answer["features"], np.float32)
    for dense, layer in zip(session.net.dense, answer["layers"]):
        z = x @ dense.kernel.numpy() + dense.bias.numpy()
        np.testing.assert_allclose(layer["z"], z, rtol=1e-4, atol=1e-5)
        x = np.maximum(z, 0) if dense is not session.net.dense[-1] else 1 / (1 + np.exp(-z))
        np.testing.assert_allclose(layer["a"], x, rtol=1e-4, atol=1e-5)
    probability = session.net.model.predict_on_batch(np.array([answer["features"]], np.float32))[
        0, 0
    ]
    assert answer["output"] == pytest.approx(float(probability), rel=1e-4)
    with pytest.raises(MessageError):
        send(session, "inspect", x1=7.0, x2=0.0)


def test_a_waiting_message_interrupts_training_after_one_slice_without_a_frame():
    heavy = Session(Config(dataset="spiral", n_points=5000, hidden=[8] * 6, batch_size=1))
    send(heavy, "play")
    asked = []
    frame = heavy.advance(budget=1000.0, interrupted=lambda: asked.append(1) or True)
    assert frame is None and asked == [1] and heavy.epoch == 0 and heavy.net._done > 0
