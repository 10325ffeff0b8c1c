"""Heat maps and frames: what the page draws, computed on the server.

Every heat map samples a function over a ``GRID × GRID`` grid of the plane [−6, 6]²: row 0 is
the top (x₂ = 6), column 0 the left (x₁ = −6). Values are clipped to [−1, 1] and stored as one
byte each, 0 for −1 (orange), 128 for 0 (white), 255 for +1 (blue). The output's map keeps the
full grid; the small pictures of the features and hidden neurons are ``SMALL × SMALL``, the mean
of each block of the full grid (``shrink``): 16 times fewer bytes for what is drawn 40 px wide.

A frame is one binary WebSocket message: a 4-byte little-endian length, that many bytes of JSON
(the header: epoch, losses, weights, ...), then the heat maps, one after the other;
``header["maps"]`` lists each one's side (a map of side s is s² bytes).
"""

from __future__ import annotations

import json
import struct

import numpy as np

from .datasets import DOMAIN, featurize

GRID = 100
SMALL = 25  #: the side of a neuron's or a feature's picture (GRID is a multiple of it)


def grid_points(size: int = GRID) -> np.ndarray:
    """The centres of the grid's cells as ``(size², 2)`` points, row by row from the top."""
    centres = (np.arange(size) + 0.5) / size * 2 * DOMAIN - DOMAIN
    x1, x2 = np.meshgrid(centres, centres[::-1])
    return np.stack([x1.ravel(), x2.ravel()], axis=1).astype(np.float32)


def grid_features(names, size: int = GRID) -> np.ndarray:
    """The chosen features over the grid, ``(size², len(names))``."""
    return featurize(grid_points(size), names)


def to_bytes(values) -> np.ndarray:
    """Values clipped to [−1, 1] as uint8: round((v + 1) · 127.5); NaN becomes 128 (white)."""
    v = np.nan_to_num(np.asarray(values, dtype=np.float32), nan=0.0)
    return np.rint((np.clip(v, -1, 1) + 1) * 127.5).astype(np.uint8)


def heat_maps(columns, size: int = GRID) -> np.ndarray:
    """One heat map per column of each ``(size², k)`` array, as ``(maps, size, size)`` uint8."""
    stacked = np.concatenate([np.asarray(c).reshape(size * size, -1) for c in columns], axis=1)
    return to_bytes(stacked.T).reshape(-1, size, size)


def shrink(values, size: int = SMALL, grid: int = GRID) -> np.ndarray:
    """``(grid², k)`` values over the grid as ``(size², k)``: the mean of each block of cells."""
    k, f = np.asarray(values).shape[1], grid // size
    blocks = np.asarray(values, np.float32).reshape(size, f, size, f, k)
    with np.errstate(invalid="ignore", over="ignore"):  # (two sums: faster than one mean)
        return (blocks.sum(axis=1).sum(axis=2) / (f * f)).reshape(size * size, k)


def pack_frame(header: dict, maps) -> bytes:
    """The binary frame: length of the JSON header, the header, then the heat maps' bytes."""
    header = {**header, "maps": [int(m.shape[-1]) for m in maps]}
    text = json.dumps(header, separators=(",", ":"), allow_nan=False).encode()  # JSON has no NaN
    body = b"".join(np.ascontiguousarray(m, np.uint8).tobytes() for m in maps)
    return struct.pack("<I", len(text)) + text + body


def unpack_frame(frame: bytes):
    """The header and the list of heat maps of a frame
    (the page's decoder, in Python, for tests)."""
    (length,) = struct.unpack_from("<I", frame)
    header = json.loads(frame[4 : 4 + length])
    maps, offset = [], 4 + length
    for size in header["maps"]:
        maps.append(np.frombuffer(frame, np.uint8, size * size, offset).reshape(size, size))
        offset += size * size
    if offset != len(frame):
        raise ValueError(f"a frame of {len(frame)} bytes whose header accounts for {offset}")
    return header, maps
