"""Fixtures of the core tests: run stores on SQLite and on PostgreSQL, and a
real training run to save in them."""

import itertools

import pytest

from playground.presets import PRESETS
from playground.runs import open_store
from playground.training.snapshot_store import SnapshotStore

from tests.core import postgres_server

_database_numbers = itertools.count()


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL server for the session, or a skip that says why not."""
    try:
        server = postgres_server.start()
    except postgres_server.Unavailable as reason:
        pytest.skip(f"PostgreSQL tests skipped: {reason}")
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """The URL of an empty run store: an SQLite file, or a fresh PostgreSQL
    database on the session's server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite'}"
    server = request.getfixturevalue("postgres")
    return postgres_server.create_database(server, f"runs_{next(_database_numbers)}")


@pytest.fixture
def store(store_url):
    """An empty run store at `store_url`, opened."""
    return open_store(store_url)


@pytest.fixture(scope="module")
def xor_run():
    """A real five-epoch XOR run with its replay snapshots:
    `(experiment, result, snapshots)`."""
    from playground.training.loop import run_training

    exp = PRESETS["xor"].experiment.replace(epochs=5)
    snapshots = SnapshotStore()
    result = run_training(exp, lambda e: e["type"] == "snapshot" and snapshots.add(
        e["epoch"], {k: v for k, v in e.items() if k not in ("type", "epoch")}),
        snapshots=True)
    return exp, result, snapshots


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    """A fresh, empty Keras home; returns its datasets folder."""
    home = tmp_path / "keras-home"
    home.mkdir()
    monkeypatch.setenv("KERAS_HOME", str(home))
    return str(home / "datasets")
