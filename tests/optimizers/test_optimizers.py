import json

import numpy as np
import pytest

import profundo as pf
from profundo import optimizers, schedules
from profundo.testing import assert_close, to_numpy

SHAPES = [(3, 4), (4,)]
STEPS = 10


def _problem(seed=0, scale=1.0, steps=STEPS, dtype=np.float32):
    """Initial parameters and a sequence of gradients, the same for every implementation."""
    rng = np.random.default_rng(seed)
    inits = [rng.normal(size=s).astype(dtype) for s in SHAPES]
    grads = [[(scale * rng.normal(size=s)).astype(dtype) for s in SHAPES] for _ in range(steps)]
    return inits, grads


def _run(opt, inits, grads, params=None):
    params = params or [pf.tensor(a, dtype=a.dtype, requires_grad=True) for a in inits]
    opt.build(params)
    for step in grads:
        for p, g in zip(params, step):
            p.grad = g.copy()
        opt.step()
    return params


def _run_torch(torch, make_opt, inits, grads):
    params = [torch.tensor(a, requires_grad=True) for a in inits]
    opt = make_opt(params)
    for step in grads:
        for p, g in zip(params, step):
            p.grad = torch.tensor(g)
        opt.step()
    return [p.detach().numpy() for p in params]


# --- parity with torch.optim ----------------------------------------------------------------------
# ε = 0 where ε sits elsewhere in PyTorch (see the docstrings); the ε placement is tested against
# the formulas below. Nadam: torch's momentum_decay=1.0 is Keras' schedule μₜ = β₁(1 − ½·0.96ᵗ).
TORCH_CASES = {
    "sgd": (lambda: optimizers.SGD(0.1), lambda t, p: t.optim.SGD(p, lr=0.1)),
    "sgd-momentum": (
        lambda: optimizers.SGD(0.05, momentum=0.9),
        lambda t, p: t.optim.SGD(p, lr=0.05, momentum=0.9),
    ),
    "sgd-nesterov": (
        lambda: optimizers.SGD(0.05, momentum=0.9, nesterov=True),
        lambda t, p: t.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True),
    ),
    "adagrad": (
        lambda: optimizers.Adagrad(0.1, initial_accumulator_value=0.1, epsilon=0.0),
        lambda t, p: t.optim.Adagrad(p, lr=0.1, initial_accumulator_value=0.1, eps=0.0),
    ),
    "rmsprop": (
        lambda: optimizers.RMSprop(0.01, rho=0.9, epsilon=0.0),
        lambda t, p: t.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=0.0),
    ),
    "rmsprop-centered": (
        lambda: optimizers.RMSprop(0.01, rho=0.9, epsilon=0.0, centered=True),
        lambda t, p: t.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=0.0, centered=True),
    ),
    "rmsprop-momentum": (
        lambda: optimizers.RMSprop(0.01, rho=0.9, momentum=0.8, epsilon=0.0),
        lambda t, p: t.optim.RMSprop(p, lr=0.01, alpha=0.9, momentum=0.8, eps=0.0),
    ),
    "rmsprop-centered-momentum": (
        lambda: optimizers.RMSprop(0.01, rho=0.9, momentum=0.8, epsilon=0.0, centered=True),
        lambda t, p: t.optim.RMSprop(p, lr=0.01, alpha=0.9, momentum=0.8, eps=0.0, centered=True),
    ),
    "adadelta": (
        lambda: optimizers.Adadelta(1.0, rho=0.9, epsilon=1e-6),
        lambda t, p: t.optim.Adadelta(p, lr=1.0, rho=0.9, eps=1e-6),
    ),
    "adam": (
        lambda: optimizers.Adam(0.01, epsilon=0.0),
        lambda t, p: t.optim.Adam(p, lr=0.01, eps=0.0),
    ),
    "adam-amsgrad": (
        lambda: optimizers.Adam(0.01, epsilon=0.0, amsgrad=True),
        lambda t, p: t.optim.Adam(p, lr=0.01, eps=0.0, amsgrad=True),
    ),
    "adamw": (
        lambda: optimizers.AdamW(0.01, weight_decay=0.1, epsilon=0.0),
        lambda t, p: t.optim.AdamW(p, lr=0.01, weight_decay=0.1, eps=0.0),
    ),
    "adamax": (
        lambda: optimizers.Adamax(0.01, epsilon=0.0),
        lambda t, p: t.optim.Adamax(p, lr=0.01, eps=0.0),
    ),
    "nadam": (
        lambda: optimizers.Nadam(0.01, epsilon=1e-7),
        lambda t, p: t.optim.NAdam(p, lr=0.01, eps=1e-7, momentum_decay=1.0),
    ),
}


@pytest.mark.parametrize("case", sorted(TORCH_CASES))
def test_matches_torch_over_ten_steps(case):
    torch = pytest.importorskip("torch")
    make, make_torch = TORCH_CASES[case]
    inits, grads = _problem()
    ours = _run(make(), inits, grads)
    theirs = _run_torch(torch, lambda p: make_torch(torch, p), inits, grads)
    for p, expected in zip(ours, theirs):
        assert p.dtype == np.float32
        assert_close(p, expected, rtol=1e-5, atol=1e-6, what=case)


# --- the formulas, written out (where PyTorch's definition differs) -------------------------------
def ref_sgd_momentum(th, g, s, t, lr, beta=0.9):
    s["m"] = beta * s.get("m", 0) - lr * g  # m ← βm − η∇L
    return th + s["m"]  # θ ← θ + m


def ref_adagrad(th, g, s, t, lr, eps=1e-7):
    s["v"] = s.get("v", 0.1) + g**2
    return th - lr * g / np.sqrt(s["v"] + eps)


def ref_rmsprop(th, g, s, t, lr, rho=0.9, mu=0.5, eps=1e-7):
    s["v"] = rho * s.get("v", 0) + (1 - rho) * g**2
    s["a"] = rho * s.get("a", 0) + (1 - rho) * g
    s["m"] = mu * s.get("m", 0) + lr * g / np.sqrt(s["v"] - s["a"] ** 2 + eps)
    return th - s["m"]


def ref_adam(th, g, s, t, lr, b1=0.9, b2=0.999, eps=1e-7):
    s["m"] = b1 * s.get("m", 0) + (1 - b1) * g
    s["v"] = b2 * s.get("v", 0) + (1 - b2) * g**2
    return th - lr * np.sqrt(1 - b2**t) / (1 - b1**t) * s["m"] / (np.sqrt(s["v"]) + eps)


def ref_adamax(th, g, s, t, lr, b1=0.9, b2=0.999, eps=1e-7):
    s["m"] = b1 * s.get("m", 0) + (1 - b1) * g
    s["u"] = np.maximum(b2 * s.get("u", 0), np.abs(g))
    return th - lr / (1 - b1**t) * s["m"] / (s["u"] + eps)


FORMULA_CASES = {
    # the learning rate changes every step: Keras/course momentum differs from PyTorch's here
    "sgd-momentum-schedule": (lambda lr: optimizers.SGD(lr, momentum=0.9), ref_sgd_momentum),
    "adagrad": (lambda lr: optimizers.Adagrad(lr), ref_adagrad),
    "rmsprop": (lambda lr: optimizers.RMSprop(lr, momentum=0.5, centered=True), ref_rmsprop),
    "adam": (lambda lr: optimizers.Adam(lr), ref_adam),
    "adamax": (lambda lr: optimizers.Adamax(lr), ref_adamax),
}


@pytest.mark.parametrize("case", sorted(FORMULA_CASES))
def test_matches_formula_with_default_epsilon(case):
    make, ref = FORMULA_CASES[case]
    schedule = schedules.ExponentialDecay(0.01, decay_steps=2, decay_rate=0.5)
    # tiny gradients, so that where ε sits changes the result well beyond the tolerance
    inits, grads = _problem(scale=1e-4, dtype=np.float64)
    params = _run(make(schedule), inits, grads)
    for k, theta in enumerate(inits):
        state = {}
        for t, step in enumerate(grads, start=1):
            theta = ref(theta, step[k], state, t, schedule(t - 1))
        assert params[k].dtype == np.float64
        assert_close(params[k], theta, rtol=1e-9, atol=1e-12, what=case)


def test_sgd_momentum_equals_torch_form_only_for_constant_rate():
    # m = −η·b: the course's velocity is PyTorch's scaled by the (constant) learning rate
    opt = optimizers.SGD(0.1, momentum=0.9)
    w = pf.tensor([1.0, 2.0], requires_grad=True)
    opt.build([w])
    b = np.zeros(2, np.float32)
    for g in ([1.0, -1.0], [0.5, 0.5], [2.0, 0.0]):
        w.grad = np.array(g, np.float32)
        opt.step()
        b = 0.9 * b + w.grad
        assert_close(opt.get_state()["m/0"], -0.1 * b)


# --- the common options ---------------------------------------------------------------------------
def _one_step(opt, *grads):
    params = [pf.zeros(len(g), requires_grad=True) for g in grads]
    opt.apply([np.array(g, np.float32) for g in grads], params)
    return [p.numpy() for p in params]


def test_clipnorm_clips_each_gradient_to_its_own_norm():
    big, small = _one_step(optimizers.SGD(1.0, clipnorm=1.0), [3.0, 4.0], [0.3, 0.4])
    assert_close(big, [-0.6, -0.8])  # norm 5 → 1
    assert_close(small, [-0.3, -0.4])  # norm 0.5: left alone


def test_global_clipnorm_scales_all_gradients_together():
    a, b = _one_step(optimizers.SGD(1.0, global_clipnorm=1.0), [3.0, 4.0], [12.0])
    assert_close(a, [-3 / 13, -4 / 13])  # ‖(3, 4, 12)‖ = 13
    assert_close(b, [-12 / 13])


def test_clipvalue_clips_each_element():
    (w,) = _one_step(optimizers.SGD(1.0, clipvalue=1.0), [-3.0, 0.2, 5.0])
    assert_close(w, [1.0, -0.2, -1.0])


def test_clipping_leaves_the_gradient_itself_alone():
    w = pf.zeros(2, requires_grad=True)
    w.grad = np.array([3.0, 4.0], np.float32)
    optimizers.SGD(1.0, clipnorm=1.0, params=[w]).step()
    assert_close(w.grad, [3.0, 4.0])


def test_clipping_option_errors():
    with pytest.raises(
        ValueError,
        match="at most one of clipnorm, clipvalue and global_clipnorm, got clipnorm and clipvalue",
    ):
        optimizers.Adam(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="Adam: global_clipnorm must be positive, got 0"):
        optimizers.Adam(global_clipnorm=0)
    with pytest.raises(ValueError, match="weight_decay must be ≥ 0, got -1"):
        optimizers.SGD(weight_decay=-1)


def test_no_parameters_is_a_no_op():
    opt = optimizers.Adam()
    opt.apply([], [])  # e.g. a model whose layers are all frozen
    assert opt.iterations == 0


def test_weight_decay_is_decoupled():
    w = pf.tensor([1.0, -2.0], requires_grad=True)
    w.grad = np.array([0.5, 0.5], np.float32)
    optimizers.SGD(0.1, weight_decay=0.5, params=[w]).step()
    assert_close(w, np.array([1.0, -2.0]) * (1 - 0.1 * 0.5) - 0.1 * 0.5)  # θ(1 − ηλ) − ηg


def test_adam_with_weight_decay_is_adamw():
    inits, grads = _problem()
    a = _run(optimizers.Adam(0.01, weight_decay=0.1), inits, grads)
    b = _run(optimizers.AdamW(0.01, weight_decay=0.1), inits, grads)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x.numpy(), y.numpy())


def test_schedule_as_learning_rate():
    lr = schedules.PiecewiseConstantDecay([1], [0.5, 0.1])
    w = pf.zeros(1, requires_grad=True)
    opt = optimizers.SGD(lr, params=[w])
    seen = []
    for _ in range(3):
        seen.append(opt.learning_rate)
        w.grad = np.ones(1, np.float32)
        opt.step()
    assert seen == [0.5, 0.5, 0.1]  # lr(iterations) at steps 0, 1, 2
    assert_close(w, [-1.1])


def test_learning_rate_can_be_set_between_steps():
    w = pf.zeros(1, requires_grad=True)
    opt = optimizers.SGD(1.0, params=[w])
    opt.learning_rate = 0.25  # as ReduceLROnPlateau does
    w.grad = np.ones(1, np.float32)
    opt.step()
    assert opt.learning_rate == 0.25 and opt.get_config()["learning_rate"] == 0.25
    assert_close(w, [-0.25])


def test_learning_rate_errors():
    opt = optimizers.SGD(schedules.ExponentialDecay(0.1, 10, 0.5))
    with pytest.raises(TypeError, match="follows a schedule"):
        opt.learning_rate = 0.01
    with pytest.raises(TypeError, match="learning_rate must be a number"):
        optimizers.Adam("fast")


# --- state and config ----------------------------------------------------------------------------
STATE_CASES = {
    "sgd": lambda: optimizers.SGD(0.05, momentum=0.9, nesterov=True),
    "adagrad": lambda: optimizers.Adagrad(0.1),
    "rmsprop": lambda: optimizers.RMSprop(0.01, momentum=0.5, centered=True),
    "adadelta": lambda: optimizers.Adadelta(1.0),
    "adam": lambda: optimizers.Adam(schedules.CosineDecay(0.01, 20), amsgrad=True, clipnorm=1.0),
    "adamw": lambda: optimizers.AdamW(0.01, weight_decay=0.1),
    "adamax": lambda: optimizers.Adamax(0.01),
    "nadam": lambda: optimizers.Nadam(0.01, global_clipnorm=2.0),
}


@pytest.mark.parametrize("name", sorted(STATE_CASES))
def test_state_round_trip_resumes_bit_identically(name):
    inits, grads = _problem(steps=8)
    first = STATE_CASES[name]()
    params = _run(first, inits, grads[:4])
    saved_params = [p.numpy().copy() for p in params]
    # as a checkpoint would: NumPy arrays and JSON text
    saved_state = {k: to_numpy(v) for k, v in first.get_state().items()}
    saved_config = json.loads(json.dumps(optimizers.serialize(first)))
    _run(first, None, grads[4:], params)

    resumed = optimizers.deserialize(saved_config)
    again = [pf.tensor(a, requires_grad=True) for a in saved_params]
    resumed.build(again)
    resumed.set_state(saved_state)
    _run(resumed, None, grads[4:], again)
    assert resumed.iterations == first.iterations == 8
    for p, q in zip(params, again):
        np.testing.assert_array_equal(p.numpy(), q.numpy())


def test_state_format():
    inits, grads = _problem(steps=2)
    opt = optimizers.Adam(amsgrad=True)
    _run(opt, inits, grads)
    state = opt.get_state()
    assert list(state) == ["iterations", "m/0", "v/0", "v_max/0", "m/1", "v/1", "v_max/1"]
    assert state["iterations"].shape == () and state["iterations"].dtype == np.int64
    assert int(state["iterations"]) == 2
    assert state["m/0"].shape == SHAPES[0] and state["m/0"].dtype == np.float32
    nadam = optimizers.Nadam()
    _run(nadam, inits, grads)
    assert nadam.get_state()["mu_product"].dtype == np.float64


def test_get_state_returns_copies():
    inits, grads = _problem(steps=2)
    opt = optimizers.Adam()
    params = _run(opt, inits, grads[:1])
    before = opt.get_state()
    m = to_numpy(before["m/0"]).copy()
    _run(opt, None, grads[1:], params)
    np.testing.assert_array_equal(to_numpy(before["m/0"]), m)


def test_set_state_errors():
    w = pf.zeros(3, requires_grad=True)
    opt = optimizers.Adam(params=[w])
    with pytest.raises(ValueError, match="has shape \\(2,\\), but parameter 0 has shape \\(3,\\)"):
        opt.set_state({"iterations": np.array(1), "m/0": np.zeros(2), "v/0": np.zeros(2)})
    with pytest.raises(ValueError, match="unexpected entry 'velocity/0'"):
        opt.set_state({"iterations": np.array(1), "velocity/0": np.zeros(3)})
    with pytest.raises(
        ValueError, match="parameter 0 has slots \\['m'\\], expected \\['m', 'v'\\]"
    ):
        opt.set_state({"iterations": np.array(1), "m/0": np.zeros(3)})
    with pytest.raises(ValueError, match="no 'iterations'"):
        opt.set_state({})
    with pytest.raises(ValueError, match="no 'mu_product'"):
        optimizers.Nadam().set_state({"iterations": np.array(0)})


def test_config_round_trip():
    opt = optimizers.RMSprop(0.02, rho=0.8, momentum=0.5, centered=True, clipvalue=0.5, name="rms")
    config = opt.get_config()
    assert config == {
        "name": "rms",
        "learning_rate": 0.02,
        "weight_decay": None,
        "clipnorm": None,
        "clipvalue": 0.5,
        "global_clipnorm": None,
        "rho": 0.8,
        "momentum": 0.5,
        "epsilon": 1e-7,
        "centered": True,
        "use_ema": False,
        "ema_momentum": 0.99,
        "ema_overwrite_frequency": None,
    }
    assert optimizers.RMSprop.from_config(json.loads(json.dumps(config))).get_config() == config


def test_config_with_schedule():
    opt = optimizers.SGD(schedules.ExponentialDecay(0.1, 100, 0.9, staircase=True), momentum=0.9)
    config = opt.get_config()
    assert config["learning_rate"] == {
        "class_name": "ExponentialDecay",
        "config": {
            "initial_learning_rate": 0.1,
            "decay_steps": 100,
            "decay_rate": 0.9,
            "staircase": True,
        },
    }
    again = optimizers.SGD.from_config(json.loads(json.dumps(config)))
    assert isinstance(again._learning_rate, schedules.ExponentialDecay)
    assert again.get_config() == config


@pytest.mark.parametrize(
    "name", ["sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "adamax", "nadam"]
)
def test_get_by_name(name):
    opt = optimizers.get(name)
    assert type(opt).__name__.lower() == name
    assert optimizers.get(name.upper()).get_config() == opt.get_config()


def test_get_instance_and_dict():
    opt = optimizers.Adam()
    assert optimizers.get(opt) is opt
    made = optimizers.get(
        {"class_name": "Adam", "config": {"learning_rate": 0.01, "amsgrad": True}}
    )
    assert isinstance(made, optimizers.Adam) and made.learning_rate == 0.01 and made.amsgrad
    with pytest.raises(ValueError, match="unknown optimizer 'adamm'; did you mean 'adam'"):
        optimizers.get("adamm")
    with pytest.raises(TypeError, match="expected an Optimizer, a name or a config dict"):
        optimizers.get(0.1)


def test_keras_defaults():
    assert optimizers.SGD().learning_rate == 0.01
    assert optimizers.Adam().epsilon == 1e-7 and optimizers.Adam().learning_rate == 0.001
    assert optimizers.AdamW().weight_decay == 0.004
    assert optimizers.RMSprop().rho == 0.9 and optimizers.Adadelta().rho == 0.95
    assert optimizers.Adagrad().initial_accumulator_value == 0.1


# --- dtypes, in place, interface ------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(STATE_CASES))
def test_float32_stays_float32(name):
    inits, grads = _problem(steps=2)
    grads = [[g.astype(np.float64) for g in step] for step in grads]  # a float64 gradient is cast
    opt = STATE_CASES[name]()
    params = _run(opt, inits, grads)
    assert all(p.dtype == np.float32 for p in params)
    assert all(v.dtype == np.float32 for k, v in opt.get_state().items() if "/" in k)


def test_float64_params_get_float64_slots():
    inits, grads = _problem(steps=1, dtype=np.float64)
    opt = optimizers.Adam()
    params = _run(opt, inits, grads)
    assert params[0].dtype == np.float64 and opt.get_state()["m/0"].dtype == np.float64


def test_updates_in_place():
    w = pf.tensor([1.0, 2.0], requires_grad=True)
    data = w.data
    w.grad = np.ones(2, np.float32)
    optimizers.Adam(0.1, params=[w]).step()
    assert w.data is data


def test_keras_and_torch_styles_agree():
    inits, grads = _problem(steps=3)
    by_step = _run(optimizers.Nadam(0.01), inits, grads)  # PyTorch: p.grad, step()
    by_pairs = [pf.tensor(a, requires_grad=True) for a in inits]
    by_lists = [pf.tensor(a, requires_grad=True) for a in inits]
    a, b = optimizers.Nadam(0.01), optimizers.Nadam(0.01)
    for step in grads:
        a.apply_gradients(zip(step, by_pairs))  # Keras
        b.apply([pf.tensor(g) for g in step], by_lists)  # Tensors work as gradients too
    for x, y, z in zip(by_step, by_pairs, by_lists):
        np.testing.assert_array_equal(x.numpy(), y.numpy())
        np.testing.assert_array_equal(x.numpy(), z.numpy())


def test_parameters_without_gradient_are_skipped():
    w, b = pf.ones(2, requires_grad=True), pf.ones(1, requires_grad=True)
    opt = optimizers.Adam(0.1, params=[w, b])
    w.grad = np.ones(2, np.float32)
    opt.step()
    assert_close(b, [1.0])
    assert sorted(opt.get_state()) == ["iterations", "m/0", "v/0"]
    opt.zero_grad()
    assert w.grad is None


def test_interface_errors():
    with pytest.raises(ValueError, match="no parameters to update"):
        optimizers.SGD().step()
    w = pf.zeros(3, requires_grad=True)
    opt = optimizers.SGD(params=[w])
    with pytest.raises(ValueError, match="no parameter has a gradient; call loss.backward"):
        opt.step()
    with pytest.raises(
        ValueError,
        match="gradient of parameter 0 has shape \\(2,\\), but the parameter has shape \\(3,\\)",
    ):
        opt.apply([np.zeros(2)])
    with pytest.raises(ValueError, match="got 2 gradients for 1 parameters"):
        opt.apply([np.zeros(3), np.zeros(3)])
    with pytest.raises(TypeError, match="parameters must be profundo Tensors"):
        opt.build([np.zeros(3)])
    with pytest.raises(ValueError, match="momentum must be in \\[0, 1\\)"):
        optimizers.SGD(momentum=1.5)
    with pytest.raises(ValueError, match="beta_2 must be in \\[0, 1\\)"):
        optimizers.Adam(beta_2=1.0)
    assert opt.iterations == 0


# --- a training loop by hand ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "make",
    [
        lambda p: optimizers.SGD(0.1, momentum=0.9, params=p),
        lambda p: optimizers.Adam(0.05, params=p),
    ],
    ids=["sgd", "adam"],
)
def test_linear_regression_converges(make):
    rng = np.random.default_rng(1)
    x = pf.tensor(rng.normal(size=(64, 3)))
    true_w = np.array([[1.5], [-2.0], [0.5]], np.float32)
    y = pf.tensor(x.numpy() @ true_w + 0.3)
    w, b = pf.zeros((3, 1), requires_grad=True), pf.zeros(1, requires_grad=True)
    opt = make([w, b])
    for _ in range(300):
        loss = ((x @ w + b - y) ** 2).mean()
        loss.backward()
        opt.step()
        opt.zero_grad()
    assert loss.item() < 1e-4
    assert_close(w, true_w, atol=1e-2)
    assert_close(b, [0.3], atol=1e-2)


def test_moving_averages_of_a_dead_unit_are_flushed_from_subnormals_to_zero():
    """Without the flush, m of a parameter whose gradient became 0 decays to 1.4e-45 and stays
    there (0.9 × 1.4e-45 rounds back up); every FLUSH_EVERY steps such entries become 0."""
    from profundo.optimizers.optimizer import FLUSH_EVERY

    w = pf.tensor(np.ones(4, np.float32), requires_grad=True)
    opt = optimizers.Adam(1e-3, params=[w])
    w.grad = np.full(4, 1e-3, np.float32)
    opt.step()
    tiny = np.finfo(np.float32).tiny
    steps = 0
    while steps < 2000:  # g = 0 from now on: m ← 0.9 m
        w.grad = np.zeros(4, np.float32)
        opt.step()
        steps += 1
        m = opt._slots[0]["m"]
        if steps > 1000 and opt.iterations % FLUSH_EVERY == 0:
            break
    assert np.all(m == 0)
    assert not np.any((opt._slots[0]["v"] != 0) & (abs(opt._slots[0]["v"]) < tiny))
    # between flushes the subnormal floor is real: this is what the flush removes
    w.grad = np.zeros(4, np.float32)
    opt._slots[0]["m"][:] = 1.4e-45
    opt.step()
    assert np.all(opt._slots[0]["m"] == np.float32(1.4e-45))
