"""`RunStore`: saved training runs in SQLite or PostgreSQL, via SQLAlchemy.

>>> store = open_store()                     # PLAYGROUND_STORE or the default
>>> store.save(RunRecord.from_result(exp, result, snapshots))
>>> store.load(run_id).history["loss"][-1]

Every operation is one transaction. On SQLite the file is in WAL mode (a
reader never waits for a writer; `synchronous=NORMAL`), writers take the write lock when they
begin (`BEGIN IMMEDIATE`, so two writers never deadlock) and wait up to
`timeout` seconds for it. Arrays are stored as `.npz` bytes with a JSON
structure (`playground.runs.arrays`), never pickled.

Any database problem comes out as `StoreUnavailable` with one plain
sentence; an unknown or malformed id as `RunNotFound`.
"""

from __future__ import annotations

import contextlib
import errno
import json
from pathlib import Path
from typing import Any, Iterator

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine

from playground.config import Experiment
from playground.i18n import tr_lazy
from playground.runs import schema as tables
from playground.runs.arrays import UnreadablePayload, pack, unpack
from playground.runs.errors import RunNotFound, StoreUnavailable
from playground.runs.job_writes import JobWrites, json_text, pack_payload
from playground.runs.location import ENV_VAR, describe, store_url
from playground.runs.record import (
    MAX_NAME_LENGTH,
    MAX_NOTE_LENGTH,
    RunRecord,
    RunSummary,
    check_run_id,
    check_text,
)

DEFAULT_TIMEOUT = 10.0
MAX_LIST = 10_000
_SUMMARY_COLUMNS = ("id", "name", "note", "owner", "dataset", "model", "optimizer",
                    "learning_rate", "epochs", "epochs_run", "status", "best_metric",
                    "best_value", "test_metrics", "created_at", "lesson_id", "student")


EVERY_OWNER = "*every owner*"
"""`RunStore.list(owner=EVERY_OWNER)` lists every run, whoever made it."""


class RunUnreadable(RunNotFound):
    """The run exists but its stored data cannot be read back safely."""


def _first_line(error: BaseException) -> str:
    """The first line of an error's text (drivers add hints and SQL below)."""
    return (str(getattr(error, "orig", None) or error).strip().splitlines() or [""])[0]


def _unavailable(where: str, error: BaseException, timeout: float) -> StoreUnavailable:
    """One sentence for the user about a database error."""
    reason = _first_line(error).rstrip(".")
    lowered = reason.lower()
    values = dict(store=where, variable=ENV_VAR)
    if "locked" in lowered or "busy" in lowered:
        text = tr_lazy("The run store at {store} is busy: another program has held it "
                       "locked for more than {seconds} s. Try again in a moment.",
                       store=where, seconds=format(timeout, "g"))
    elif "not a database" in lowered or "malformed" in lowered:
        text = tr_lazy("The run store at {store} is damaged or is not a database. Move "
                       "the file away (a new store is then created) or set {variable} "
                       "to another file.", **values)
    elif "readonly" in lowered or "read-only" in lowered:
        text = tr_lazy("The run store at {store} is read-only, so runs cannot be saved. "
                       "Make it writable or set {variable} to a writable file.", **values)
    elif "unable to open" in lowered:
        text = tr_lazy("The run store at {store} cannot be opened: its folder is "
                       "missing or not accessible. Set {variable} to a writable file "
                       "path.", **values)
    else:
        text = tr_lazy("The run store at {store} cannot be used: {reason}", store=where,
                       reason=reason)
    return StoreUnavailable(text)


class RunStore(JobWrites):
    """Saved runs in one database. Make one with `open_store`.

    What a job writes while it trains (progress, its end, a stop request)
    is `JobWrites`'.

    Args:
        engine: The SQLAlchemy engine (see `open_store` for its settings).
        timeout: Seconds a write waits for a lock before giving up.
    """

    def __init__(self, engine: Engine, timeout: float = DEFAULT_TIMEOUT):
        self.engine = engine
        self.timeout = timeout
        self.where = describe(engine.url)
        # What a job's worker opens to record the run (`job_recording`).
        self.url = engine.url.render_as_string(hide_password=False)

    def __repr__(self) -> str:
        return f"RunStore({self.where!r})"

    def transaction(self, write: bool = True) -> contextlib.AbstractContextManager:
        """One transaction on this store's database, for a module that keeps
        its own tables here (`playground.lessons.store`); database errors
        become `StoreUnavailable`. `write=False` reads without taking
        SQLite's write lock."""
        return self._transaction(write)

    @contextlib.contextmanager
    def _transaction(self, write: bool = True) -> Iterator[Connection]:
        """One transaction; database errors become `StoreUnavailable`."""
        try:
            with self.engine.connect().execution_options(playground_write=write) \
                    as conn, conn.begin():
                yield conn
        except sa.exc.SQLAlchemyError as error:
            raise _unavailable(self.where, error, self.timeout) from None

    # -- schema -------------------------------------------------------------

    def prepare(self) -> None:
        """Creates the tables of a new store, checks the version of an old one.

        Raises:
            StoreUnavailable: for a newer schema, an older one that cannot be
                migrated, or a database whose tables are not a run store's.
        """
        with self._transaction() as conn:
            names = set(sa.inspect(conn).get_table_names())
            if tables.runs.name in names and tables.schema.name not in names:
                raise StoreUnavailable(tr_lazy(
                    "The database at {store} has a `runs` table that is not a Keras "
                    "Playground run store; set {variable} to another database or file.",
                    store=self.where, variable=ENV_VAR))
            try:  # another process may create the tables at the same moment
                with conn.begin_nested():
                    tables.metadata.create_all(conn)
            except (sa.exc.IntegrityError, sa.exc.ProgrammingError):
                pass  # it did: its tables and version row are there now
            # FOR UPDATE: two servers opening an old PostgreSQL store migrate it
            # one after the other (SQLite's BEGIN IMMEDIATE already does).
            version = conn.execute(sa.select(tables.schema.c.version).where(
                tables.schema.c.key == tables.SCHEMA_KEY).with_for_update()).scalar()
            if version is None:
                conn.execute(tables.schema.insert().values(
                    key=tables.SCHEMA_KEY, version=tables.SCHEMA_VERSION))
                return
            if version > tables.SCHEMA_VERSION:
                raise StoreUnavailable(tr_lazy(
                    "The run store at {store} was written by a newer Keras Playground "
                    "(schema {version}; this one reads up to {newest}). Upgrade Keras "
                    "Playground or set {variable} to another file.", store=self.where,
                    version=version, newest=tables.SCHEMA_VERSION, variable=ENV_VAR))
            while version < tables.SCHEMA_VERSION:
                if version not in tables.MIGRATIONS:
                    raise StoreUnavailable(tr_lazy(
                        "The run store at {store} has schema {version}, which this "
                        "Keras Playground cannot upgrade to {newest}; set {variable} to "
                        "a new file.", store=self.where, version=version,
                        newest=tables.SCHEMA_VERSION, variable=ENV_VAR))
                tables.MIGRATIONS[version](conn)
                version += 1
                conn.execute(tables.schema.update().where(
                    tables.schema.c.key == tables.SCHEMA_KEY).values(version=version))

    # -- writing ------------------------------------------------------------

    def save(self, record: RunRecord, keep_name: bool = False) -> None:
        """Inserts the run, or replaces the run with its id, in one transaction.

        With `keep_name`, a stored run keeps its name and note (a run renamed
        while it trains keeps its name when its recorder saves it again).
        """
        structure, blob = pack_payload(record.weights, record.best_weights,
                                       record.test_outputs, record.snapshots,
                                       record.checkpoints)
        data_structure = data_blob = None
        if record.arrays is not None:
            data_structure, data_blob = pack(dict(record.arrays))
        summary = record.summary()
        row = {column: getattr(summary, column) for column in _SUMMARY_COLUMNS}
        row.update(
            test_metrics=json_text(record.test_metrics), message=record.message,
            elapsed=float(record.elapsed), experiment=json_text(record.experiment.to_dict()),
            history=json_text(record.history), started_at=record.started_at,
            finished_at=record.finished_at, executor=record.executor,
            worker=record.worker, updated_at=record.updated_at,
            parent_id=record.parent_id, start_epoch=record.start_epoch)
        with self._transaction() as conn:
            if keep_name:
                given = conn.execute(sa.select(tables.runs.c.name, tables.runs.c.note)
                                     .where(tables.runs.c.id == record.id)).first()
                if given is not None:
                    row["name"], row["note"] = given.name, given.note
            self._delete(conn, record.id)
            conn.execute(tables.runs.insert().values(**row))
            conn.execute(tables.payloads.insert().values(
                run_id=record.id, structure=structure, blob=blob,
                data_structure=data_structure, data_blob=data_blob))

    def rename(self, run_id: str, name: str | None = None,
               note: str | None = None) -> None:
        """Changes a run's name and/or note (None leaves one as it is)."""
        check_run_id(run_id)
        changes = {}
        if name is not None:
            changes["name"] = check_text(name, "name", MAX_NAME_LENGTH).strip()
            if not changes["name"]:
                raise ValueError(tr_lazy("A run's name needs at least one visible "
                                         "character; received an empty name."))
        if note is not None:
            changes["note"] = check_text(note, "note", MAX_NOTE_LENGTH)
        with self._transaction() as conn:
            statement = tables.runs.update().where(tables.runs.c.id == run_id)
            if not changes:  # nothing to change: still say if the run is unknown
                statement = sa.select(tables.runs.c.id).where(tables.runs.c.id == run_id)
                self._found(len(conn.execute(statement).all()), run_id)
                return
            self._found(conn.execute(statement.values(**changes)).rowcount, run_id)

    def delete(self, run_id: str) -> None:
        """Removes a run and its arrays.

        Raises:
            RunNotFound: when no run has this id.
        """
        check_run_id(run_id)
        with self._transaction() as conn:
            self._found(self._delete(conn, run_id), run_id)

    @staticmethod
    def _delete(conn: Connection, run_id: str) -> int:
        conn.execute(tables.payloads.delete().where(tables.payloads.c.run_id == run_id))
        return conn.execute(tables.runs.delete().where(tables.runs.c.id == run_id)).rowcount

    @staticmethod
    def _found(count: int, run_id: str) -> None:
        if not count:
            raise RunNotFound(tr_lazy("No run has the id {run}: it was deleted, or the "
                                      "link is from another store. Pick a run from the "
                                      "list.", run=repr(run_id)))

    # -- reading ------------------------------------------------------------

    def save_search(self, search_id: str, record: dict[str, Any],
                    owner: str | None = None) -> None:
        """Inserts or replaces a search: its settings and trials, plain JSON."""
        check_run_id(search_id)
        row = dict(id=search_id, owner=owner, record=json_text(record),
                   created_at=float(record.get("started_at") or 0.0),
                   finished_at=record.get("finished_at"))
        with self._transaction() as conn:
            conn.execute(tables.searches.delete().where(tables.searches.c.id == search_id))
            conn.execute(tables.searches.insert().values(**row))

    def load_search(self, search_id: str) -> dict[str, Any]:
        """A search saved by `save_search`.

        Raises:
            RunNotFound: for an unknown or malformed id.
        """
        check_run_id(search_id)
        with self._transaction(write=False) as conn:
            text = conn.execute(sa.select(tables.searches.c.record).where(
                tables.searches.c.id == search_id)).scalar()
        if text is None:
            raise RunNotFound(tr_lazy("No search has the id {search} in the run store "
                                      "at {store}.", search=repr(search_id),
                                      store=self.where))
        return json.loads(text)

    def load(self, run_id: str) -> RunRecord:
        """The whole run, arrays included.

        Raises:
            RunNotFound: for an unknown or malformed id.
            RunUnreadable: (a `RunNotFound`) when its stored data is damaged.
        """
        check_run_id(run_id)
        with self._transaction(write=False) as conn:
            row = conn.execute(sa.select(tables.runs).where(
                tables.runs.c.id == run_id)).mappings().first()
            self._found(row is not None, run_id)
            payload = conn.execute(sa.select(tables.payloads).where(
                tables.payloads.c.run_id == run_id)).mappings().first()
        try:
            parts = unpack(payload["structure"], payload["blob"]) if payload else {}
            arrays = None
            if payload and payload["data_blob"] is not None:
                arrays = unpack(payload["data_structure"], payload["data_blob"])
            return RunRecord(
                id=row["id"], experiment=Experiment.from_dict(json.loads(row["experiment"])),
                status=row["status"], message=row["message"],
                history=json.loads(row["history"]),
                test_metrics=json.loads(row["test_metrics"]),
                epochs_run=row["epochs_run"], elapsed=row["elapsed"],
                weights=parts.get("weights", []), best_weights=parts.get("best_weights"),
                test_outputs=parts.get("test_outputs"),
                checkpoints=parts.get("checkpoints", []),
                snapshots=[tuple(pair) for pair in parts.get("snapshots", [])],
                arrays=arrays, name=row["name"], note=row["note"], owner=row["owner"],
                created_at=row["created_at"], started_at=row["started_at"],
                finished_at=row["finished_at"], lesson_id=row["lesson_id"],
                student=row["student"], executor=row["executor"], worker=row["worker"],
                updated_at=row["updated_at"], parent_id=row["parent_id"],
                start_epoch=row["start_epoch"])
        except (UnreadablePayload, ValueError) as error:
            raise RunUnreadable(tr_lazy("Run {run} is stored but cannot be read: {error}",
                                        run=repr(run_id), error=error)) from None

    def experiments(self, run_ids) -> dict[str, Experiment]:
        """The experiments of these runs, without their arrays or history (a
        list of runs shows some figures the way the experiment's data asks:
        a standardised target's error in the target's units). A run that is
        not stored, or whose experiment no longer reads, is left out."""
        ids = [check_run_id(run_id) for run_id in run_ids]
        found: dict[str, Experiment] = {}
        for start in range(0, len(ids), 500):  # bound the query's parameters
            with self._transaction(write=False) as conn:
                rows = conn.execute(sa.select(tables.runs.c.id, tables.runs.c.experiment)
                                    .where(tables.runs.c.id.in_(ids[start:start + 500]))
                                    ).all()
            for run_id, text in rows:
                try:
                    found[run_id] = Experiment.from_dict(json.loads(text))
                except ValueError:
                    continue
        return found

    def list(self, owner: str | None = None, limit: int = 500) -> list[RunSummary]:
        """The newest `limit` runs of `owner` (None: the runs saved without an
        owner, the command line's; `EVERY_OWNER`: all), newest first,
        without arrays or history."""
        if isinstance(limit, bool) or not isinstance(limit, int) \
                or not 1 <= limit <= MAX_LIST:
            raise ValueError(f"limit must be an integer from 1 to {MAX_LIST}; "
                             f"received {limit!r}.")
        column = tables.runs.c.owner
        query = sa.select(*(tables.runs.c[name] for name in _SUMMARY_COLUMNS))
        if owner is not EVERY_OWNER:
            query = query.where(column.is_(None) if owner is None else column == owner)
        query = (query.order_by(tables.runs.c.created_at.desc(), tables.runs.c.id)
                 .limit(limit))
        with self._transaction(write=False) as conn:
            rows = conn.execute(query).mappings().all()
        return [RunSummary(**{**row, "test_metrics": json.loads(row["test_metrics"])})
                for row in rows]


def _sqlite_engine(url: URL, timeout: float) -> Engine:
    """An SQLite engine in WAL mode with a busy timeout, whose transactions
    are begun by us: `BEGIN IMMEDIATE` for writes, `BEGIN` for reads."""
    if url.database and not url.query.get("uri") and url.database != ":memory:":
        folder = Path(url.database).parent
        if folder.exists() and not folder.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, tr_lazy(
                "{folder} is a file, not a folder", folder=str(folder)))
        folder.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": timeout})

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # no implicit BEGIN from the driver
        mode = dbapi_connection.execute("PRAGMA journal_mode").fetchone()[0]
        if mode.lower() != "wal" and url.query.get("mode") != "ro":
            dbapi_connection.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL never corrupts the file; a power cut may lose
        # the last commits, and each commit skips an fsync.
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")

    @sa.event.listens_for(engine, "begin")
    def _begin(conn):
        write = conn.get_execution_options().get("playground_write", True)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def open_store(url: str | None = None, timeout: float = DEFAULT_TIMEOUT) -> RunStore:
    """Opens (creating on first use) the run store.

    Args:
        url: A file path or SQLAlchemy URL; default: the `PLAYGROUND_STORE`
            environment variable, else
            `$XDG_DATA_HOME/keras-playground/runs.sqlite` (or
            `~/.local/share/...`).
        timeout: Seconds to wait for a locked store or a server.

    Raises:
        StoreUnavailable: with one sentence saying why the store cannot be
            used.
    """
    where = url or tr_lazy("the run store")
    try:
        parsed = store_url(url)
        where = describe(parsed)
        if parsed.get_backend_name() == "sqlite":
            engine = _sqlite_engine(parsed, timeout)
        else:
            args = {"connect_timeout": max(1, round(timeout))} \
                if parsed.get_backend_name() == "postgresql" else {}
            engine = sa.create_engine(parsed, connect_args=args, pool_pre_ping=True)
    except OSError as error:
        raise StoreUnavailable(tr_lazy(
            "The run store at {store} cannot be created ({error}). Set {variable} to a "
            "file in a writable folder.", store=where, error=error.strerror or error,
            variable=ENV_VAR)) from None
    except (sa.exc.SQLAlchemyError, ImportError) as error:
        raise StoreUnavailable(tr_lazy(
            "The run store at {store} cannot be used: {reason}. A store is an SQLite "
            "file or a PostgreSQL URL (with psycopg installed).", store=where,
            reason=_first_line(error).rstrip("."))) from None
    store = RunStore(engine, timeout)
    store.prepare()
    return store
