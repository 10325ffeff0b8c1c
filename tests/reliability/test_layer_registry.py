"""Issue 10, item 15: a model file builds only profundo's own layer classes and those the user
allowed (custom_objects, or @register_keras_serializable) — never any Layer subclass that some
imported module defines (before, every subclass registered itself and a file could name it)."""

import json
import zipfile

import numpy as np
import pytest

import profundo as pf
from profundo import layers

CONSTRUCTED = []


class ShellOut(layers.Layer):
    """Stands for a Layer subclass in some imported module whose constructor has side effects."""

    def __init__(self, command="echo owned", **kwargs):
        super().__init__(**kwargs)
        CONSTRUCTED.append(command)
        self.command = command

    def call(self, x, training=None):
        return x

    def get_config(self):
        return {**super().get_config(), "command": self.command}


@pf.saving.register_keras_serializable(package="tests")
class AllowedScale(layers.Layer):
    def call(self, x, training=None):
        return x * 2.0


def file_naming(tmp_path, class_name, config=None):
    """A model file whose second layer is ``class_name`` (crafted by hand: config.json edited)."""
    model = pf.Sequential([layers.Input((3,)), layers.Dense(2)])
    path = tmp_path / "model.profundo"
    model.save(path)
    with zipfile.ZipFile(path) as z:
        members = {name: z.read(name) for name in z.namelist()}
    top = json.loads(members["config.json"])
    top["config"]["layers"].append({"class_name": class_name, "config": config or {"name": "x"}})
    members["config.json"] = json.dumps(top).encode()
    crafted = tmp_path / f"{class_name}.profundo"
    with zipfile.ZipFile(crafted, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return crafted


def test_a_file_cannot_build_an_imported_layer_subclass(tmp_path):
    CONSTRUCTED.clear()
    path = file_naming(tmp_path, "ShellOut", {"name": "s", "command": "rm -rf ~"})
    with pytest.raises(
        ValueError,
        match=r"layer class 'ShellOut' \(defined in .*test_layer_registry"
        r"\) is not one of profundo's own.*custom_objects="
        r"\{'ShellOut': ShellOut\}.*register_keras_serializable",
    ):
        pf.models.load_model(path)
    assert CONSTRUCTED == []  # its constructor never ran


def test_the_same_config_in_memory_is_refused_too():
    config = {"class_name": "ShellOut", "config": {"name": "s", "command": "x"}}
    with pytest.raises(ValueError, match="'ShellOut'.*not one of profundo's own"):
        layers.deserialize(config)
    assert isinstance(layers.deserialize(config, custom_objects={"ShellOut": ShellOut}), ShellOut)


def test_custom_objects_allow_it(tmp_path):
    CONSTRUCTED.clear()
    path = file_naming(tmp_path, "ShellOut", {"name": "s", "command": "trusted"})
    model = pf.models.load_model(path, custom_objects={"ShellOut": ShellOut})
    assert isinstance(model.layers[-1], ShellOut) and CONSTRUCTED == ["trusted"]


def test_registered_classes_load_without_custom_objects(tmp_path):
    model = pf.Sequential([layers.Input((3,)), layers.Dense(2), AllowedScale()])
    x = np.ones((1, 3), np.float32)
    model.save(tmp_path / "m.profundo")
    loaded = pf.models.load_model(tmp_path / "m.profundo")
    assert isinstance(loaded.layers[-1], AllowedScale)
    np.testing.assert_allclose(loaded.predict(x), model.predict(x))
    assert pf.saving.get_registered_object("AllowedScale") is AllowedScale


def test_profundo_own_classes_still_load_and_unknown_names_are_refused(tmp_path):
    assert isinstance(
        pf.models.load_model(file_naming(tmp_path, "Dropout", {"rate": 0.5})).layers[-1],
        layers.Dropout,
    )
    for name in ("Tensor", "os.system", "Layer.__subclasses__"):
        with pytest.raises(ValueError, match=f"unknown layer class '{name}'.*custom_objects"):
            pf.models.load_model(file_naming(tmp_path, name))


def test_custom_objects_must_map_to_a_layer_class():
    with pytest.raises(TypeError, match=r"custom_objects\['Mine'\] must be a layer class"):
        layers.deserialize({"class_name": "Mine", "config": {}}, custom_objects={"Mine": print})
