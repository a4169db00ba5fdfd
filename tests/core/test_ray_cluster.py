"""Runs on a Ray cluster of its own outlive the server that started them.

A Ray head is started on loopback (`tests/core/ray_cluster.py`; skipped
with the reason where it cannot be). A "server" process joins it, starts a
run that records itself in an SQLite store, and is killed outright after a
few epochs: the run trains on to its last epoch in the store. The command
line, told `PLAYGROUND_EXECUTOR=ray`, trains on the cluster and its run
says so.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

import ray_cluster
from playground.runs import open_store

ROOT = Path(__file__).resolve().parents[2]
EPOCHS = 300

pytestmark = pytest.mark.workers


@pytest.fixture(scope="module")
def cluster():
    try:
        started = ray_cluster.start()
    except (ray_cluster.Unavailable, subprocess.TimeoutExpired) as error:
        pytest.skip(f"no Ray cluster for these tests: {error}")
    yield started
    started.stop()


def test_a_run_trains_on_after_its_server_is_killed(cluster, tmp_path):
    url = str(tmp_path / "runs.sqlite")
    server = subprocess.Popen([sys.executable, "-c", f"""
import sys, time
sys.path.insert(0, {str(ROOT)!r})
from playground.jobs.ray_executor import RayExecutor
from playground.presets import PRESETS
from playground.runs import open_store
from playground.runs.recorder import submit_and_record
store = open_store({url!r})
executor = RayExecutor({cluster.address!r}, limit=1)
exp = PRESETS["circle"].experiment.replace(epochs={EPOCHS}, batch_size=8)
job, _ = submit_and_record(executor, exp, store=store)
while len(job.history().get("loss", [])) < 3:
    time.sleep(0.05)
print(job.id, flush=True)
time.sleep(600)
"""], stdout=subprocess.PIPE, text=True, cwd=ROOT,
        env={**os.environ, **cluster.environment()})
    try:
        run_id = server.stdout.readline().strip()
    finally:
        server.kill()  # no clean-up: as a crash or a deploy's SIGKILL
        server.wait()
    assert run_id, "the server never reported its run"
    store = open_store(url)
    at_kill = store.live_state(run_id)["epochs_run"]
    assert at_kill < EPOCHS, "the run ended before its server was killed"

    deadline = time.monotonic() + 240
    while store.live_state(run_id)["status"] not in ("completed", "failed", "stopped"):
        assert time.monotonic() < deadline, "the run did not finish without its server"
        time.sleep(0.5)
    record = store.load(run_id)
    assert record.status == "completed", record.message
    assert record.epochs_run == EPOCHS and len(record.history["loss"]) == EPOCHS
    assert record.weights and record.test_metrics and record.executor == "ray"
    assert re.fullmatch(r"node \S+, pid \d+", record.worker), record.worker


def test_the_command_line_trains_on_the_cluster_and_says_so(cluster, tmp_path):
    env = {**os.environ, **cluster.environment(),
           "PLAYGROUND_STORE": str(tmp_path / "runs.sqlite")}

    def playground(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "playground.cli", *args], env=env,
                              capture_output=True, text=True, timeout=300, cwd=ROOT)

    trained = playground("train", "dataset=circle&epochs=5", "--json")
    assert trained.returncode == 0, trained.stderr[-2000:]
    summary = json.loads(trained.stdout.splitlines()[-1])
    assert summary["status"] == "completed" and summary["epochs_run"] == 5
    assert "report" in summary and summary["run_id"]
    assert "epoch 5/5" in trained.stdout  # streamed from the cluster as they came
    shown = playground("runs", "show", summary["run_id"])
    assert shown.returncode == 0, shown.stderr[-2000:]
    details = json.loads(shown.stdout)
    assert details["executor"] == "ray"
    assert re.fullmatch(r"node \S+, pid \d+", details["worker"]), details["worker"]
    assert int(details["worker"].rsplit("pid ", 1)[1]) != os.getpid()
    assert details["epochs_run"] == 5 and details["status"] == "completed"


def test_the_command_line_trains_in_its_own_process_by_default(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("PLAYGROUND_EXECUTOR", "RAY_ADDRESS")}
    env["PLAYGROUND_STORE"] = str(tmp_path / "runs.sqlite")
    trained = subprocess.run([sys.executable, "-m", "playground.cli", "train", "dataset=xor&epochs=2",
                              "--json"], env=env, capture_output=True, text=True,
                             timeout=300, cwd=ROOT)
    assert trained.returncode == 0, trained.stderr[-2000:]
    run_id = json.loads(trained.stdout.splitlines()[-1])["run_id"]
    record = open_store(env["PLAYGROUND_STORE"]).load(run_id)
    assert record.executor == "local" and record.worker.startswith("host ")
