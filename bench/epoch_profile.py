"""Where a live epoch's time goes: the worker's parts, the server's per poll.

Worker side: the spiral preset (400 epochs) is trained in this process with
`run_training(snapshots=True)`, its events sent as a worker sends them: put
on a `multiprocessing` queue (the pool's pipe to the server) and given to
the job's own recorder, which writes the run to a temporary SQLite store.
Timers around the app's own parts give their mean cost per epoch:

- `epoch`: an epoch from one epoch event to the next (the whole);
- `validate`: the validator's compiled call on the validation split;
- `snapshot`: the live measurements (boundary, neuron maps, weights,
  gradients), averaged over every epoch, and per snapshot taken;
- `send`: the queue's `put` and the recorder's `event`, per event;
- `callback`: the app's epoch callback as a whole (the three above, the
  weights copied for the finite check, the history);
- `keras`: what remains: Keras' compiled epoch and its `fit` loop.

Server side: the events of that run are fed to a `JobHandle`, as the pool's
relay thread feeds them, and one poll of the Train page's live view is
timed, part by part, at every 10th epoch: `progress()`, the loss chart,
the neuron grid and the network view's data (`LiveFigures`), the live
boundary's frames, and Plotly's JSON of the two figures (what
`st.plotly_chart` sends). Streamlit's own work per poll (running the
fragment, diffing, the websocket) is not counted here; `browser_training.py`
sees it.

Run: `.venv/bin/python bench/epoch_profile.py` (about 30 s). Prints
milliseconds; no targets, it explains the others.
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

EPOCHS = 400
PRESET = "spiral"


class Timers:
    """Seconds spent per named part, and how many times each ran."""

    def __init__(self):
        self.spent: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    def wrap(self, owner, name: str, part: str) -> None:
        """Times every call of `owner.name` as `part`."""
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.spent[part] += time.perf_counter() - start
                self.calls[part] += 1

        setattr(owner, name, timed)


def worker_profile(exp, store_url: str) -> tuple[Timers, list[dict], int]:
    """Trains `exp` as a worker would; returns the timers, the events and
    the number of epochs."""
    from playground.runs import open_store
    from playground.runs.job_recording import StoreRecording
    from playground.runs.record import RunRecord
    from playground.training import callbacks, measurements
    from playground.training.loop import run_training

    timers = Timers()
    timers.wrap(callbacks.Validator, "__call__", "validate")
    timers.wrap(measurements.Snapshotter, "snapshot", "snapshot")
    timers.wrap(callbacks.StreamCallback, "on_epoch_end", "callback")
    store = open_store(store_url)
    record = RunRecord(experiment=exp, status="queued")
    store.save(record)
    recorder = StoreRecording(store_url).open(record.id, "process", "bench")
    pipe = multiprocessing.get_context("spawn").Queue()
    events: list[dict] = []

    def emit(event: dict) -> None:
        start = time.perf_counter()
        pipe.put(event)
        recorder.event(event)
        timers.spent["send"] += time.perf_counter() - start
        timers.calls["send"] += 1
        events.append(event)

    result = run_training(exp, emit, snapshots=True)
    recorder.finish(result)
    pipe.cancel_join_thread()  # nobody reads it: the process must not wait to flush it
    pipe.close()
    return timers, events, result.epochs_run


def server_profile(exp, events: list[dict]) -> dict[str, list[float]]:
    """Feeds `events` to a handle and times one live-view poll per 10 epochs."""
    import plotly.io

    from playground.charts.live_figures import COARSE_STEP, LiveFigures, boundary_frame
    from playground.datasets.source import experiment_data
    from playground.jobs.handle import JobHandle

    figures = LiveFigures(exp, experiment_data(exp))
    job = JobHandle(exp)
    job.started(lambda: None)
    parts: dict[str, list[float]] = defaultdict(list)

    def timed(part: str, work):
        start = time.perf_counter()
        value = work()
        parts[part].append(time.perf_counter() - start)
        return value

    for event in events:
        job.deliver(event)
        if event["type"] != "epoch" or event["epoch"] % 10:
            continue
        start = time.perf_counter()
        p = timed("progress", job.progress)
        kept = job.snapshots.items()
        epoch, snapshot = kept[-1] if kept else (None, None)
        history = timed("loss chart", lambda: figures.history(p["history"]))
        picks = {name: list(range(min(8, len(maps))))
                 for name, maps in (snapshot or {}).get("neurons", {}).items()}
        neurons = timed("neuron grid", lambda: figures.neurons(epoch, snapshot, picks))
        timed("network data", lambda: figures.network_data(epoch, snapshot))
        timed("boundary frames", lambda: [
            boundary_frame(e, s["boundary"][::COARSE_STEP, ::COARSE_STEP],
                           figures.regression) for e, s in kept[-8:]
            if s.get("boundary") is not None])
        timed("figure JSON", lambda: (plotly.io.to_json(history, validate=False),
                                      plotly.io.to_json(neurons, validate=False)))
        parts["poll"].append(time.perf_counter() - start)
    return parts


def main() -> None:
    from playground.presets import PRESETS
    from playground.training.loop import run_training

    exp = PRESETS[PRESET].experiment.replace(epochs=EPOCHS)
    load = os.getloadavg()
    print(f"epoch_profile: {PRESET} preset, {EPOCHS} epochs; load {load[0]:.2f}, "
          f"{os.cpu_count()} CPUs")
    run_training(exp.replace(epochs=3), snapshots=True)  # TensorFlow warmed up
    with tempfile.TemporaryDirectory() as folder:
        timers, events, epochs = worker_profile(
            exp, f"sqlite:///{Path(folder) / 'runs.sqlite'}")
    ticks = [e["elapsed"] for e in events if e["type"] == "epoch"]
    per_epoch = (ticks[-1] - ticks[0]) / (len(ticks) - 1)
    shots = timers.calls["snapshot"]
    spent = {k: v / epochs for k, v in timers.spent.items()}
    print(f"\nworker, per epoch (mean of {epochs}; epoch 1 with its trace included "
          f"in the parts, {per_epoch * 1000:.2f} ms an epoch over epochs 2..E, "
          f"{1 / per_epoch:.0f} ep/s):")
    print(f"  epoch      {per_epoch * 1000:7.2f} ms")
    print(f"  keras      {(per_epoch - spent['callback']) * 1000:7.2f} ms  "
          f"(the compiled epoch and fit's loop)")
    print(f"  callback   {spent['callback'] * 1000:7.2f} ms, of which:")
    print(f"    validate {spent['validate'] * 1000:7.2f} ms")
    print(f"    snapshot {spent['snapshot'] * 1000:7.2f} ms  ({shots} snapshots, "
          f"{timers.spent['snapshot'] / max(shots, 1) * 1000:.1f} ms each)")
    print(f"    send     {spent['send'] * 1000:7.2f} ms  "
          f"({timers.calls['send']} events, {timers.spent['send'] / timers.calls['send'] * 1e6:.0f}"
          f" µs each: queue put and the job's recorder)")
    print("\nserver, one live-view poll (median over the run, every 10th epoch):")
    parts = server_profile(exp, events)
    for part, values in parts.items():
        print(f"  {part:<16} {statistics.median(values) * 1000:7.2f} ms  "
              f"(max {max(values) * 1000:.2f})")


if __name__ == "__main__":
    main()
