"""The tables of a run store, and the version that guards them.

`runs` holds one row per run with everything a list needs (so listing never
reads arrays) and the JSON of the experiment, history and test metrics; a
run trained in a lesson names the lesson and the student (`lesson_id`,
`student`; both null otherwise). A job records itself where it trains: it
names its executor and worker (`executor`, `worker`), writes `updated_at`
at least every few seconds while it lives, and reads `stop_requested`,
which any server may set to stop it. A run continued from another
(**Train more**) names it and the epoch it started from (`parent_id`,
`start_epoch`).
`run_payloads` holds the arrays (weights, best weights, checkpoints,
snapshots and a CSV run's data) apart, so that the cheap progress updates during training never
rewrite them. `searches` holds one row per hyperparameter search: its
settings and trials as JSON (each trial's run is in `runs`). `lessons` holds
one row per classroom lesson (its JSON, and the SHA-256 of its teacher token,
never the token), `lesson_students` the names that joined each lesson, one
per name within a lesson whatever its case (`name_key`). `store_schema`
holds the schema version: a store written by a newer Keras Playground is
refused, an older one migrated.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import (
                        Boolean,
                        Column,
                        Float,
                        Integer,
                        LargeBinary,
                        MetaData,
                        String,
                        Table,
                        Text,
)

SCHEMA_VERSION = 5
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
    Column("lesson_id", String(32), index=True),
    Column("student", String(100)),
    Column("executor", String(20)),
    Column("worker", String(200)),
    Column("updated_at", Float),
    Column("stop_requested", Boolean),
    Column("parent_id", String(32), index=True),
    Column("start_epoch", Integer),
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

lessons = Table(
    "lessons", metadata,
    Column("id", String(32), primary_key=True),
    Column("created_at", Float, nullable=False, index=True),
    Column("closed", Boolean, nullable=False),
    Column("teacher_hash", String(64), nullable=False),
    Column("record", Text, nullable=False),
)

lesson_students = Table(
    "lesson_students", metadata,
    Column("lesson_id", String(32), primary_key=True),
    Column("name_key", String(100), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("owner", String(200), index=True),
    Column("joined_at", Float, nullable=False),
)

schema = Table(
    "store_schema", metadata,
    Column("key", String(50), primary_key=True),
    Column("version", Integer, nullable=False),
)

LESSON_COLUMNS = ("lesson_id", "student")
"""The columns version 3 added to `runs`."""
JOB_COLUMNS = ("executor", "worker", "updated_at", "stop_requested")
"""The columns version 4 added to `runs`."""
PARENT_COLUMNS = ("parent_id", "start_epoch")
"""The columns version 5 added to `runs`: the run a continued run started
from and the epoch it started at (null: trained from fresh weights)."""


def _add_columns(conn, names) -> None:
    """Adds the named columns of `runs` that a store lacks.

    `ALTER TABLE ... ADD COLUMN` with a nullable column and no default is
    the form both SQLite and PostgreSQL take; the runs already stored keep
    every value and read null in the new columns.
    """
    present = {column["name"] for column in sa.inspect(conn).get_columns(runs.name)}
    for name in names:
        if name not in present:
            column = runs.c[name]
            kind = column.type.compile(dialect=conn.dialect)
            conn.execute(sa.text(f"ALTER TABLE {runs.name} ADD COLUMN {name} {kind}"))


def _index_columns(conn, name: str) -> None:
    """Creates the index of `runs` on one column, where the table has one."""
    for index in runs.indexes:
        if [column.name for column in index.columns] == [name]:
            index.create(conn, checkfirst=True)


def _add_lessons(conn) -> None:
    """Version 2 -> 3: the lesson tables, and the lesson and student of a run
    (null: trained outside a lesson)."""
    lessons.create(conn, checkfirst=True)
    lesson_students.create(conn, checkfirst=True)
    _add_columns(conn, LESSON_COLUMNS)
    _index_columns(conn, "lesson_id")


def _add_parents(conn) -> None:
    """Version 4 -> 5: a continued run's parent and starting epoch (null for
    the runs already stored: each started from fresh weights). A run's
    checkpoints are arrays in its payload, which needs no new column."""
    _add_columns(conn, PARENT_COLUMNS)
    _index_columns(conn, "parent_id")


# Version N -> a function(connection) that upgrades a store to N + 1.
MIGRATIONS: dict = {
    1: lambda conn: searches.create(conn, checkfirst=True),  # searches were added
    2: _add_lessons,  # lessons were added
    3: lambda conn: _add_columns(conn, JOB_COLUMNS),  # jobs record themselves
    4: _add_parents,  # runs continue earlier runs (Train more)
}
