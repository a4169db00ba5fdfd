"""Training speed: the app's training path against plain Keras `fit`.

For the `spiral` and `digits-mlp` presets it measures steady-state epochs per
second of three paths, each on a freshly built model:

  plain      model.fit(x, y, batch_size, epochs=E) on numpy arrays, after a
             1-epoch warm-up fit (so tracing is excluded);
  plain+val  the same with validation_data=(x_val, y_val), which is the fair
             comparison because the app also validates every epoch;
  app        playground.training.loop.run_training(exp.replace(epochs=E), emit=...),
             the app's path (cached tf.data + steps_per_execution + per-epoch
             event callback), with emit appending each event to a list;
  app+live   the same with the live snapshots the app takes (snapshots=True):
             decision boundary and every hidden unit's map over the plane on
             2-D data, weight histograms and norms, gradient norms and dead
             ReLUs on a fixed batch, at most ten times a second and within
             10% of the training time (`playground.training.measurements.BUDGET`).

The rate of every path is taken from timestamps at each epoch end (for the
app: the `elapsed` field of its "epoch" events), over the steady epochs:
for plain Keras epochs 2..E of a fit that follows a 1-epoch warm-up fit,
for the app epochs 3..E, so that its one-time traces never count (Keras'
train step in epoch 1; the live snapshots' probes at the first snapshot,
right after epoch 1 is sent, so that epoch 1 reaches the screen sooner). Each
path is run REPEATS times, interleaved; the table shows the best and the
median; ratios use the best (the least disturbed run on a noisy machine).

Run from anywhere:  .venv/bin/python bench/training_speed.py
It always exits 0; targets are printed as PASS/FAIL lines.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import keras  # noqa: E402

from playground.model.builder import build_model  # noqa: E402
from playground.training.compiling import compile_model  # noqa: E402
from playground.model.checks import encode_targets  # noqa: E402
from playground.datasets import load_dataset  # noqa: E402
from playground.presets import PRESETS  # noqa: E402
from playground.training.loop import run_training  # noqa: E402

REPEATS = 3
# preset -> (epochs per timed run, target: app epochs/s >= factor x plain fit)
CASES = {"spiral": (150, 4.0), "circle": (150, 4.0), "digits-mlp": (15, 0.95)}


class EpochClock(keras.callbacks.Callback):
    """Records perf_counter at train begin, each epoch end and train end."""

    def __init__(self):
        super().__init__()
        self.begin = self.end = 0.0
        self.epoch_ends: list[float] = []

    def on_train_begin(self, logs=None):
        self.begin = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.epoch_ends.append(time.perf_counter())

    def on_train_end(self, logs=None):
        self.end = time.perf_counter()


def steady_rate(epoch_ends: list[float]) -> float:
    """Epochs per second over epochs 2..E, from epoch-end timestamps."""
    return (len(epoch_ends) - 1) / (epoch_ends[-1] - epoch_ends[0])


def plain_fit(exp, data, epochs: int, validate: bool) -> dict:
    keras.backend.clear_session()
    model = compile_model(build_model(exp), exp)  # steps_per_execution=1
    x, y = data.x_train, encode_targets(data.y_train, exp)
    kwargs = {"batch_size": exp.batch_size, "verbose": 0}
    if validate:
        kwargs["validation_data"] = (data.x_val, encode_targets(data.y_val, exp))
    t0 = time.perf_counter()
    model.fit(x, y, epochs=1, **kwargs)  # warm-up: traces train (and test) step
    warmup = time.perf_counter() - t0
    clock = EpochClock()
    model.fit(x, y, epochs=epochs, callbacks=[clock], **kwargs)
    return {"rate": steady_rate(clock.epoch_ends), "first": warmup,
            "fit": clock.end - clock.begin}


def app_fit(exp, epochs: int, snapshots: bool = False) -> dict:
    keras.backend.clear_session()
    events: list[dict] = []
    t0 = time.perf_counter()
    result = run_training(exp.replace(epochs=epochs), emit=events.append,
                          snapshots=snapshots)
    wall = time.perf_counter() - t0
    if result.status != "completed":
        raise RuntimeError(f"app run did not complete: {result.message}")
    ticks = [e["elapsed"] for e in events if e["type"] == "epoch"]
    steady = ticks[1:]  # epochs 3..E: after the one-time traces (module doc)
    return {"rate": (len(steady) - 1) / (steady[-1] - steady[0]), "first": ticks[0],
            "fit": result.elapsed, "wall": wall,
            "naive": result.epochs_run / result.elapsed}


def main() -> None:
    started = time.perf_counter()
    print(f"training_speed: steady-state epochs/s (plain 2..E, app 3..E), best and median "
          f"of {REPEATS}; keras {keras.__version__}, {os.cpu_count()} CPUs")
    print("  plain / plain+val: model.fit on numpy arrays after a 1-epoch warm-up fit;")
    print("    plain+val adds validation_data=(x_val, y_val) (Keras' default val batch)")
    print("  app: run_training(); rate from its per-epoch 'elapsed' events")
    print("  app+live: the same with live snapshots (boundary and neuron maps on 2-D "
          "data,\n    weight histograms, gradient norms, dead ReLUs)\n")
    verdicts = []
    for name, (epochs, factor) in CASES.items():
        exp = PRESETS[name].experiment
        data = load_dataset(exp.dataset, exp.samples, exp.noise, exp.val_fraction,
                            exp.test_fraction, exp.seed)
        steps = -(-len(data.x_train) // exp.batch_size)
        runs: dict[str, list[dict]] = {"plain": [], "plain+val": [], "app": [],
                                       "app+live": []}
        plane = data.info.input_shape == (2,)
        for _ in range(REPEATS):  # interleaved, so drifting load hits all paths
            runs["plain"].append(plain_fit(exp, data, epochs, validate=False))
            runs["plain+val"].append(plain_fit(exp, data, epochs, validate=True))
            runs["app"].append(app_fit(exp, epochs))
            runs["app+live"].append(app_fit(exp, epochs, snapshots=True))
        print(f"{name}: E={epochs}, {len(data.x_train)} train / {len(data.x_val)} val "
              f"samples, batch {exp.batch_size} ({steps} steps/epoch)")
        print(f"  {'path':<10} {'best ep/s':>10} {'median ep/s':>12} "
              f"{'1st epoch s':>12} {'ms/epoch':>9}")
        best = {}
        for path, rs in runs.items():
            rates = [r["rate"] for r in rs]
            best[path] = max(rates)
            first = statistics.median(r["first"] for r in rs)
            print(f"  {path:<10} {max(rates):>10.1f} {statistics.median(rates):>12.1f} "
                  f"{first:>12.2f} {1000 / max(rates):>9.1f}")
        app = runs["app"]
        print(f"  app: median whole run_training() call {statistics.median(r['wall'] for r in app):.2f} s"
              f" (data, build, compile, trace, fit, test); epochs_run/elapsed incl. "
              f"1st epoch {max(r['naive'] for r in app):.1f} ep/s")
        med = {p: statistics.median(r["rate"] for r in rs) for p, rs in runs.items()}
        for base in ("plain", "plain+val"):
            print(f"  ratio app/{base:<9} best {best['app'] / best[base]:5.2f}x   "
                  f"median {med['app'] / med[base]:5.2f}x")
        ratio = best["app"] / best["plain"]
        ok = ratio >= factor
        verdicts.append(f"{'PASS' if ok else 'FAIL'} {name}: app/plain fit = {ratio:.2f}x "
                        f"(target >= {factor:g}x)")
        live = med["app+live"] / med["app"]
        print(f"  ratio app+live/app   median {live:5.2f}x   "
              f"best {best['app+live'] / best['app']:5.2f}x")
        board = app_fit(exp.replace(tensorboard="on"), epochs)
        print(f"  TensorBoard logs on: {board['rate']:.1f} ep/s, whole call "
              f"{board['wall']:.2f} s vs app median {med['app']:.1f} ep/s")
        what = "live boundary and neuron maps" if plane else "live weight snapshots"
        verdicts.append(f"{'PASS' if live >= 0.85 else 'FAIL'} {name}: {what} "
                        f"keep {live:.0%} of the app's epochs/s (target >= 85%)")
        print()
    for line in verdicts:
        print(line)
    print(f"\ntotal {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
