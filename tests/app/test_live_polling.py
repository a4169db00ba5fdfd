"""The live view's polling pace: fast while a run starts, then the usual;
Train's short wait for the first epoch; the live curves' data."""

import threading
import time

import numpy as np

from playground.jobs.handle import JobHandle
from playground.presets import PRESETS
from playground.training.result import TrainingResult
from ui.live_polling import (
    POLL_SECONDS,
    STARTING_POLL_SECONDS,
    STARTING_WINDOW_SECONDS,
    await_first_epoch,
    poll_seconds,
    slows_down,
)

EXPERIMENT = PRESETS["xor"].experiment


def epoch(number: int) -> dict:
    return {"type": "epoch", "epoch": number, "epochs": 10, "logs": {"loss": 0.5},
            "elapsed": 0.01 * number}


def test_a_run_polls_fast_until_its_first_epoch_then_at_the_usual_pace():
    job = JobHandle(EXPERIMENT)
    assert poll_seconds(job) == STARTING_POLL_SECONDS  # queued, just submitted
    job.started(lambda: None)
    job.deliver({"type": "status", "message": "Building the model"})
    assert poll_seconds(job) == STARTING_POLL_SECONDS
    assert not slows_down(STARTING_POLL_SECONDS, job)
    job.deliver(epoch(1))
    assert poll_seconds(job) == POLL_SECONDS
    assert slows_down(STARTING_POLL_SECONDS, job)
    assert not slows_down(POLL_SECONDS, job)
    job.finish(TrainingResult("completed", "Finished", {"loss": [0.5]}, 1))
    assert poll_seconds(job) is None and poll_seconds(None) is None


def test_a_run_waiting_in_a_queue_polls_at_the_usual_pace_after_the_window():
    job = JobHandle(EXPERIMENT)
    later = time.time() + STARTING_WINDOW_SECONDS + 1
    assert poll_seconds(job, now=later) == POLL_SECONDS


def test_the_handle_keeps_its_progress_as_events_arrive():
    """The progress a poll reads is kept up to date by each event, and is a
    copy: drawing it cannot change the handle."""
    job = JobHandle(EXPERIMENT)
    job.started(lambda: None)
    assert job.status == "starting"
    for number in (1, 2, 3):
        job.deliver(epoch(number))
    progress = job.progress()
    assert (progress["epoch"], progress["elapsed"]) == (3, 0.03)
    assert progress["history"] == {"loss": [0.5, 0.5, 0.5]} == job.history()
    progress["history"]["loss"].append(9.0)
    assert job.history() == {"loss": [0.5, 0.5, 0.5]}
    assert job.status == "running"
    assert job.failed("lost").history == {"loss": [0.5, 0.5, 0.5]}
    assert job.failed("lost").elapsed == 0.03


def test_train_waits_a_moment_for_the_first_epoch_and_no_longer():
    """The page's first drawing after Train shows the first epoch of a network
    a worker had ready; a run that trains no epoch soon, or waits behind
    others, is drawn at once (after the wait, at most)."""
    job = JobHandle(EXPERIMENT)
    job.started(lambda: None)
    threading.Timer(0.1, job.deliver, (epoch(1),)).start()
    start = time.monotonic()
    await_first_epoch(job, timeout=5)
    assert job.status == "running" and time.monotonic() - start < 4

    slow = JobHandle(EXPERIMENT)
    slow.started(lambda: None)
    start = time.monotonic()
    await_first_epoch(slow, timeout=0.3)
    assert 0.25 <= time.monotonic() - start < 3 and slow.status == "starting"

    behind = JobHandle(EXPERIMENT)
    behind.queued(lambda: 2, lambda: None, lambda: 60.0)
    start = time.monotonic()
    await_first_epoch(behind, timeout=5)
    assert time.monotonic() - start < 1

    ended = JobHandle(EXPERIMENT)
    ended.finish(TrainingResult("failed", "Out of memory", {}, 0))
    start = time.monotonic()
    await_first_epoch(ended, timeout=5)
    assert time.monotonic() - start < 1


def test_the_live_curves_send_a_long_run_thinned_with_the_charts_words():
    from playground.charts.live_figures import LIVE_POINTS
    from ui.live_history import curves_data

    history = {key: list(np.linspace(1, 0, 1500)) for key in ("loss", "val_loss")}
    history["accuracy"] = history["val_accuracy"] = [0.5] * 1500  # flat at chance
    data = curves_data("run", history, 2000, ("loss", "accuracy"), previous=None,
                       most_points=LIVE_POINTS)
    assert [p["title"] for p in data["panels"]] == ["Loss", "Accuracy"]
    assert [p["keys"] for p in data["panels"]] == [["loss", "val_loss"],
                                                   ["accuracy", "val_accuracy"]]
    for xs, ys in data["series"].values():
        assert len(xs) == len(ys) <= LIVE_POINTS + 4 and xs[0] == 1 and xs[-1] == 1500
    assert data["panels"][0]["range"] is None  # the loss: its own span
    low, high = data["panels"][1]["range"]  # a flat accuracy does not fill the panel
    assert high - low >= 0.1 and low < 0.5 < high
    assert (data["epoch"], data["epochs"]) == (1500, 2000)
    assert [entry[0] for entry in data["legend"]] == ["training", "validation"]
    assert data["previous"] is None

    waiting = curves_data("run", {}, 50, ("loss", "mae"), standardised=True,
                          previous={"loss": [0.9, 0.7], "val_loss": [1.0, 0.8]})
    assert waiting["epoch"] == 0 and waiting["series"] == {}
    assert waiting["words"]["waiting"] == "Waiting for the first epoch"
    assert waiting["panels"][1]["title"] == "Mean absolute error (standardised)"
    assert waiting["previous"]["loss"] == ([1, 2], [0.9, 0.7])
    assert len(waiting["legend"]) == 4 and waiting["stamp"] != data["stamp"]
