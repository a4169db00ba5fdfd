"""Small helpers that put a user's values into messages: numbers and cells
formatted, long text shortened, names quoted, counts with their noun.
"""

from __future__ import annotations

import math
from typing import Iterable

import numpy as np

from playground.fields import format_number


def format_value(value) -> str:
    """A number for a message: whole numbers plainly, others to 4 digits."""
    value = float(value)
    if not math.isfinite(value) or value.is_integer():
        return format_number(value) if math.isfinite(value) else str(value)
    return np.format_float_positional(value, precision=4, fractional=False,
                                      trim="-")


def shorten(text, limit: int) -> str:
    """`text` cut to `limit` characters, ending in "..." when cut."""
    text = str(text)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def quote(text) -> str:
    """A name or value from the file for a message: quoted, at most 40
    characters."""
    return repr(shorten(text, 40))


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """`"1 row"`, `"1,024 rows"`."""
    return f"{n:,} {singular if n == 1 else plural or singular + 's'}"


def quote_list(items: Iterable, limit: int = 20) -> str:
    """Quoted items, comma-separated, the first `limit` and how many more."""
    items = list(items)
    shown = ", ".join(quote(i) for i in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")
