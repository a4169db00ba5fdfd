"""Shared test setup: the tiers, quiet TensorFlow, the repo root importable.

The suite has three tiers, chosen with pytest markers:

- unmarked tests start no worker process and no browser: the core with tiny
  real training in this process, and AppTests that do not train. They are
  the fast tier, `./scripts/test.sh -m "not workers and not browser"`.
- `workers`: tests that start worker processes (the pool, searches, the
  command line in a subprocess, AppTests that train).
- `browser`: Playwright driving Debian's Chromium against `streamlit run`.

A fast-tier test that would start a worker fails at once, with a message
that says to mark it: the tier stays fast because nothing slips into it.
"""

import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


import pytest  # noqa: E402

SLOW_TIERS = ("workers", "browser")


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items):
    """Tests that use the warm pool are `workers` tests, marked or not.

    With pytest-xdist (`scripts/test.sh` runs two test processes), a test
    module's tests stay in one process (they share module fixtures), and
    the browser tests all run in one process, one after the other: each
    starts a server and a browser, and two at once would measure each
    other's load.
    """
    for item in items:
        if {"pool", "executor", "ray_pool"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.workers)
        group = "browser" if item.get_closest_marker("browser") else str(item.path)
        item.add_marker(pytest.mark.xdist_group(group))


def pytest_runtest_setup(item):
    """Fails a test that `--dist loadgroup` did not group, saying why.

    pytest-xdist groups a test by appending `@group` to its id. Where the
    installed pytest keeps ids elsewhere, that append does nothing, and the
    run quietly spreads every test over both processes: two browser tests
    then train at once and time each other out. A clear failure here is
    better than a flaky suite.
    """
    if (getattr(item.config.option, "loadgroup", False) and item.get_closest_marker("xdist_group")
            and "@" not in item.nodeid):
        pytest.fail(
            f"pytest-xdist did not group this test (its id {item.nodeid!r} has no "
            f"'@group' suffix) under pytest {pytest.__version__}, so the groups do "
            "not hold. Fix: install the versions pyproject.toml's `test` extra "
            "names (`scripts/setup.sh test`).", pytrace=False)


def in_fast_tier(request) -> bool:
    return not any(request.node.get_closest_marker(tier) for tier in SLOW_TIERS)


@pytest.fixture(autouse=True)
def worker_processes_only_in_their_tier(request, monkeypatch):
    """In the fast tier, starting a worker process is an error that says so,
    and the app does not warm its pool in the background."""
    if not in_fast_tier(request):
        yield
        return
    from playground.jobs import process_pool

    def refuse(*args, **kwargs):
        raise AssertionError(
            f"{request.node.nodeid} starts a worker process, which the fast tier "
            "never does: mark the test `@pytest.mark.workers`.")

    monkeypatch.setattr(process_pool._Worker, "__init__", refuse)
    if request.node.path.parent.name == "app":
        from ui import services

        monkeypatch.setattr(services, "WARM_AFTER_SECONDS", 10**9)
    yield


@pytest.fixture(scope="session")
def pool():
    """A warm one-slot worker pool for the whole session: its worker imports
    TensorFlow once for every test that uses it."""
    from playground.jobs import ProcessExecutor

    executor = ProcessExecutor(limit=1)
    executor.wait_until_warm(180)
    yield executor
    executor.shutdown()


@pytest.fixture(scope="session")
def ray_pool():
    """A one-actor `RayExecutor` on a two-CPU Ray cluster that this test
    session starts on loopback and stops at its end; its actor imports
    TensorFlow once for every test that uses it. Skipped without Ray."""
    ray = pytest.importorskip("ray", reason="Ray is not installed "
                              "(pip install -e .[ray]): the Ray executor is not tested")
    ray.init(address="local", num_cpus=2, include_dashboard=False,
             _node_ip_address="127.0.0.1", logging_level="WARNING")
    try:
        from playground.jobs.ray_executor import RayExecutor

        executor = RayExecutor(limit=1)
        executor.wait_until_warm(240)
        yield executor
        executor.shutdown()
    finally:
        ray.shutdown()


@pytest.fixture(scope="session", params=["process", "ray"])
def executor(request):
    """Each executor in turn, for the tests of the `Executor` contract: the
    warm process pool (`pool`), then the Ray executor (`ray_pool`)."""
    return request.getfixturevalue("pool" if request.param == "process" else "ray_pool")


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
