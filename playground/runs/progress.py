"""Saving a run's progress while it trains, off the training loop.

The training loop reports every epoch; writing each one to the database on
that thread would slow small networks that run hundreds of epochs a second.
`ProgressSaver.update` only hands the newest state over (no I/O), and a
background thread writes it with `RunStore.save_progress` at most every
`interval` seconds; states that arrive in between are folded into the next
write. `close()` writes the last state and ends the thread.

With a `heartbeat`, the last state is written again whenever that many
seconds pass without a new one (a long first epoch, a slow epoch), so that
the run's `updated_at` says its job is alive; each write also reads whether
someone asked the run to stop (`stop_requested`).
"""

from __future__ import annotations

import threading
from typing import Any

from playground.runs.errors import StoreUnavailable

DEFAULT_INTERVAL = 0.5


class ProgressSaver:
    """Writes a training run's newest progress from a background thread.

    Args:
        store: The `RunStore` holding the run (already saved once).
        run_id: The run's id.
        interval: Least seconds between two writes (0: whenever the
            previous write is done).
        heartbeat: Seconds after which the last state is written again
            when no new one came; None: only new states are written.

    Attributes:
        error: The `StoreUnavailable` that stopped the saving, or None. After
            an error no more writes are tried: the run goes on unsaved and
            the caller says so once.
        stop_requested: Whether a write found that someone asked the run
            to stop (`RunStore.request_stop`).
        history: Metric name to values of the epochs given to `add_epoch`.
    """

    def __init__(self, store: Any, run_id: str, interval: float = DEFAULT_INTERVAL,
                 heartbeat: float | None = None):
        self.store, self.run_id, self.interval = store, run_id, interval
        self.heartbeat = heartbeat
        self.error: StoreUnavailable | None = None
        self.stop_requested = False
        self.history: dict[str, list[float]] = {}
        self.writes = 0
        self._pending: tuple | None = None
        self._last: tuple | None = None
        self._closing = False
        self._wake = threading.Condition()
        self._thread = threading.Thread(target=self._work, name="progress-saver",
                                        daemon=True)
        self._thread.start()

    def update(self, status: str, message: str, history: dict[str, list[float]],
               epochs_run: int, elapsed: float) -> None:
        """Hands over the newest progress; returns at once.

        `history` may be the live dict the training loop appends to: only its
        first `epochs_run` values are written.
        """
        with self._wake:
            self._pending = (status, message, history, epochs_run, elapsed)
            self._wake.notify()

    def add_epoch(self, status: str, event: dict[str, Any]) -> None:
        """Adds an `epoch` event of the training loop to `history` and
        hands the progress over (see `update`)."""
        for key, value in event["logs"].items():
            self.history.setdefault(key, []).append(value)
        self.update(status, "", self.history, len(self.history.get("loss", [])),
                    event["elapsed"])

    def close(self, timeout: float | None = None) -> StoreUnavailable | None:
        """Writes what is pending, stops the thread; returns `error`."""
        with self._wake:
            self._closing = True
            self._wake.notify()
        self._thread.join(timeout)
        return self.error

    def _work(self) -> None:
        while True:
            with self._wake:
                beat = self._wake.wait_for(
                    lambda: self._pending is not None or self._closing, self.heartbeat)
                pending, self._pending = self._pending, None
                closing = self._closing
                if not beat and self._last is not None:  # alive, with nothing new
                    pending = self._last
            if pending is not None and self.error is None:
                self._last = pending
                status, message, history, epochs_run, elapsed = pending
                try:
                    if self.store.save_progress(
                            self.run_id, status, message,
                            {k: list(v[:epochs_run]) for k, v in list(history.items())},
                            epochs_run, elapsed):
                        self.stop_requested = True
                    self.writes += 1
                except StoreUnavailable as error:
                    self.error = error
            if closing:
                return
            with self._wake:  # let updates gather for `interval` seconds
                self._wake.wait_for(lambda: self._closing, self.interval)
