"""Opening a run store: where it is, several processes at once, a store that is
damaged, read-only, locked, of another schema or another program, a bad URL;
every way a store can be unusable gives one plain sentence.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest
import sqlalchemy as sa

from playground.runs import (
    RunNotFound,
    StoreUnavailable,
    open_store,
    schema,
)

from playground.runs.arrays import pack

from tests.core.run_samples import ROOT, make_record

WRITER = textwrap.dedent("""
    import sys, numpy as np
    from playground.presets import PRESETS
    from playground.runs import RunRecord, open_store
    url, prefix = sys.argv[1], sys.argv[2]
    store = open_store(url, timeout=30)
    for n in range(30):
        record = RunRecord(PRESETS["xor"].experiment, id=f"{prefix}{n}",
                           weights=[np.full(50, n, np.float32)])
        store.save(record)
        for epoch in range(1, 5):
            store.save_progress(record.id, "running", "", {"loss": [0.5] * epoch},
                                epoch, 0.1)
""")


def test_processes_opening_a_new_store_at_once_all_succeed(store_url):
    opener = textwrap.dedent("""
        import sys, time
        from playground.runs import open_store
        time.sleep(max(0.0, float(sys.argv[2]) - time.time()))  # all at once
        open_store(sys.argv[1])
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    at = str(time.time() + 4)
    openers = [subprocess.Popen([sys.executable, "-c", opener, store_url, at], env=env,
                                stderr=subprocess.PIPE, text=True) for _ in range(4)]
    errors = [p.communicate(timeout=120)[1] for p in openers]
    assert [p.returncode for p in openers] == [0] * 4, errors
    assert open_store(store_url).list() == []


def test_two_processes_writing_at_once_lose_nothing(store_url):
    open_store(store_url)  # both writers open an existing store
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, store_url, prefix],
                                env=env, stderr=subprocess.PIPE, text=True)
               for prefix in ("a", "b")]
    errors = [w.communicate(timeout=240)[1] for w in writers]
    assert [w.returncode for w in writers] == [0, 0], errors
    store = open_store(store_url)
    runs = store.list()
    assert sorted(s.id for s in runs) == sorted(f"{p}{n}" for p in "ab" for n in range(30))
    assert {s.epochs_run for s in runs} == {4}
    assert store.load("b17").weights[0].tolist() == [17.0] * 50


def test_the_default_store_is_created_in_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("PLAYGROUND_STORE")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    store = open_store()
    store.save(make_record())
    assert (tmp_path / "data" / "keras-playground" / "runs.sqlite").is_file()
    assert len(store.list()) == 1


def test_playground_store_may_be_a_plain_path(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_STORE", str(tmp_path / "deep" / "mine.db"))
    open_store().save(make_record())
    assert (tmp_path / "deep" / "mine.db").is_file()
    with sqlite3.connect(tmp_path / "deep" / "mine.db") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_store_under_a_file_cannot_be_created(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(StoreUnavailable, match=r"cannot be created \(.*file is a "
                       r"file, not a folder\)\. Set PLAYGROUND_STORE to a file in a writable folder"):
        open_store(str(tmp_path / "file" / "runs.sqlite"))


def test_a_damaged_store_is_refused(tmp_path):
    path = tmp_path / "runs.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreUnavailable, match="is damaged or is not a database. "
                       "Move the file away"):
        open_store(str(path))


def test_a_read_only_store_lists_but_does_not_save(tmp_path):
    path = tmp_path / "runs.sqlite"
    record = make_record()
    open_store(str(path)).save(record)
    store = open_store(f"sqlite:///file:{path}?mode=ro&uri=true")
    assert [s.id for s in store.list()] == [record.id]
    with pytest.raises(StoreUnavailable, match="is read-only, so runs cannot be saved"):
        store.save(make_record())


def test_a_missing_read_only_store_cannot_be_opened(tmp_path):
    with pytest.raises(StoreUnavailable, match="cannot be opened: its folder is missing"):
        open_store(f"sqlite:///file:{tmp_path}/none/runs.sqlite?mode=ro&uri=true")


def test_a_store_locked_beyond_the_timeout_is_busy(tmp_path):
    path = tmp_path / "runs.sqlite"
    store = open_store(str(path), timeout=0.2)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.perf_counter()
        with pytest.raises(StoreUnavailable, match=r"is busy: another program has held "
                           r"it locked for more than 0\.2 s"):
            store.save(make_record())
        assert time.perf_counter() - started >= 0.2
        assert store.list() == []  # readers are not blocked by a writer (WAL)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    store.save(make_record())


def set_schema_version(store, version):
    with store.engine.begin() as conn:
        conn.execute(schema.schema.update().values(version=version))


def test_a_store_of_a_newer_schema_is_refused(store_url):
    set_schema_version(open_store(store_url), schema.SCHEMA_VERSION + 1)
    newer, ours = schema.SCHEMA_VERSION + 1, schema.SCHEMA_VERSION
    with pytest.raises(StoreUnavailable, match="written by a newer Keras Playground "
                       rf"\(schema {newer}; this one reads up to {ours}\). Upgrade"):
        open_store(store_url)


def test_an_older_schema_is_migrated_or_refused(store_url, monkeypatch):
    set_schema_version(open_store(store_url), 0)
    with pytest.raises(StoreUnavailable, match="has schema 0, which this Keras "
                       f"Playground cannot upgrade to {schema.SCHEMA_VERSION}"):
        open_store(store_url)
    steps = []
    monkeypatch.setitem(schema.MIGRATIONS, 0, lambda conn: steps.append(conn))
    open_store(store_url)
    assert len(steps) == 1
    with open_store(store_url).engine.connect() as conn:
        assert conn.execute(sa.select(schema.schema.c.version)).scalar() == (
            schema.SCHEMA_VERSION)


def test_a_store_from_before_searches_gains_their_table(store_url):
    store = open_store(store_url)
    with store.engine.begin() as conn:
        schema.searches.drop(conn)
    set_schema_version(store, 1)
    migrated = open_store(store_url)
    record = {"id": "s1", "trials": [{"number": 1, "objective": 0.5}], "started_at": 10.0,
              "finished_at": None}
    migrated.save_search("s1", record, owner="me")
    assert migrated.load_search("s1") == record
    migrated.save_search("s1", {**record, "finished_at": 20.0})
    assert migrated.load_search("s1")["finished_at"] == 20.0
    with pytest.raises(RunNotFound, match="No search has the id 'nope'"):
        migrated.load_search("nope")
    with pytest.raises(RunNotFound):
        migrated.load_search("../etc")


def version_2_tables(left_out=schema.LESSON_COLUMNS + schema.JOB_COLUMNS
                     + schema.PARENT_COLUMNS) -> sa.MetaData:
    """The tables as schema version 2 made them: today's, without the lesson
    tables, the two lesson columns of `runs`, version 4's job columns and
    version 5's parent columns (`left_out`: the columns of `runs` left out)."""
    old = sa.MetaData()
    for table in (schema.runs, schema.payloads, schema.searches, schema.schema):
        sa.Table(table.name, old, *(
            sa.Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable,
                      index=c.index)
            for c in table.columns
            if not (table is schema.runs and c.name in left_out)))
    return old


def old_store(store_url: str, record, version: int, **left_out) -> sa.Engine:
    """A store as schema `version` wrote it (`version_2_tables(**left_out)`),
    holding `record` with its arrays; returns its engine."""
    summary = record.summary()
    old = version_2_tables(**left_out)
    engine = sa.create_engine(store_url)
    old.create_all(engine)
    structure, blob = pack({"weights": record.weights, "best_weights": None,
                            "test_outputs": None, "snapshots": []})
    with engine.begin() as conn:
        conn.execute(old.tables["store_schema"].insert().values(key="runs",
                                                                version=version))
        conn.execute(old.tables["runs"].insert().values(
            **{c.name: getattr(summary, c.name) for c in old.tables["runs"].columns
               if hasattr(summary, c.name) and c.name != "test_metrics"},
            test_metrics=json.dumps(record.test_metrics), message=record.message,
            elapsed=record.elapsed, experiment=record.experiment.to_json(),
            history=json.dumps(record.history)))
        conn.execute(old.tables["run_payloads"].insert().values(
            run_id=record.id, structure=structure, blob=blob))
    return engine


def test_a_version_2_store_keeps_its_runs_and_gains_lessons(store_url):
    record = make_record(name="trained before lessons", note="kept")
    engine = old_store(store_url, record, 2)
    assert "lesson_id" not in {c["name"] for c in sa.inspect(engine).get_columns("runs")}
    engine.dispose()

    store = open_store(store_url)
    back = store.load(record.id)
    assert (back.name, back.note, back.experiment, back.test_metrics) == (
        "trained before lessons", "kept", record.experiment, record.test_metrics)
    assert back.weights[0].tolist() == record.weights[0].tolist()
    assert (back.lesson_id, back.student) == (None, None)
    inspector = sa.inspect(store.engine)
    columns = {c["name"] for c in inspector.get_columns("runs")}
    assert set(schema.LESSON_COLUMNS + schema.JOB_COLUMNS) <= columns
    assert (back.executor, back.worker, back.updated_at) == (None, None, None)
    assert {"lessons", "lesson_students"} <= set(inspector.get_table_names())
    assert "ix_runs_lesson_id" in {i["name"] for i in inspector.get_indexes("runs")}
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(schema.schema.c.version)).scalar() == (
            schema.SCHEMA_VERSION)

    tagged = make_record(lesson_id="lesson1", student="Ana")
    store.save(tagged)
    assert (store.load(tagged.id).lesson_id, store.load(tagged.id).student) == (
        "lesson1", "Ana")
    listed = {s.id: (s.lesson_id, s.student) for s in open_store(store_url).list()}
    assert listed == {record.id: (None, None), tagged.id: ("lesson1", "Ana")}


def test_a_database_of_another_program_is_refused(tmp_path):
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE runs (x INTEGER)")
    with pytest.raises(StoreUnavailable, match="has a `runs` table that is not a Keras "
                       "Playground run store"):
        open_store(str(path))


NEEDS_PSYCOPG = pytest.mark.skipif(
    importlib.util.find_spec("psycopg") is None,
    reason="PostgreSQL tests skipped: psycopg is not installed (pip install "
           "'psycopg[binary]')")


@pytest.mark.parametrize("url, fragment", [
    pytest.param("postgresql://nobody@127.0.0.1:1/none", "cannot be used: connection",
                 marks=NEEDS_PSYCOPG),
    ("nosuchdb://x/y", "A store is an SQLite file or a PostgreSQL URL"),
    ("sqlite://[", "Invalid SQLite URL: sqlite://["),
    ("no such://x", "neither a file path nor a database URL"),
])
def test_an_unusable_url_is_one_sentence(url, fragment):
    with pytest.raises(StoreUnavailable) as caught:
        open_store(url, timeout=1)
    message = str(caught.value)
    assert fragment in message and "\n" not in message
    assert message.startswith("The run store")
