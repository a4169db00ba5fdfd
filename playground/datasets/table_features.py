"""The feature columns of a table: which are kept (identifier-like text and
empty columns are left out, with a note), infinite values refused, missing
values dropped or planned for filling, categories planned for one-hot
encoding.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from playground.datasets.csv_columns import (
    EMPTY,
    IDENTIFIER_SHARE,
    MAX_CATEGORIES,
    MIN_IDENTIFIER_VALUES,
    NUMBER,
    TEXT,
    column_kind,
)
from playground.datasets.errors import CsvError
from playground.datasets.wording import (
    SEMICOLON,
    Joined,
    format_value,
    quote,
    quote_list,
)
from playground.i18n import Lazy, mark, tr_lazy, tr_n_lazy

MAX_FEATURES = 1000
"""Most feature columns accepted after one-hot encoding (a table of numbers
only is limited by the reader's column limit instead)."""


_FLOAT32_MAX = float(np.finfo(np.float32).max)


def count_infinite(series: pd.Series) -> int:
    """Counts values that are infinite, or beyond float32's range."""
    if is_bool_dtype(series) or not is_numeric_dtype(series):
        return 0
    numbers = series.dropna().to_numpy(np.float64)
    return int(np.sum(~(np.abs(numbers) <= _FLOAT32_MAX)))


def feature_columns(table: pd.DataFrame, target: str,
                     features: Sequence[str] | None) -> list[str]:
    if features is None:
        return [c for c in table.columns if c != target]
    if isinstance(features, str):
        features = [features]
    features = list(dict.fromkeys(str(f) for f in features))
    unknown = [f for f in features if f not in table.columns]
    if unknown:
        raise CsvError(tr_lazy(
            "Unknown feature column {column}. Expected columns of the table: "
            "{columns}. Pick the features from that list.", column=quote(unknown[0]),
            columns=quote_list(table.columns)))
    if target in features:
        raise CsvError(tr_lazy(
            "The target column {target} is also listed as a feature. Expected the "
            "features to be other columns: a model given the answer learns nothing. "
            "Remove it from the features.", target=quote(target)))
    return [c for c in table.columns if c in features]


def usable_features(table: pd.DataFrame, columns: list[str],
                     target: str) -> tuple[list[str], dict[str, str], list[str]]:
    """Leaves out empty and identifier-like columns, saying why."""
    kept, kinds, notes = [], {}, []
    for column in columns:
        series = table[column]
        kind = column_kind(series)
        distinct = series.nunique()
        if kind == EMPTY:
            notes.append(tr_lazy("Dropped {column}: every value is missing.",
                                 column=quote(column)))
            continue
        if kind == TEXT:
            values = dict(column=quote(column), count=format(distinct, ","))
            notes.append(tr_n_lazy(
                "Dropped {column}: text with {count} distinct value, looks like an "
                "identifier.", "Dropped {column}: text with {count} distinct values, "
                "looks like an identifier.", distinct, **values)
                if distinct >= IDENTIFIER_SHARE * series.notna().sum() else tr_lazy(
                "Dropped {column}: text with {count} distinct values, too many to "
                "one-hot encode (the limit is {limit}).", limit=MAX_CATEGORIES,
                **values))
        else:
            kept.append(column)
            kinds[column] = kind
        if kind == NUMBER:
            notes += _id_like_number_note(column, series)
        else:
            notes += _mostly_numbers_note(column, series)
    if not kept:
        if columns:
            raise CsvError(tr_lazy(
                "No feature columns are left to learn from ({columns} left out as "
                "empty or identifier-like). Expected at least one column besides the "
                "target {target} with numbers or categories (text with few distinct "
                "values). Add such a column to the file or to the features.",
                columns=quote_list(columns, 5), target=quote(target)))
        raise CsvError(tr_lazy(
            "No feature columns are left to learn from. Expected at least one column "
            "besides the target {target} with numbers or categories (text with few "
            "distinct values). Add such a column to the file or to the features.",
            target=quote(target)))
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
    return [tr_lazy("Kept {column}, but it has a different whole number in every row, "
                    "like a row id: leave it out of the features if it is one {how}.",
                    column=quote(column), how=tr_lazy(HOW_TO_LEAVE_OUT))]


def _mostly_numbers_note(column: str, series: pd.Series) -> list[str]:
    """A hint when a few text cells (10% at most) keep a column of numbers
    from being read as one."""
    values = series.dropna()
    numbers = pd.to_numeric(values, errors="coerce")
    bad = values[numbers.isna()]
    if len(values) == 0 or len(bad) * 10 > len(values):
        return []
    return [tr_n_lazy(
        "Read {column} as text, not numbers: {count} value such as {value} is not a "
        "number. Fix or empty those cells to use {column} as a number.",
        "Read {column} as text, not numbers: {count} values such as {value} are not "
        "numbers. Fix or empty those cells to use {column} as a number.", len(bad),
        column=quote(column), count=format(len(bad), ","), value=quote(bad.iloc[0]))]


def check_finite_features(table: pd.DataFrame, kept: list[str],
                           kinds: dict[str, str]) -> None:
    for column in kept:
        infinite = count_infinite(table[column]) if kinds[column] == NUMBER else 0
        if infinite:
            raise CsvError(tr_lazy(
                "Column {column} has {values} (inf or -inf, or numbers too large for "
                "32-bit floats, beyond 3.4e38). Expected finite numbers. Replace "
                "those values, empty the cells to treat them as missing, or leave "
                "{column} out of the features {how}.", column=quote(column),
                values=infinite_values(infinite), how=tr_lazy(HOW_TO_LEAVE_OUT)))


def infinite_values(count: int):
    """`"3 infinite values"`, in the reader's language."""
    return tr_n_lazy("{count} infinite value", "{count} infinite values", count,
                     count=format(count, ","))


HOW_TO_LEAVE_OUT = mark('("Leave out of the features" on the Data page; `drop` in a '
                        "link or experiment file)")
"""Where a column is left out, for advice that asks for it."""

def handle_missing(frame: pd.DataFrame, kept: list[str], kinds: dict[str, str],
                   missing: str) -> tuple[pd.DataFrame, Lazy, int, str]:
    """Drops the rows with a missing feature value, or plans to fill them in.

    Dropping that would remove most of the rows fills them in instead (a
    table that loses most of itself silently is worse than filled values),
    and the step says so.

    Returns:
        The frame, the step as a sentence (translated when read), the rows
        dropped, and the way missing values are handled in the end (`"drop"`
        or `"impute"`).
    """
    counts = frame[kept].isna().sum()
    counts = counts[counts > 0]
    if counts.empty:
        return frame, tr_lazy("No missing values in the feature columns."), 0, missing
    rows = frame[kept].isna().any(axis=1)
    dropped = int(rows.sum())
    details = Joined(tr_lazy("{column}: {count}", column=c, count=format(n, ","))
                     for c, n in counts.items())
    if missing == "drop" and dropped * 2 > len(frame):
        return frame, tr_lazy(
            "Dropping the rows with a missing value would remove {dropped} of {rows} "
            "({details}), so they are filled in instead: {plan}. Leave the columns "
            "with many missing values out of the features {how} to keep every row "
            "without filling in.", dropped=format(dropped, ","),
            rows=format(len(frame), ","), details=details,
            plan=_fill_plan(counts, kinds), how=tr_lazy(HOW_TO_LEAVE_OUT)), 0, "impute"
    if missing == "impute":
        return frame, tr_lazy("Will {plan}.", plan=_fill_plan(counts, kinds)), 0, missing
    step = tr_lazy("Dropped {rows} with a missing value ({details}).",
                   rows=row_count(dropped), details=details)
    return frame[~rows], step, dropped, missing


def row_count(count: int) -> Lazy:
    """`"3 rows"`, in the reader's language."""
    return tr_n_lazy("{count} row", "{count} rows", count, count=format(count, ","))


def _fill_plan(counts: pd.Series, kinds: dict[str, str]) -> Lazy:
    details = Joined((tr_lazy("{column}: {count} with the median", column=c,
                              count=format(n, ",")) if kinds[c] == NUMBER else
                      tr_lazy("{column}: {count} with the most frequent value", column=c,
                              count=format(n, ",")) for c, n in counts.items()),
                     separator=SEMICOLON)
    total = int(counts.sum())
    return tr_lazy("fill {values} ({details}) of the training rows, learned after the "
                   "split", values=tr_n_lazy("{count} missing value",
                                             "{count} missing values", total,
                                             count=format(total, ",")),
                   details=details)


def format_fill(value) -> str:
    return format_value(value) if isinstance(value, float) else quote(value)


def encoded_columns(kept: list[str],
                     categories: dict[str, tuple]) -> tuple[tuple[str, ...], Lazy | str]:
    """The model's input columns, a one-hot column per category value.

    Only one-hot encoding is capped (at `MAX_FEATURES` columns in all): a
    table of numbers alone is limited by the reader's column limit. The step
    (empty without categories) is translated when read.
    """
    names = tuple(name for c in kept for name in (
        [f"{c}={v}" for v in categories[c]] if c in categories else [c]))
    if categories and len(names) > MAX_FEATURES:
        by_size = sorted(categories.items(), key=lambda item: -len(item[1]))
        largest = [tr_lazy("{column}: {count} values", column=c, count=len(v))
                   for c, v in by_size[:3]]
        raise CsvError(tr_lazy(
            "One-hot encoding would make {columns} feature columns; the limit is "
            "{limit}. Each categorical column adds one column per value (largest: "
            "{largest}). Leave some categorical columns out of the features {how}.",
            columns=format(len(names), ","), limit=format(MAX_FEATURES, ","),
            largest=Joined(largest),
            how=tr_lazy(HOW_TO_LEAVE_OUT)))
    if not categories:
        return names, ""
    details = Joined(tr_n_lazy("{column}: {count} value", "{column}: {count} values",
                               len(v), column=c, count=format(len(v), ","))
                     for c, v in categories.items())
    total = sum(len(v) for v in categories.values())
    step = tr_lazy("One-hot encoded {columns} ({details}) into {total}.",
                   columns=tr_n_lazy("{count} categorical column",
                                     "{count} categorical columns", len(categories),
                                     count=format(len(categories), ",")),
                   details=details,
                   total=tr_n_lazy("{count} column", "{count} columns", total,
                                   count=format(total, ",")))
    return names, step
