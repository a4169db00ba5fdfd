"""Hyperparameter search: spaces checked, Keras Tuner's oracles picking, trials
trained for real as jobs in a worker process."""

from __future__ import annotations

import itertools
import json
import time

import pytest

from playground.cli import main
from playground.config import Experiment
from playground.model.layers import LayerSpec
from playground.presets import PRESETS
from playground.search import Search, SearchSpace, SpaceError
from playground.training.loop import run_training

L = LayerSpec.make
IRIS = PRESETS["iris-mlp"].experiment.replace(epochs=6)
XOR = PRESETS["xor"].experiment

pytestmark = pytest.mark.workers  # trials train in a warm worker pool


def search(pool, exp, space, **options) -> Search:
    return Search(exp, SearchSpace.parse(space, exp), lambda e, name: pool.submit(e),
                  **options)


def test_a_two_by_two_grid_runs_exactly_its_four_combinations(pool):
    s = search(pool, IRIS, {"learning_rate": [0.01, 0.05], "layers.0.units": [4, 8]},
               strategy="grid", max_trials=10, objective="val_accuracy")
    assert s.grid_size == 4
    trials = s.run()
    combos = {(t.values["learning_rate"], t.values["layers.0.units"]) for t in trials}
    assert len(trials) == 4 and combos == set(itertools.product([0.01, 0.05], [4, 8]))
    assert all(t.status == "completed" and t.run_id for t in trials)
    assert all(0 <= t.objective <= 1 for t in trials)
    best = s.best()
    assert best.objective == max(t.objective for t in trials)
    assert s.message == "Finished 4 trial(s)."


def test_a_random_search_with_a_seed_repeats_its_trials(pool):
    space = {"learning_rate": {"min": 0.001, "max": 0.3, "log": True},
             "optimizer": ["sgd", "adam"], "layers.0.units": {"min": 2, "max": 16}}
    first = search(pool, XOR.replace(epochs=2), space, max_trials=3, seed=7).run()
    again = search(pool, XOR.replace(epochs=2), space, max_trials=3, seed=7).run()
    other = search(pool, XOR.replace(epochs=2), space, max_trials=3, seed=8).run()
    assert [t.values for t in first] == [t.values for t in again]
    assert [t.values for t in first] != [t.values for t in other]
    assert all(0.001 <= t.values["learning_rate"] <= 0.3 for t in first)


def test_the_best_trial_trains_again_to_its_objective(pool):
    s = search(pool, IRIS.replace(epochs=15), {"learning_rate": [0.003, 0.03]},
               strategy="grid")
    s.run()
    best = s.best()
    exp = s.space.apply(s.experiment, best.values).replace(epochs=15)
    again = run_training(exp).history["val_loss"]
    assert min(again) == pytest.approx(best.objective, abs=0.05)


def test_trials_are_runs_with_the_apps_events(pool):
    s = search(pool, XOR.replace(epochs=3), {"batch_size": [5, 10]}, strategy="grid")
    trials = s.run()
    for trial, batch in zip(trials, (5, 10)):
        assert trial.handle.experiment.batch_size == batch
        assert trial.handle.experiment.epochs == 3
        assert [e["epoch"] for e in trial.handle.events() if e["type"] == "epoch"] == [
            1, 2, 3]
        assert trial.handle.snapshots.epochs(), "live snapshots, as in any run"


def test_stop_keeps_finished_trials_and_the_running_one(pool):
    # The grid's first trial is quick (large batches), the second slow (batch 1).
    s = search(pool, XOR.replace(epochs=400), {"batch_size": [100, 1]}, strategy="grid")
    s.start()
    deadline = time.monotonic() + 180
    while not (len(s.trials) == 2 and s.trials[1].handle is not None
               and s.trials[1].handle.progress()["epoch"] >= 3):
        assert time.monotonic() < deadline and not s.done, [t.as_dict() for t in s.trials]
        time.sleep(0.05)
    s.stop()
    assert s.wait(120)
    first, second = s.trials
    assert first.status == "completed" and first.objective is not None
    assert second.status == "stopped" and second.run_id
    assert 3 <= second.handle.result.epochs_run < 400
    assert second.objective is not None, "a stopped trial keeps what it measured"
    assert s.message.startswith("Stopped")


def test_a_value_that_breaks_the_stack_is_a_failed_trial_and_the_search_goes_on(pool):
    exp = Experiment(dataset="digits", epochs=2,
                     layers=(L("conv2d", filters=2, kernel=3), L("flatten")))
    s = search(pool, exp, {"layers.0.kernel": [9, 3]}, strategy="grid")
    failed, done = s.run()
    assert failed.status == "failed" and failed.run_id is None
    assert failed.message.startswith("Skipped:") and "kernel" in failed.message
    assert done.status == "completed" and done.objective is not None
    assert s.best() is done


def test_the_command_line_searches_and_ends_with_json(tmp_path, capsys):
    space = tmp_path / "space.json"
    space.write_text(json.dumps({"learning_rate": [0.01, 0.1]}))
    assert main(["search", "xor", "--space", str(space), "--strategy", "grid",
                 "--epochs", "2", "--json"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split()[:3] for line in lines[:2]] == [
        ["trial", "1", "completed"], ["trial", "2", "completed"]]
    summary = json.loads(lines[-1])
    assert [t["values"] for t in summary["trials"]] == [
        {"learning_rate": 0.01}, {"learning_rate": 0.1}]
    assert summary["best"]["run_id"] in {t["run_id"] for t in summary["trials"]}
    assert main(["runs", "show", summary["best"]["run_id"]]) == 0
    assert "trial" in capsys.readouterr().out

    space.write_text("{\"learning_rate\": ")
    assert main(["search", "xor", "--space", str(space)]) == 2
    assert "is not valid JSON" in capsys.readouterr().err


def test_a_search_whose_session_ends_stops_with_its_jobs(pool):
    from playground.search.engine import stop_searches_of

    pool.on_release(stop_searches_of)
    exp = XOR.replace(epochs=2000)
    s = Search(exp, SearchSpace.parse({"learning_rate": [0.01, 0.02, 0.03]}, exp),
               lambda e, name: pool.submit(e, owner="closed tab"), strategy="grid",
               owner="closed tab").start()
    deadline = time.monotonic() + 120
    while not (s.trials and s.trials[0].handle and s.trials[0].handle.progress()["epoch"]):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    pool.release_owner("closed tab")
    assert s.wait(120)
    assert len(s.trials) == 1 and s.trials[0].status == "stopped"
    assert s.message.startswith("Stopped")


@pytest.mark.parametrize("strategy", ["bayesian", "hyperband"])
def test_bayesian_and_hyperband_searches_run_their_trials(pool, strategy):
    s = search(pool, XOR.replace(epochs=4), {"learning_rate": {"min": 0.01, "max": 0.3,
                                                                "log": True}},
               strategy=strategy, max_trials=3, epochs=4, seed=2)
    trials = s.run()
    assert 1 <= len(trials) <= 3 and all(t.status == "completed" for t in trials)
    assert all(1 <= t.epochs <= 4 for t in trials)
    assert [e for e in (t.handle.result.epochs_run for t in trials)] == [
        t.epochs for t in trials]


def test_a_search_whose_oracle_is_lost_says_so_and_keeps_its_trials(pool):
    from playground.search import oracle_host

    lost = {}

    def submit(exp, name):
        if not lost:  # the process that kept the oracle restarts during trial 1
            lost.update(oracle_host._oracles)
            oracle_host._oracles.clear()
        return pool.submit(exp)

    s = Search(XOR.replace(epochs=2), SearchSpace.parse({"learning_rate": [0.01, 0.1]}, XOR),
               submit, strategy="grid")
    trials = s.run()
    assert s.message.startswith("The search stopped: its Keras Tuner oracle is gone")
    assert len(trials) == 1 and trials[0].run_id and trials[0].status == "completed"


def test_a_stepped_float_range_runs_exactly_its_grid_values(pool):
    s = search(pool, XOR.replace(epochs=2), {"momentum": {"min": 0.0, "max": 0.2,
                                                          "step": 0.1}}, strategy="grid")
    assert s.grid_size == 3
    assert sorted(t.values["momentum"] for t in s.run()) == [0.0, 0.1, 0.2]


def test_bad_epochs_per_trial_are_refused_before_any_training(pool, tmp_path, capsys):
    with pytest.raises(SpaceError, match="Epochs per trial: Invalid `epochs`"):
        search(pool, XOR, {"learning_rate": [0.1]}, epochs=-3)
    space = tmp_path / "space.json"
    space.write_text(json.dumps({"learning_rate": [0.1]}))
    assert main(["search", "xor", "--space", str(space), "--epochs", "100000"]) == 2
    assert "Epochs per trial" in capsys.readouterr().err


def wait_for_a_training_run(path, timeout: float = 120) -> None:
    """Returns once a run in the store at `path` has trained an epoch and
    not ended (its job writes it from the worker)."""
    from playground.runs import open_store
    from playground.runs.store import EVERY_OWNER

    store, deadline = open_store(str(path)), time.monotonic() + timeout
    while not any(s.status == "running" and s.epochs_run >= 1
                  for s in store.list(owner=EVERY_OWNER)):
        assert time.monotonic() < deadline, f"no run trained within {timeout} s"
        time.sleep(0.2)


def test_ctrl_c_stops_the_command_lines_search_and_keeps_its_trials(tmp_path):
    """Ctrl-C reaches the whole process group, workers included, as a terminal
    sends it: the running trial ends as a stopped run, the summary lists it."""
    import os
    import signal
    import subprocess
    import sys

    space = tmp_path / "space.json"
    space.write_text(json.dumps({"batch_size": [100, 1]}))  # quick, then slow
    env = {**os.environ, "PLAYGROUND_STORE": str(tmp_path / "runs.sqlite"),
           "TF_CPP_MIN_LOG_LEVEL": "3"}
    command = [sys.executable, "-m", "playground.cli", "search", "xor", "--space",
               str(space), "--strategy", "grid", "--epochs", "300", "--json"]
    # As from a terminal: a test run started in the background (`cmd &` in a
    # script) has SIGINT ignored, which its children would inherit, and a
    # Python started so never turns Ctrl-C into KeyboardInterrupt.
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=env, start_new_session=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT,
                                                                signal.SIG_DFL))
    try:
        first = process.stdout.readline()
        assert first.startswith("trial 1 "), first
        wait_for_a_training_run(tmp_path / "runs.sqlite")  # trial 2, from its worker
        os.killpg(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=180)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 130, err[-2000:] + out[-2000:]
    assert "stopping the search; finished trials are kept" in err
    summary = json.loads(out.strip().splitlines()[-1])
    assert [t["status"] for t in summary["trials"]] == ["completed", "stopped"]
    assert summary["trials"][1]["run_id"] and summary["trials"][1]["message"]
