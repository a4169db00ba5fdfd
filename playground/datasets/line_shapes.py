"""Fields per line of a CSV file without quotes, counted with NumPy.

`read_csv` checks that every line of a file has as many fields as the
header before pandas reads it. Python's `csv` module does that one record at
a time, which for a 100 MB pixel table costs about as much as pandas'
whole parse. A file with no double quote and no bare carriage return (most
exported tables: numbers and plain words) needs no CSV parser for it: each
line is split at its line feed and holds one field more than it holds
delimiters, and NumPy counts both for the whole file at C speed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_CHUNK = 2**22


@dataclass(frozen=True)
class LineShapes:
    """Where each line starts and ends, and how many fields it has.

    Attributes:
        starts: Offset of each line's first byte.
        ends: Offset just past each line's last byte (its line feed and any
            carriage return before it excluded).
        widths: Fields on each line (delimiters plus one).
    """

    starts: np.ndarray
    ends: np.ndarray
    widths: np.ndarray

    def text(self, data: bytes, line: int) -> str:
        """The line at 0-based index `line`, decoded."""
        return data[self.starts[line]:self.ends[line]].decode("utf-8")


def quote_free_shapes(data: bytes, delimiter: str) -> LineShapes | None:
    """The shape of every line of `data`, or None when it needs a CSV parser.

    Args:
        data: UTF-8 bytes of the file, without a byte order mark. Delimiters
            and line breaks are ASCII, and UTF-8 never uses ASCII bytes
            inside a multi-byte character, so bytes can be counted as they
            are.
        delimiter: A one-character delimiter.

    Returns:
        `LineShapes`, or None when the file holds a double quote (a quoted
        value may contain delimiters and line breaks) or a carriage return
        that is not followed by a line feed (an old Mac line break).
    """
    if b'"' in data or data.count(b"\r") != data.count(b"\r\n"):
        return None
    array = np.frombuffer(data, np.uint8)
    feeds = np.flatnonzero(array == ord("\n"))
    starts = np.concatenate(([0], feeds + 1))
    if data.endswith(b"\n"):
        starts = starts[:-1]  # no line after the last line feed
    ends = np.append(feeds, len(data))[:len(starts)]
    before_end = _delimiters_before(array, ord(delimiter), ends)
    widths = np.diff(before_end, prepend=0) + 1
    carriage = np.zeros(len(ends), bool)
    filled = ends > starts
    carriage[filled] = array[ends[filled] - 1] == ord("\r")
    return LineShapes(starts, ends - carriage, widths)


def _delimiters_before(array: np.ndarray, delimiter: int,
                       offsets: np.ndarray) -> np.ndarray:
    """How many delimiters come before each of the sorted `offsets`.

    A running count, chunk by chunk: a whole-file count array (or NumPy's
    `reduceat`, which casts the whole input first) would take several bytes
    per byte of the file, and touching that much new memory costs more than
    the counting.
    """
    counts = np.empty(len(offsets), np.int64)
    total = 0
    for low in range(0, len(array) + 1, _CHUNK):
        high = min(low + _CHUNK, len(array))
        running = np.cumsum(array[low:high] == delimiter, dtype=np.int64)
        first, last = np.searchsorted(offsets, [low, high + 1])
        inside = offsets[first:last] - low  # offsets in low..high
        counts[first:last] = total + np.concatenate(([0], running))[inside]
        total += int(running[-1]) if len(running) else 0
    return counts
