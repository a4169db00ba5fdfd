"""Sample runs shared by the run store tests: records with every kind of value.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from playground.presets import PRESETS
from playground.runs import (
    RunRecord,
)

ROOT = Path(__file__).resolve().parents[2]


SPIRAL = PRESETS["spiral"].experiment


def snapshot(epoch):
    """Shaped like `Snapshotter.snapshot`: arrays, None, tuples, nested dicts."""
    return {"boundary": np.full((4, 4), epoch, np.float32) if epoch % 2 else None,
            "neurons": {"dense": np.arange(6, dtype=np.float16).reshape(1, 2, 3)},
            "weights": {"dense": {"kernel": (np.array([1, 2]), np.array([0.0, 0.5, 1.0]))}},
            "norms": {"dense": 1.5 * epoch}, "grad_norms": {}, "dead": {"dense": 0.0}}


def make_record(**changes):
    fields = dict(
        experiment=SPIRAL.replace(optimizer="adam", learning_rate=0.01),
        status="completed", message="Finished 3 epoch(s).",
        history={"loss": [0.9, 0.5, float("nan")], "val_accuracy": [0.5, 0.8, 0.7]},
        test_metrics={"loss": 0.4, "accuracy": 0.75}, epochs_run=3, elapsed=1.25,
        weights=[np.random.default_rng(0).normal(size=(2, 4)).astype(np.float32),
                 np.zeros(4, np.float32)],
        best_weights=[np.ones((2, 4), np.float32)],
        snapshots=[(1, snapshot(1)), (2, snapshot(2))],
        started_at=100.0, finished_at=101.5)
    return RunRecord(**{**fields, **changes})


def assert_same_nested(a, b):
    if isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    elif isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b)
        for key in a:
            assert_same_nested(a[key], b[key])
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b)
        for x, y in zip(a, b):
            assert_same_nested(x, y)
    else:
        assert a == b or (a != a and b != b)
