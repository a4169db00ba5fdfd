"""Saved runs as text for a terminal: a table of runs, one run as JSON.

Both leave the arrays out: the table shows what a person compares (status,
epochs, best validation value, test metrics), the JSON what a script reads,
with the shapes of the weights instead of their values.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from playground.runs.record import RunRecord, RunSummary

NAME_WIDTH = 36
COLUMNS = ("ID", "NAME", "STATUS", "EPOCHS", "BEST VAL", "TEST", "CREATED")


def _one_line(text: str, width: int) -> str:
    """User text on one line, cut to `width` characters."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


def _metrics(metrics: dict[str, float]) -> str:
    return " ".join(f"{name}={value:.4g}" for name, value in metrics.items()) or "-"


def local_time(seconds: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(seconds))


def runs_table(summaries: list[RunSummary]) -> str:
    """The runs as an aligned text table, one line per run, with a header."""
    rows = [COLUMNS] + [
        (s.id, _one_line(s.name, NAME_WIDTH), s.status, f"{s.epochs_run}/{s.epochs}",
         f"{s.best_metric}={s.best_value:.4g}" if s.best_metric else "-",
         _metrics(s.test_metrics), local_time(s.created_at))
        for s in summaries]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()
                     for row in rows)


def _shapes(arrays: list[np.ndarray] | None) -> list[list[int]] | None:
    return None if arrays is None else [list(np.shape(a)) for a in arrays]


def run_details(record: RunRecord) -> dict[str, Any]:
    """The run as JSON-ready data: its summary, experiment, history and
    timings, and the shapes (not the values) of its arrays."""
    return {
        **record.summary().to_dict(),
        "message": record.message,
        "elapsed": record.elapsed,
        "started_at": record.started_at,
        "finished_at": record.finished_at,
        "experiment": record.experiment.to_dict(),
        "history": record.history,
        "weights": _shapes(record.weights),
        "best_weights": _shapes(record.best_weights),
        "snapshot_epochs": [epoch for epoch, _ in record.snapshots],
        "arrays": None if record.arrays is None else {
            name: list(np.shape(a)) for name, a in record.arrays.items()},
    }
