"""Saving a run's progress while it trains, off the training loop.

The training loop reports every epoch; writing each one to the database on
that thread would slow small networks that run hundreds of epochs a second.
`ProgressSaver.update` only hands the newest state over (no I/O), and a
background thread writes it with `RunStore.save_progress` at most every
`interval` seconds; states that arrive in between are folded into the next
write. `close()` writes the last state and ends the thread.
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

    Attributes:
        error: The `StoreUnavailable` that stopped the saving, or None. After
            an error no more writes are tried: the run goes on unsaved and
            the caller says so once.
    """

    def __init__(self, store: Any, run_id: str, interval: float = DEFAULT_INTERVAL):
        self.store, self.run_id, self.interval = store, run_id, interval
        self.error: StoreUnavailable | None = None
        self.writes = 0
        self._pending: tuple | None = None
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
                while self._pending is None and not self._closing:
                    self._wake.wait()
                pending, self._pending = self._pending, None
                closing = self._closing
            if pending is not None and self.error is None:
                status, message, history, epochs_run, elapsed = pending
                try:
                    self.store.save_progress(
                        self.run_id, status, message,
                        {k: list(v[:epochs_run]) for k, v in list(history.items())},
                        epochs_run, elapsed)
                    self.writes += 1
                except StoreUnavailable as error:
                    self.error = error
            if closing:
                return
            with self._wake:  # let updates gather for `interval` seconds
                self._wake.wait_for(lambda: self._closing, self.interval)
