"""The one walk over nested structures that layers, models and data sets share."""

import collections

from profundo.layers.nest import flatten, map_structure, named_leaves


def test_map_structure_keeps_lists_tuples_dicts_and_named_tuples():
    Pair = collections.namedtuple("Pair", "x y")
    data = {"a": [1, (2, 3)], "b": Pair(4, [5])}
    out = map_structure(lambda v: v * 10, data)
    assert out == {"a": [10, (20, 30)], "b": Pair(40, [50])} and isinstance(out["b"], Pair)


def test_is_leaf_stops_the_walk():
    assert map_structure(len, [(1, 2), (3,)], is_leaf=lambda v: isinstance(v, tuple)) == [2, 1]


def test_flatten_and_named_leaves_agree_on_order():
    data = ({"image": "x"}, ["y", "z"])
    assert flatten(data) == ["x", "y", "z"]
    assert named_leaves(data) == [("[0]['image']", "x"), ("[1][0]", "y"), ("[1][1]", "z")]
