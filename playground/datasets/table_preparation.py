"""Preparing a CSV table for training: target, task, features, encoding.

`prepare_table` turns a table read by `playground.datasets.csv_reading` into
model inputs and targets for one target column. It detects the task (or
takes the one chosen), leaves out empty and identifier-like text columns,
drops or fills missing values, one-hot encodes categorical columns and
records every step in plain language.

Every problem is a `CsvError` whose message says what was received, what was
expected and how to fix it. Nothing here is random: the caller splits the
rows (see `playground.datasets.split_indices`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from playground.datasets.csv_reading import (
    CATEGORY,
    EMPTY,
    IDENTIFIER_SHARE,
    MAX_CATEGORIES,
    MIN_IDENTIFIER_VALUES,
    NUMBER,
    TEXT,
    CsvError,
    column_kind,
    counted,
    format_value,
    quote,
    quote_list,
    tidy,
    tidy_column,
)
from playground.fields import format_number
from playground.registry import BINARY, MULTICLASS, REGRESSION, TASKS

MAX_FEATURES = 1000
"""Most feature columns accepted after one-hot encoding."""

MAX_CLASSES = 50
"""Most classes accepted in a classification target."""


MAX_DETECTED_CLASSES = 10
"""Most distinct whole numbers in a numeric target detected as classes."""


MISSING_MODES = ("drop", "impute")

_FLOAT32_MAX = float(np.finfo(np.float32).max)


@dataclass(frozen=True, eq=False)
class PreparedTable:
    """A table turned into model inputs and targets. Arrays are read-only.

    Attributes:
        x: Features, float32, shape `(rows, features)`, not yet standardised.
        y: Class ids (int64, classes in sorted order) for classification;
            float32 values for regression.
        feature_names: One name per column of `x`; a one-hot column is named
            `"column=value"`, e.g. `"Sex=male"`.
        class_names: The string form of each class, in class id order; empty
            for regression.
        task: `"binary"`, `"multiclass"` or `"regression"`.
        target: The target column's name.
        steps: What was done, in order, as short plain-language sentences.
        rows_dropped: Rows dropped because a feature value was missing.
        standardize: Whether the caller should standardise the features with
            the training rows' mean and standard deviation after the split.
    """

    x: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...]
    task: str
    target: str
    steps: tuple[str, ...]
    rows_dropped: int
    standardize: bool = True

    @property
    def num_classes(self) -> int:
        """Number of classes; 1 for regression (one output)."""
        return len(self.class_names) if self.task != REGRESSION else 1



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




# Preparing --------------------------------------------------------------------


def prepare_table(table: pd.DataFrame, target: str, task: str | None = None,
                  missing: str = "drop", features: Sequence[str] | None = None,
                  standardize: bool = True) -> PreparedTable:
    """Turns a table into features and targets for one target column.

    Steps, each recorded in `PreparedTable.steps`: check the target; detect
    the task unless `task` is given; leave out empty and identifier-like
    text columns; drop the rows with a missing feature value, or fill each
    missing value with its column's median (numbers) or most frequent value
    (categories), computed over all rows; one-hot encode the categorical
    columns. Rows are never dropped for a missing target: the user is asked
    to fix the file instead.

    Args:
        table: A table, usually from `read_csv`.
        target: The column to predict.
        task: `"binary"`, `"multiclass"` or `"regression"`; None detects it
            with `detect_task`.
        missing: `"drop"` drops rows with a missing feature value;
            `"impute"` fills them in.
        features: The feature columns to use (kept in the table's order);
            by default, all columns but the target.
        standardize: Only recorded: whether the caller standardises the
            features with the training rows' statistics after the split.

    Returns:
        A `PreparedTable`.

    Raises:
        CsvError: The target, the task or the features cannot be used; the
            message says why and how to fix it.
    """
    _check_choice("task", task, (*TASKS, None))
    _check_choice("missing-value handling", missing, MISSING_MODES)
    table = tidy(table)
    if target not in table.columns:
        raise CsvError(
            f"Unknown target column {quote(target)}. Expected one of the "
            f"table's columns: {quote_list(table.columns)}. Pick the target "
            "from that list.")
    _check_target_values(table[target], target)
    chosen = task
    task = task or detect_task(table[target])
    steps = [_task_step(table[target], target, task, chosen is None)]
    if task == REGRESSION:
        _check_regression_target(table[target], target)
    else:
        _check_classes(table[target], target, task)

    columns = _feature_columns(table, target, features)
    kept, kinds, notes = _usable_features(table, columns, target)
    steps += notes
    _check_finite_features(table, kept, kinds)
    frame, step, rows_dropped = _handle_missing(table[[*kept, target]], kept,
                                                kinds, missing)
    steps.append(step)
    if task != REGRESSION:
        _check_rows_per_class(frame[target], target, rows_dropped)
    x_frame, encode_step = _encode_features(frame[kept], kinds)
    if encode_step:
        steps.append(encode_step)
    y, class_names = _encode_target(frame[target], task)
    steps.append(
        "Features will be standardised (mean 0, standard deviation 1) with the "
        "training rows' statistics, after the split." if standardize else
        "Features are left as they are (standardisation is off).")
    steps.append(f"Result: {counted(len(frame), 'row')} and "
                 f"{counted(x_frame.shape[1], 'feature column')}.")
    x = np.ascontiguousarray(x_frame.to_numpy(np.float32))
    for array in (x, y):
        array.setflags(write=False)
    return PreparedTable(x=x, y=y, feature_names=tuple(x_frame.columns),
                         class_names=class_names, task=task, target=target,
                         steps=tuple(steps), rows_dropped=rows_dropped,
                         standardize=bool(standardize))


def _check_choice(name: str, value, choices: tuple) -> None:
    if value not in choices:
        expected = ", ".join("None" if c is None else repr(c) for c in choices)
        raise CsvError(f"Unknown {name} {quote(value)}. Expected one of "
                       f"{expected}. Pick one of those.")


def _infinite(series: pd.Series) -> int:
    """Counts values that are infinite, or beyond float32's range."""
    if is_bool_dtype(series) or not is_numeric_dtype(series):
        return 0
    numbers = series.dropna().to_numpy(np.float64)
    return int(np.sum(~(np.abs(numbers) <= _FLOAT32_MAX)))


def _check_target_values(series: pd.Series, target: str) -> None:
    missing = int(series.isna().sum())
    if missing:
        raise CsvError(
            f"The target column {quote(target)} has "
            f"{counted(missing, 'missing value')} (out of "
            f"{counted(len(series), 'row')}). Expected a value in every row: "
            "rows without a target cannot be learned from. Remove those rows "
            "from the file, or pick another target column.")
    infinite = _infinite(series)
    if infinite:
        raise CsvError(
            f"The target column {quote(target)} has "
            f"{counted(infinite, 'infinite value')} (inf or -inf, or numbers "
            "too large for 32-bit floats, beyond 3.4e38). Expected finite "
            "numbers. Replace those values or remove their rows.")


def _task_step(series: pd.Series, target: str, task: str, detected: bool) -> str:
    verb = "detected" if detected else "chosen"
    if task == REGRESSION:
        if detected:
            return (f"Task detected: regression ({quote(target)} holds "
                    f"{series.nunique():,} distinct numbers).")
        return f"Task chosen: regression (predict {quote(target)} as a number)."
    return (f"Task {verb}: {task} classification "
            f"({counted(series.nunique(), 'class', 'classes')} in {quote(target)}).")


def _check_regression_target(series: pd.Series, target: str) -> None:
    if is_bool_dtype(series) or is_numeric_dtype(series):
        return
    numbers = pd.to_numeric(series, errors="coerce")
    bad = series[numbers.isna()].iloc[0]
    raise CsvError(
        f"The target column {quote(target)} holds text such as {quote(bad)}, "
        "but regression predicts a number. Expected numbers in every row. "
        f"Fix or remove the rows with text in {quote(target)}, or choose "
        "binary or multiclass classification.")


def _class_names(values: Sequence) -> list[str]:
    return [format_number(v) if isinstance(v, (int, float, np.number))
            and not isinstance(v, (bool, np.bool_)) else str(v) for v in values]


def _sorted_classes(series: pd.Series) -> list:
    return sorted(series.dropna().unique().tolist())


def _check_classes(series: pd.Series, target: str, task: str) -> None:
    classes = _sorted_classes(series)
    numeric = is_numeric_dtype(series) and not is_bool_dtype(series)
    if len(classes) < 2:
        raise _single_class_error(target, _class_names(classes)[0], 0)
    if len(classes) > MAX_CLASSES:
        fix = ("It holds numbers: choose regression to predict it as a "
               "quantity." if numeric else
               "Pick a target column with fewer distinct values.")
        raise CsvError(
            f"The target column {quote(target)} has {len(classes):,} classes; "
            f"the limit is {MAX_CLASSES}. {fix}")
    if task == BINARY and len(classes) > 2:
        raise CsvError(
            f"Binary classification needs exactly 2 classes, but "
            f"{quote(target)} has {len(classes)} "
            f"({quote_list(_class_names(classes), 5)}). Choose multiclass "
            "classification, or pick another target column.")


def _single_class_error(target: str, name: str, rows_dropped: int) -> CsvError:
    after = (f" after dropping {counted(rows_dropped, 'row')} with a missing "
             "value" if rows_dropped else "")
    return CsvError(
        f"The target column {quote(target)} has a single class "
        f"({quote(name)}){after}. Classification needs at least 2 classes. "
        "Pick another target column, or add rows of other classes.")


def _check_rows_per_class(series: pd.Series, target: str, rows_dropped: int) -> None:
    counts = series.value_counts()
    if len(counts) < 2:
        raise _single_class_error(target, _class_names(counts.index)[0], rows_dropped)
    rare = _class_names(sorted(counts.index[counts < 2].tolist()))
    if not rare:
        return
    after = (f" (after dropping {counted(rows_dropped, 'row')} with a missing "
             "value)" if rows_dropped else "")
    others = (f" {counted(len(rare) - 1, 'other class', 'other classes')} "
              f"{'has' if len(rare) == 2 else 'have'} a single row too."
              if len(rare) > 1 else "")
    raise CsvError(
        f"Class {quote(rare[0])} of the target column {quote(target)} has "
        f"only 1 row{after}. Expected at least 2 rows per class: a stratified "
        "split needs one for training and one for testing. Add rows of that "
        f"class or remove its row.{others}")


def _feature_columns(table: pd.DataFrame, target: str,
                     features: Sequence[str] | None) -> list[str]:
    if features is None:
        return [c for c in table.columns if c != target]
    if isinstance(features, str):
        features = [features]
    features = list(dict.fromkeys(str(f) for f in features))
    unknown = [f for f in features if f not in table.columns]
    if unknown:
        raise CsvError(
            f"Unknown feature column {quote(unknown[0])}. Expected columns "
            f"of the table: {quote_list(table.columns)}. Pick the features "
            "from that list.")
    if target in features:
        raise CsvError(
            f"The target column {quote(target)} is also listed as a feature. "
            "Expected the features to be other columns: a model given the "
            "answer learns nothing. Remove it from the features.")
    return [c for c in table.columns if c in features]


def _usable_features(table: pd.DataFrame, columns: list[str],
                     target: str) -> tuple[list[str], dict[str, str], list[str]]:
    """Leaves out empty and identifier-like columns, saying why."""
    kept, kinds, notes = [], {}, []
    for column in columns:
        series = table[column]
        kind = column_kind(series)
        distinct = series.nunique()
        if kind == EMPTY:
            notes.append(f"Dropped {quote(column)}: every value is missing.")
            continue
        if kind == TEXT:
            reason = ("looks like an identifier"
                      if distinct >= IDENTIFIER_SHARE * series.notna().sum()
                      else f"too many to one-hot encode (the limit is "
                           f"{MAX_CATEGORIES})")
            notes.append(f"Dropped {quote(column)}: text with "
                         f"{distinct:,} distinct values, {reason}.")
        else:
            kept.append(column)
            kinds[column] = kind
        if kind == NUMBER:
            notes += _id_like_number_note(column, series)
        else:
            notes += _mostly_numbers_note(column, series)
    if not kept:
        left_out = (f" ({quote_list(columns, 5)} left out as empty or "
                    "identifier-like)" if columns else "")
        raise CsvError(
            f"No feature columns are left to learn from{left_out}. Expected "
            f"at least one column besides the target {quote(target)} with "
            "numbers or categories (text with few distinct values). Add such "
            "a column to the file or to the features.")
    return kept, kinds, notes


def _id_like_number_note(column: str, series: pd.Series) -> list[str]:
    """A hint when a numeric column looks like a row id (it is kept)."""
    values = series.dropna()
    if is_bool_dtype(values) or len(values) <= MIN_IDENTIFIER_VALUES:
        return []
    numbers = values.to_numpy(np.float64)
    whole = bool(np.all(np.isfinite(numbers) & (numbers == np.round(numbers))))
    if not whole or values.nunique() < len(series):
        return []
    return [f"Kept {quote(column)}, but it has a different whole number in "
            "every row, like a row id: leave it out of the features if it is "
            "one."]


def _mostly_numbers_note(column: str, series: pd.Series) -> list[str]:
    """A hint when a few text cells (10% at most) keep a column of numbers
    from being read as one."""
    values = series.dropna()
    numbers = pd.to_numeric(values, errors="coerce")
    bad = values[numbers.isna()]
    if len(values) == 0 or len(bad) * 10 > len(values):
        return []
    return [f"Read {quote(column)} as text, not numbers: "
            f"{counted(len(bad), 'value')} such as {quote(bad.iloc[0])} "
            f"{'is' if len(bad) == 1 else 'are'} not a number. Fix or empty "
            f"those cells to use {quote(column)} as a number."]


def _check_finite_features(table: pd.DataFrame, kept: list[str],
                           kinds: dict[str, str]) -> None:
    for column in kept:
        infinite = _infinite(table[column]) if kinds[column] == NUMBER else 0
        if infinite:
            raise CsvError(
                f"Column {quote(column)} has "
                f"{counted(infinite, 'infinite value')} (inf or -inf, or "
                "numbers too large for 32-bit floats, beyond 3.4e38). "
                "Expected finite numbers. Replace those values, empty the "
                "cells to treat them as missing, or leave "
                f"{quote(column)} out of the features.")


def _handle_missing(frame: pd.DataFrame, kept: list[str], kinds: dict[str, str],
                    missing: str) -> tuple[pd.DataFrame, str, int]:
    counts = frame[kept].isna().sum()
    counts = counts[counts > 0]
    if counts.empty:
        return frame, "No missing values in the feature columns.", 0
    if missing == "impute":
        fills = {c: _fill_value(frame[c], kinds[c]) for c in counts.index}
        details = "; ".join(
            f"{c}: {n:,} with the "
            f"{'median' if kinds[c] == NUMBER else 'most frequent value'}, "
            f"{_format_fill(fills[c])}" for c, n in counts.items())
        step = (f"Filled {counted(int(counts.sum()), 'missing value')} "
                f"({details}).")
        return frame.fillna(fills), step, 0
    rows = frame[kept].isna().any(axis=1)
    dropped = int(rows.sum())
    details = ", ".join(f"{c}: {n:,}" for c, n in counts.items())
    if len(frame) - dropped < 2:
        raise CsvError(
            f"Only {counted(len(frame) - dropped, 'row')} left after dropping "
            f"{counted(dropped, 'row')} with a missing value ({details}); at "
            "least 2 are needed. Choose \"impute\" to fill missing values "
            "instead, or leave the columns with many missing values out of "
            "the features.")
    step = f"Dropped {counted(dropped, 'row')} with a missing value ({details})."
    return frame[~rows], step, dropped


def _fill_value(series: pd.Series, kind: str):
    if kind == NUMBER:
        return float(series.median())
    return series.mode().iloc[0]


def _format_fill(value) -> str:
    return format_value(value) if isinstance(value, float) else quote(value)


def _encode_features(frame: pd.DataFrame,
                     kinds: dict[str, str]) -> tuple[pd.DataFrame, str]:
    """One-hot encodes categorical columns in place; numbers become float32."""
    categorical = {c: frame[c].nunique() for c in frame.columns
                   if kinds[c] == CATEGORY}
    total = len(frame.columns) - len(categorical) + sum(categorical.values())
    if total > MAX_FEATURES:
        largest = sorted(categorical.items(), key=lambda item: -item[1])[:3]
        raise CsvError(
            f"One-hot encoding would make {total:,} feature columns; the "
            f"limit is {MAX_FEATURES:,}. Each categorical column adds one "
            "column per value (largest: "
            + ", ".join(f"{c}: {n} values" for c, n in largest)
            + "). Leave some categorical columns out of the features.")
    parts = [
        pd.get_dummies(frame[c], prefix=c, prefix_sep="=", dtype=np.float32)
        if c in categorical else frame[c].astype(np.float32).to_frame(c)
        for c in frame.columns
    ]
    encoded = pd.concat(parts, axis=1)
    if not categorical:
        return encoded, ""
    details = ", ".join(f"{c}: {counted(n, 'value')}" for c, n in categorical.items())
    step = (f"One-hot encoded {counted(len(categorical), 'categorical column')} "
            f"({details}) into {counted(sum(categorical.values()), 'column')}.")
    return encoded, step


def _encode_target(series: pd.Series, task: str) -> tuple[np.ndarray, tuple[str, ...]]:
    if task == REGRESSION:
        return np.ascontiguousarray(series.to_numpy(np.float32)), ()
    classes = _sorted_classes(series)
    ids = pd.Categorical(series, categories=classes).codes.astype(np.int64)
    return np.ascontiguousarray(ids), tuple(_class_names(classes))
