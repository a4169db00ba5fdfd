"""Saved training runs: records, and a store that keeps them.

A `RunRecord` is one run (experiment, history, weights, snapshots); a
`RunStore` keeps records in SQLite or PostgreSQL. `open_store()` opens the
one named by `PLAYGROUND_STORE`, else a file in the user's data folder.

The names are loaded on first use: the app's first page imports this
package to read a `run=` link, and SQLAlchemy is needed only once a run is
saved or opened.
"""

import importlib

_HOMES = {"RunNotFound": "errors", "StoreUnavailable": "errors", "ProgressSaver": "progress",
          "RunRecord": "record", "RunSummary": "record", "new_run_id": "record",
          "RunStore": "store", "RunUnreadable": "store", "open_store": "store"}

__all__ = sorted(_HOMES)


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module 'playground.runs' has no attribute {name!r}")
    return getattr(importlib.import_module(f"playground.runs.{_HOMES[name]}"), name)
