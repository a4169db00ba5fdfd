"""The tables of a run store, and the version that guards them.

`runs` holds one row per run with everything a list needs (so listing never
reads arrays) and the JSON of the experiment, history and test metrics.
`run_payloads` holds the arrays (weights, best weights, snapshots and a CSV
run's data) apart, so that the cheap progress updates during training never
rewrite them. `searches` holds one row per hyperparameter search: its
settings and trials as JSON (each trial's run is in `runs`). `store_schema`
holds the schema version: a store written by a newer Keras Playground is
refused, an older one migrated.
"""

from __future__ import annotations

from sqlalchemy import (
                        Column,
                        Float,
                        Integer,
                        LargeBinary,
                        MetaData,
                        String,
                        Table,
                        Text,
)

SCHEMA_VERSION = 2
SCHEMA_KEY = "runs"

metadata = MetaData()

runs = Table(
    "runs", metadata,
    Column("id", String(32), primary_key=True),
    Column("owner", String(200), index=True),
    Column("name", String(200), nullable=False),
    Column("note", Text, nullable=False),
    Column("status", String(20), nullable=False),
    Column("message", Text, nullable=False),
    Column("dataset", String(200), nullable=False),
    Column("model", String(500), nullable=False),
    Column("optimizer", String(50), nullable=False),
    Column("learning_rate", Float, nullable=False),
    Column("epochs", Integer, nullable=False),
    Column("epochs_run", Integer, nullable=False),
    Column("elapsed", Float, nullable=False),
    Column("best_metric", String(30)),
    Column("best_value", Float),
    Column("experiment", Text, nullable=False),
    Column("history", Text, nullable=False),
    Column("test_metrics", Text, nullable=False),
    Column("created_at", Float, nullable=False, index=True),
    Column("started_at", Float),
    Column("finished_at", Float),
)

payloads = Table(
    "run_payloads", metadata,
    Column("run_id", String(32), primary_key=True),
    Column("structure", Text, nullable=False),
    Column("blob", LargeBinary, nullable=False),
    Column("data_structure", Text),
    Column("data_blob", LargeBinary),
)

searches = Table(
    "searches", metadata,
    Column("id", String(32), primary_key=True),
    Column("owner", String(200), index=True),
    Column("created_at", Float, nullable=False, index=True),
    Column("finished_at", Float),
    Column("record", Text, nullable=False),
)

schema = Table(
    "store_schema", metadata,
    Column("key", String(50), primary_key=True),
    Column("version", Integer, nullable=False),
)

# Version N -> a function(connection) that upgrades a store to N + 1.
MIGRATIONS: dict = {
    1: lambda conn: searches.create(conn, checkfirst=True),  # searches were added
}
