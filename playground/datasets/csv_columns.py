"""What each column of a read table holds: numbers, categories, free text or
nothing, after tidying the cells, and a per-column summary for the Data page.
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence

import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from playground.datasets.errors import CsvError
from playground.datasets.wording import format_value, quote, shorten
from playground.i18n import Lazy, tr_lazy

MAX_CATEGORIES = 30
"""Most distinct values of a text column that is one-hot encoded.

A text feature column with more distinct values, or with a distinct value in
nearly every row (see `IDENTIFIER_SHARE`), is left out as identifier-like:
names, ticket numbers and cabin codes teach a model nothing that carries over
to new rows, and one-hot encoding them would add one column per row.
"""


IDENTIFIER_SHARE = 0.9
"""A text column whose distinct values number at least this share of its
filled cells (and more than `MIN_IDENTIFIER_VALUES`) is identifier-like."""


MIN_IDENTIFIER_VALUES = 10
"""Fewer distinct values than this never make a column identifier-like."""


NUMBER = "number"


CATEGORY = "category"


TEXT = "text"


EMPTY = "empty"


KINDS = (NUMBER, CATEGORY, TEXT, EMPTY)
"""Column kinds: numbers (booleans included) are used as they are,
categories are one-hot encoded, identifier-like text and empty columns are
left out."""


def check_unique(columns: Sequence[str], subject: str | Lazy) -> None:
    """Raises `CsvError` naming the first repeated column name and where."""
    counts = Counter(columns)
    duplicate = next((c for c in columns if counts[c] > 1), None)
    if duplicate is not None:
        places = [str(i) for i, c in enumerate(columns, 1) if c == duplicate]
        raise CsvError(tr_lazy(
            "{subject} has the column name {name} {count} times (columns {columns}). "
            "Expected unique column names. Rename the repeated columns.",
            subject=subject, name=quote(duplicate), count=len(places),
            columns=", ".join(places)))


def tidy(table: pd.DataFrame) -> pd.DataFrame:
    """Strips text cells, reads blank ones as missing and numbers as numbers.

    Applied by `read_csv` and again (it changes nothing the second time) by
    `column_summary` and `prepare_table`, so a table built by hand behaves
    like one read from a file.
    """
    columns = [str(c) for c in table.columns]
    check_unique(columns, tr_lazy("The table"))
    tidy = pd.concat([tidy_column(table.iloc[:, i]) for i in range(table.shape[1])],
                     axis=1, ignore_index=True)
    tidy.columns = columns
    tidy.attrs = dict(table.attrs)
    return tidy


def tidy_column(series: pd.Series) -> pd.Series:
    """One column read as the app reads it: text stripped, numbers as numbers.

    Used by `tidy`: numbers stay, text is stripped (blank cells missing) and
    read as numbers when every filled cell is one.
    """
    if is_bool_dtype(series) or is_numeric_dtype(series):
        return series
    filled = series.notna()
    text = series.astype(object).astype(str).str.strip()
    text = text.where(filled & (text != ""))
    numbers = pd.to_numeric(text, errors="coerce")
    filled = int(text.notna().sum())
    if filled and int(numbers.notna().sum()) == filled:
        return numbers
    return text


def column_kind(series: pd.Series) -> str:
    """How a column is used as a feature: one of `KINDS`.

    `"number"` for numbers and true/false values (used as they are),
    `"category"` for text with few distinct values (one-hot encoded),
    `"text"` for identifier-like text (left out, see `MAX_CATEGORIES`) and
    `"empty"` when every value is missing (left out).
    """
    series = tidy_column(series)
    values = series.dropna()
    if values.empty:
        return EMPTY
    if is_bool_dtype(series) or is_numeric_dtype(series):
        return NUMBER
    return TEXT if _identifier_like(values.nunique(), len(values)) else CATEGORY


def _identifier_like(distinct: int, filled: int) -> bool:
    return distinct > MAX_CATEGORIES or (
        distinct > MIN_IDENTIFIER_VALUES and distinct >= IDENTIFIER_SHARE * filled)


def column_summary(table: pd.DataFrame) -> pd.DataFrame:
    """One row per column, for the preview next to the data.

    Args:
        table: A table, usually from `read_csv`.

    Returns:
        A DataFrame with columns `name`, `kind` (see `column_kind`),
        `missing` (count of missing cells), `distinct` (count of distinct
        values) and `example` (the range of a numeric column, the most
        frequent values of a categorical one (ties in alphabetical order),
        the first value otherwise).
    """
    table = tidy(table)
    rows = [_summarise(column, table[column]) for column in table.columns]
    return pd.DataFrame(rows, columns=["name", "kind", "missing", "distinct",
                                       "example"])


def _summarise(name: str, series: pd.Series) -> dict:
    kind = column_kind(series)
    values = series.dropna()
    if kind == EMPTY:
        example = ""
    elif is_bool_dtype(values):
        example = ", ".join(str(v) for v in sorted(values.unique()))
    elif kind == NUMBER:
        example = f"{format_value(values.min())} to {format_value(values.max())}"
    elif kind == CATEGORY:
        counts = values.value_counts()
        top = sorted(counts.index, key=lambda v: (-counts[v], str(v)))[:3]
        example = ", ".join(top) + (", ..." if len(counts) > 3 else "")
    else:
        example = shorten(values.iloc[0], 40)
    return {"name": name, "kind": kind, "missing": int(series.isna().sum()),
            "distinct": int(values.nunique()), "example": example}
