"""Where an experiment's data comes from, and what it looks like.

`dataset_info` answers what the model needs to know (task, input shape,
classes) and `experiment_data` loads the split arrays, for every kind of
dataset: generated, bundled with scikit-learn, downloaded by
`keras.datasets`, or a CSV table (shipped or uploaded). Both raise
`DataUnavailable` or `CsvError` with a message for the user when the data
cannot be had: not downloaded, not uploaded in this session, or a CSV
option that does not fit the file.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import threading

from playground.config import AUTO, Experiment
from playground.datasets import (
    DATASETS,
    Dataset,
    DatasetInfo,
    load_dataset,
    load_keras_dataset,
    split_dataset,
)
from playground.datasets.errors import DataUnavailable
from playground.i18n import tr, tr_lazy
from playground.registry import task_label

DEFAULT_TARGETS = {"house-prices": "price_k"}
MAX_KEPT = 16

# Prepared datasets that stand in for an upload (a stored CSV run opened
# from its link), by the token in the experiment's `upload` field.
_kept: collections.OrderedDict[str, Dataset] = collections.OrderedDict()
_kept_lock = threading.Lock()


def keep_dataset(token: str, dataset: Dataset) -> None:
    """Makes `dataset` the data of experiments whose `upload` is `token`.

    A stored CSV run keeps the prepared arrays it trained on, so that its
    link opens without the file; the oldest of `MAX_KEPT` is dropped first.
    """
    with _kept_lock:
        _kept[token] = dataset
        while len(_kept) > MAX_KEPT:
            _kept.popitem(last=False)


def kept_dataset(token: str) -> Dataset | None:
    """The dataset kept under `token`, if any."""
    with _kept_lock:
        return _kept.get(token) if token else None


def source_table(exp: Experiment):
    """The experiment's CSV table as read (a `pandas.DataFrame`), before any
    preprocessing; `DataUnavailable` when no file is loaded in this session."""
    return _table(exp.dataset, exp.upload, exp.csv_name)


def _table(dataset: str, upload: str, csv_name: str):
    from playground.datasets import uploads

    if dataset == "house-prices":
        return uploads.house_prices()
    table = uploads.get(upload) if upload else None
    if table is None:
        raise DataUnavailable(tr_lazy(
            "No CSV file is loaded for this experiment. Upload the file {name} on the "
            "Data page: an uploaded file stays in the browser session that uploaded "
            "it, and a shared link does not carry it.", name=csv_name) if csv_name
            else tr_lazy(
            "No CSV file is loaded for this experiment. Upload the file on the Data "
            "page: an uploaded file stays in the browser session that uploaded it, "
            "and a shared link does not carry it."))
    return table


@functools.lru_cache(maxsize=8)
def _prepared(dataset: str, upload: str, csv_name: str, target: str, task: str,
              missing: str, scale: str, images: str, exclude: tuple[str, ...] = ()):
    from playground.datasets import table_preparation

    table = _table(dataset, upload, csv_name)
    if not target:
        raise DataUnavailable(tr_lazy("Pick the column to predict (the target) on the "
                                      "Data page."))
    features = None
    if exclude:  # a name the file does not have leaves nothing out
        features = [c for c in table.columns if c != target and c not in exclude]
    prepared = table_preparation.prepare_table(
        table, target, None if task == AUTO else task, missing, features=features,
        standardize=scale == "standard", images=images == "on")
    left_out = [c for c in table.columns if c in exclude and c != target]
    if left_out:
        from playground.datasets.wording import quote_list

        step = tr_lazy("Left out of the features, as chosen: {columns}.",
                       columns=quote_list(left_out))
        prepared = dataclasses.replace(prepared, steps=(step, *prepared.steps))
    return prepared


def target_of(exp: Experiment) -> str:
    """The column the experiment predicts: its own choice, else the shipped
    table's (house prices predict `price_k`), else "" (none chosen yet)."""
    return exp.target or DEFAULT_TARGETS.get(exp.dataset, "")


def prepared_table(exp: Experiment):
    """The experiment's CSV table after preprocessing (`PreparedTable`)."""
    return _prepared(exp.dataset, exp.upload, exp.csv_name,
                     target_of(exp), exp.task,
                     exp.missing, exp.scale, exp.images, exp.exclude)


def dataset_info(exp: Experiment) -> DatasetInfo:
    """What the experiment's data is: task, input shape, classes."""
    info = DATASETS[exp.dataset]
    if info.source == "keras" and info.input_kind == "tokens":
        return dataclasses.replace(info, input_shape=(exp.maxlen,),
                                   vocab_size=exp.num_words)
    if info.source != "table":
        return info
    kept = kept_dataset(exp.upload)
    if kept is not None:
        return kept.info
    table = prepared_table(exp)
    label = f"CSV: {exp.csv_name}" if exp.dataset == "csv" and exp.csv_name else info.label
    description = info.description
    if exp.dataset == "csv":  # the file is loaded: say what was read, not what to do
        rows, columns = table.features.shape
        shape = (tr("{height}x{width} images", height=table.image_shape[0],
                    width=table.image_shape[1]) if table.image_shape else
                 tr("{count} feature columns", count=format(columns, ",")))
        description = tr("Your file: {rows} rows of {shape}, and the column to predict "
                         "({task}).", rows=format(rows, ","), shape=shape,
                         task=task_label(table.task))
    return dataclasses.replace(info, label=label, description=description,
                               task=table.task,
                               input_shape=table.input_shape,
                               input_kind="image" if table.image_shape else "features",
                               class_names=table.class_names)


def experiment_data(exp: Experiment) -> Dataset:
    """The experiment's dataset, loaded and split from its options and seed
    (and its `fold`, for a run of a cross-validation)."""
    info = DATASETS[exp.dataset]
    if info.source == "keras":
        return _keras_dataset(exp.dataset, exp.subset, exp.num_words, exp.maxlen,
                              exp.val_fraction, exp.test_fraction, exp.seed, exp.fold)
    if info.source == "table":
        kept = kept_dataset(exp.upload)
        if kept is not None:
            if exp.fold is not None:
                raise DataUnavailable(kept_data_has_no_folds(exp.csv_name))
            return kept
        table = prepared_table(exp)
        return _table_dataset(dataset_info(exp), table, exp.val_fraction,
                              exp.test_fraction, exp.seed, exp.fold)
    return load_dataset(exp.dataset, exp.samples, exp.noise, exp.val_fraction,
                        exp.test_fraction, exp.seed, exp.fold)


def is_kept(exp: Experiment) -> bool:
    """Whether the experiment's data is a stored run's kept, prepared data
    (its CSV file is not loaded in this session)."""
    return DATASETS[exp.dataset].source == "table" and kept_dataset(exp.upload) is not None


def kept_data_has_no_folds(csv_name: str):
    """Why a stored CSV run's kept data cannot be split into folds."""
    return tr_lazy(
        "This run's CSV file is not loaded: only its prepared split was kept with the "
        "run, and cross-validation prepares the data again for each fold. Upload the "
        "file {name} on the Data page first.", name=csv_name or "?")


@functools.lru_cache(maxsize=8)
def _table_dataset(info: DatasetInfo, table, val: float, test: float,
                   seed: int, fold: tuple[int, int] | None = None) -> Dataset:
    return split_dataset(info, table.features, table.y, table.feature_names, val,
                         test, seed, scale=False, preprocessor=table.preprocessor(),
                         fold=fold)


@functools.lru_cache(maxsize=4)
def _keras_dataset(*args) -> Dataset:
    """A `keras.datasets` subset, loaded by Keras away from the web server
    (`playground.keras_work`: importing Keras loads TensorFlow)."""
    from playground.keras_work import keras_work

    data = keras_work(load_keras_dataset, *args)
    for name in ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test"):
        getattr(data, name).setflags(write=False)  # unpickled arrays are writable
    return data


def forget_uploads(owner: str) -> None:
    """Frees the tables `owner` uploaded and what was prepared from them
    (the browser session ended). The caches of prepared tables are keyed by
    token; they are emptied whole, and other sessions' tables are prepared
    again on use."""
    from playground.datasets import uploads

    if uploads.forget_owner(owner):
        _prepared.cache_clear()
        _table_dataset.cache_clear()
        uploads.return_freed_memory()
