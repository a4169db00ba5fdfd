"""Small helpers that put a user's values into messages: numbers and cells
formatted, long text shortened, names quoted, lists joined. Lists and the
words between their items are joined when the message is read, in the
reader's language (`playground.i18n.tr_lazy`).
"""

from __future__ import annotations

import math
from typing import Iterable

import numpy as np

from playground.fields import format_number
from playground.i18n import mark, tr, tr_lazy


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


def quote_list(items: Iterable, limit: int = 20):
    """Quoted items, comma-separated, the first `limit` and how many more
    (a text, or a `Lazy` one when it says how many more)."""
    items = list(items)
    shown = ", ".join(quote(i) for i in items[:limit])
    if len(items) <= limit:
        return shown
    return tr_lazy("{items} and {count} more", items=shown,
                   count=format(len(items) - limit, ","))


COMMA = mark(", ")
SEMICOLON = mark("; ")
"""The separators of `Joined`: `SEMICOLON` for items that hold commas."""


class Joined:
    """Items joined when read, each item and the separator between them in
    the reader's language (`a, b` in English, `a，b` in Chinese; `separator`
    is a marked text such as `SEMICOLON`)."""

    def __init__(self, items: Iterable, separator: str = COMMA):
        self.items = list(items)
        self.separator = separator

    def __str__(self) -> str:
        return tr(self.separator).join(str(item) for item in self.items)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)
