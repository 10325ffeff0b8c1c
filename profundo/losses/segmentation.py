"""Overlap losses for segmentation masks: soft IoU (Jaccard) and Dice.

With y the true mask and p the predicted probabilities per pixel, summed over every axis but the
batch axis (``axis=None``), the "soft" intersection and union are Σ y·p and Σ y + Σ p − Σ y·p:
they equal the usual counts for 0/1 masks and are differentiable in p. ``smooth`` > 0 keeps the
ratio defined (and the loss 0) when both masks are empty, and softens the gradient of tiny masks.

They reward overlap rather than per-pixel accuracy, so a small object is not drowned by the
background; the course pairs them with BCE, which gives better gradients early in training:

>>> loss = 0.5 * losses.BinaryCrossentropy() + losses.IoU()
"""

from __future__ import annotations

from ..autograd import Tensor
from .base import LossFunctionWrapper, prepare, register

__all__ = ["iou", "dice", "IoU", "Dice"]


def _overlap(name: str, y_true, y_pred, smooth: float, axis) -> tuple:
    """Σ y·p and Σ y + Σ p over ``axis`` (every axis but the first when None), per sample."""
    if smooth <= 0:
        raise ValueError(
            f"{name}: smooth must be positive (it keeps empty masks from dividing 0 "
            f"by 0), got {smooth}"
        )
    t, p = prepare(name, y_true, y_pred)
    axis = tuple(range(1, p.ndim)) if axis is None else axis
    return (t * p).sum(axis=axis), t.sum(axis=axis) + p.sum(axis=axis)


def iou(y_true, y_pred, smooth: float = 1.0, axis=None) -> Tensor:
    """Soft IoU (Jaccard) loss: 1 − (Σ y·p + s) / (Σ y + Σ p − Σ y·p + s), per sample.

    >>> mask = [[1.0, 1.0, 0.0, 0.0]]
    >>> iou(mask, pf.tensor([[1.0, 0.0, 1.0, 0.0]]), smooth=1e-7)    # 1 − 1/3
    tensor([0.6667])
    """
    intersection, total = _overlap("iou", y_true, y_pred, smooth, axis)
    return 1 - (intersection + smooth) / (total - intersection + smooth)


def dice(y_true, y_pred, smooth: float = 1.0, axis=None) -> Tensor:
    """Soft Dice loss: 1 − (2 Σ y·p + s) / (Σ y + Σ p + s), per sample (Dice = F1 on pixels).

    >>> mask = [[1.0, 1.0, 0.0, 0.0]]
    >>> dice(mask, pf.tensor([[1.0, 0.0, 1.0, 0.0]]), smooth=1e-7)   # 1 − 2/4
    tensor([0.5])
    """
    intersection, total = _overlap("dice", y_true, y_pred, smooth, axis)
    return 1 - (2 * intersection + smooth) / (total + smooth)


@register(iou, "jaccard")
class IoU(LossFunctionWrapper):
    """Soft IoU (Jaccard) loss for masks of probabilities (see ``iou``)."""

    def __init__(self, smooth=1.0, axis=None, reduction="sum_over_batch_size", name=None):
        super().__init__(iou, reduction, name, smooth=smooth, axis=axis)


@register(dice)
class Dice(LossFunctionWrapper):
    """Soft Dice loss for masks of probabilities (see ``dice``)."""

    def __init__(self, smooth=1.0, axis=None, reduction="sum_over_batch_size", name=None):
        super().__init__(dice, reduction, name, smooth=smooth, axis=axis)
