"""Saved runs as text for a terminal: a table of runs, one run as JSON.

Both leave the arrays out: the table shows what a person compares (status,
epochs, best validation value, test metrics), the JSON what a script reads,
with the shapes of the weights instead of their values.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from playground.i18n import mark, tr
from playground.i18n.terminal import aligned_table
from playground.runs.record import RunRecord, RunSummary

NAME_WIDTH = 36
COLUMNS = (mark("ID"), mark("NAME"), mark("STATUS"), mark("EPOCHS"), mark("BEST VAL"),
           mark("TEST"), mark("CREATED"))


def _one_line(text: str, width: int) -> str:
    """User text on one line, cut to `width` characters."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


def _metrics(metrics: dict[str, float]) -> str:
    return " ".join(f"{name}={value:.4g}" for name, value in metrics.items()) or "-"


def local_time(seconds: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(seconds))


def runs_table(summaries: list[RunSummary]) -> str:
    """The runs as an aligned text table, one line per run, with a header
    (headers and statuses in the reader's language)."""
    return aligned_table(tuple(map(tr, COLUMNS)), [
        (s.id, _one_line(s.name, NAME_WIDTH), tr(s.status), f"{s.epochs_run}/{s.epochs}",
         f"{s.best_metric}={s.best_value:.4g}" if s.best_metric else "-",
         _metrics(s.test_metrics), local_time(s.created_at))
        for s in summaries])


def _shapes(arrays: list[np.ndarray] | None) -> list[list[int]] | None:
    return None if arrays is None else [list(np.shape(a)) for a in arrays]


def run_details(record: RunRecord) -> dict[str, Any]:
    """The run as JSON-ready data: its summary, experiment, history and
    timings, what trained it (`executor`: `process`, `ray` or `local`;
    `worker`: its host or node and process), the run it continues
    (`parent_id`, `start_epoch`), its checkpoints (epoch and watched value),
    and the shapes (not the values) of its arrays."""
    return {
        **record.summary().to_dict(),
        "message": record.message,
        "elapsed": record.elapsed,
        "started_at": record.started_at,
        "finished_at": record.finished_at,
        "executor": record.executor,
        "worker": record.worker,
        "parent_id": record.parent_id,
        "start_epoch": record.start_epoch,
        "checkpoints": [{key: point.get(key) for key in ("epoch", "monitor", "value")}
                        for point in record.checkpoints],
        "experiment": record.experiment.to_dict(),
        "history": record.history,
        "weights": _shapes(record.weights),
        "best_weights": _shapes(record.best_weights),
        "snapshot_epochs": [epoch for epoch, _ in record.snapshots],
        "arrays": None if record.arrays is None else {
            name: list(np.shape(a)) for name, a in record.arrays.items()},
    }
