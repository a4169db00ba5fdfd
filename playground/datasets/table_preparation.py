"""Preparing a CSV table for training: target, task, features, encoding.

`prepare_table` turns a table read by `playground.datasets.csv_reading` into
model inputs and targets for one target column. It detects the task (or
takes the one chosen), leaves out empty and identifier-like text columns,
drops rows with missing values or plans to fill them, plans the one-hot
encoding and the scaling, and records every step in plain language.

What is learned from data is learned after the split, from the training rows
only: `PreparedTable.preprocessor()` is a scikit-learn pipeline
(`SimpleImputer`, `OneHotEncoder` and `StandardScaler` in a
`ColumnTransformer`) that `playground.datasets.split_dataset` fits on the
training rows and keeps, fitted, on the `Dataset`, so new rows (a form, an
exported script) can be prepared exactly like the training ones.
scikit-learn is imported only when a pipeline is built, never by the first
page.

Every problem is a `CsvError` whose message says what was received, what was
expected and how to fix it. Nothing here is random: the caller splits the
rows (see `playground.datasets.split_indices`).
"""

from __future__ import annotations

import functools
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
"""Most feature columns accepted after one-hot encoding (a table of numbers
only is limited by the reader's column limit instead)."""

MAX_CLASSES = 50
"""Most classes accepted in a classification target."""

MAX_DETECTED_CLASSES = 10
"""Most distinct whole numbers in a numeric target detected as classes."""

MISSING_MODES = ("drop", "impute")

_FLOAT32_MAX = float(np.finfo(np.float32).max)


@dataclass(frozen=True, eq=False)
class PreparedTable:
    """A table checked and ready to split and encode for one target column.

    Nothing here is fitted to data yet: imputation, one-hot encoding and
    scaling learn from the training rows only, after the split, through
    `preprocessor()` (see `playground.datasets.split_dataset`). The arrays are
    read-only.

    Attributes:
        features: The feature columns as read, one row per sample (rows with
            a missing feature value already dropped when missing values are
            dropped), numbers as float64 and categories as text: what
            `preprocessor()` takes, for training and for new rows alike.
        y: Class ids (int64, classes in sorted order) for classification;
            float32 values, in the file's units, for regression.
        feature_names: One name per model input column after encoding; a
            one-hot column is named `"column=value"`, e.g. `"Sex=male"`.
        class_names: The string form of each class, in class id order; empty
            for regression.
        task: `"binary"`, `"multiclass"` or `"regression"`.
        target: The target column's name.
        steps: What is done, in order, as short plain-language sentences.
        rows_dropped: Rows dropped because a feature value was missing.
        kinds: The kind of each feature column, `"number"` or `"category"`.
        categories: The values of each categorical column, in the order of
            their one-hot columns.
        impute: Whether missing feature values are filled in.
        standardize: Whether features are standardised with the training
            rows' mean and standard deviation (ignored for images).
        image_shape: `(height, width, channels)` when the columns are the
            pixels of an image, else `()`.
        pixel_max: The largest pixel value (255 or 1) images are divided by.
    """

    features: pd.DataFrame
    y: np.ndarray
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...]
    task: str
    target: str
    steps: tuple[str, ...]
    rows_dropped: int
    kinds: dict[str, str]
    categories: dict[str, tuple]
    impute: bool = False
    standardize: bool = True
    image_shape: tuple[int, ...] = ()
    pixel_max: float = 1.0

    @property
    def num_classes(self) -> int:
        """Number of classes; 1 for regression (one output)."""
        return len(self.class_names) if self.task != REGRESSION else 1

    @property
    def input_shape(self) -> tuple[int, ...]:
        """One sample's shape as the model sees it."""
        return self.image_shape or (len(self.feature_names),)

    def preprocessor(self):
        """A new, unfitted scikit-learn pipeline from `features` to model inputs.

        Its first step, `"columns"`, is a `ColumnTransformer` that fills
        missing values (median for numbers, most frequent value for
        categories, when `impute`) and one-hot encodes categories (a value
        not seen in training gets all zeros); its second, `"scale"`, is a
        `StandardScaler` (when `standardize`), the division of pixels by
        `pixel_max` and the reshape to `image_shape` (images), or nothing.
        Fit it on the training rows only, so validation and test rows teach
        it nothing; the fitted pipeline then turns any new rows with the same
        columns into model inputs.
        """
        from sklearn.compose import ColumnTransformer
        from sklearn.pipeline import Pipeline
        from sklearn.preprocessing import StandardScaler

        columns = ColumnTransformer(
            [(f"{kind} {i + 1}", _column_steps(kind, names, self), names)
             for i, (kind, names) in enumerate(column_runs(self.kinds))],
            verbose_feature_names_out=False)
        if self.image_shape:
            scale = _pixel_scaler(self.image_shape, self.pixel_max)
        else:
            scale = StandardScaler() if self.standardize else "passthrough"
        return Pipeline([("columns", columns), ("scale", scale)])


def column_runs(kinds: dict[str, str]) -> list[tuple[str, list[str]]]:
    """Groups neighbouring columns of the same kind, so the encoded columns
    keep the table's order with few transformers (one for a pixel table)."""
    runs: list[tuple[str, list[str]]] = []
    for column, kind in kinds.items():
        if runs and runs[-1][0] == kind:
            runs[-1][1].append(column)
        else:
            runs.append((kind, [column]))
    return runs


def _column_steps(kind: str, columns: list[str], prepared: PreparedTable):
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    steps = []
    if prepared.impute:
        # keep_empty_features: a column missing in every training row still
        # gives its input (filled with 0), so the model's input shape holds.
        steps.append(SimpleImputer(
            strategy="median" if kind == NUMBER else "most_frequent",
            keep_empty_features=True))
    if kind == CATEGORY:
        steps.append(OneHotEncoder(
            categories=[list(prepared.categories[c]) for c in columns],
            handle_unknown="ignore", sparse_output=False, dtype=np.float32))
    return make_pipeline(*steps) if steps else "passthrough"


def _pixel_scaler(shape: tuple[int, ...], pixel_max: float):
    from sklearn.preprocessing import FunctionTransformer

    return FunctionTransformer(functools.partial(pixels_to_images, shape=shape,
                                                 pixel_max=pixel_max))


def pixels_to_images(x, shape: tuple[int, ...], pixel_max: float) -> np.ndarray:
    """Rows of pixel values to float32 images in 0..1, `(rows, *shape)`.

    Pixels are read row by row, left to right, the channels of one pixel
    next to each other (red, green, blue), the layout of `numpy.reshape`.
    """
    x = np.asarray(x, dtype=np.float32) / np.float32(pixel_max)
    return x.reshape(-1, *shape)


def fitted_fill_values(prepared: PreparedTable, preprocessor) -> dict[str, object]:
    """The values a fitted `preprocessor()` fills missing cells with, by
    column (empty when missing values are dropped): the training rows'
    median or most frequent value."""
    if not prepared.impute:
        return {}
    fills = {}
    for _, steps, names in preprocessor.named_steps["columns"].transformers_:
        if steps in ("drop", "passthrough"):
            continue
        imputer = steps.steps[0][1]
        fills.update(zip(names, imputer.statistics_.tolist()))
    return fills


def fill_step(prepared: PreparedTable, preprocessor) -> str:
    """A sentence naming the fill values a fitted `preprocessor()` learned
    from the training rows, for the columns that have missing values; empty
    when nothing is filled."""
    fills = fitted_fill_values(prepared, preprocessor)
    missing = prepared.features.isna().sum()
    shown = [f"{c}: {_format_fill(fills[c])}" for c in prepared.kinds
             if missing[c] and c in fills]
    if not shown:
        return ""
    return ("Fill values learned from the training rows: " + "; ".join(shown) + ".")


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


def prepare_table(table: pd.DataFrame, target: str, task: str | None = None,
                  missing: str = "drop", features: Sequence[str] | None = None,
                  standardize: bool = True, images: bool = False) -> PreparedTable:
    """Checks a table and readies its features and targets for one target column.

    Steps, each recorded in `PreparedTable.steps`: check the target; detect
    the task unless `task` is given; leave out empty and identifier-like
    text columns; drop the rows with a missing feature value, or plan to
    fill each missing value with its column's median (numbers) or most
    frequent value (categories) of the training rows; plan the one-hot
    encoding of categorical columns and the scaling. Rows are never dropped
    for a missing target: the user is asked to fix the file instead. What is
    learned from data (fill values, means, deviations) is learned after the
    split, from the training rows only, by `PreparedTable.preprocessor()`.

    Args:
        table: A table, usually from `read_csv`.
        target: The column to predict.
        task: `"binary"`, `"multiclass"` or `"regression"`; None detects it
            with `detect_task`.
        missing: `"drop"` drops rows with a missing feature value;
            `"impute"` fills them in.
        features: The feature columns to use (kept in the table's order);
            by default, all columns but the target.
        standardize: Whether features are standardised with the training
            rows' mean and standard deviation.
        images: Read the feature columns as the pixels of square images
            (see `playground.datasets.pixel_tables.pixel_layout`): pixels are
            scaled to 0..1 instead of standardised.

    Returns:
        A `PreparedTable`.

    Raises:
        CsvError: The target, the task or the features cannot be used; the
            message says why and how to fix it.
    """
    from playground.datasets.pixel_tables import describe_shape, pixel_layout

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
    image_shape, pixel_max = pixel_layout(table[columns]) if images else ((), 1.0)
    kept, kinds, notes = _usable_features(table, columns, target)
    steps += notes
    _check_finite_features(table, kept, kinds)
    frame, step, rows_dropped = _handle_missing(table[[*kept, target]], kept,
                                                kinds, missing)
    steps.append(step)
    if task != REGRESSION:
        _check_rows_per_class(frame[target], target, rows_dropped)
    categories = {c: tuple(sorted(frame[c].dropna().unique().tolist()))
                  for c in kept if kinds[c] == CATEGORY}
    feature_names, encode_step = _encoded_columns(kept, categories)
    if encode_step:
        steps.append(encode_step)
    y, class_names = _encode_target(frame[target], task)
    if image_shape:
        steps.append(f"Pixels will be divided by {format_value(pixel_max)} (to "
                     f"0..1) and read as {describe_shape(image_shape)} images.")
        result = f"{counted(len(frame), 'image')} of {describe_shape(image_shape)}"
    else:
        steps.append(
            "Features will be standardised (mean 0, standard deviation 1) with "
            "the training rows' statistics, after the split." if standardize else
            "Features are left as they are (standardisation is off).")
        result = (f"{counted(len(frame), 'row')} and "
                  f"{counted(len(feature_names), 'feature column')}")
    steps.append(f"Result: {result}.")
    numbers = {c: frame[c].astype(np.float64) for c in kept if kinds[c] == NUMBER}
    y.setflags(write=False)
    return PreparedTable(
        features=frame[kept].assign(**numbers), y=y, feature_names=feature_names,
        class_names=class_names, task=task, target=target, steps=tuple(steps),
        rows_dropped=rows_dropped, kinds={c: kinds[c] for c in kept},
        categories=categories, impute=missing == "impute",
        standardize=bool(standardize), image_shape=image_shape,
        pixel_max=pixel_max)


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
        details = "; ".join(
            f"{c}: {n:,} with the "
            f"{'median' if kinds[c] == NUMBER else 'most frequent value'}"
            for c, n in counts.items())
        step = (f"Will fill {counted(int(counts.sum()), 'missing value')} "
                f"({details}) of the training rows, learned after the split.")
        return frame, step, 0
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


def _format_fill(value) -> str:
    return format_value(value) if isinstance(value, float) else quote(value)


def _encoded_columns(kept: list[str],
                     categories: dict[str, tuple]) -> tuple[tuple[str, ...], str]:
    """The model's input columns, a one-hot column per category value.

    Only one-hot encoding is capped (at `MAX_FEATURES` columns in all): a
    table of numbers alone is limited by the reader's column limit.
    """
    names = tuple(name for c in kept for name in (
        [f"{c}={v}" for v in categories[c]] if c in categories else [c]))
    if categories and len(names) > MAX_FEATURES:
        largest = sorted(categories.items(), key=lambda item: -len(item[1]))[:3]
        raise CsvError(
            f"One-hot encoding would make {len(names):,} feature columns; the "
            f"limit is {MAX_FEATURES:,}. Each categorical column adds one "
            "column per value (largest: "
            + ", ".join(f"{c}: {len(v)} values" for c, v in largest)
            + "). Leave some categorical columns out of the features.")
    if not categories:
        return names, ""
    details = ", ".join(f"{c}: {counted(len(v), 'value')}"
                        for c, v in categories.items())
    total = sum(len(v) for v in categories.values())
    step = (f"One-hot encoded {counted(len(categories), 'categorical column')} "
            f"({details}) into {counted(total, 'column')}.")
    return names, step


def _encode_target(series: pd.Series, task: str) -> tuple[np.ndarray, tuple[str, ...]]:
    if task == REGRESSION:
        return np.ascontiguousarray(series.to_numpy(np.float32)), ()
    classes = _sorted_classes(series)
    ids = pd.Categorical(series, categories=classes).codes.astype(np.int64)
    return np.ascontiguousarray(ids), tuple(_class_names(classes))
