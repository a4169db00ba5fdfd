"""Fixtures of the core tests: run stores on SQLite and on PostgreSQL."""

import itertools

import pytest

from playground.jobs import ProcessExecutor
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


@pytest.fixture(scope="module")
def pool():
    """A warm one-slot worker pool for a test module: its workers import
    TensorFlow once for all the module's tests."""
    executor = ProcessExecutor(limit=1)
    executor.wait_until_warm(180)
    yield executor
    executor.shutdown()
