"""Bounded storage of per-epoch snapshots for replaying a training run.

A run may last thousands of epochs; keeping a decision-boundary grid for
each would grow without bound. `SnapshotStore` keeps at most `capacity`
snapshots: when full it drops every second one, so the kept epochs stay
evenly spread over the whole run, and the newest is always kept.
"""

from __future__ import annotations

import threading
from typing import Any

DEFAULT_CAPACITY = 200


class SnapshotStore:
    """Thread-safe, evenly thinned list of `(epoch, data)` pairs.

    Epochs `1, 1 + stride, 1 + 2 * stride, ...` are kept; the stride doubles
    whenever the store would exceed its capacity. The newest snapshot is
    always available too, whatever the stride.

    Args:
        capacity: Most snapshots kept at once (at least 2).
    """

    def __init__(self, capacity: int = DEFAULT_CAPACITY):
        if capacity < 2:
            raise ValueError(f"capacity must be at least 2; received {capacity}.")
        self.capacity = capacity
        self._kept: list[tuple[int, Any]] = []
        self._newest: tuple[int, Any] | None = None
        self._stride = 1
        self._lock = threading.Lock()

    def add(self, epoch: int, data: Any) -> None:
        """Adds the snapshot of an epoch (epochs count from 1, increasing)."""
        with self._lock:
            self._newest = (epoch, data)
            if (epoch - 1) % self._stride:
                return
            self._kept.append((epoch, data))
            if len(self._kept) >= self.capacity:
                self._stride *= 2
                self._kept = [(e, d) for e, d in self._kept
                              if (e - 1) % self._stride == 0]

    def add_event(self, event: dict[str, Any]) -> None:
        """Adds a training loop's `snapshot` event: its measurements, by its
        epoch (the event's `type` and `epoch` are not kept)."""
        self.add(event["epoch"], {k: v for k, v in event.items()
                                  if k not in ("type", "epoch")})

    def restore(self, items: list[tuple[int, Any]]) -> None:
        """Replaces the contents with saved `items()`, exactly as they were
        (a stored run is replayed with the snapshots it kept)."""
        items = list(items)
        with self._lock:
            self._kept = items[-self.capacity:]
            self._newest = items[-1] if items else None

    def _items(self) -> list[tuple[int, Any]]:
        items = list(self._kept)
        if self._newest is not None and (not items or items[-1][0] != self._newest[0]):
            items.append(self._newest)
        return items

    def epochs(self) -> list[int]:
        """The epochs that can be replayed, in order."""
        with self._lock:
            return [epoch for epoch, _ in self._items()]

    def get(self, epoch: int) -> Any:
        """The snapshot at `epoch`, else the nearest earlier (or the first)."""
        with self._lock:
            items = self._items()
        if not items:
            return None
        earlier = [data for e, data in items if e <= epoch]
        return earlier[-1] if earlier else items[0][1]

    def items(self) -> list[tuple[int, Any]]:
        """All replayable `(epoch, snapshot)` pairs, in order."""
        with self._lock:
            return self._items()

    def latest(self) -> tuple[int, Any] | None:
        with self._lock:
            return self._newest

    def __len__(self) -> int:
        with self._lock:
            return len(self._items())
