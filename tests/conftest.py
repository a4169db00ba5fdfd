"""Shared test setup: quiet TensorFlow and make the repo root importable."""

import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def keras_work_in_process():
    """The app sends Keras work to worker processes once it has run
    (AppTest runs it in this process); other tests run it in-process."""
    yield
    from playground import jobs

    jobs.keep_tensorflow_out(False)


@pytest.fixture(autouse=True)
def run_store_in_tmp(tmp_path, monkeypatch):
    """Saved runs go to a per-test file, never into the user's data folder."""
    monkeypatch.setenv("PLAYGROUND_STORE", str(tmp_path / "runs.sqlite"))
