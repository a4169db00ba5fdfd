"""How large a CSV file the app accepts: settings of whoever hosts it.

A learner's laptop and a class server differ in memory, so the limits are
read from environment variables when a file is read, each with a default
that accepts ordinary datasets (a 28 × 28 pixel table of 785 columns,
Kaggle's 73 MB digit-recognizer train file):

    PLAYGROUND_MAX_UPLOAD_MB   largest file, in megabytes (default 200, the
                               same as Streamlit's `server.maxUploadSize`,
                               which must be at least as large)
    PLAYGROUND_MAX_ROWS        most data rows (default 1,000,000)
    PLAYGROUND_MAX_COLUMNS     most columns (default 5,000)

The command line (`playground train CONFIG --csv FILE`) reads with
`NO_LIMITS`: a file there is limited only by the memory of the machine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping

from playground.i18n import tr_lazy

MB = 2**20

DEFAULT_MAX_UPLOAD_MB = 200
DEFAULT_MAX_ROWS = 1_000_000
DEFAULT_MAX_COLUMNS = 5_000

UPLOAD_MB_VARIABLE = "PLAYGROUND_MAX_UPLOAD_MB"
HELD_MB_VARIABLE = "PLAYGROUND_UPLOADS_MB"
DEFAULT_HELD_MB = 1024
ROWS_VARIABLE = "PLAYGROUND_MAX_ROWS"
COLUMNS_VARIABLE = "PLAYGROUND_MAX_COLUMNS"


@dataclass(frozen=True)
class ReadLimits:
    """The most a CSV file may hold; None means no limit.

    Attributes:
        max_bytes: Largest file, in bytes.
        max_rows: Most data rows, not counting the header line.
        max_columns: Most columns in the file, before any encoding.
    """

    max_bytes: int | None = DEFAULT_MAX_UPLOAD_MB * MB
    max_rows: int | None = DEFAULT_MAX_ROWS
    max_columns: int | None = DEFAULT_MAX_COLUMNS

    @property
    def max_megabytes(self) -> float | None:
        """`max_bytes` in megabytes (for Streamlit's uploader), or None."""
        return None if self.max_bytes is None else self.max_bytes / MB


NO_LIMITS = ReadLimits(max_bytes=None, max_rows=None, max_columns=None)
"""No cap at all, for files read on the command line."""


def host_limits(environ: Mapping[str, str] | None = None) -> ReadLimits:
    """The limits for uploads, from the environment variables (see above).

    Raises:
        ValueError: A variable is set to something other than a positive
            number; the message names it and says how to fix it.
    """
    environ = os.environ if environ is None else environ
    megabytes = _setting(environ, UPLOAD_MB_VARIABLE, DEFAULT_MAX_UPLOAD_MB, float)
    return ReadLimits(
        max_bytes=int(megabytes * MB),
        max_rows=_setting(environ, ROWS_VARIABLE, DEFAULT_MAX_ROWS, int),
        max_columns=_setting(environ, COLUMNS_VARIABLE, DEFAULT_MAX_COLUMNS, int))


def _setting(environ: Mapping[str, str], name: str, default, kind):
    text = environ.get(name, "").strip().replace("_", "")
    if not text:
        return default
    try:
        value = kind(text)
    except ValueError:
        value = None
    if value is None or not value > 0 or value == float("inf"):
        expected = (tr_lazy("a positive whole number") if kind is int else
                    tr_lazy("a positive number"))
        raise ValueError(tr_lazy(
            "The host setting {setting} is not {expected}. Expected {expected}, e.g. "
            "{example}. Whoever runs the app should fix or unset it and restart.",
            setting=name + "=" + repr(environ[name]), expected=expected,
            example=name + "=" + str(default)))
    return value


def held_bytes_limit(environ: Mapping[str, str] | None = None) -> int:
    """The memory all uploaded tables of this server may hold together
    (`PLAYGROUND_UPLOADS_MB`, default 1024): above it the oldest are dropped,
    and a session that still needs one is asked to upload it again."""
    environ = os.environ if environ is None else environ
    return int(_setting(environ, HELD_MB_VARIABLE, DEFAULT_HELD_MB, float) * 2**20)

