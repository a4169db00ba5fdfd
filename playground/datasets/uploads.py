"""Uploaded CSV tables, reachable only through the token given at upload.

An upload is parsed once (`csv_reading.read_csv`) and kept here under a random,
unguessable token. The token goes into the uploading session's experiment
(never into a share link), so the table is reachable from that browser
session and from the training thread it starts, and from nowhere else. A
table may name its owner (the uploading session's token): `forget_owner`
drops an ended session's tables. At most `MAX_UPLOADS` tables are kept,
holding at most the host's `PLAYGROUND_UPLOADS_MB` together; the oldest is
dropped first, and a session that still needs it is asked to upload the
file again.
"""

from __future__ import annotations

import ctypes
import functools
import secrets
import threading
from collections import OrderedDict
from importlib import resources

import pandas as pd

from playground.datasets import csv_reading
from playground.datasets.csv_limits import ReadLimits, held_bytes_limit

MAX_UPLOADS = 32
HOUSE_PRICES = "house_prices.csv"

_tables: OrderedDict[str, pd.DataFrame] = OrderedDict()
_sizes: dict[str, int] = {}
_owners: dict[str, str] = {}
_lock = threading.Lock()


def _keep(token: str, table: pd.DataFrame) -> None:
    """Adds a table, then drops the oldest over the count or the memory cap
    (never the one just added). Call with the lock held."""
    _tables[token] = table
    _sizes[token] = int(table.memory_usage(index=True, deep=True).sum())
    limit = held_bytes_limit()
    while len(_tables) > 1 and (len(_tables) > MAX_UPLOADS
                                or _held() > limit):
        _drop(next(iter(_tables)))  # the oldest


def _drop(token: str) -> None:
    """Forgets a table, its size and its owner. Call with the lock held."""
    _tables.pop(token, None)
    _sizes.pop(token, None)
    _owners.pop(token, None)


def forget(token: str) -> None:
    """Drops a table; unknown tokens are ignored."""
    with _lock:
        _drop(token)


def forget_owner(owner: str) -> list[str]:
    """Drops every table `owner` uploaded (its browser session ended) and
    returns their tokens."""
    with _lock:
        tokens = [token for token, held_by in _owners.items() if held_by == owner]
        for token in tokens:
            _drop(token)
    return tokens


def return_freed_memory() -> None:
    """Hands memory freed by dropped tables back to the operating system.

    A table is read column by column in the server's script threads; glibc
    keeps what they freed in its per-thread heaps, so the server would stay
    at its peak after an upload is forgotten. `malloc_trim` gives the free
    pages back. Elsewhere (not glibc) this does nothing.
    """
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _held() -> int:
    return sum(_sizes.get(token, 0) for token in _tables)


def held_bytes() -> int:
    """The memory the kept tables hold together, in bytes."""
    with _lock:
        return _held()


def register(data: bytes, name: str, limits: ReadLimits | None = None,
             owner: str = "") -> str:
    """Parses an uploaded file and returns the token to reach it.

    Args:
        data: The file's bytes.
        name: The file's name, for messages.
        limits: The most the file may hold; by default the host's upload
            limits (see `playground.datasets.csv_limits`).
        owner: Who uploaded it (a browser session's token), so that
            `forget_owner` frees it when that session ends; empty: kept
            until the caps drop it.

    Raises:
        CsvError: the file is not a usable CSV; nothing is kept.
    """
    table = csv_reading.read_csv(data, name, limits)
    token = secrets.token_hex(16)
    with _lock:
        _keep(token, table)
        if owner and token in _tables:
            _owners[token] = owner
    return token


def adopt(token: str, table: pd.DataFrame) -> None:
    """Keeps a table read elsewhere under its token: a worker process gets
    the uploads its job needs this way (uploads live in the server)."""
    with _lock:
        _keep(token, table)


def get(token: str) -> pd.DataFrame | None:
    """The table of a token, or None when it is unknown or was dropped."""
    with _lock:
        table = _tables.get(token)
        if table is not None:
            _tables.move_to_end(token)
        return table


@functools.lru_cache(maxsize=1)
def house_prices() -> pd.DataFrame:
    """The house-price table shipped with the app (made up, see
    `scripts/make_house_prices.py`)."""
    data = resources.files("playground.datasets").joinpath("files", HOUSE_PRICES)
    return csv_reading.read_csv(data.read_bytes(), HOUSE_PRICES)
