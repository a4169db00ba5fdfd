"""Which slot of the queue prepares a network ahead of its run, and which
slot's worker then trains it.

A slot's worker that is still starting (importing TensorFlow) prepares
nothing: the slot would be held through the whole start, and a run pressed
meanwhile would wait behind it. A run goes to the idle worker holding its
network. Slots here train nothing (or end a job at once): the queue's
choice is what is tested, on real threads.
"""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

from playground.jobs.job_queue import QueuedExecutor, Slot
from playground.presets import PRESETS
from playground.training.result import TrainingResult

EXPERIMENT = PRESETS["spiral"].experiment


class _Slot(Slot):
    REHEARSES = True

    def start_worker(self):
        self.prepared = []
        return SimpleNamespace(jobs_run=0, memory_mb=0.0, retire=lambda: None)

    def ready(self) -> bool:
        return self.executor.started[self.executor._slots.index(self)]

    def rehearse(self, experiment) -> bool:
        self.prepared.append(experiment)
        return True

    def train(self, handle) -> bool:
        raise AssertionError("no job is submitted here")

    def stop_job(self, handle) -> None:
        pass


class _Queue(QueuedExecutor):
    def __init__(self, started: list[bool]):
        super().__init__(limit=len(started))
        self.started = started
        self._start_slots(_Slot)

    def call(self, function, *args, experiment=None, **kwargs):
        return function(*args, **kwargs)


def prepared_by(queue: _Queue, seconds: float = 3.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not any(s.prepared for s in queue._slots):
        time.sleep(0.02)
    time.sleep(0.1)
    return [i for i, s in enumerate(queue._slots) if s.prepared]


def test_a_started_slot_prepares_the_network_while_another_still_starts():
    queue = _Queue([False, True])
    try:
        queue.prepare_network(EXPERIMENT)
        assert prepared_by(queue) == [1]
        assert queue._slots[1].prepared == [EXPERIMENT]
    finally:
        queue.shutdown()


def test_no_slot_prepares_while_every_worker_still_starts():
    queue = _Queue([False, False])
    try:
        queue.prepare_network(EXPERIMENT)
        assert queue._rehearsal is None
        assert prepared_by(queue, 0.5) == []
        queue.started[0] = True  # started: the next network is prepared
        queue.prepare_network(EXPERIMENT)
        assert prepared_by(queue) == [0]
    finally:
        queue.shutdown()


class _TrainingSlot(_Slot):
    """A slot that trains a job by ending it once the test lets it, noting
    that it did."""

    def train(self, handle) -> bool:
        self.trained = [*getattr(self, "trained", []), handle.experiment]
        self.executor.let_jobs_end.wait(5)
        handle.finish(TrainingResult("completed", "", {}, 0))
        return True


class _TrainingQueue(_Queue):
    def __init__(self, started: list[bool]):
        self.let_jobs_end = threading.Event()
        super().__init__(started)

    def _start_slots(self, slot_class):
        super()._start_slots(_TrainingSlot)


def trained_on(queue: _Queue, experiment) -> list[int]:
    return [i for i, s in enumerate(queue._slots) if experiment in getattr(s, "trained", [])]


def test_a_run_starts_on_the_idle_worker_that_prepared_its_network():
    other = PRESETS["circle"].experiment
    for holder in (0, 1):
        queue = _TrainingQueue([True, True])
        queue.let_jobs_end.set()
        try:
            queue._slots[holder].network = other
            assert queue.submit(other).wait(5).status == "completed"
            assert trained_on(queue, other) == [holder]
        finally:
            queue.shutdown()


def test_a_run_does_not_wait_for_the_busy_worker_that_holds_its_network():
    queue = _TrainingQueue([True, True])
    try:
        queue._slots[1].network = EXPERIMENT
        first, second = queue.submit(EXPERIMENT), queue.submit(EXPERIMENT)
        deadline = time.monotonic() + 5  # both start while neither may end
        while not (first.status == second.status == "starting"):
            assert time.monotonic() < deadline, (first.status, second.status)
            time.sleep(0.01)
        assert [len(getattr(s, "trained", [])) for s in queue._slots] == [1, 1]
        queue.let_jobs_end.set()
        assert first.wait(5).status == second.wait(5).status == "completed"
    finally:
        queue.let_jobs_end.set()
        queue.shutdown()
