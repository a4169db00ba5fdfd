"""The live view's polling pace: fast while a run starts, then the usual."""

import time

from playground.jobs.handle import JobHandle
from playground.presets import PRESETS
from playground.training.result import TrainingResult
from ui.live_polling import (
    POLL_SECONDS,
    STARTING_POLL_SECONDS,
    STARTING_WINDOW_SECONDS,
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
