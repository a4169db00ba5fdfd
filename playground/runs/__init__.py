"""Saved training runs: records, and a store that keeps them.

A `RunRecord` is one run (experiment, history, weights, snapshots); a
`RunStore` keeps records in SQLite or PostgreSQL. `open_store()` opens the
one named by `PLAYGROUND_STORE`, else a file in the user's data folder.
"""

from playground.runs.errors import RunNotFound, StoreUnavailable
from playground.runs.record import RunRecord, RunSummary, new_run_id
from playground.runs.store import RunStore, RunUnreadable, open_store

__all__ = ["RunNotFound", "RunRecord", "RunStore", "RunSummary", "RunUnreadable",
           "StoreUnavailable", "new_run_id", "open_store"]
