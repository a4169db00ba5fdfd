"""Tables written as CSV files that a spreadsheet opens as text, never as formulas.

A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is a
formula to Excel, LibreOffice and Google Sheets: `=HYPERLINK(...)` in a run's
name (perhaps copied from someone else's CSV file name by "Train again")
would run when the export is opened. OWASP's advice, followed here: such a
text cell is prefixed with `'`, which spreadsheets read as "this is text",
and every field is quoted. Numbers are left as numbers (a negative learning
rate is no formula).
"""

from __future__ import annotations

import csv
import io
import numbers

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value as a spreadsheet must read it: formula-like text prefixed."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_csv(frame, index: bool = False) -> bytes:
    """A `pandas.DataFrame` as UTF-8 CSV bytes, every field quoted and every
    formula-like text cell (header included) prefixed with `'`.

    Args:
        frame: The table.
        index: Whether to write the index as the first column.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    columns = [str(c) for c in frame.columns]
    writer.writerow([safe_cell(c) for c in ([str(frame.index.name or "")] if index
                                             else []) + columns])
    for label, row in zip(frame.index, frame.itertuples(index=False, name=None)):
        cells = ([label] if index else []) + list(row)
        writer.writerow([safe_cell(_plain(c)) for c in cells])
    return buffer.getvalue().encode("utf-8")


def _plain(value):
    """NumPy scalars and missing values as a spreadsheet expects them."""
    if value is None:
        return ""
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        if value != value:  # NaN
            return ""
        return value.item() if hasattr(value, "item") else value
    return str(value) if not isinstance(value, str) else value
