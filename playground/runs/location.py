"""Where the run store lives: `PLAYGROUND_STORE`, else a file in the user's
data folder.

`PLAYGROUND_STORE` is a file path (an SQLite file) or an SQLAlchemy URL
(`sqlite:///runs.sqlite`, `postgresql://user:password@host/db`). Without it
the store is `$XDG_DATA_HOME/keras-playground/runs.sqlite`, or
`~/.local/share/keras-playground/runs.sqlite`.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from playground.i18n import tr_lazy
from playground.runs.errors import StoreUnavailable

ENV_VAR = "PLAYGROUND_STORE"
FILE_NAME = "runs.sqlite"


def default_store_path() -> Path:
    """The SQLite file used when `PLAYGROUND_STORE` is not set."""
    base = os.environ.get("XDG_DATA_HOME", "")
    folder = Path(base) if os.path.isabs(base) else Path.home() / ".local" / "share"
    return folder / "keras-playground" / FILE_NAME


def store_url(url: str | None = None) -> URL:
    """The SQLAlchemy URL of the store: `url`, else `PLAYGROUND_STORE`, else
    the default file. A bare `postgresql://` URL uses the psycopg driver.

    Raises:
        StoreUnavailable: when the value is neither a path nor a URL.
    """
    text = url if url is not None else os.environ.get(ENV_VAR, "").strip()
    if not text:
        text = str(default_store_path())
    if "://" not in text:
        return URL.create("sqlite", database=os.path.abspath(os.path.expanduser(text)))
    try:
        parsed = make_url(text)
    except ArgumentError:
        raise StoreUnavailable(tr_lazy(
            "The run store {store} is neither a file path nor a database URL such as "
            "sqlite:///runs.sqlite or postgresql://user@host/db; fix {variable}.",
            store=repr(text[:80]), variable=ENV_VAR)) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def describe(url: URL) -> str:
    """The store's location for messages, with any password hidden."""
    if url.get_backend_name() == "sqlite":
        return url.database or "(in memory)"
    return url.render_as_string(hide_password=True)
