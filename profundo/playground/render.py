"""Heat maps and frames: what the page draws, computed on the server.

Every heat map samples a function over a ``GRID × GRID`` grid of the plane [−6, 6]²: row 0 is
the top (x₂ = 6), column 0 the left (x₁ = −6). Values are clipped to [−1, 1] and stored as one
byte each, 0 for −1 (orange), 128 for 0 (white), 255 for +1 (blue).

A frame is one binary WebSocket message: a 4-byte little-endian length, that many bytes of JSON
(the header: epoch, losses, weights, ...), then ``header["maps"]`` heat maps of GRID² bytes each.
"""
from __future__ import annotations

import json
import struct

import numpy as np

from .datasets import DOMAIN, featurize

GRID = 100


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


def pack_frame(header: dict, maps: np.ndarray) -> bytes:
    """The binary frame: length of the JSON header, the header, then the heat maps' bytes."""
    header = {**header, "maps": int(len(maps)), "grid": int(maps.shape[-1]) if len(maps) else GRID}
    text = json.dumps(header, separators=(",", ":"), allow_nan=False).encode()   # JSON has no NaN
    return struct.pack("<I", len(text)) + text + np.ascontiguousarray(maps, np.uint8).tobytes()


def unpack_frame(frame: bytes):
    """The header and the heat maps of a frame (the page's decoder, in Python, for tests)."""
    (length,) = struct.unpack_from("<I", frame)
    header = json.loads(frame[4:4 + length])
    size = header["grid"]
    maps = np.frombuffer(frame, np.uint8, offset=4 + length).reshape(header["maps"], size, size)
    return header, maps
