"""Data sets from folders and series, as Keras' utilities make them, as ``Pipeline``s of batches:
``image_dataset_from_directory``, ``text_dataset_from_directory``,
``timeseries_dataset_from_array`` and ``split_dataset``.

A folder of classes is ``main/<class>/<file>``: the labels are the class folders' names in
alphabetical order (``labels="inferred"``), or a list given in the files' sorted order.

>>> train, val = image_dataset_from_directory("flowers", image_size=(180, 180), batch_size=32,
...                                           validation_split=0.2, subset="both", seed=1337)
... # doctest: +SKIP
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..layers.nest import flatten
from .dataset import Dataset
from .images import img_to_array, load_img
from .pipeline import Pipeline

IMAGE_SUFFIXES = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
TEXT_SUFFIXES = (".txt",)
_LABEL_MODES = ("int", "categorical", "binary", None)


def _files_and_labels(directory, suffixes, labels, class_names, follow_links, who):
    root = Path(directory)
    if not root.is_dir():
        raise ValueError(f"{who}: {directory!r} is not a folder")
    if labels == "inferred":
        classes = sorted(p.name for p in root.iterdir() if p.is_dir())
        if class_names is not None:
            if sorted(class_names) != classes and set(class_names) - set(classes):
                raise ValueError(
                    f"{who}: class_names {class_names} must be folders of "
                    f"{directory!r}, which has {classes}"
                )
            classes = list(class_names)
        folders = [(root / name, i) for i, name in enumerate(classes)]
    else:
        classes, folders = list(class_names or []), [(root, None)]
    files, found = [], []
    for folder, label in folders:
        for dirpath, _, names in os.walk(folder, followlinks=follow_links):
            for name in sorted(names):
                if name.lower().endswith(suffixes):
                    files.append(os.path.join(dirpath, name))
                    found.append(label)
    if labels not in ("inferred", None):
        found = list(labels)
        if len(found) != len(files):
            raise ValueError(f"{who}: {len(found)} labels for {len(files)} files in {directory!r}")
    if not files:
        raise ValueError(f"{who}: no files ending in {', '.join(suffixes)} under {directory!r}")
    return files, (None if labels is None else np.asarray(found)), classes


def _encode(labels, label_mode, num_classes, who):
    if label_mode not in _LABEL_MODES:
        raise ValueError(f"{who}: label_mode must be one of {_LABEL_MODES}, got {label_mode!r}")
    if labels is None or label_mode is None:
        return None
    if label_mode == "binary":
        if num_classes > 2:
            raise ValueError(f"{who}: label_mode='binary' needs 2 classes, found {num_classes}")
        return labels.astype("float32")[:, None]
    if label_mode == "categorical":
        return np.eye(num_classes, dtype="float32")[labels]
    return labels.astype("int32")


def _subsets(n, validation_split, subset, seed, who):
    """Keras' split: the last ``validation_split`` of the (seeded, shuffled) files validate."""
    if validation_split is None:
        if subset is not None:
            raise ValueError(f"{who}: subset={subset!r} needs validation_split")
        return {"all": slice(0, n)}
    if not 0 < validation_split < 1:
        raise ValueError(f"{who}: validation_split must be in (0, 1), got {validation_split}")
    if subset not in ("training", "validation", "both"):
        raise ValueError(
            f"{who}: with validation_split, subset must be 'training', 'validation' "
            f"or 'both', got {subset!r}"
        )
    if seed is None:
        raise ValueError(
            f"{who}: with validation_split, give a seed so that the training and "
            f"validation subsets do not overlap"
        )
    cut = n - int(validation_split * n)
    return {"training": slice(0, cut), "validation": slice(cut, n)}


def _from_files(files, labels, batch_size, shuffle, seed, validation_split, subset, load, who):
    order = (
        np.random.default_rng(seed).permutation(len(files))
        if (shuffle or validation_split)
        else np.arange(len(files))
    )
    files = np.asarray(files)[order]
    labels = None if labels is None else labels[order]
    made = []
    for name, part in _subsets(len(files), validation_split, subset, seed, who).items():
        paths = files[part]
        data = paths if labels is None else (paths, labels[part])
        ds = Dataset.from_tensor_slices(data)
        if shuffle and name != "validation":
            ds = ds.shuffle(len(paths), seed=seed)
        ds = ds.map(lambda path, *label: (load(str(path)),) + label if label else load(str(path)))
        made.append(ds.batch(batch_size) if batch_size is not None else ds)
    return made if subset == "both" else made[0]


def image_dataset_from_directory(
    directory,
    labels="inferred",
    label_mode="int",
    class_names=None,
    color_mode="rgb",
    batch_size=32,
    image_size=(256, 256),
    shuffle=True,
    seed=None,
    validation_split=None,
    subset=None,
    interpolation="bilinear",
    follow_links=False,
    crop_to_aspect_ratio=False,
    pad_to_aspect_ratio=False,
    data_format=None,
    verbose=True,
):
    """Batches of ``(images, labels)`` from ``directory/<class>/<image>``: images float32
    (batch, height, width, channels) in [0, 255] resized to ``image_size``; labels as
    ``label_mode`` says ("int", "categorical", "binary" or None for images alone). The pipeline
    has ``class_names``; ``subset="both"`` returns (training, validation)."""
    who = "image_dataset_from_directory"
    files, found, classes = _files_and_labels(
        directory, IMAGE_SUFFIXES, labels, class_names, follow_links, who
    )
    encoded = _encode(found, label_mode, len(classes), who)
    if verbose:
        print(f"Found {len(files)} files belonging to {len(classes)} classes.")

    def load(path):
        return img_to_array(
            load_img(
                path, color_mode, image_size, interpolation, keep_aspect_ratio=crop_to_aspect_ratio
            ),
            data_format,
        )

    made = _from_files(
        files, encoded, batch_size, shuffle, seed, validation_split, subset, load, who
    )
    for ds in flatten(made):
        ds.class_names = classes
    return made


def _read_text(max_length):
    def read(path):
        text = Path(path).read_text(encoding="utf-8", errors="replace")
        return text if max_length is None else text[:max_length]

    return read


def text_dataset_from_directory(
    directory,
    labels="inferred",
    label_mode="int",
    class_names=None,
    batch_size=32,
    max_length=None,
    shuffle=True,
    seed=None,
    validation_split=None,
    subset=None,
    follow_links=False,
    verbose=True,
):
    """Batches of ``(texts, labels)`` from ``directory/<class>/<file>.txt``: texts as a NumPy
    array of strings (cut at ``max_length`` characters), labels as in
    ``image_dataset_from_directory``."""
    who = "text_dataset_from_directory"
    files, found, classes = _files_and_labels(
        directory, TEXT_SUFFIXES, labels, class_names, follow_links, who
    )
    encoded = _encode(found, label_mode, len(classes), who)
    if verbose:
        print(f"Found {len(files)} files belonging to {len(classes)} classes.")
    made = _from_files(
        files,
        encoded,
        batch_size,
        shuffle,
        seed,
        validation_split,
        subset,
        _read_text(max_length),
        who,
    )
    for ds in flatten(made):
        ds.class_names = classes
    return made


def timeseries_dataset_from_array(
    data,
    targets,
    sequence_length,
    sequence_stride=1,
    sampling_rate=1,
    batch_size=128,
    shuffle=False,
    seed=None,
    start_index=None,
    end_index=None,
):
    """Batches of windows over ``data``: window i is ``data[s, s + r, ..., s + (L − 1)·r]`` for
    start s = start_index + i·sequence_stride (r the sampling rate, L the sequence length), paired
    with ``targets[s]`` when targets are given (Keras' rule)."""
    data = np.asarray(data)
    start = 0 if start_index is None else int(start_index)
    end = len(data) if end_index is None else int(end_index)
    span = (sequence_length - 1) * sampling_rate
    starts = np.arange(start, end - span, sequence_stride)
    if targets is not None:
        targets = np.asarray(targets)
        starts = starts[starts < len(targets)]
    if shuffle:
        starts = np.random.default_rng(seed).permutation(starts)
    offsets = np.arange(sequence_length) * sampling_rate
    ds = Dataset.from_tensor_slices(starts if targets is None else (starts, targets[starts]))
    window = (
        (lambda s: data[s + offsets]) if targets is None else (lambda s, t: (data[s + offsets], t))
    )
    return ds.map(window).batch(batch_size) if batch_size is not None else ds.map(window)


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None):
    """Two parts of ``dataset`` (arrays, a tuple of arrays, or a ``Pipeline``) by sizes as
    fractions (floats) or counts (ints); one size alone gives the other the rest."""
    samples = list(dataset) if isinstance(dataset, Pipeline) else None
    if samples is None:
        full = Dataset(dataset)
        samples = [full[i] for i in range(len(full))]
    n = len(samples)

    def count(size):
        return None if size is None else (int(size * n) if isinstance(size, float) else int(size))

    left, right = count(left_size), count(right_size)
    if left is None and right is None:
        raise ValueError("split_dataset: give left_size, right_size or both")
    left = n - right if left is None else left
    right = n - left if right is None else right
    if left < 0 or right < 0 or left + right > n:
        raise ValueError(
            f"split_dataset: sizes {left_size!r} and {right_size!r} do not fit {n} samples"
        )
    order = np.random.default_rng(seed).permutation(n) if shuffle else np.arange(n)

    def part(indices):
        return Pipeline(lambda: (samples[i] for i in indices), len(indices))

    return part(order[:left]), part(order[left : left + right])
