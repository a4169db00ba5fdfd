"""A user's own CSV file: checked, parsed and prepared for training.

A learner uploads a CSV file in the browser, previews it, picks the target
column and trains a model on it. The file comes from outside and is not
trusted, so the pipeline has two stages:

1. `read_csv` caps the size, decodes the bytes strictly as UTF-8, checks that
   the text is a well-formed table (named, unique columns; the same number of
   fields on every line; enough rows, not too many) and only then parses it
   with pandas, so numbers come out numeric.
2. `prepare_table` turns the table into arrays for one target column. It
   detects the task (or takes the one chosen), leaves out empty and
   identifier-like text columns, drops or fills missing values, one-hot
   encodes categorical columns and records every step in plain language.

Every problem is a `CsvError` whose message says what was received, what was
expected and how to fix it, so the app can show it as it is and keep the
previous dataset. Nothing here is random: the caller splits the rows (see
`playground.datasets.split_indices`) and, when standardisation is on,
standardises the features with the training rows' statistics after the split.

Delimiter: files exported by a spreadsheet in many European locales use `;`
between fields and a decimal comma (`1,5`). `read_csv` accepts `,`, `;` and
tab. It picks the one that splits the first lines into the same number (more
than one) of fields, quotes respected, preferring the one giving the most
fields and then `,`, `;`, tab in that order. If none is consistent (a ragged
file) it picks the one that splits the header line into the most fields, so
the ragged line is then reported; a one-column file reads as comma-separated.
This is `csv.Sniffer`'s idea made predictable: the sniffer gives up on
one-column and ragged files, exactly those that need a clear message. In a
`;` file, text columns whose values are all numbers with a decimal comma are
read as numbers.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
from collections import Counter
from dataclasses import dataclass
from itertools import islice
from typing import Iterable, Iterator, Sequence

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from playground.fields import format_number
from playground.registry import BINARY, MULTICLASS, REGRESSION, TASKS

MAX_BYTES = 5 * 2**20
"""Largest accepted upload, in bytes (5 MB)."""

MAX_ROWS = 100_000
"""Most data rows accepted, not counting the header line."""

MAX_COLUMNS = 200
"""Most columns accepted in the file, before any encoding."""

MAX_FEATURES = 1000
"""Most feature columns accepted after one-hot encoding."""

MAX_CLASSES = 50
"""Most classes accepted in a classification target."""

MAX_CATEGORIES = 30
"""Most distinct values of a text column that is one-hot encoded.

A text feature column with more distinct values, or with a distinct value in
nearly every row (see `IDENTIFIER_SHARE`), is left out as identifier-like:
names, ticket numbers and cabin codes teach a model nothing that carries over
to new rows, and one-hot encoding them would add one column per row.
"""

IDENTIFIER_SHARE = 0.9
"""A text column whose distinct values number at least this share of its
filled cells (and more than 10) is identifier-like."""

MAX_DETECTED_CLASSES = 10
"""Most distinct whole numbers in a numeric target detected as classes."""

DELIMITERS = (",", ";", "\t")
"""Field delimiters `read_csv` recognises, in order of preference."""

NUMBER = "number"
CATEGORY = "category"
TEXT = "text"
EMPTY = "empty"
KINDS = (NUMBER, CATEGORY, TEXT, EMPTY)
"""Column kinds: numbers (booleans included) are used as they are,
categories are one-hot encoded, identifier-like text and empty columns are
left out."""

MISSING_MODES = ("drop", "impute")

_MB = 2**20
_SAMPLE_LINES = 50
_MIN_IDENTIFIER_VALUES = 10
_FLOAT32_MAX = float(np.finfo(np.float32).max)
_ZIP_OR_OFFICE = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
_SAVE_AS_UTF8 = ('(in Excel: Save As, "CSV UTF-8 (Comma delimited)"; in '
                 'LibreOffice: Save As, Text CSV, character set "Unicode (UTF-8)")')


class CsvError(ValueError):
    """A CSV file, or a choice made about it, cannot be used.

    The message is a few plain sentences: what was received, what was
    expected and how to fix it. It is meant to be shown to the user as it is.
    """


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


# Reading ----------------------------------------------------------------------


def read_csv(data: bytes, name: str = "the file") -> pd.DataFrame:
    """Checks an uploaded CSV file and parses it into a table.

    The checks run on the raw bytes and text before pandas sees them, because
    pandas quietly repairs what a learner should hear about: it fills short
    rows with missing values and renames duplicate or empty column names.

    Args:
        data: The file's bytes, as uploaded.
        name: How to call the file in messages, e.g. its file name.

    Returns:
        A DataFrame with the header's column names (surrounding spaces
        removed), numeric columns as numbers, text cells stripped of
        surrounding spaces and blank cells as missing values.
        `df.attrs["delimiter"]` holds the delimiter that was used.

    Raises:
        CsvError: The file is too big, empty, not UTF-8 text, not a
            well-formed table, or has too few or too many rows or columns.
    """
    data = bytes(data)
    subject = _subject(name)
    _check_size(data, subject)
    text = _decode(data, subject)
    delimiter = _choose_delimiter(text)
    header = _check_table(text, delimiter, subject)
    table = _parse(text, delimiter, header, subject)
    table.attrs["delimiter"] = delimiter
    return table


def _subject(name: str) -> str:
    name = str(name).strip() or "the file"
    if len(name) > 60:
        name = name[:57] + "..."
    return name[:1].upper() + name[1:] if name.startswith("the ") else name


def _check_size(data: bytes, subject: str) -> None:
    if len(data) > MAX_BYTES:
        size = math.ceil(len(data) / _MB * 10) / 10
        raise CsvError(
            f"{subject} is {size:.1f} MB; the limit is {MAX_BYTES / _MB:g} MB. "
            "Upload a smaller file: keep only the columns you need, or a "
            "sample of the rows.")


def _decode(data: bytes, subject: str) -> str:
    """Decodes strictly as UTF-8, with or without a byte order mark."""
    empty = CsvError(
        f"{subject} is empty: it contains no text. Expected a CSV file with "
        "a header line of column names, then one line per row. Check that "
        "you picked the right file.")
    if not data.strip():
        raise empty
    if data.startswith(_ZIP_OR_OFFICE):
        raise CsvError(
            f"{subject} looks like an Excel workbook (or another binary "
            "file), not CSV text. Open it in your spreadsheet and save it as "
            f"CSV UTF-8 {_SAVE_AS_UTF8}, then upload the .csv file.")
    offset = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        text = data[offset:].decode("utf-8")
    except UnicodeDecodeError as error:
        position = error.start + offset
        line = data.count(b"\n", 0, position) + 1
        raise CsvError(
            f"{subject} is not UTF-8 text: byte 0x{data[position]:02X} at "
            f"position {position} (line {line}) is not valid UTF-8. Expected "
            f"a CSV file saved as UTF-8. Save it again as CSV UTF-8 "
            f"{_SAVE_AS_UTF8} and upload it again.") from None
    if "\x00" in text:
        raise CsvError(
            f"{subject} contains NUL bytes, so it is a binary file rather "
            "than CSV text. Expected a plain-text CSV file: save your data "
            f"as CSV UTF-8 {_SAVE_AS_UTF8} and upload that.")
    if not text.strip():
        raise empty
    return text


def _records(text: str, delimiter: str,
             strict: bool = False) -> Iterator[list[str]]:
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter,
                      strict=strict)


def _is_blank(record: Sequence[str]) -> bool:
    """True for a line pandas skips: empty, or only spaces and no delimiter."""
    return not record or (len(record) == 1 and not record[0].strip())


def _choose_delimiter(text: str) -> str:
    """Picks `,`, `;` or tab from the first lines (see the module docstring)."""
    lines = list(islice(io.StringIO(text, newline=""), _SAMPLE_LINES + 1))
    truncated = len(lines) > _SAMPLE_LINES
    sample = "".join(lines[:_SAMPLE_LINES])
    consistent, header_widths = {}, {}
    for delimiter in DELIMITERS:
        try:
            records = [r for r in _records(sample, delimiter) if not _is_blank(r)]
        except csv.Error:
            continue
        if truncated and len(records) > 1:
            records = records[:-1]  # may be cut inside a quoted value
        if not records:
            continue
        header_widths[delimiter] = len(records[0])
        widths = {len(r) for r in records}
        if len(widths) == 1 and len(records[0]) > 1:
            consistent[delimiter] = len(records[0])
    widths = consistent or header_widths
    if not widths or max(widths.values()) < 2:
        return ","
    return max(DELIMITERS, key=lambda d: (widths.get(d, 0), -DELIMITERS.index(d)))


def _describe_delimiter(delimiter: str) -> str:
    return "tab" if delimiter == "\t" else repr(delimiter)


def _check_table(text: str, delimiter: str, subject: str) -> list[str]:
    """Checks the table's shape line by line; returns the column names."""
    reader = _records(text, delimiter, strict=True)
    header, header_line, rows, last_line = None, 0, 0, 0
    try:
        for record in reader:
            line, last_line = last_line + 1, reader.line_num
            if _is_blank(record):
                continue
            if header is None:
                header, header_line = [c.strip() for c in record], line
                _check_header(header, subject)
            elif len(record) != len(header):
                raise CsvError(
                    f"{subject} line {line} has {_count(len(record), 'field')}, "
                    f"but the header (line {header_line}) has {len(header)}. Expected "
                    "one value per column on every line. Check that line for "
                    "a missing or extra delimiter "
                    f"({_describe_delimiter(delimiter)}), or for a text value "
                    "that contains the delimiter but is not in double quotes.")
            else:
                rows += 1
    except csv.Error as error:
        raise _quoting_error(error, last_line + 1, subject) from None
    if rows > MAX_ROWS:
        raise CsvError(
            f"{subject} has {rows:,} data rows; the limit is {MAX_ROWS:,}. "
            "Upload a sample of the rows (for example the first "
            f"{MAX_ROWS:,}).")
    if rows == 0:
        raise CsvError(
            f"{subject} has a header line but no data rows. Expected the "
            "column names on the first line, then at least 2 rows of data. "
            "Add the rows, or check that you picked the right file.")
    if rows == 1:
        raise CsvError(
            f"{subject} has only 1 data row. Expected at least 2 rows (and "
            "many more to train a useful model). Add more rows to the file.")
    return header


def _quoting_error(error: csv.Error, line: int, subject: str) -> CsvError:
    if "field larger than field limit" in str(error):
        return CsvError(
            f"{subject} has a value longer than {csv.field_size_limit():,} "
            f"characters on line {line}, often a double quote (\") that is "
            "never closed. Expected short values. Check the quotes on that "
            "line, or shorten the value.")
    return CsvError(
        f"{subject} has a quoting problem in the row starting on line "
        f"{line}: a double quote (\") is never closed, or text follows a "
        "closing quote. Expected each quoted value to end with a quote "
        "followed by the delimiter or the end of the line. Put values that "
        "contain the delimiter, a quote or a line break in double quotes, "
        'and write a quote inside them twice ("").')


def _check_header(header: list[str], subject: str) -> None:
    if len(header) > MAX_COLUMNS:
        raise CsvError(
            f"{subject} has {len(header)} columns; the limit is "
            f"{MAX_COLUMNS}. Keep only the columns you need (delete the "
            "others in a spreadsheet) and upload it again.")
    unnamed = [i for i, column in enumerate(header, 1) if not column]
    if unnamed:
        raise CsvError(
            f"{subject} has a column without a name (column {unnamed[0]} of "
            f"{len(header)}). Expected a name for every column on the header "
            "line. Name the column, or delete it if it is empty (a delimiter "
            "at the end of each line makes such a column).")
    _check_unique(header, subject)


def _check_unique(columns: Sequence[str], subject: str) -> None:
    counts = Counter(columns)
    duplicate = next((c for c in columns if counts[c] > 1), None)
    if duplicate is not None:
        places = [str(i) for i, c in enumerate(columns, 1) if c == duplicate]
        raise CsvError(
            f"{subject} has the column name {_quote(duplicate)} "
            f"{len(places)} times (columns {', '.join(places)}). Expected "
            "unique column names. Rename the repeated columns.")


def _parse(text: str, delimiter: str, header: list[str],
           subject: str) -> pd.DataFrame:
    try:
        table = pd.read_csv(io.StringIO(text, newline=""), sep=delimiter,
                            header=0, index_col=False, low_memory=False)
    except (ValueError, pd.errors.ParserError) as error:  # a last safety net
        raise CsvError(
            f"{subject} could not be read as CSV ({error}). Expected a "
            "table with one value per column on every line. Check the file "
            "in a spreadsheet and save it as CSV UTF-8.") from None
    table.columns = header
    if delimiter == ";":
        table = _read_decimal_commas(table)
    return _tidy(table)


def _read_decimal_commas(table: pd.DataFrame) -> pd.DataFrame:
    """Reads text columns like `1,5` / `-2` / `3,25` as numbers."""
    columns = {}
    for column in table.columns:
        series = table[column]
        if is_numeric_dtype(series) or is_bool_dtype(series):
            continue
        values = series.dropna().astype(str).str.strip()
        pattern = values.str.fullmatch(r"[+-]?\d+(?:,\d+)?")
        if len(values) and pattern.all() and values.str.contains(",").any():
            columns[column] = pd.to_numeric(
                series.astype(str).str.strip().str.replace(",", ".", regex=False)
                .where(series.notna()))
    return table.assign(**columns) if columns else table


def _tidy(table: pd.DataFrame) -> pd.DataFrame:
    """Strips text cells, reads blank ones as missing and numbers as numbers.

    Applied by `read_csv` and again (it changes nothing the second time) by
    `column_summary` and `prepare_table`, so a table built by hand behaves
    like one read from a file.
    """
    columns = [str(c) for c in table.columns]
    _check_unique(columns, "The table")
    tidy = pd.concat([_tidy_column(table.iloc[:, i]) for i in range(table.shape[1])],
                     axis=1, ignore_index=True)
    tidy.columns = columns
    tidy.attrs = dict(table.attrs)
    return tidy


def _tidy_column(series: pd.Series) -> pd.Series:
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


# Describing -------------------------------------------------------------------


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
    values = _tidy_column(series).dropna()
    if is_numeric_dtype(values) and not is_bool_dtype(values):
        numbers = values.to_numpy(np.float64)
        whole = bool(np.all(np.isfinite(numbers) & (numbers == np.round(numbers))))
        if not whole or values.nunique() > MAX_DETECTED_CLASSES:
            return REGRESSION
    return BINARY if values.nunique() <= 2 else MULTICLASS


def column_kind(series: pd.Series) -> str:
    """How a column is used as a feature: one of `KINDS`.

    `"number"` for numbers and true/false values (used as they are),
    `"category"` for text with few distinct values (one-hot encoded),
    `"text"` for identifier-like text (left out, see `MAX_CATEGORIES`) and
    `"empty"` when every value is missing (left out).
    """
    series = _tidy_column(series)
    values = series.dropna()
    if values.empty:
        return EMPTY
    if is_bool_dtype(series) or is_numeric_dtype(series):
        return NUMBER
    return TEXT if _identifier_like(values.nunique(), len(values)) else CATEGORY


def _identifier_like(distinct: int, filled: int) -> bool:
    return distinct > MAX_CATEGORIES or (
        distinct > _MIN_IDENTIFIER_VALUES and distinct >= IDENTIFIER_SHARE * filled)


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
    table = _tidy(table)
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
        example = f"{_format_value(values.min())} to {_format_value(values.max())}"
    elif kind == CATEGORY:
        counts = values.value_counts()
        top = sorted(counts.index, key=lambda v: (-counts[v], str(v)))[:3]
        example = ", ".join(top) + (", ..." if len(counts) > 3 else "")
    else:
        example = _shorten(values.iloc[0], 40)
    return {"name": name, "kind": kind, "missing": int(series.isna().sum()),
            "distinct": int(values.nunique()), "example": example}


def _format_value(value) -> str:
    value = float(value)
    if not math.isfinite(value) or value.is_integer():
        return format_number(value) if math.isfinite(value) else str(value)
    return np.format_float_positional(value, precision=4, fractional=False,
                                      trim="-")


def _shorten(text, limit: int) -> str:
    text = str(text)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _quote(text) -> str:
    return repr(_shorten(text, 40))


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n:,} {singular if n == 1 else plural or singular + 's'}"


def _quote_list(items: Iterable, limit: int = 20) -> str:
    items = list(items)
    shown = ", ".join(_quote(i) for i in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


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
    table = _tidy(table)
    if target not in table.columns:
        raise CsvError(
            f"Unknown target column {_quote(target)}. Expected one of the "
            f"table's columns: {_quote_list(table.columns)}. Pick the target "
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
    steps.append(f"Result: {_count(len(frame), 'row')} and "
                 f"{_count(x_frame.shape[1], 'feature column')}.")
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
        raise CsvError(f"Unknown {name} {_quote(value)}. Expected one of "
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
            f"The target column {_quote(target)} has "
            f"{_count(missing, 'missing value')} (out of "
            f"{_count(len(series), 'row')}). Expected a value in every row: "
            "rows without a target cannot be learned from. Remove those rows "
            "from the file, or pick another target column.")
    infinite = _infinite(series)
    if infinite:
        raise CsvError(
            f"The target column {_quote(target)} has "
            f"{_count(infinite, 'infinite value')} (inf or -inf, or numbers "
            "too large for 32-bit floats, beyond 3.4e38). Expected finite "
            "numbers. Replace those values or remove their rows.")


def _task_step(series: pd.Series, target: str, task: str, detected: bool) -> str:
    verb = "detected" if detected else "chosen"
    if task == REGRESSION:
        if detected:
            return (f"Task detected: regression ({_quote(target)} holds "
                    f"{series.nunique():,} distinct numbers).")
        return f"Task chosen: regression (predict {_quote(target)} as a number)."
    return (f"Task {verb}: {task} classification "
            f"({_count(series.nunique(), 'class', 'classes')} in {_quote(target)}).")


def _check_regression_target(series: pd.Series, target: str) -> None:
    if is_bool_dtype(series) or is_numeric_dtype(series):
        return
    numbers = pd.to_numeric(series, errors="coerce")
    bad = series[numbers.isna()].iloc[0]
    raise CsvError(
        f"The target column {_quote(target)} holds text such as {_quote(bad)}, "
        "but regression predicts a number. Expected numbers in every row. "
        f"Fix or remove the rows with text in {_quote(target)}, or choose "
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
            f"The target column {_quote(target)} has {len(classes):,} classes; "
            f"the limit is {MAX_CLASSES}. {fix}")
    if task == BINARY and len(classes) > 2:
        raise CsvError(
            f"Binary classification needs exactly 2 classes, but "
            f"{_quote(target)} has {len(classes)} "
            f"({_quote_list(_class_names(classes), 5)}). Choose multiclass "
            "classification, or pick another target column.")


def _single_class_error(target: str, name: str, rows_dropped: int) -> CsvError:
    after = (f" after dropping {_count(rows_dropped, 'row')} with a missing "
             "value" if rows_dropped else "")
    return CsvError(
        f"The target column {_quote(target)} has a single class "
        f"({_quote(name)}){after}. Classification needs at least 2 classes. "
        "Pick another target column, or add rows of other classes.")


def _check_rows_per_class(series: pd.Series, target: str, rows_dropped: int) -> None:
    counts = series.value_counts()
    if len(counts) < 2:
        raise _single_class_error(target, _class_names(counts.index)[0], rows_dropped)
    rare = _class_names(sorted(counts.index[counts < 2].tolist()))
    if not rare:
        return
    after = (f" (after dropping {_count(rows_dropped, 'row')} with a missing "
             "value)" if rows_dropped else "")
    others = (f" {_count(len(rare) - 1, 'other class', 'other classes')} "
              f"{'has' if len(rare) == 2 else 'have'} a single row too."
              if len(rare) > 1 else "")
    raise CsvError(
        f"Class {_quote(rare[0])} of the target column {_quote(target)} has "
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
            f"Unknown feature column {_quote(unknown[0])}. Expected columns "
            f"of the table: {_quote_list(table.columns)}. Pick the features "
            "from that list.")
    if target in features:
        raise CsvError(
            f"The target column {_quote(target)} is also listed as a feature. "
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
            notes.append(f"Dropped {_quote(column)}: every value is missing.")
            continue
        if kind == TEXT:
            reason = ("looks like an identifier"
                      if distinct >= IDENTIFIER_SHARE * series.notna().sum()
                      else f"too many to one-hot encode (the limit is "
                           f"{MAX_CATEGORIES})")
            notes.append(f"Dropped {_quote(column)}: text with "
                         f"{distinct:,} distinct values, {reason}.")
        else:
            kept.append(column)
            kinds[column] = kind
        if kind == NUMBER:
            notes += _id_like_number_note(column, series)
        else:
            notes += _mostly_numbers_note(column, series)
    if not kept:
        left_out = (f" ({_quote_list(columns, 5)} left out as empty or "
                    "identifier-like)" if columns else "")
        raise CsvError(
            f"No feature columns are left to learn from{left_out}. Expected "
            f"at least one column besides the target {_quote(target)} with "
            "numbers or categories (text with few distinct values). Add such "
            "a column to the file or to the features.")
    return kept, kinds, notes


def _id_like_number_note(column: str, series: pd.Series) -> list[str]:
    """A hint when a numeric column looks like a row id (it is kept)."""
    values = series.dropna()
    if is_bool_dtype(values) or len(values) <= _MIN_IDENTIFIER_VALUES:
        return []
    numbers = values.to_numpy(np.float64)
    whole = bool(np.all(np.isfinite(numbers) & (numbers == np.round(numbers))))
    if not whole or values.nunique() < len(series):
        return []
    return [f"Kept {_quote(column)}, but it has a different whole number in "
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
    return [f"Read {_quote(column)} as text, not numbers: "
            f"{_count(len(bad), 'value')} such as {_quote(bad.iloc[0])} "
            f"{'is' if len(bad) == 1 else 'are'} not a number. Fix or empty "
            f"those cells to use {_quote(column)} as a number."]


def _check_finite_features(table: pd.DataFrame, kept: list[str],
                           kinds: dict[str, str]) -> None:
    for column in kept:
        infinite = _infinite(table[column]) if kinds[column] == NUMBER else 0
        if infinite:
            raise CsvError(
                f"Column {_quote(column)} has "
                f"{_count(infinite, 'infinite value')} (inf or -inf, or "
                "numbers too large for 32-bit floats, beyond 3.4e38). "
                "Expected finite numbers. Replace those values, empty the "
                "cells to treat them as missing, or leave "
                f"{_quote(column)} out of the features.")


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
        step = (f"Filled {_count(int(counts.sum()), 'missing value')} "
                f"({details}).")
        return frame.fillna(fills), step, 0
    rows = frame[kept].isna().any(axis=1)
    dropped = int(rows.sum())
    details = ", ".join(f"{c}: {n:,}" for c, n in counts.items())
    if len(frame) - dropped < 2:
        raise CsvError(
            f"Only {_count(len(frame) - dropped, 'row')} left after dropping "
            f"{_count(dropped, 'row')} with a missing value ({details}); at "
            "least 2 are needed. Choose \"impute\" to fill missing values "
            "instead, or leave the columns with many missing values out of "
            "the features.")
    step = f"Dropped {_count(dropped, 'row')} with a missing value ({details})."
    return frame[~rows], step, dropped


def _fill_value(series: pd.Series, kind: str):
    if kind == NUMBER:
        return float(series.median())
    return series.mode().iloc[0]


def _format_fill(value) -> str:
    return _format_value(value) if isinstance(value, float) else _quote(value)


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
    details = ", ".join(f"{c}: {_count(n, 'value')}" for c, n in categorical.items())
    step = (f"One-hot encoded {_count(len(categorical), 'categorical column')} "
            f"({details}) into {_count(sum(categorical.values()), 'column')}.")
    return encoded, step


def _encode_target(series: pd.Series, task: str) -> tuple[np.ndarray, tuple[str, ...]]:
    if task == REGRESSION:
        return np.ascontiguousarray(series.to_numpy(np.float32)), ()
    classes = _sorted_classes(series)
    ids = pd.Categorical(series, categories=classes).codes.astype(np.int64)
    return np.ascontiguousarray(ids), tuple(_class_names(classes))
