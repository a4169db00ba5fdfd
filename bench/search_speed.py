"""Search speed: the app's search against a plain Keras Tuner `RandomSearch`.

The space is the issue's small one: the iris-mlp preset, 8 random trials of
20 epochs, varying the learning rate (log range) and the first layer's
units. Three searches run on the same data split (the app's, from
`experiment_data`) with the same seed:

  plain       keras_tuner.RandomSearch over a Keras hypermodel that builds
              the same Dense stack, `tuner.search(..., validation_data=...)`
              in this process (the baseline);
  app, 1      playground's `Search` with one warm worker process: each trial
              is an app run (live events, snapshots, fast validation);
  app, 2      the same with two workers, trials trained two at a time.

It prints trials per minute of each (wall time from the first trial to the
last, the pool already warm), and the targets: app with 1 worker ≥ 1× the
plain tuner's trials per minute; 2 workers' wall time ≤ 0.65× one worker's.
Each search runs ROUNDS times, interleaved; the medians count.

Run from anywhere:  .venv/bin/python bench/search_speed.py [--rounds 2]
It always exits 0; targets are printed as PASS/FAIL lines.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from playground.datasets.source import experiment_data  # noqa: E402
from playground.jobs import ProcessExecutor  # noqa: E402
from playground.presets import PRESETS  # noqa: E402
from playground.search import Search, SearchSpace  # noqa: E402

TRIALS, EPOCHS, SEED = 8, 20, 3
EXPERIMENT = PRESETS["iris-mlp"].experiment.replace(epochs=EPOCHS)
SPACE = {"learning_rate": {"min": 0.001, "max": 0.1, "log": True},
         "layers.0.units": {"min": 8, "max": 64, "step": 8}}


def plain_search() -> float:
    """Seconds for Keras Tuner's own RandomSearch over the same space."""
    import keras
    import keras_tuner

    data = experiment_data(EXPERIMENT)
    classes = len(data.info.class_names)

    def build(hp):
        units = [hp.Int("layers.0.units", 8, 64, step=8)] + [
            spec["units"] for spec in EXPERIMENT.layers[1:]]
        model = keras.Sequential([keras.Input((data.x_train.shape[1],))]
                                 + [keras.layers.Dense(u, activation="relu") for u in units]
                                 + [keras.layers.Dense(classes, activation="softmax")])
        rate = hp.Float("learning_rate", 0.001, 0.1, sampling="log")
        model.compile(keras.optimizers.Adam(rate), "sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        return model

    with tempfile.TemporaryDirectory() as folder:
        tuner = keras_tuner.RandomSearch(build, objective="val_loss", max_trials=TRIALS,
                                         seed=SEED, directory=folder, project_name="plain",
                                         overwrite=True)
        start = time.perf_counter()
        tuner.search(data.x_train, data.y_train, epochs=EPOCHS,
                     batch_size=EXPERIMENT.batch_size,
                     validation_data=(data.x_val, data.y_val), verbose=0)
        return time.perf_counter() - start


def app_search(pool: ProcessExecutor, workers: int) -> float:
    """Seconds for the app's search with `workers` trials at once."""
    search = Search(EXPERIMENT, SearchSpace.parse(SPACE, EXPERIMENT),
                    lambda exp, name: pool.submit(exp), strategy="random",
                    max_trials=TRIALS, epochs=EPOCHS, seed=SEED, parallel=workers)
    start = time.perf_counter()
    trials = search.run()
    seconds = time.perf_counter() - start
    assert len(trials) == TRIALS and all(t.status == "completed" for t in trials), [
        t.as_dict() for t in trials]
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    rounds = parser.parse_args().rounds
    print(f"search_speed: iris-mlp, {TRIALS} random trials of {EPOCHS} epochs, "
          f"{rounds} round(s); load {' '.join(f'{x:.2f}' for x in os.getloadavg())}, "
          f"{os.cpu_count()} CPUs")
    one, two = ProcessExecutor(limit=1), ProcessExecutor(limit=2)
    one.wait_until_warm(300)
    two.wait_until_warm(300)
    times = {"plain": [], "app, 1 worker": [], "app, 2 workers": []}
    try:
        for round_number in range(rounds):
            times["plain"].append(plain_search())
            times["app, 1 worker"].append(app_search(one, 1))
            times["app, 2 workers"].append(app_search(two, 2))
            print(f"  round {round_number + 1}: " + ", ".join(
                f"{name} {values[-1]:.1f} s" for name, values in times.items()))
    finally:
        one.shutdown()
        two.shutdown()
    median = {name: statistics.median(values) for name, values in times.items()}
    for name, seconds in median.items():
        print(f"  {name:<15} median {seconds:6.1f} s  {TRIALS / seconds * 60:6.1f} trials/min")
    speed = median["plain"] / median["app, 1 worker"]
    scaling = median["app, 2 workers"] / median["app, 1 worker"]
    print(f"{'PASS' if speed >= 1 else 'FAIL'} app search with 1 worker runs {speed:.2f}x "
          "the plain RandomSearch's trials per minute (target >= 1x)")
    print(f"{'PASS' if scaling <= 0.65 else 'FAIL'} 2 workers take {scaling:.2f}x the wall "
          "time of 1 (target <= 0.65x)")
    print(f"load after {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
