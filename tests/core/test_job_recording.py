"""A job records its own run where it trains; any server follows or stops it.

The tests with `executor` run on the process pool and on the Ray executor:
the run in the store is written by the worker (its pid is not this
process's), names its executor and worker, and ends with its weights and
snapshots; a stop asked through the store reaches the job; a second handle
made from the store alone (another replica's view) follows the run live to
its end. The store-only tests need no worker.
"""

from __future__ import annotations

import contextlib
import os
import time

import pytest

from playground.presets import PRESETS
from playground.runs import open_store
from playground.runs.follow import LOST_SECONDS, handle_for, lost
from playground.runs.record import RunRecord
from playground.runs.recorder import INTERRUPTED, stored_result, submit_and_record

# Long enough (800 steps an epoch, 2000 epochs) that no machine finishes it
# before the test's stop arrives: the job reads stop requests with its
# writes, every 2 s. Each test that starts it stops it however the test
# ends, so the shared worker is free again.
LONG = PRESETS["circle"].experiment.replace(samples=2000, batch_size=2, epochs=2000)
SHORT = PRESETS["xor"].experiment.replace(epochs=12)


@pytest.fixture
def store(tmp_path):
    return open_store(str(tmp_path / "runs.sqlite"))


@contextlib.contextmanager
def stopped_at_the_end(job):
    """Stop the job when the test ends, passed or failed."""
    try:
        yield job
    finally:
        job.stop()
        job.wait(60)


def wait_for_stored_epochs(store, run_id: str, count: int, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        state = store.live_state(run_id)
        if state["epochs_run"] >= count:
            return state
        assert time.monotonic() < deadline, f"no {count} stored epoch(s) in {timeout} s"
        time.sleep(0.1)


def test_a_job_records_its_own_run_from_its_worker(executor, store):
    handle, recorder = submit_and_record(executor, SHORT, store=store, name="kept")
    result = handle.wait(120)
    assert result.status == "completed" and result.recorded
    assert recorder.problem is None
    record = store.load(handle.id)
    assert (record.status, record.epochs_run, record.name) == ("completed", 12, "kept")
    assert record.history["loss"] == result.history["loss"]
    assert [w.shape for w in record.weights] == [w.shape for w in result.weights]
    assert record.snapshots and record.test_metrics == result.test_metrics
    kind = "ray" if type(executor).__name__ == "RayExecutor" else "process"
    assert record.executor == kind
    pid = int(record.worker.rsplit("pid ", 1)[1])
    assert pid != os.getpid() and pid in executor.worker_pids()
    assert record.started_at <= record.finished_at <= record.updated_at


def test_a_stop_asked_through_the_store_reaches_the_job(executor, store):
    """Another server sharing the store stops the run: it ends stopped, with
    its epochs and weights, in the store and for the server that follows it."""
    handle, _ = submit_and_record(executor, LONG, store=store)
    with stopped_at_the_end(handle):
        wait_for_stored_epochs(store, handle.id, 3)
        store.request_stop(handle.id)
        result = handle.wait(60)
    assert result is not None, "the job did not stop"
    assert result.status == "stopped" and 3 <= result.epochs_run < LONG.epochs
    record = store.load(handle.id)
    assert record.status == "stopped" and record.epochs_run == result.epochs_run
    assert len(record.weights) == 6


def test_a_run_is_followed_from_the_store_alone(pool, store):
    """A handle built from the store (as a replica that did not start the run
    sees it) gains epochs while the job trains, ends as the run ended, with
    its weights, and stops the job when asked."""
    job, _ = submit_and_record(pool, LONG, store=store)
    with stopped_at_the_end(job):
        wait_for_stored_epochs(store, job.id, 2)
        follower = handle_for(store, store.load(job.id))
        assert follower is not job and not follower.done
        assert handle_for(store, store.load(job.id)) is follower  # one per run
        seen = follower.progress()["epoch"]
        deadline = time.monotonic() + 60
        while follower.progress()["epoch"] <= seen:
            assert time.monotonic() < deadline, "the follower got no new epoch"
            time.sleep(0.1)
        follower.stop()
        assert job.wait(60) is not None, "a stop from the follower did not reach the job"
    result = follower.wait(30)
    assert result is not None and result.status == "stopped"
    assert result.epochs_run == job.result.epochs_run
    assert [w.tolist() for w in result.weights] == [w.tolist() for w in job.result.weights]
    assert len(follower.snapshots) >= 1


def test_a_run_whose_job_went_silent_opens_as_interrupted(store):
    record = RunRecord(experiment=SHORT, status="running", history={"loss": [0.7, 0.6]},
                       epochs_run=2, updated_at=time.time() - LOST_SECONDS - 1,
                       started_at=time.time() - 300)
    store.save(record)
    assert lost(store.load(record.id))
    handle = handle_for(store, store.load(record.id))
    assert handle.done and handle.result.status == "failed"
    assert handle.result.message == INTERRUPTED
    assert handle.result.history["loss"] == [0.7, 0.6]


def test_a_run_written_lately_is_followed_until_the_store_says_it_ended(store):
    """No worker here: the test writes as a job would, and the follower
    shows each write, then the end with its weights."""
    import numpy as np

    from playground.training.result import TrainingResult

    record = RunRecord(experiment=SHORT, status="queued")
    store.save(record)
    follower = handle_for(store, store.load(record.id))
    assert follower.status == "queued" and not follower.done
    store.start_run(record.id, time.time(), "ray", "node 10.0.0.5, pid 7")
    store.save_progress(record.id, "running", "", {"loss": [0.9, 0.8]}, 2, 0.5)
    deadline = time.monotonic() + 20
    while follower.progress()["epoch"] < 2:
        assert time.monotonic() < deadline, "the follower did not read the progress"
        time.sleep(0.05)
    assert follower.status == "running"
    weights = [np.ones((2, 4), "float32")]
    store.finish_run(record.id, TrainingResult("completed", "Finished 3 epoch(s).",
                                               {"loss": [0.9, 0.8, 0.7]}, 3, 0.7,
                                               weights), [])
    result = follower.wait(20)
    assert result is not None and result.status == "completed"
    assert result.history["loss"] == [0.9, 0.8, 0.7] and result.weights[0].shape == (2, 4)
    stored = store.load(record.id)
    assert (stored.executor, stored.worker) == ("ray", "node 10.0.0.5, pid 7")


def test_train_more_runs_as_a_job_that_records_its_parent(executor, store):
    from playground.runs.continuing import continued, starting_points

    parent_exp = SHORT.replace(checkpoint="every", checkpoint_every=4, checkpoint_keep=2)
    parent, _ = submit_and_record(executor, parent_exp, store=store)
    assert parent.wait(120).status == "completed"
    stored = store.load(parent.id)
    assert [c["epoch"] for c in stored.checkpoints] == [8, 12]
    choice = starting_points(stored.experiment, stored_result(stored))[-1]  # epoch 8
    child_exp = continued(stored.experiment, parent.id, choice, stored.history, 3)
    child, _ = submit_and_record(executor, child_exp, store=store)
    result = child.wait(120)
    assert result.status == "completed" and result.recorded
    record = store.load(child.id)
    assert (record.parent_id, record.start_epoch, record.epochs_run) == (parent.id, 8, 11)
    assert record.history["loss"][:8] == stored.history["loss"][:8]
    assert [e["epoch"] for e in child.events() if e["type"] == "epoch"] == list(
        range(1, 12))
