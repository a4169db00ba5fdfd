"""The executors: jobs in workers, a FIFO queue, faults and session ends.

Every test here trains for real in worker processes. One pool of a single
slot serves the whole session (`pool` in `tests/conftest.py`), so its
worker imports TensorFlow once. The tests of the `Executor` contract take
`executor` and run twice: on that pool, then on a one-actor `RayExecutor`
on a Ray cluster the session starts (skipped where Ray is not installed).
"""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import pytest

from playground.jobs import ProcessExecutor
from playground.jobs.process_pool import CRASHED, TASK_CRASHED
from playground.i18n import translated, use_language
from playground.keras_work import WorkerCrashed
from playground.presets import PRESETS

ROOT = Path(__file__).resolve().parents[2]
LONG = PRESETS["circle"].experiment.replace(epochs=2000)
SHORT = PRESETS["xor"].experiment.replace(epochs=3)

pytestmark = pytest.mark.workers


def wait_for_epochs(job, count: int = 1, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while job.progress()["epoch"] < count:
        assert not job.done, f"the job ended early: {job.result.message}"
        assert time.monotonic() < deadline, f"no {count} epoch(s) within {timeout} s"
        time.sleep(0.02)


def test_a_job_streams_epochs_and_snapshots_from_a_worker(executor):
    job = executor.submit(PRESETS["xor"].experiment.replace(epochs=20))
    result = job.wait(120)
    assert result.status == "completed"
    assert result.epochs_run == 20 and len(result.history["loss"]) == 20
    epochs = [e["epoch"] for e in job.events() if e["type"] == "epoch"]
    assert epochs == list(range(1, 21))
    assert len(job.snapshots) >= 1 and job.snapshots.latest()[1]["boundary"] is not None
    assert result.test_metrics["accuracy"] > 0
    assert [w.shape for w in result.weights][0] == (2, 4)


def test_stop_reaches_the_worker_and_keeps_history_and_weights(executor):
    job = executor.submit(LONG)
    wait_for_epochs(job, 3)
    job.stop()
    result = job.wait(60)
    assert result is not None, "the worker did not stop"
    assert result.status == "stopped" and 3 <= result.epochs_run < 2000
    assert len(result.history["val_loss"]) == result.epochs_run
    assert len(result.weights) == 6 and "accuracy" in result.test_metrics


def test_a_killed_worker_fails_its_job_keeps_history_and_is_replaced(executor):
    job = executor.submit(LONG)
    wait_for_epochs(job, 3)
    pid = executor.worker_pids()[0]
    assert pid is not None and pid != os.getpid()
    os.kill(pid, signal.SIGKILL)
    result = job.wait(60)
    assert result.status == "failed" and result.message == CRASHED
    assert result.epochs_run >= 3
    assert len(result.history["loss"]) == result.epochs_run
    after = executor.submit(SHORT).wait(180)
    assert after.status == "completed" and after.epochs_run == 3
    assert executor.worker_pids()[0] not in (None, pid)


def test_jobs_wait_in_order_within_the_limit(executor):
    first = executor.submit(LONG)
    second, third = executor.submit(SHORT), executor.submit(SHORT)
    wait_for_epochs(first)
    assert (second.jobs_ahead(), third.jobs_ahead()) == (0, 1)
    assert second.status == "queued"
    assert third.progress()["message"].startswith("waiting: 1 job ahead of yours")
    assert executor.stats() == {"running": 1, "queued": 2, "limit": 1}
    first.stop()
    assert third.wait(180).status == "completed"
    assert second.result.status == "completed"
    assert first.started_at < second.started_at < third.started_at
    assert second.finished_at <= third.started_at  # one at a time


def test_stopping_a_queued_job_takes_it_out_of_the_queue(executor):
    first = executor.submit(LONG)
    wait_for_epochs(first)
    queued = executor.submit(SHORT)
    queued.stop()
    assert queued.done and queued.result.status == "stopped"
    assert queued.result.message.startswith("Stopped before it started")
    assert executor.stats()["queued"] == 0
    first.stop()
    assert first.wait(60).status == "stopped"


def test_a_run_over_the_time_limit_stops_with_its_epochs_kept(pool, monkeypatch):
    monkeypatch.setattr(pool, "max_run_seconds", 4)  # read when a job starts
    job = pool.submit(LONG)
    result = job.wait(120)
    assert result.status == "stopped" and 1 <= result.epochs_run < 2000
    assert result.message == ("Stopped at this server's limit of 4 second(s) per run "
                              f"after {result.epochs_run} epoch(s).")
    assert len(result.history["loss"]) == result.epochs_run and result.weights
    monkeypatch.setattr(pool, "max_run_seconds", 0)  # no limit
    assert pool.submit(SHORT).wait(120).status == "completed"


def test_the_time_limit_is_a_host_setting(monkeypatch):
    from playground.jobs.executor import default_max_run_seconds, time_limit_reason

    monkeypatch.delenv("PLAYGROUND_MAX_RUN_SECONDS", raising=False)
    assert default_max_run_seconds() == 3600
    assert time_limit_reason(3600) == ("Stopped at this server's limit of 1 hour(s) per "
                                       "run after {epochs} epoch(s).")
    with use_language("zh"):  # as a page shows the stored English
        assert translated(time_limit_reason(120).format(epochs=7)) == \
            "已达到本服务器每次运行 2 分钟的上限，训练 7 轮后停止。"
    monkeypatch.setenv("PLAYGROUND_MAX_RUN_SECONDS", "0")
    assert default_max_run_seconds() == 0
    monkeypatch.setenv("PLAYGROUND_MAX_RUN_SECONDS", "an hour")
    with pytest.raises(ValueError, match="PLAYGROUND_MAX_RUN_SECONDS must be a whole "
                                         "number from 0 up; received 'an hour'"):
        default_max_run_seconds()


def test_a_session_that_ends_cancels_its_jobs(executor):
    running = executor.submit(LONG, owner="gone")
    queued = executor.submit(SHORT, owner="gone")
    other = executor.submit(SHORT, owner="staying")
    wait_for_epochs(running)
    executor.release_owner("gone")
    result = running.wait(60)
    assert result.status == "stopped"
    # Not "Stopped by you": nobody pressed Stop.
    assert result.message == (f"Stopped by the server: the browser tab that started it "
                              f"closed after {result.epochs_run} epoch(s).")
    assert queued.result.status == "stopped"
    assert other.wait(180).status == "completed"


def test_a_session_that_comes_back_in_time_keeps_its_jobs(executor):
    job = executor.submit(LONG, owner="blip")
    wait_for_epochs(job)
    executor.release_owner("blip", grace=0.5)
    executor.reclaim_owner("blip")
    time.sleep(1.0)
    assert not job.done and not job.stop_requested
    executor.release_owner("blip", grace=0.2)
    assert job.wait(60).status == "stopped"


def test_a_gone_browsers_queued_job_waits_while_others_train(pool):
    """Within a closed tab's grace its queued job does not take the worker:
    a student who is still there trains first; the job starts once its tab
    is back."""
    running = pool.submit(LONG, owner="busy")
    wait_for_epochs(running)
    gone = pool.submit(SHORT, owner="gone for now")
    here = pool.submit(SHORT, owner="still here")
    assert here.jobs_ahead() == 1
    pool.release_owner("gone for now", grace=120)
    assert here.jobs_ahead() == 0  # the gone tab's job will not start first
    assert here.progress()["message"].startswith("waiting for a free worker")
    running.stop()
    assert here.wait(120).status == "completed"
    time.sleep(0.5)
    assert not gone.done and gone.status == "queued"  # never started for nobody
    pool.reclaim_owner("gone for now")  # the tab came back
    assert gone.wait(120).status == "completed"


def test_a_waiting_run_says_its_place_and_about_when_it_starts(pool):
    running = pool.submit(LONG, owner="first")
    waiting = pool.submit(SHORT, owner="second")
    wait_for_epochs(running, 3)
    message = waiting.progress()["message"]
    assert message.startswith("waiting for a free worker (starts in about ")
    assert re.search(r"about \d+ (s|min)\)$", message)
    running.stop()
    assert waiting.wait(120).status == "completed"


def test_a_network_prepared_before_train_is_the_one_the_run_starts_from(executor):
    """While nobody trains, a worker builds and traces the network a student
    is about to train; the run then takes it and trains exactly as a network
    built for it would.

    Both executors do it (a pool's worker process, a Ray actor). Both runs
    train in the one worker: a process with another number of
    TensorFlow threads may sum in another order and differ in the last
    digits, which says nothing about the prepared network."""
    from playground.training.loop import PREPARED

    exp = PRESETS["spiral"].experiment.replace(epochs=5, learning_rate=0.01)

    def prepared(network):
        deadline = time.monotonic() + 120
        slot = executor._slots[0]
        while slot.rehearsing or slot.network != network:
            # Asked again and again, as the Train page does at each rerun: a
            # request that comes while the slot still ends a job is ignored.
            executor.prepare_network(network)
            assert time.monotonic() < deadline, "the network was not prepared"
            time.sleep(0.05)

    def started_prepared(job):
        return PREPARED in [e.get("message") for e in job.events() if e["type"] == "status"]

    prepared(exp)
    executor.prepare_network(exp.replace(learning_rate=0.3))  # the same network: nothing to do
    assert executor._rehearsal is None
    warm = executor.submit(exp.replace(learning_rate=0.03))
    assert warm.wait(120).status == "completed" and started_prepared(warm)

    prepared(PRESETS["xor"].experiment)  # the worker now holds another network
    built = executor.submit(exp.replace(learning_rate=0.03))
    assert built.wait(120).status == "completed" and not started_prepared(built)
    assert warm.result.history == built.result.history


def test_a_job_comes_before_a_network_to_prepare(pool):
    running = pool.submit(LONG)
    wait_for_epochs(running)
    pool.prepare_network(PRESETS["xor"].experiment)  # no idle worker: ignored
    assert pool._rehearsal is None
    running.stop()
    running.wait(120)
    waiting = pool.submit(SHORT)
    assert pool._rehearsal is None and waiting.wait(120).status == "completed"


def tensorflow_threads() -> tuple[int, int]:
    import tensorflow as tf

    return (tf.config.threading.get_intra_op_parallelism_threads(),
            tf.config.threading.get_inter_op_parallelism_threads())


def test_a_worker_keeps_tensorflow_to_its_share_of_the_cores(pool, monkeypatch):
    """The workers leave a core to the web server and the browser drawing
    the run: on 2 cores, one worker runs TensorFlow on one thread."""
    from playground.jobs.executor import (
        HostSettingError,
        default_worker_threads,
        default_workers,
    )

    threads = default_worker_threads()
    assert threads == max(1, ((os.cpu_count() or 2) - 1) // default_workers())
    assert pool.call(tensorflow_threads) == (threads, threads)
    monkeypatch.setenv("PLAYGROUND_WORKER_THREADS", "3")
    assert default_worker_threads() == 3
    monkeypatch.setenv("PLAYGROUND_WORKER_THREADS", "none")
    with pytest.raises(HostSettingError, match="PLAYGROUND_WORKER_THREADS must be a whole"):
        ProcessExecutor(limit=1)


def test_baselines_are_fitted_in_a_worker(pool):
    """Evaluate's scikit-learn baselines are fitted away from the web server
    (each worker loads the experiment's data itself)."""
    from playground.evaluation import baselines

    exp = PRESETS["iris-mlp"].experiment
    guess = pool.call(baselines.estimate_for, exp, 1, experiment=exp)
    assert guess.rows > 0 and guess.seconds >= 0
    fitted = pool.call(baselines.fit_for, exp, 1, experiment=exp)
    assert [b.name for b in fitted] == ["logistic regression", "random forest",
                                        "k-nearest neighbours"]
    assert str(fitted[-1].note).startswith("k = ")  # made in the worker, read here
    assert all(b.scores["accuracy"] > 0.8 for b in fitted)


def test_short_keras_work_runs_in_a_worker(pool):
    from playground.inspection.activations import architecture_dot

    exp = PRESETS["xor"].experiment
    dot = pool.call(architecture_dot, exp, experiment=exp)
    assert "digraph" in dot and "dense" in dot


def wait_until_reaped(pid: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while Path(f"/proc/{pid}").exists():
        assert time.monotonic() < deadline, f"process {pid} was not reaped"
        time.sleep(0.05)


def test_a_worker_killed_while_idle_is_replaced_before_the_next_job(pool):
    pool.wait_until_warm(180)
    pid = pool.worker_pids()[0]
    os.kill(pid, signal.SIGKILL)
    wait_until_reaped(pid)
    result = pool.submit(SHORT).wait(180)
    assert result.status == "completed", result.message
    assert pool.worker_pids()[0] not in (None, pid)


def test_a_task_whose_worker_died_runs_again_in_a_fresh_one(pool):
    from playground.inspection.activations import architecture_dot

    pid = pool.call(os.getpid)
    os.kill(pid, signal.SIGKILL)
    wait_until_reaped(pid)
    exp = PRESETS["xor"].experiment
    assert "digraph" in pool.call(architecture_dot, exp, experiment=exp)
    assert pool.call(os.getpid) != pid


def test_a_task_that_kills_its_worker_every_time_gives_a_message(pool):
    with pytest.raises(WorkerCrashed) as raised:
        pool.call(os._exit, 3)
    assert str(raised.value) == TASK_CRASHED
    assert pool.call(os.getpid) != os.getpid()  # a fresh worker serves the next


def test_a_run_that_waits_for_its_worker_s_first_start_says_so():
    """Right after the server starts, a run waits seconds for TensorFlow to
    load in its worker: its progress says so, not a bare "Epoch 0"."""
    from playground.jobs.messages import WORKER_STARTING

    executor = ProcessExecutor(limit=1)
    try:
        # A worker still starting prepares no network ahead: a run pressed
        # meanwhile would wait behind the whole start.
        executor.prepare_network(PRESETS["spiral"].experiment)
        assert executor._rehearsal is None and not executor._slots[0].rehearsing
        first = executor.submit(SHORT)
        assert first.wait(180).status == "completed"
        statuses = [e["message"] for e in first.events() if e["type"] == "status"]
        assert statuses[0] == WORKER_STARTING and "Loading data" in statuses
        again = executor.submit(SHORT)  # the worker is warm now
        assert again.wait(180).status == "completed"
        assert WORKER_STARTING not in [e.get("message") for e in again.events()]
    finally:
        executor.shutdown()


def test_a_run_does_not_wait_long_behind_a_worker_preparing_another_network():
    """A worker whose preparation outlasts the slot's patience while a run
    waits is replaced, and the run trains on a fresh worker."""
    from playground.jobs.messages import WORKER_STARTING

    executor = ProcessExecutor(limit=1)
    try:
        executor.wait_until_warm(180)
        slot = executor._slots[0]
        slot.patience = 0.0  # the run is not to wait at all
        first_pid = executor.worker_pids()[0]
        executor.prepare_network(PRESETS["iris-mlp"].experiment)
        deadline = time.monotonic() + 30
        while not slot.rehearsing:
            assert time.monotonic() < deadline, "the network was not handed over"
            time.sleep(0.01)
        job = executor.submit(SHORT)
        assert job.wait(180).status == "completed"
        assert executor.worker_pids()[0] not in (None, first_pid)
        statuses = [e["message"] for e in job.events() if e["type"] == "status"]
        assert statuses[0] == WORKER_STARTING
    finally:
        executor.shutdown()


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(),
                    reason="counts a worker's threads in /proc (Linux)")
def test_a_worker_frees_each_network_it_is_done_with():
    """Each Keras `fit` leaves its data iterators, which hold TensorFlow
    threads, in reference cycles; left to Python's collector, they piled up
    (six threads a network) until one collection in the middle of a trace
    took up to two minutes. The slot frees them after every job: a worker
    holds as many threads in its sixth network's run as in its second's."""
    executor = ProcessExecutor(limit=1)
    try:
        executor.wait_until_warm(180)
        pid = executor.worker_pids()[0]
        seen = []
        for name in ("circle", "xor", "gauss", "spiral", "iris-mlp", "digits-mlp"):
            job = executor.submit(PRESETS[name].experiment.replace(epochs=400))
            assert job.wait_for_epoch(180), job.progress()
            seen.append(len(os.listdir(f"/proc/{pid}/task")))
            job.stop()
            assert job.wait(120).status in ("stopped", "completed")
        assert executor.worker_pids()[0] == pid
        assert seen[-1] <= seen[1] + 3, seen
    finally:
        executor.shutdown()


def test_a_command_can_wait_for_the_slots_to_let_their_workers_go():
    """The handle is done before its slot has tidied the worker; a command
    line that exits then could end the pool (or Ray) under the slot. After
    `shutdown`, `join` returns once every slot has let its worker go."""
    executor = ProcessExecutor(limit=1)
    try:
        assert executor.submit(SHORT).wait(180).status == "completed"
    finally:
        executor.shutdown()
    assert executor.join(60)
    assert not any(slot._thread.is_alive() for slot in executor._slots)


def test_a_worker_is_replaced_after_a_number_of_jobs_so_memory_goes_back():
    # A worker above its memory ceiling is replaced too: see the test of a
    # run over the ceiling, which is stopped while it trains.
    executor = ProcessExecutor(limit=1, jobs_per_worker=1)
    try:
        executor.wait_until_warm(180)
        first_pid = executor.worker_pids()[0]
        assert executor.submit(SHORT).wait(180).status == "completed"
        deadline = time.monotonic() + 180  # the slot replaces it right after the job
        while executor.worker_pids()[0] in (None, first_pid):
            assert time.monotonic() < deadline, "the worker was not replaced"
            time.sleep(0.1)
        assert executor.submit(SHORT).wait(180).status == "completed"
    finally:
        executor.shutdown()


def test_a_worker_does_not_warn_about_retracing_every_new_model(caplog):
    """Each job builds a new model; past five in one process TensorFlow would
    warn of "excessive retracing" on each. A worker drops that warning only."""
    import logging

    from playground.jobs.worker import quiet_retracing
    from playground.training.loop import run_training

    from playground.model.layers import LayerSpec

    quiet_retracing()
    with caplog.at_level(logging.WARNING, logger="tensorflow"):
        for units in range(2, 9):  # seven networks: none is kept for the next
            run_training(PRESETS["circle"].experiment.replace(epochs=1, layers=(
                LayerSpec.make("dense", units=units, activation="tanh"),)))
        logging.getLogger("tensorflow").warning("another warning")
    messages = [record.getMessage() for record in caplog.records]
    assert not [m for m in messages if "retracing" in m]
    assert "another warning" in messages


def test_a_run_over_the_memory_ceiling_is_stopped_and_its_worker_replaced():
    """A model far too large for its worker's memory share is stopped while it
    allocates, not after: it fails with the limit named, keeps what it had
    reported, and the next run trains in a fresh worker."""
    from playground.jobs import ProcessExecutor, worker
    from playground.model.layers import LayerSpec

    probe = ProcessExecutor(limit=1)
    probe.wait_until_warm(180)
    warm = worker.memory_mb(probe.worker_pids()[0])
    probe.shutdown()
    ceiling = int(warm) + 150  # a small run adds about 10 MB, the big one 400
    pool = ProcessExecutor(limit=1, memory_limit_mb=ceiling)
    try:
        pool.wait_until_warm(180)
        first_worker = pool.worker_pids()[0]
        huge = PRESETS["digits-mlp"].experiment.replace(
            layers=(LayerSpec.make("flatten"), *[
                LayerSpec.make("dense", units=1024, activation="relu")] * 12),
            epochs=50, optimizer="adam")  # 11 million weights, three copies with Adam
        monster = pool.submit(huge, owner="ambitious")
        small = pool.submit(SHORT, owner="patient")
        result = monster.wait(240)
        assert result.status == "failed"
        assert f"used more than {ceiling} MB" in result.message
        assert small.wait(240).status == "completed"
        assert pool.worker_pids()[0] != first_worker  # a fresh worker took over
    finally:
        pool.shutdown()


def test_workers_exit_when_the_server_is_killed():
    """A server killed outright (SIGKILL: no clean-up) leaves no worker behind,
    neither an idle one nor one in the middle of training."""
    import subprocess
    import sys

    server = subprocess.Popen([sys.executable, "-c", f"""
import os, sys, time
sys.path.insert(0, {str(ROOT)!r})
from playground.jobs import ProcessExecutor
from playground.presets import PRESETS
pool = ProcessExecutor(limit=2)
pool.wait_until_warm(180)
job = pool.submit(PRESETS["circle"].experiment.replace(epochs=2000))
while not job.history:
    time.sleep(0.1)
print(*pool.worker_pids(), pool.call(os.getpid), flush=True)
time.sleep(600)
"""], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        pids = [int(pid) for pid in server.stdout.readline().split()]
    finally:
        server.kill()
        server.wait()
    assert len(pids) == 3, pids  # two training workers (one busy) and the task worker

    deadline = time.monotonic() + 30
    while alive := [pid for pid in pids if _running(pid)]:
        assert time.monotonic() < deadline, f"workers {alive} outlived their server"
        time.sleep(0.1)


def _running(pid: int) -> bool:
    """Whether a process exists and is not a zombie waiting to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_the_host_chooses_the_ray_executor(ray_pool, monkeypatch):
    """`PLAYGROUND_EXECUTOR=ray` with `RAY_ADDRESS=local` makes the app's
    executor a `RayExecutor` (here on the session's cluster, which this
    process already joined)."""
    from playground import jobs
    from playground.jobs import choice
    from playground.jobs.ray_executor import RayExecutor

    monkeypatch.setattr(choice, "_default", None)
    monkeypatch.setenv("PLAYGROUND_EXECUTOR", "ray")
    monkeypatch.setenv("RAY_ADDRESS", "local")
    monkeypatch.setenv("PLAYGROUND_WORKERS", "1")
    executor = jobs.default_executor()
    try:
        assert isinstance(executor, RayExecutor)
        assert executor.stats() == {"running": 0, "queued": 0, "limit": 1}
    finally:
        executor.shutdown()


def test_the_executor_settings_say_what_was_wrong(monkeypatch):
    from playground import jobs
    from playground.jobs import choice

    monkeypatch.setattr(choice, "_default", None)
    monkeypatch.delenv("PLAYGROUND_EXECUTOR", raising=False)
    assert choice.executor_kind() == "process"
    monkeypatch.setenv("PLAYGROUND_EXECUTOR", "kubernetes")
    with pytest.raises(ValueError, match="PLAYGROUND_EXECUTOR must be 'process' or "
                                         "'ray'; received 'kubernetes'. Unset it"):
        jobs.default_executor()
    for address in ("local", "auto", "ray://head:10001", "10.0.0.5:6379"):
        monkeypatch.setenv("RAY_ADDRESS", address)
        assert choice.ray_address() == address
    monkeypatch.setenv("PLAYGROUND_EXECUTOR", "ray")
    monkeypatch.delenv("RAY_ADDRESS")
    with pytest.raises(ValueError, match="RAY_ADDRESS must be 'local', 'auto' or a Ray "
                                         "cluster's address .*; received ''. Set it"):
        jobs.default_executor()
