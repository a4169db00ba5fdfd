"""A CSV run's prepared data, kept with the run so its link opens anywhere.

An uploaded file lives only in the browser session that uploaded it. A run
trained on it keeps the prepared split arrays instead (within the store's
size cap), with what the pages need to draw them: task, classes, feature
names and input shape, all as plain NumPy arrays (text as unicode arrays,
never pickled objects).
"""

from __future__ import annotations

import dataclasses
import secrets

import numpy as np

from playground.datasets import DATASETS, Dataset
from playground.runs.record import DATA_SPLITS, data_arrays

_INFO_KEYS = ("task", "kind", "label", "classes", "features", "shape")


def pack_dataset(dataset: Dataset) -> dict[str, np.ndarray] | None:
    """The dataset's splits and description as arrays; None over the cap."""
    arrays = data_arrays(dataset)
    if arrays is None:
        return None
    info = dataset.info
    arrays.update({
        "task": np.array([info.task]), "kind": np.array([info.input_kind]),
        "label": np.array([info.label]),
        "classes": np.array(info.class_names, dtype=str),
        "features": np.array(dataset.feature_names, dtype=str),
        "shape": np.array(info.input_shape, dtype=np.int64)})
    return arrays


def kept_arrays(experiment, dataset: Dataset | None = None) -> dict[str, np.ndarray] | None:
    """What a run of `experiment` keeps of its data: a CSV run's prepared
    splits with their description (its file lives only where it was read),
    nothing for data that can be made or downloaded again.

    Args:
        experiment: The run's experiment.
        dataset: Its data when already loaded (the command line trained on
            it); else it is loaded from the experiment.
    """
    if experiment.dataset != "csv":
        return None
    if dataset is None:
        from playground.datasets.source import experiment_data

        dataset = experiment_data(experiment)
    return pack_dataset(dataset)


def unpack_dataset(arrays: dict[str, np.ndarray]) -> Dataset | None:
    """The `Dataset` packed by `pack_dataset`, or None when some part is missing."""
    if not all(key in arrays for key in (*DATA_SPLITS, *_INFO_KEYS)):
        return None
    info = dataclasses.replace(
        DATASETS["csv"], label=f"{arrays['label'][0]} (kept with the run)",
        task=str(arrays["task"][0]), input_kind=str(arrays["kind"][0]),
        input_shape=tuple(int(n) for n in arrays["shape"]),
        class_names=tuple(str(c) for c in arrays["classes"]))
    splits = [np.ascontiguousarray(arrays[name]) for name in DATA_SPLITS]
    for array in splits:
        array.setflags(write=False)
    return Dataset(info, *splits, feature_names=tuple(str(f) for f in arrays["features"]))


def new_token() -> str:
    """A fresh token under which a kept dataset stands in for an upload."""
    return secrets.token_hex(16)
