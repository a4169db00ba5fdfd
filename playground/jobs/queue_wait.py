"""How long a queued run will wait, from the running runs' own pace.

Each running run has its epochs left and its seconds per epoch so far; a
queued run ahead is expected to go at the running runs' average pace. The
workers take the runs in order, each the next as soon as it is free: the
wait is when a worker is free after every run ahead has started.
"""

from __future__ import annotations

import heapq
from typing import Sequence


def estimated_wait(running: Sequence[tuple[int, float | None]],
                   ahead: Sequence[int], workers: int) -> float | None:
    """Seconds until a queued run starts, or None while it cannot be told
    (a running run has not finished an epoch yet).

    Args:
        running: `(epochs left, seconds per epoch so far)` of each running run.
        ahead: The epochs of each queued run that starts before this one.
        workers: Runs trained at once.
    """
    if any(pace is None for _, pace in running):
        return None
    paces = [pace for _, pace in running]
    if ahead and not paces:
        return None
    free = [left * pace for left, pace in running]
    free += [0.0] * max(workers - len(free), 0)  # idle workers
    heapq.heapify(free)
    average = sum(paces) / len(paces) if paces else 0.0
    for epochs in ahead:
        heapq.heappush(free, heapq.heappop(free) + epochs * average)
    return free[0]


def running_paces(jobs) -> list[tuple[int, float | None]]:
    """`(epochs left, seconds per epoch so far)` of running `JobHandle`s."""
    paces = []
    for job in jobs:
        progress = job.progress()
        done = progress["epoch"]
        paces.append((progress["epochs"] - done,
                      progress["elapsed"] / done if done else None))
    return paces
