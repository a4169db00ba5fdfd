"""Preparing a CSV table for training: target, task, features, encoding.

`prepare_table` turns a table read by `playground.datasets.csv_reading` into
model inputs and targets for one target column. It detects the task (or
takes the one chosen), leaves out empty and identifier-like text columns,
drops rows with missing values or plans to fill them, plans the one-hot
encoding and the scaling, and records every step in plain language. The checks of the target column live
in `table_target`, those of the feature columns in `table_features`.

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

from playground.datasets.csv_columns import CATEGORY, NUMBER, tidy
from playground.datasets.errors import CsvError
from playground.datasets.table_features import (
    check_finite_features,
    encoded_columns,
    feature_columns,
    format_fill,
    handle_missing,
    row_count,
    usable_features,
)
from playground.datasets.table_target import (
    check_classes,
    check_regression_target,
    check_rows_per_class,
    check_target_values,
    detect_task,
    encode_target,
    task_step,
)
from playground.datasets.wording import (
    SEMICOLON,
    Joined,
    format_value,
    quote,
    quote_list,
)
from playground.i18n import Lazy, mark, tr_lazy, tr_n_lazy
from playground.registry import REGRESSION, TASKS

MISSING_MODES = ("drop", "impute")


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
        steps: What is done, in order, as short plain-language sentences,
            each translated when read (`str(step)`): a prepared table is
            cached for every browser session, whatever their languages.
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
    steps: tuple[Lazy, ...]
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


def fill_step(prepared: PreparedTable, preprocessor) -> Lazy | str:
    """A sentence naming the fill values a fitted `preprocessor()` learned
    from the training rows, for the columns that have missing values
    (translated when read); empty when nothing is filled."""
    fills = fitted_fill_values(prepared, preprocessor)
    missing = prepared.features.isna().sum()
    shown = [f"{c}: {format_fill(fills[c])}" for c in prepared.kinds
             if missing[c] and c in fills]
    if not shown:
        return ""
    return tr_lazy("Fill values learned from the training rows: {fills}.",
                   fills=Joined(shown, separator=SEMICOLON))


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

    _check_choice(task, (*TASKS, None), mark(
        "Unknown task {value}. Expected one of {choices}. Pick one of those."))
    _check_choice(missing, MISSING_MODES, mark(
        "Unknown missing-value handling {value}. Expected one of {choices}. Pick one "
        "of those."))
    table = tidy(table)
    if target not in table.columns:
        raise CsvError(tr_lazy(
            "Unknown target column {column}. Expected one of the table's columns: "
            "{columns}. Pick the target from that list.", column=quote(target),
            columns=quote_list(table.columns)))
    check_target_values(table[target], target)
    chosen = task
    task = task or detect_task(table[target])
    steps = [task_step(table[target], target, task, chosen is None)]
    if task == REGRESSION:
        check_regression_target(table[target], target)
    else:
        check_classes(table[target], target, task)

    columns = feature_columns(table, target, features)
    image_shape, pixel_max = pixel_layout(table[columns]) if images else ((), 1.0)
    kept, kinds, notes = usable_features(table, columns, target)
    steps += notes
    check_finite_features(table, kept, kinds)
    frame, step, rows_dropped, missing = handle_missing(table[[*kept, target]], kept,
                                                         kinds, missing)
    steps.append(step)
    if task != REGRESSION:
        check_rows_per_class(frame[target], target, rows_dropped)
    categories = {c: tuple(sorted(frame[c].dropna().unique().tolist()))
                  for c in kept if kinds[c] == CATEGORY}
    feature_names, encode_step = encoded_columns(kept, categories)
    if encode_step:
        steps.append(encode_step)
    y, class_names = encode_target(frame[target], task)
    if image_shape:
        shape = describe_shape(image_shape)
        steps.append(tr_lazy("Pixels will be divided by {max} (to 0..1) and read as "
                             "{shape} images.", max=format_value(pixel_max), shape=shape))
        steps.append(tr_n_lazy("Result: {count} image of {shape}.",
                               "Result: {count} images of {shape}.", len(frame),
                               count=format(len(frame), ","), shape=shape))
    else:
        steps.append(tr_lazy(
            "Features will be standardised (mean 0, standard deviation 1) with the "
            "training rows' statistics, after the split.") if standardize else tr_lazy(
            "Features are left as they are (standardisation is off)."))
        steps.append(tr_lazy("Result: {rows} and {columns}.", rows=row_count(len(frame)),
                             columns=tr_n_lazy("{count} feature column",
                                               "{count} feature columns",
                                               len(feature_names),
                                               count=format(len(feature_names), ","))))
    numbers = {c: frame[c].astype(np.float64) for c in kept if kinds[c] == NUMBER}
    y.setflags(write=False)
    return PreparedTable(
        features=frame[kept].assign(**numbers), y=y, feature_names=feature_names,
        class_names=class_names, task=task, target=target, steps=tuple(steps),
        rows_dropped=rows_dropped, kinds={c: kinds[c] for c in kept},
        categories=categories, impute=missing == "impute",
        standardize=bool(standardize), image_shape=image_shape,
        pixel_max=pixel_max)


def _check_choice(value, choices: tuple, message: str) -> None:
    """Refuses a `value` not in `choices` with `message`, a marked text with
    `{value}` and `{choices}`."""
    if value not in choices:
        raise CsvError(tr_lazy(message, value=quote(value), choices=", ".join(
            "None" if c is None else repr(c) for c in choices)))
