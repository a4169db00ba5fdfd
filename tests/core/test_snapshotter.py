"""The snapshotter's rate: bounded by its interval and by its time budget."""

import time
import types

import numpy as np

from playground.config import Experiment
from playground.model.builder import build_model
from playground.training.compiling import compile_model
from playground.training.measurements import Snapshotter


class SlowSnapshotter(Snapshotter):
    """Measures nothing, but takes `cost` seconds to do it."""

    cost = 0.01

    def snapshot(self, weights):
        time.sleep(self.cost)
        return {}


def _snapshotter(**kwargs) -> SlowSnapshotter:
    exp = Experiment(dataset="circle")
    model = compile_model(build_model(exp), exp)
    x = np.zeros((8, 2), np.float32)
    return SlowSnapshotter(model, x, np.zeros((8, 1), np.float32), plane=False,
                           **kwargs)


def test_snapshots_take_at_most_their_budget_of_the_training_time():
    snapshotter = _snapshotter(interval=0.0, budget=0.1)
    shots, start = [], time.perf_counter()
    for epoch in range(1, 301):  # 1 ms epochs, ten times cheaper than a snapshot
        time.sleep(0.001)
        snapshotter(epoch, [], shots.append, force=epoch == 1)
    elapsed = time.perf_counter() - start
    assert shots[0]["epoch"] == 1
    assert snapshotter.spent <= 0.1 * elapsed + SlowSnapshotter.cost
    assert 3 <= len(shots) < 300 / 4


def test_cheap_snapshots_follow_the_interval_alone():
    snapshotter = _snapshotter(interval=0.0, budget=1.0)
    SlowSnapshotter.cost = 0.0
    try:
        shots = []
        for epoch in range(1, 51):
            time.sleep(0.001)
            snapshotter(epoch, [], shots.append)
    finally:
        SlowSnapshotter.cost = 0.01
    assert len(shots) == 50


def test_the_interval_is_kept_on_average_when_epochs_do_not_divide_it(monkeypatch):
    """Epochs of 0.03 s against an interval of 0.1 s: a snapshot can only
    come at an epoch's end, 0-0.03 s after it is due. Counting the interval
    from each late snapshot would give one every 0.12 s (25 in 3 s); the
    snapshotter counts it from when the last one was due, so the next
    comes that much sooner: ten a second."""
    import playground.training.measurements as measurements

    clock = types.SimpleNamespace(now=0.0)
    monkeypatch.setattr(measurements, "time",
                        types.SimpleNamespace(perf_counter=lambda: clock.now))
    snapshotter = _snapshotter(interval=0.1, budget=1.0)
    SlowSnapshotter.cost = 0.0
    try:
        shots = []
        for epoch in range(1, 101):
            clock.now = 0.03 * epoch
            snapshotter(epoch, [], shots.append, force=epoch in (1, 100))
    finally:
        SlowSnapshotter.cost = 0.01
    gaps = np.diff([shot["epoch"] for shot in shots])
    assert 29 <= len(shots) <= 31, len(shots)
    assert set(gaps[:-1]) <= {3, 4}  # never two in a row to catch up


def test_the_probes_are_traced_after_the_first_epoch_and_outside_the_budget():
    """Building a snapshotter traces nothing, so the first epoch is sent
    before the probes' traces; the first snapshot traces them, and that
    time does not count against the snapshot budget."""
    exp = Experiment(dataset="circle")
    model = compile_model(build_model(exp), exp)
    x = np.random.default_rng(0).normal(size=(32, 2)).astype(np.float32)
    snapshotter = Snapshotter(model, x, np.zeros((32, 1), np.float32), plane=True)
    probes = list(snapshotter._functions.values())  # the plane's and the batch's
    assert [p.experimental_get_tracing_count() for p in probes] == [0, 0]
    shots, start = [], time.perf_counter()
    snapshotter(1, model.get_weights(), shots.append, force=True)
    took = time.perf_counter() - start
    assert [p.experimental_get_tracing_count() for p in probes] == [1, 1]
    assert shots[0]["epoch"] == 1 and shots[0]["boundary"] is not None
    assert snapshotter.spent < took / 2  # the measuring alone, not the traces
    # Another run of the same model (with other data) reuses the traced probes.
    again = Snapshotter(model, x[:16] * 2, np.ones((16, 1), np.float32), plane=True,
                        functions=snapshotter._functions)
    again(1, model.get_weights(), shots.append, force=True)
    assert [p.experimental_get_tracing_count() for p in probes] == [1, 1]
    assert not np.array_equal(shots[1]["boundary"], shots[0]["boundary"])  # its own plane
