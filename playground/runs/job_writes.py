"""What a training job writes to its run while it trains, wherever it trains.

A job records itself (`playground.runs.job_recording`): its worker, a
process of the web server or a Ray actor on another machine, marks the run
started, writes its progress every few seconds and its end with the
weights, so that a run outlives the server that started it and any server
sharing the store can follow it. These are those writes, a part of
`RunStore`; the server that follows or stops a run from elsewhere uses
`live_state` and `request_stop`.

Each write sets `updated_at`: a run whose `updated_at` is old while it says
it trains has lost its worker.
"""

from __future__ import annotations

import json
import time
from typing import Any

import numpy as np
import sqlalchemy as sa

from playground.runs import schema as tables
from playground.runs.arrays import pack
from playground.runs.record import (
    MAX_STATUS_LENGTH,
    best_validation,
    check_run_id,
    check_text,
)


def _plain_number(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise ValueError(f"A run's history and metrics hold numbers; received "
                     f"{type(value).__name__} {value!r:.60}.")


def json_text(value: Any) -> str:
    """Compact JSON; NumPy numbers (as Keras logs may hold) become plain ones."""
    return json.dumps(value, separators=(",", ":"), default=_plain_number)


def pack_payload(weights: list, best_weights: list | None, test_outputs: Any,
                 snapshots: list, checkpoints: list | None = None) -> tuple[str, bytes]:
    """A run's arrays as the `run_payloads` row holds them: `(structure,
    blob)` (`playground.runs.arrays.pack`). Checkpoints are dicts of
    `epoch`, `monitor`, `value` and `weights`
    (`playground.training.checkpoints`)."""
    return pack({"weights": list(weights), "best_weights": best_weights,
                 "test_outputs": test_outputs,
                 "snapshots": [list(pair) for pair in snapshots],
                 "checkpoints": [dict(point) for point in checkpoints or []]})


class JobWrites:
    """The writes of a job to its own run, and the reads of its followers.

    Mixed into `RunStore`, whose `_transaction` and `_found` they use.
    """

    def start_run(self, run_id: str, started_at: float, executor: str,
                  worker: str) -> None:
        """Marks a saved run as taken by a worker: `executor` (`process`,
        `ray`, `local`) and `worker` (which one, e.g. its host and pid).

        Raises:
            RunNotFound: when no run has this id (save the record first).
        """
        check_run_id(run_id)
        with self._transaction() as conn:
            done = conn.execute(tables.runs.update().where(
                tables.runs.c.id == run_id).values(
                started_at=float(started_at), executor=check_text(executor, "executor", 20),
                worker=check_text(worker[:200], "worker", 200), updated_at=time.time()))
            self._found(done.rowcount, run_id)

    def save_progress(self, run_id: str, status: str, message: str,
                      history: dict[str, list[float]], epochs_run: int,
                      elapsed: float) -> bool:
        """Updates a saved run while it trains; its arrays are left as they are.

        Returns:
            Whether someone asked the run to stop (`request_stop`).

        Raises:
            RunNotFound: when no run has this id (save the record first).
        """
        check_run_id(run_id)
        check_text(status, "status", MAX_STATUS_LENGTH)
        best_metric, best_value = best_validation(history)
        with self._transaction() as conn:
            done = conn.execute(tables.runs.update().where(
                tables.runs.c.id == run_id).values(
                status=status, message=message, history=json_text(history),
                epochs_run=int(epochs_run), elapsed=float(elapsed),
                best_metric=best_metric, best_value=best_value, updated_at=time.time()))
            self._found(done.rowcount, run_id)
            return bool(conn.execute(sa.select(tables.runs.c.stop_requested).where(
                tables.runs.c.id == run_id)).scalar())

    def finish_run(self, run_id: str, result: Any, snapshots: list,
                   finished_at: float | None = None,
                   started_at: float | None = None) -> None:
        """Writes how a run ended: a `TrainingResult`'s status, message,
        history, test metrics, weights and checkpoints, and the run's
        snapshots. The run's name, note, owner, lesson, parent and kept
        data stay as they are.

        Raises:
            RunNotFound: when no run has this id.
        """
        check_run_id(run_id)
        check_text(result.status, "status", MAX_STATUS_LENGTH)
        history = {key: list(values) for key, values in result.history.items()}
        best_metric, best_value = best_validation(history)
        structure, blob = pack_payload(result.weights, None, result.test_outputs,
                                       snapshots, getattr(result, "checkpoints", None))
        now = time.time()
        with self._transaction() as conn:
            done = conn.execute(tables.runs.update().where(
                tables.runs.c.id == run_id).values(
                status=result.status, message=result.message, history=json_text(history),
                test_metrics=json_text(dict(result.test_metrics)),
                epochs_run=int(result.epochs_run), elapsed=float(result.elapsed),
                best_metric=best_metric, best_value=best_value,
                finished_at=finished_at or now, updated_at=now,
                **({"started_at": started_at} if started_at else {})))
            self._found(done.rowcount, run_id)
            payload = tables.payloads.c.run_id == run_id
            if conn.execute(tables.payloads.update().where(payload).values(
                    structure=structure, blob=blob)).rowcount == 0:
                conn.execute(tables.payloads.insert().values(
                    run_id=run_id, structure=structure, blob=blob))

    def set_message(self, run_id: str, message: str) -> None:
        """Replaces how a run's end reads (a stop's reason, known only where
        the stop was asked)."""
        check_run_id(run_id)
        with self._transaction() as conn:
            self._found(conn.execute(tables.runs.update().where(
                tables.runs.c.id == run_id).values(message=message)).rowcount, run_id)

    def request_stop(self, run_id: str) -> None:
        """Asks the job training this run to stop, from any server: its
        worker reads the request with its next progress write."""
        check_run_id(run_id)
        with self._transaction() as conn:
            self._found(conn.execute(tables.runs.update().where(
                tables.runs.c.id == run_id).values(stop_requested=True)).rowcount, run_id)

    def live_state(self, run_id: str) -> dict[str, Any]:
        """A run's progress as its job last wrote it, without its arrays:
        `status`, `message`, `history`, `epochs_run`, `elapsed`,
        `started_at`, `finished_at`, `updated_at` and `worker`.

        Raises:
            RunNotFound: when no run has this id.
        """
        check_run_id(run_id)
        columns = ("status", "message", "history", "epochs_run", "elapsed", "started_at",
                   "finished_at", "updated_at", "worker")
        with self._transaction(write=False) as conn:
            row = conn.execute(sa.select(*(tables.runs.c[name] for name in columns)).where(
                tables.runs.c.id == run_id)).mappings().first()
        self._found(row is not None, run_id)
        return {**row, "history": json.loads(row["history"])}
