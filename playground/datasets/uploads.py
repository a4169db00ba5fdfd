"""Uploaded CSV tables, reachable only through the token given at upload.

An upload is parsed once (`csv_reading.read_csv`) and kept here under a random,
unguessable token. The token goes into the uploading session's experiment
(never into a share link), so the table is reachable from that browser
session and from the training thread it starts, and from nowhere else. At
most `MAX_UPLOADS` tables are kept; the oldest is dropped first, and a
session that still needs it is asked to upload the file again.
"""

from __future__ import annotations

import functools
import secrets
import threading
from collections import OrderedDict
from importlib import resources

import pandas as pd

from playground.datasets import csv_reading
from playground.datasets.csv_limits import ReadLimits

MAX_UPLOADS = 32
HOUSE_PRICES = "house_prices.csv"

_tables: OrderedDict[str, pd.DataFrame] = OrderedDict()
_lock = threading.Lock()


def register(data: bytes, name: str, limits: ReadLimits | None = None) -> str:
    """Parses an uploaded file and returns the token to reach it.

    Args:
        data: The file's bytes.
        name: The file's name, for messages.
        limits: The most the file may hold; by default the host's upload
            limits (see `playground.datasets.csv_limits`).

    Raises:
        CsvError: the file is not a usable CSV; nothing is kept.
    """
    table = csv_reading.read_csv(data, name, limits)
    token = secrets.token_hex(16)
    with _lock:
        _tables[token] = table
        while len(_tables) > MAX_UPLOADS:
            _tables.popitem(last=False)
    return token


def adopt(token: str, table: pd.DataFrame) -> None:
    """Keeps a table read elsewhere under its token: a worker process gets
    the uploads its job needs this way (uploads live in the server)."""
    with _lock:
        _tables[token] = table
        while len(_tables) > MAX_UPLOADS:
            _tables.popitem(last=False)


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
