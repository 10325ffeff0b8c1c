"""Images as Keras' utilities handle them (``keras.utils.load_img`` and friends), with Pillow (the
``images`` extra): files to PIL images to float32 arrays (height, width, channels) and back.

>>> img = load_img("cat.jpg", target_size=(180, 180))  # doctest: +SKIP
>>> x = img_to_array(img)[None]           # (1, 180, 180, 3), float32 in [0, 255]  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..files import atomic_write

_MODES = {"rgb": "RGB", "rgba": "RGBA", "grayscale": "L"}
_LIMIT_PIXELS = 1 << 28  # a larger image is refused (a tiny hostile file must not take GBs)


def _pil():
    try:
        from PIL import Image
    except ImportError:
        raise ImportError("images need Pillow: pip install 'profundo[images]'") from None
    Image.MAX_IMAGE_PIXELS = _LIMIT_PIXELS
    return Image


def _resample(Image, interpolation: str):
    methods = {
        "nearest": Image.NEAREST,
        "bilinear": Image.BILINEAR,
        "bicubic": Image.BICUBIC,
        "lanczos": Image.LANCZOS,
        "box": Image.BOX,
        "hamming": Image.HAMMING,
    }
    if interpolation not in methods:
        raise ValueError(
            f"interpolation must be one of {', '.join(methods)}, got {interpolation!r}"
        )
    return methods[interpolation]


def load_img(
    path,
    color_mode: str = "rgb",
    target_size=None,
    interpolation: str = "nearest",
    keep_aspect_ratio: bool = False,
):
    """The image file at ``path`` as a PIL image in ``color_mode`` ("rgb", "rgba", "grayscale"),
    resized to ``target_size`` (height, width) when given (centre-cropped to that aspect ratio
    first with ``keep_aspect_ratio``)."""
    if color_mode not in _MODES:
        raise ValueError(
            f"load_img: color_mode must be one of {', '.join(_MODES)}, got {color_mode!r}"
        )
    Image = _pil()
    with Image.open(path) as opened:
        img = opened.convert(_MODES[color_mode])
    if target_size is not None:
        height, width = (int(n) for n in target_size)
        if keep_aspect_ratio:
            w, h = img.size
            crop_w, crop_h = min(w, round(h * width / height)), min(h, round(w * height / width))
            left, top = (w - crop_w) // 2, (h - crop_h) // 2
            img = img.crop((left, top, left + crop_w, top + crop_h))
        if img.size != (width, height):
            img = img.resize((width, height), _resample(Image, interpolation))
    return img


def img_to_array(img, data_format=None, dtype="float32") -> np.ndarray:
    """A PIL image as an array (height, width, channels) — channels last, always 3-D."""
    x = np.asarray(img, dtype=dtype)
    if x.ndim == 2:
        x = x[:, :, None]
    if x.ndim != 3:
        raise ValueError(f"img_to_array: expected a 2-D or 3-D image, got shape {x.shape}")
    return x.transpose(2, 0, 1) if data_format == "channels_first" else x


def array_to_img(x, data_format=None, scale: bool = True, dtype=None):
    """An array (height, width, channels of 1, 3 or 4) as a PIL image; with ``scale`` its values
    are stretched to 0..255 first."""
    Image = _pil()
    x = np.asarray(x, dtype="float32")
    if x.ndim != 3:
        raise ValueError(f"array_to_img: expected (height, width, channels), got shape {x.shape}")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - x.min()
        peak = x.max()
        x = x / peak * 255 if peak > 0 else x
    channels = x.shape[2]
    if channels not in (1, 3, 4):
        raise ValueError(f"array_to_img: expected 1, 3 or 4 channels, got {channels}")
    pixels = np.clip(np.rint(x), 0, 255).astype("uint8")
    return Image.fromarray(
        pixels[:, :, 0] if channels == 1 else pixels, {1: "L", 3: "RGB", 4: "RGBA"}[channels]
    )


def save_img(path, x, data_format=None, file_format=None, scale: bool = True, **kwargs) -> None:
    """Write an array as an image file (the format from ``file_format`` or the extension),
    atomically."""
    img = array_to_img(x, data_format=data_format, scale=scale)
    file_format = file_format or Path(path).suffix.lstrip(".").upper().replace("JPG", "JPEG")
    if img.mode == "RGBA" and file_format == "JPEG":
        img = img.convert("RGB")
    with atomic_write(path) as out:
        img.save(out, format=file_format, **kwargs)
