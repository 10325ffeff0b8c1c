"""Every message is checked: malformed JSON, wrong types, out-of-range values, oversized input."""

import json

import pytest

pytest.importorskip("pydantic")

from profundo.playground.schema import (  # noqa: E402
    MAX_MESSAGE_BYTES,
    Config,
    ConfigMessage,
    MessageError,
    parse_message,
)


def config_message(**fields) -> str:
    return json.dumps({"type": "config", "config": fields})


def refused(text) -> MessageError:
    with pytest.raises(MessageError) as info:
        parse_message(text)
    return info.value


def test_a_good_config_is_parsed_with_defaults_for_what_is_missing():
    message = parse_message(config_message(dataset="spiral", hidden=[8, 8], learning_rate=0.1))
    assert isinstance(message, ConfigMessage)
    c = message.config
    assert (c.dataset, c.hidden, c.learning_rate, c.activation) == ("spiral", [8, 8], 0.1, "tanh")
    assert parse_message(config_message()).config == Config()
    assert parse_message(b'{"type": "play"}').type == "play"


@pytest.mark.parametrize("text", ["{", "not json", '{"type": "play"', "\x00\x01"])
def test_malformed_json_is_refused(text):
    assert refused(text).code == "bad_json"


@pytest.mark.parametrize(
    "text, where",
    [
        ("[]", ""),
        ("42", ""),
        ('{"type": "fly"}', ""),
        ('{"kind": "play"}', ""),
        ('{"type": "play", "extra": 1}', "extra"),
        (config_message(learning_rate="0.1"), "config.learning_rate"),
        (config_message(hidden=[1.5]), "config.hidden.0"),
        (config_message(hidden="4,2"), "config.hidden"),
        (config_message(batch_norm=1), "config.batch_norm"),
        (config_message(features=["x1", "x9"]), "config.features.1"),
        (config_message(activation="swish"), "config.activation"),
        (config_message(unknown=True), "config.unknown"),
        ('{"type": "set_weight", "layer": "0", "source": 0, "target": 0, "value": 1}', "layer"),
        ('{"type": "export", "format": "pickle"}', "format"),
    ],
)
def test_wrong_types_names_and_fields_are_refused(text, where):
    error = refused(text)
    assert error.code == "invalid"
    assert error.detail.startswith(where)


@pytest.mark.parametrize(
    "fields",
    [
        {"hidden": [4] * 7},
        {"hidden": [9]},
        {"hidden": [0]},
        {"learning_rate": 0},
        {"learning_rate": 11},
        {"learning_rate": -0.1},
        {"n_points": 5001},
        {"batch_size": 0},
        {"noise": 0.6},
        {"train_ratio": 1.0},
        {"regularization_rate": 100},
        {"dropout": 1.0},
        {"seed": -1},
        {"features": []},
        {"features": ["x1", "x1"]},
        {"momentum": 1.0},
    ],
)
def test_out_of_range_values_are_refused(fields):
    assert refused(config_message(**fields)).code == "invalid"


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_the_learning_rate_must_be_a_finite_number(token):
    text = '{"type": "config", "config": {"learning_rate": %s}}' % token
    error = refused(text)
    assert error.code in ("invalid", "bad_json")


def test_settings_must_agree_with_each_other():
    assert "not a classification data set" in refused(config_message(dataset="plane")).detail
    assert (
        "not a regression data set"
        in refused(config_message(problem="regression", dataset="spiral")).detail
    )
    assert (
        "at least 4 points" in refused(config_message(dataset="custom", points=[[0, 0, 1]])).detail
    )
    assert (
        "only given with dataset 'custom'" in refused(config_message(points=[[0, 0, 1]] * 4)).detail
    )
    assert (
        "must be 0 or 1"
        in refused(config_message(dataset="custom", points=[[0, 0, 0.5]] * 4)).detail
    )
    assert (
        "perceptron classifies"
        in refused(config_message(mode="perceptron", problem="regression", dataset="plane")).detail
    )


def test_points_are_limited_in_number_and_range():
    ok = parse_message(config_message(dataset="custom", points=[[6, -6, 1], [0, 0, 0]] * 2))
    assert len(ok.config.points) == 4
    assert refused(config_message(dataset="custom", points=[[7, 0, 1]] * 4)).code == "invalid"
    assert refused(config_message(dataset="custom", points=[[0, 0]] * 4)).code == "invalid"
    too_many = [[0, 0, 1]] * 5001
    assert refused(config_message(dataset="custom", points=too_many)).code == "invalid"


def test_oversized_messages_are_refused_before_parsing():
    text = config_message(dataset="custom", points=[[1.0, 2.0, 1]] * 4, seed=1)
    error = refused(text + " " * MAX_MESSAGE_BYTES)  # valid JSON, but too long
    assert error.code == "too_large" and str(MAX_MESSAGE_BYTES) in error.detail


def test_set_weight_limits_and_a_null_source_for_the_bias():
    m = parse_message(
        '{"type": "set_weight", "layer": 1, "source": null, "target": 2, "value": -3}'
    )
    assert (m.layer, m.source, m.target, m.value) == (1, None, 2, -3.0)
    for bad in (
        '"layer": 7, "source": 0, "target": 0, "value": 1',
        '"layer": 0, "source": 0, "target": 0, "value": 1000',
        '"layer": 0, "target": 0, "value": 1',
    ):
        assert refused('{"type": "set_weight", %s}' % bad).code == "invalid"


def test_only_text_or_bytes_are_parsed():
    assert refused(None).code == "bad_message"


@pytest.mark.parametrize(
    "fields, field, reason, limit",
    [
        ({"hidden": [9]}, "config.hidden.0", "less_than_equal", 8),
        ({"hidden": [1] * 7}, "config.hidden", "too_long", 6),
        ({"learning_rate": "fast"}, "config.learning_rate", "float_type", None),
        ({"dataset": "custom", "points": [[0, 0, 1]]}, "config", "too_few_points", 4),
        ({"problem": "regression"}, "config", "wrong_dataset", None),
        (
            {"mode": "perceptron", "problem": "regression", "dataset": "plane"},
            "config",
            "perceptron_classifies",
            None,
        ),
    ],
)
def test_a_refused_setting_names_its_field_reason_and_limit_for_the_page_to_translate(
    fields, field, reason, limit
):
    reply = refused(config_message(**fields)).reply()
    assert reply["code"] == "invalid" and reply["detail"]
    assert (reply["field"], reply["reason"], reply.get("limit")) == (field, reason, limit)
