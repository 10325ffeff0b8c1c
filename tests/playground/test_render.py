"""Heat maps over the plane and the binary frames."""
import numpy as np

from profundo.playground.render import (GRID, grid_features, grid_points, heat_maps, pack_frame,
                                        to_bytes, unpack_frame)


def test_the_grid_runs_left_to_right_and_top_to_bottom():
    points = grid_points(4)
    assert points.shape == (16, 2)
    np.testing.assert_allclose(points[0], [-4.5, 4.5])      # top left cell centre
    np.testing.assert_allclose(points[3], [4.5, 4.5])       # top right
    np.testing.assert_allclose(points[-1], [4.5, -4.5])     # bottom right
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


def test_a_frame_packs_and_unpacks():
    maps = np.arange(2 * 5 * 5, dtype=np.uint8).reshape(2, 5, 5)
    frame = pack_frame({"type": "frame", "epoch": 3}, maps)
    header, back = unpack_frame(frame)
    assert header == {"type": "frame", "epoch": 3, "maps": 2, "grid": 5}
    np.testing.assert_array_equal(back, maps)
