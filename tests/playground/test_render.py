"""Heat maps over the plane and the binary frames."""

import numpy as np
import pytest

from profundo.playground.render import (
    GRID,
    grid_features,
    grid_points,
    heat_maps,
    pack_frame,
    shrink,
    to_bytes,
    unpack_frame,
)


def test_the_grid_runs_left_to_right_and_top_to_bottom():
    points = grid_points(4)
    assert points.shape == (16, 2)
    np.testing.assert_allclose(points[0], [-4.5, 4.5])  # top left cell centre
    np.testing.assert_allclose(points[3], [4.5, 4.5])  # top right
    np.testing.assert_allclose(points[-1], [4.5, -4.5])  # bottom right
    assert grid_features(["x1x2"]).shape == (GRID * GRID, 1)


def test_values_become_bytes_on_the_minus_one_to_one_scale():
    np.testing.assert_array_equal(to_bytes([-5, -1, 0, 1, 7, np.nan]), [0, 0, 128, 255, 255, 128])
    assert to_bytes([0.5]).dtype == np.uint8


def test_heat_maps_take_every_column_of_every_array():
    size = 3
    a = np.linspace(-1, 1, size * size)[:, None]
    b = np.stack([np.zeros(size * size), np.ones(size * size)], axis=1)
    maps = heat_maps([a, b], size=size)
    assert maps.shape == (3, size, size)
    assert maps[0, 0, 0] == 0 and maps[0, -1, -1] == 255
    assert (maps[1] == 128).all() and (maps[2] == 255).all()


def test_small_maps_are_the_means_of_blocks_of_the_grid():
    values = np.arange(16, dtype=np.float32).reshape(16, 1)  # a 4 × 4 grid, row by row
    np.testing.assert_allclose(shrink(values, size=2, grid=4)[:, 0], [2.5, 4.5, 10.5, 12.5])


def test_a_frame_packs_and_unpacks_maps_of_several_sizes():
    maps = [np.arange(25, dtype=np.uint8).reshape(5, 5), np.full((2, 2), 7, np.uint8)]
    frame = pack_frame({"type": "frame", "epoch": 3}, maps)
    header, back = unpack_frame(frame)
    assert header == {"type": "frame", "epoch": 3, "maps": [5, 2]}
    for a, b in zip(maps, back):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="accounts for"):
        unpack_frame(frame + b"x")


def test_a_frame_never_holds_a_number_json_has_not():
    with pytest.raises(ValueError):
        pack_frame({"loss": float("nan")}, [])
