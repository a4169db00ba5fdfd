"""Text tables for a terminal that stay aligned in any language.

A terminal draws a Chinese character (and other East Asian wide or
full-width characters) two columns wide: `str.ljust`, which counts
characters, would push every column after a Chinese header or a Chinese
run name out of line. `display_width` counts columns as a terminal does.
"""

from __future__ import annotations

import unicodedata
from typing import Sequence


def display_width(text: str) -> int:
    """The columns `text` takes in a terminal: two for wide characters."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0
               if unicodedata.combining(ch) else 1 for ch in text)


def aligned_table(header: Sequence[str] | None, rows: Sequence[Sequence[str]]) -> str:
    """Rows as columns two spaces apart, under `header` when one is given,
    aligned by display width; no spaces at the ends of lines."""
    rows = [tuple(header), *rows] if header else [tuple(row) for row in rows]
    if not rows:
        return ""
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell + " " * (width - display_width(cell))
                               for cell, width in zip(row, widths)).rstrip()
                     for row in rows)
