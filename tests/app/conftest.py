"""Fixtures of the AppTests: a run store of the test's own."""

import pytest


@pytest.fixture
def store_url(tmp_path, monkeypatch):
    """The app's run store for this test: an SQLite file, as its URL."""
    url = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    monkeypatch.setenv("PLAYGROUND_STORE", url)
    return url
