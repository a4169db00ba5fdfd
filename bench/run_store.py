"""Run store speed: training with saving on against off, and a big run's
save and load times.

1. The `spiral` preset (200 epochs, live snapshots on) trained headless with
   `run_training(..., snapshots=True)`:

     off   events go to a `SnapshotStore` only;
     on    the same, plus the app's saving: the run is saved before training,
           every epoch event hands its progress to a `ProgressSaver` (a
           background thread writing at most every 0.5 s), and the whole run
           is saved at the end.

   The rate is epochs run / seconds in `fit` (the final save comes after
   `fit` and is reported apart). Off and on alternate, REPEATS times each;
   the ratio uses the best of each. Target: on/off >= 0.95.

2. A run with 200 snapshots (copies, slightly changed, of a real spiral
   snapshot: boundary grid, neuron maps, histograms) saved and loaded back.

The store is a temporary SQLite file. Run from anywhere:
    .venv/bin/python bench/run_store.py
It always exits 0; the target is printed as a PASS/FAIL line.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from playground.presets import PRESETS  # noqa: E402
from playground.runs import ProgressSaver, RunRecord, open_store  # noqa: E402
from playground.training.snapshot_store import SnapshotStore  # noqa: E402
from playground.training.loop import run_training  # noqa: E402

REPEATS = 3
TARGET = 0.95
SNAPSHOTS = 200
EXP = PRESETS["spiral"].experiment


def collector(snapshots: SnapshotStore, on_epoch=None):
    """An emit callback that keeps snapshots (and reports epochs)."""
    history: dict[str, list[float]] = {}

    def emit(event: dict) -> None:
        if event["type"] == "snapshot":
            snapshots.add_event(event)
        elif event["type"] == "epoch":
            for name, value in event["logs"].items():
                history.setdefault(name, []).append(value)
            if on_epoch is not None:
                on_epoch(history, event)

    return emit


def train(store=None) -> tuple[float, float, SnapshotStore]:
    """(epochs/s in fit, seconds of the final save, snapshots)."""
    snapshots = SnapshotStore()
    if store is None:
        result = run_training(EXP, collector(snapshots), snapshots=True)
        return result.epochs_run / result.elapsed, 0.0, snapshots
    record = RunRecord(EXP, started_at=time.time())
    store.save(record)
    saver = ProgressSaver(store, record.id)
    emit = collector(snapshots, lambda history, event: saver.update(
        "running", "Training", history, event["epoch"], event["elapsed"]))
    result = run_training(EXP, emit, snapshots=True)
    started = time.perf_counter()
    saver.close()
    store.save(RunRecord.from_result(EXP, result, snapshots, id=record.id,
                                     started_at=record.started_at))
    return result.epochs_run / result.elapsed, time.perf_counter() - started, snapshots


def big_run(snapshot: dict) -> RunRecord:
    rng = np.random.default_rng(0)

    def changed(value):
        if isinstance(value, np.ndarray) and value.dtype.kind == "f":
            return (value + rng.normal(0, 0.01, value.shape)).astype(value.dtype)
        if isinstance(value, dict):
            return {k: changed(v) for k, v in value.items()}
        if isinstance(value, tuple):
            return tuple(changed(v) for v in value)
        return value

    return RunRecord(EXP, status="completed", history={"loss": [0.5] * 2000},
                     epochs_run=2000, weights=[rng.normal(size=(8, 8))] * 6,
                     snapshots=[(1 + 10 * i, changed(snapshot)) for i in range(SNAPSHOTS)])


def main() -> None:
    folder = tempfile.mkdtemp(prefix="run-store-bench-")
    store = open_store(os.path.join(folder, "runs.sqlite"))
    rates: dict[str, list[float]] = {"off": [], "on": []}
    final_saves = []
    train()  # warm-up: imports and the first tracing
    for _ in range(REPEATS):
        rates["off"].append(train()[0])
        rate, final_save, snapshots = train(store)
        rates["on"].append(rate)
        final_saves.append(final_save)
    for name, values in rates.items():
        print(f"saving {name:3}: best {max(values):6.1f} epochs/s  "
              f"(median {statistics.median(values):6.1f}; runs "
              f"{', '.join(f'{v:.1f}' for v in values)})")
    ratio = max(rates["on"]) / max(rates["off"])
    median_ratio = statistics.median(rates["on"]) / statistics.median(rates["off"])
    print(f"on/off: {ratio:.3f} best, {median_ratio:.3f} median; final save of a "
          f"{len(snapshots)}-snapshot run: {statistics.median(final_saves) * 1000:.0f} ms")
    print(f"{'PASS' if ratio >= TARGET else 'FAIL'}: saving on keeps "
          f">= {TARGET:.0%} of the epochs/s")

    record = big_run(snapshots.latest()[1])
    saves, loads = [], []
    for _ in range(REPEATS):
        started = time.perf_counter()
        store.save(record)
        saves.append(time.perf_counter() - started)
        started = time.perf_counter()
        back = store.load(record.id)
        loads.append(time.perf_counter() - started)
    assert len(back.snapshots) == SNAPSHOTS
    size = os.path.getsize(os.path.join(folder, "runs.sqlite"))
    print(f"{SNAPSHOTS} snapshots: save {statistics.median(saves) * 1000:.0f} ms, "
          f"load {statistics.median(loads) * 1000:.0f} ms (median of {REPEATS}); "
          f"store file {size / 2**20:.1f} MB")


if __name__ == "__main__":
    main()
