"""Reading a user's CSV file: checked, decoded and parsed into a table.

A learner uploads a CSV file in the browser (or names one on the command
line). The file comes from outside and is not trusted, so `read_csv` caps
its size, decodes the bytes strictly as UTF-8, checks that the text is a
well-formed table (named, unique columns; the same number of fields on every
line; enough rows, not too many) and only then parses it with pandas, so
numbers come out numeric. `playground.datasets.csv_columns` describes the
columns for the preview. Turning the table into arrays for one target is
`playground.datasets.table_preparation`.

Every problem is a `CsvError` whose message says what was received, what was
expected and how to fix it, so the app can show it as it is and keep the
previous dataset.

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
from itertools import islice
from typing import Iterator, Sequence

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from playground.datasets.csv_columns import check_unique, tidy
from playground.datasets.csv_limits import MB, ReadLimits, host_limits
from playground.datasets.errors import CsvError
from playground.datasets.line_shapes import LineShapes, quote_free_shapes
from playground.i18n import Lazy, mark, tr_lazy, tr_n_lazy

DELIMITERS = (",", ";", "\t")
"""Field delimiters `read_csv` recognises, in order of preference."""


_SAMPLE_LINES = 50


_SAMPLE_CHARS = 2**20


_ZIP_OR_OFFICE = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


SAVE_AS_UTF8 = mark('(in Excel: Save As, "CSV UTF-8 (Comma delimited)"; in '
                    'LibreOffice: Save As, Text CSV, character set "Unicode (UTF-8)")')
"""How to save a file as UTF-8 CSV, for the messages that ask for it."""


def read_csv(data: bytes, name: str | None = None,
             limits: ReadLimits | None = None) -> pd.DataFrame:
    """Checks an uploaded CSV file and parses it into a table.

    The checks run on the raw bytes and text before pandas sees them, because
    pandas quietly repairs what a learner should hear about: it fills short
    rows with missing values and renames duplicate or empty column names.

    Args:
        data: The file's bytes, as uploaded.
        name: The file's name, for messages; without one they say "The
            file".
        limits: The most the file may hold; by default the host's upload
            limits (`playground.datasets.csv_limits.host_limits`).

    Returns:
        A DataFrame with the header's column names (surrounding spaces
        removed), numeric columns as numbers, text cells stripped of
        surrounding spaces and blank cells as missing values.
        `df.attrs["delimiter"]` holds the delimiter that was used.

    Raises:
        CsvError: The file is too big, empty, not UTF-8 text, not a
            well-formed table, or has too few or too many rows or columns.
    """
    if limits is None:
        try:
            limits = host_limits()
        except ValueError as error:
            raise CsvError(*error.args) from None
    data = bytes(data)
    subject = _subject(name)
    _check_size(data, subject, limits)
    text = _decode(data, subject)
    delimiter = _choose_delimiter(text)
    body = data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data
    header = _check_table(text, body, delimiter, subject, limits)
    table = _parse(body, delimiter, header, subject)
    table.attrs["delimiter"] = delimiter
    return table


def _subject(name: str | None):
    """The file's name (shortened) for the start of a message, else "The file"."""
    name = str(name or "").strip()
    if not name:
        return tr_lazy("The file")
    return name[:57] + "..." if len(name) > 60 else name


def _check_size(data: bytes, subject: str | Lazy, limits: ReadLimits) -> None:
    if limits.max_bytes is not None and len(data) > limits.max_bytes:
        size = math.ceil(len(data) / MB * 10) / 10
        raise CsvError(tr_lazy(
            "{subject} is {size} MB; the limit is {limit} MB. Upload a smaller file: "
            "keep only the columns you need, or a sample of the rows.",
            subject=subject, size=format(size, ".1f"),
            limit=format(limits.max_bytes / MB, "g")))


def _decode(data: bytes, subject: str | Lazy) -> str:
    """Decodes strictly as UTF-8, with or without a byte order mark."""
    empty = CsvError(tr_lazy(
        "{subject} is empty: it contains no text. Expected a CSV file with a header "
        "line of column names, then one line per row. Check that you picked the "
        "right file.", subject=subject))
    how = tr_lazy(SAVE_AS_UTF8)
    if not data.strip():
        raise empty
    if data.startswith(_ZIP_OR_OFFICE):
        raise CsvError(tr_lazy(
            "{subject} looks like an Excel workbook (or another binary file), not "
            "CSV text. Open it in your spreadsheet and save it as CSV UTF-8 {how}, "
            "then upload the .csv file.", subject=subject, how=how))
    offset = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        text = data[offset:].decode("utf-8")
    except UnicodeDecodeError as error:
        position = error.start + offset
        line = data.count(b"\n", 0, position) + 1
        raise CsvError(tr_lazy(
            "{subject} is not UTF-8 text: byte {byte} at position {position} (line "
            "{line}) is not valid UTF-8. Expected a CSV file saved as UTF-8. Save it "
            "again as CSV UTF-8 {how} and upload it again.", subject=subject,
            byte="0x" + format(data[position], "02X"), position=position, line=line,
            how=how)) from None
    if "\x00" in text:
        raise CsvError(tr_lazy(
            "{subject} contains NUL bytes, so it is a binary file rather than CSV "
            "text. Expected a plain-text CSV file: save your data as CSV UTF-8 {how} "
            "and upload that.", subject=subject, how=how))
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
    # The first lines of a short head of the text, unless it cuts them short:
    # a line is complete when another one starts after it.
    lines = list(islice(io.StringIO(text[:_SAMPLE_CHARS], newline=""),
                        _SAMPLE_LINES + 2))
    if len(lines) < _SAMPLE_LINES + 2:
        lines = list(islice(io.StringIO(text, newline=""), _SAMPLE_LINES + 1))
    lines = lines[:_SAMPLE_LINES + 1]
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


def _describe_delimiter(delimiter: str):
    return tr_lazy("tab") if delimiter == "\t" else repr(delimiter)


def _check_table(text: str, body: bytes, delimiter: str, subject: str | Lazy,
                 limits: ReadLimits) -> list[str]:
    """Checks the table's shape line by line; returns the column names.

    `body` is the file's bytes without a byte order mark: a file without
    quotes is checked from them with NumPy (see `line_shapes`), others with
    the `csv` module. Both report the same problems with the same messages.
    """
    shapes = quote_free_shapes(body, delimiter)
    found = (_quote_free_table(body, shapes, delimiter, subject, limits)
             if shapes is not None else None)
    header, rows = found or _parsed_table(text, delimiter, subject, limits)
    if limits.max_rows is not None and rows > limits.max_rows:
        raise CsvError(tr_lazy(
            "{subject} has {rows} data rows; the limit is {limit}. Upload a sample of "
            "the rows (for example the first {limit}).", subject=subject,
            rows=format(rows, ","), limit=format(limits.max_rows, ",")))
    if rows == 0:
        raise CsvError(tr_lazy(
            "{subject} has a header line but no data rows. Expected the column names "
            "on the first line, then at least 2 rows of data. Add the rows, or check "
            "that you picked the right file.", subject=subject))
    if rows == 1:
        raise CsvError(tr_lazy(
            "{subject} has only 1 data row. Expected at least 2 rows (and many more "
            "to train a useful model). Add more rows to the file.", subject=subject))
    return header


def _parsed_table(text: str, delimiter: str, subject: str | Lazy,
                  limits: ReadLimits) -> tuple[list[str], int]:
    """The header and the number of data rows, read with the `csv` module."""
    reader = _records(text, delimiter, strict=True)
    header, header_line, rows, last_line = None, 0, 0, 0
    try:
        for record in reader:
            line, last_line = last_line + 1, reader.line_num
            if _is_blank(record):
                continue
            if header is None:
                header, header_line = [c.strip() for c in record], line
                _check_header(header, subject, limits)
            elif len(record) != len(header):
                raise _ragged_error(subject, line, len(record), header_line,
                                    len(header), delimiter)
            else:
                rows += 1
    except csv.Error as error:
        raise _quoting_error(error, last_line + 1, subject) from None
    return header or [], rows


def _quote_free_table(body: bytes, shapes: LineShapes, delimiter: str,
                      subject: str | Lazy,
                      limits: ReadLimits) -> tuple[list[str], int] | None:
    """`_parsed_table` for a file without quotes, from its line shapes; None
    for a one-column file (left to the `csv` module)."""
    widths = shapes.widths
    first = 0
    while widths[first] == 1 and not shapes.text(body, first).strip():
        first += 1  # blank lines before the header (the text is not blank)
    if widths[first] == 1:
        return None
    header = [c.strip() for c in shapes.text(body, first).split(delimiter)]
    _check_header(header, subject, limits)
    blank = 0
    for line in np.flatnonzero(widths[first + 1:] != len(header)) + first + 1:
        if widths[line] == 1 and not shapes.text(body, line).strip():
            blank += 1
            continue
        raise _ragged_error(subject, int(line) + 1, int(widths[line]), first + 1,
                            len(header), delimiter)
    return header, len(widths) - first - 1 - blank


def _ragged_error(subject: str | Lazy, line: int, fields: int, header_line: int,
                  header_width: int, delimiter: str) -> CsvError:
    return CsvError(tr_lazy(
        "{subject} line {line} has {fields}, but the header (line {header_line}) has "
        "{columns}. Expected one value per column on every line. Check that line for "
        "a missing or extra delimiter ({delimiter}), or for a text value that "
        "contains the delimiter but is not in double quotes.", subject=subject,
        line=line, fields=tr_n_lazy("{count} field", "{count} fields", fields,
                                    count=format(fields, ",")),
        header_line=header_line, columns=header_width,
        delimiter=_describe_delimiter(delimiter)))


def _quoting_error(error: csv.Error, line: int, subject: str | Lazy) -> CsvError:
    if "field larger than field limit" in str(error):
        return CsvError(tr_lazy(
            "{subject} has a value longer than {limit} characters on line {line}, "
            "often a double quote (\") that is never closed. Expected short values. "
            "Check the quotes on that line, or shorten the value.", subject=subject,
            limit=format(csv.field_size_limit(), ","), line=line))
    return CsvError(tr_lazy(
        "{subject} has a quoting problem in the row starting on line {line}: a double "
        "quote (\") is never closed, or text follows a closing quote. Expected each "
        "quoted value to end with a quote followed by the delimiter or the end of "
        "the line. Put values that contain the delimiter, a quote or a line break in "
        'double quotes, and write a quote inside them twice ("").', subject=subject,
        line=line))


def _check_header(header: list[str], subject: str | Lazy, limits: ReadLimits) -> None:
    if limits.max_columns is not None and len(header) > limits.max_columns:
        raise CsvError(tr_lazy(
            "{subject} has {columns} columns; the limit is {limit}. Keep only the "
            "columns you need (delete the others in a spreadsheet) and upload it "
            "again.", subject=subject, columns=len(header), limit=limits.max_columns))
    unnamed = [i for i, column in enumerate(header, 1) if not column]
    if unnamed:
        raise CsvError(tr_lazy(
            "{subject} has a column without a name (column {column} of {columns}). "
            "Expected a name for every column on the header line. Name the column, "
            "or delete it if it is empty (a delimiter at the end of each line makes "
            "such a column).", subject=subject, column=unnamed[0],
            columns=len(header)))
    check_unique(header, subject)


def _parse(body: bytes, delimiter: str, header: list[str],
           subject: str | Lazy) -> pd.DataFrame:
    """Parses the checked bytes (UTF-8, no byte order mark) with pandas."""
    try:
        table = pd.read_csv(io.BytesIO(body), sep=delimiter, encoding="utf-8",
                            header=0, index_col=False, low_memory=False)
    except (ValueError, pd.errors.ParserError) as error:  # a last safety net
        raise CsvError(tr_lazy(
            "{subject} could not be read as CSV ({error}). Expected a table with one "
            "value per column on every line. Check the file in a spreadsheet and save "
            "it as CSV UTF-8.", subject=subject, error=str(error))) from None
    table.columns = header
    if delimiter == ";":
        table = _read_decimal_commas(table)
    return tidy(table)


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
