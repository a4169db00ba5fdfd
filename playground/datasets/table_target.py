"""The column to predict: its task detected, its values checked (missing,
infinite, one class, too many classes, too few rows of a class) with a
message that says how to fix the file, and its classes encoded as ids.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from playground.datasets.csv_columns import tidy_column
from playground.datasets.errors import CsvError
from playground.datasets.table_features import (
    count_infinite,
    infinite_values,
    row_count,
)
from playground.datasets.wording import quote, quote_list
from playground.fields import format_number
from playground.i18n import tr_lazy, tr_n_lazy
from playground.registry import BINARY, MULTICLASS, REGRESSION, TASK_LABELS

MAX_CLASSES = 50
"""Most classes accepted in a classification target."""


MAX_DETECTED_CLASSES = 10
"""Most distinct whole numbers in a numeric target detected as classes."""

LABEL_NAMES = ("label", "labels", "target", "class", "classes", "y", "outcome",
               "species", "category", "survived", "price", "saleprice")
"""Column names that usually mean "the column to predict", in the order
they are preferred when a table has several."""


def choose_target(columns: Sequence[str], wanted: str = "") -> str:
    """The column to predict in a newly uploaded table.

    `wanted` (a shared link's target) when the table has it; else the first
    column named like a label (`label`, `target`, `class`, `y`, ...; case and
    surrounding spaces ignored; Kaggle's digit file puts `label` first);
    else the last column.
    """
    columns = [str(c) for c in columns]
    if wanted and wanted in columns:
        return wanted
    normalised = {c.strip().lower(): c for c in reversed(columns)}
    for name in LABEL_NAMES:
        if name in normalised:
            return normalised[name]
    return columns[-1]


def detect_task(series: pd.Series) -> str:
    """Guesses the task for a target column.

    The rule, in the order applied to the column's non-missing values:

    - true/false values: `"binary"`;
    - numbers: whole numbers with at most `MAX_DETECTED_CLASSES` (10)
      distinct values are class labels (`"binary"` for 2 or fewer,
      `"multiclass"` otherwise); any other numbers are `"regression"`;
    - text: class labels, `"binary"` for 2 or fewer distinct values,
      `"multiclass"` otherwise.

    Args:
        series: The target column.

    Returns:
        `"binary"`, `"multiclass"` or `"regression"`.
    """
    values = tidy_column(series).dropna()
    if is_numeric_dtype(values) and not is_bool_dtype(values):
        numbers = values.to_numpy(np.float64)
        whole = bool(np.all(np.isfinite(numbers) & (numbers == np.round(numbers))))
        if not whole or values.nunique() > MAX_DETECTED_CLASSES:
            return REGRESSION
    return BINARY if values.nunique() <= 2 else MULTICLASS


def check_target_values(series: pd.Series, target: str) -> None:
    missing = int(series.isna().sum())
    if missing:
        raise CsvError(tr_lazy(
            "The target column {target} has {missing} (out of {rows}). Expected a "
            "value in every row: rows without a target cannot be learned from. Remove "
            "those rows from the file, or pick another target column.",
            target=quote(target),
            missing=tr_n_lazy("{count} missing value", "{count} missing values",
                              missing, count=format(missing, ",")),
            rows=row_count(len(series))))
    infinite = count_infinite(series)
    if infinite:
        raise CsvError(tr_lazy(
            "The target column {target} has {values} (inf or -inf, or numbers too "
            "large for 32-bit floats, beyond 3.4e38). Expected finite numbers. "
            "Replace those values or remove their rows.", target=quote(target),
            values=infinite_values(infinite)))


def task_step(series: pd.Series, target: str, task: str, detected: bool):
    """The step that names the task, detected or chosen, translated when read
    (prepared tables are cached for every browser session)."""
    distinct = series.nunique()
    count = format(distinct, ",")
    if task == REGRESSION:
        if detected:
            return tr_n_lazy("Task detected: regression ({target} holds {count} "
                             "distinct number).", "Task detected: regression ({target} "
                             "holds {count} distinct numbers).", distinct,
                             target=quote(target), count=count)
        return tr_lazy("Task chosen: regression (predict {target} as a number).",
                       target=quote(target))
    classes = tr_n_lazy("{count} class", "{count} classes", distinct, count=count)
    kind = tr_lazy(TASK_LABELS[task])
    if detected:
        return tr_lazy("Task detected: {task} classification ({classes} in {target}).",
                       task=kind, classes=classes, target=quote(target))
    return tr_lazy("Task chosen: {task} classification ({classes} in {target}).",
                   task=kind, classes=classes, target=quote(target))


def check_regression_target(series: pd.Series, target: str) -> None:
    if is_bool_dtype(series) or is_numeric_dtype(series):
        return
    numbers = pd.to_numeric(series, errors="coerce")
    bad = series[numbers.isna()].iloc[0]
    raise CsvError(tr_lazy(
        "The target column {target} holds text such as {value}, but regression "
        "predicts a number. Expected numbers in every row. Fix or remove the rows "
        "with text in {target}, or choose binary or multiclass classification.",
        target=quote(target), value=quote(bad)))


def _class_names(values: Sequence) -> list[str]:
    return [format_number(v) if isinstance(v, (int, float, np.number))
            and not isinstance(v, (bool, np.bool_)) else str(v) for v in values]


def _sorted_classes(series: pd.Series) -> list:
    return sorted(series.dropna().unique().tolist())


def check_classes(series: pd.Series, target: str, task: str) -> None:
    classes = _sorted_classes(series)
    numeric = is_numeric_dtype(series) and not is_bool_dtype(series)
    if len(classes) < 2:
        raise _single_class_error(target, _class_names(classes)[0], 0)
    if len(classes) > MAX_CLASSES:
        values = dict(target=quote(target), classes=format(len(classes), ","),
                      limit=MAX_CLASSES)
        raise CsvError(tr_lazy(
            "The target column {target} has {classes} classes; the limit is {limit}. "
            "It holds numbers: choose regression to predict it as a quantity.",
            **values) if numeric else tr_lazy(
            "The target column {target} has {classes} classes; the limit is {limit}. "
            "Pick a target column with fewer distinct values.", **values))
    if task == BINARY and len(classes) > 2:
        raise CsvError(tr_lazy(
            "Binary classification needs exactly 2 classes, but {target} has {count} "
            "({classes}). Choose multiclass classification, or pick another target "
            "column.", target=quote(target), count=len(classes),
            classes=quote_list(_class_names(classes), 5)))


def _single_class_error(target: str, name: str, rows_dropped: int) -> CsvError:
    if rows_dropped:
        return CsvError(tr_lazy(
            "The target column {target} has a single class ({name}) after dropping "
            "{rows} with a missing value. Classification needs at least 2 classes. "
            "Pick another target column, or add rows of other classes.",
            target=quote(target), name=quote(name), rows=row_count(rows_dropped)))
    return CsvError(tr_lazy(
        "The target column {target} has a single class ({name}). Classification "
        "needs at least 2 classes. Pick another target column, or add rows of other "
        "classes.", target=quote(target), name=quote(name)))


def check_rows_per_class(series: pd.Series, target: str, rows_dropped: int) -> None:
    counts = series.value_counts()
    if len(counts) < 2:
        raise _single_class_error(target, _class_names(counts.index)[0], rows_dropped)
    rare = _class_names(sorted(counts.index[counts < 2].tolist()))
    if not rare:
        return
    values = dict(name=quote(rare[0]), target=quote(target))
    message = tr_lazy(
        "Class {name} of the target column {target} has only 1 row (after dropping "
        "{rows} with a missing value). Expected at least 2 rows per class: a "
        "stratified split needs one for training and one for testing. Add rows of "
        "that class or remove its row.", rows=row_count(rows_dropped), **values
    ) if rows_dropped else tr_lazy(
        "Class {name} of the target column {target} has only 1 row. Expected at least "
        "2 rows per class: a stratified split needs one for training and one for "
        "testing. Add rows of that class or remove its row.", **values)
    if len(rare) > 1:
        message = tr_lazy("{message} {others}", message=message, others=tr_n_lazy(
            "{count} other class has a single row too.",
            "{count} other classes have a single row too.", len(rare) - 1,
            count=format(len(rare) - 1, ",")))
    raise CsvError(message)


def encode_target(series: pd.Series, task: str) -> tuple[np.ndarray, tuple[str, ...]]:
    if task == REGRESSION:
        return np.ascontiguousarray(series.to_numpy(np.float32)), ()
    classes = _sorted_classes(series)
    ids = pd.Categorical(series, categories=classes).codes.astype(np.int64)
    return np.ascontiguousarray(ids), tuple(_class_names(classes))
