"""How often the Train page's live view asks a running job for news.

While a run trains, the view polls every `POLL_SECONDS` (measured with
`bench/browser_training.py`: polling every 0.75 s, 0.5 s and 0.25 s kept
0.72x, 0.71x and 0.66x of headless epochs/s once training left the server
for worker processes; 0.5 s is nearly as smooth as 0.25 s at half the
server's work per watching browser, and with the boundary animated in the
browser between polls it gives about 0.86x).

Train itself waits up to `FIRST_EPOCH_WAIT_SECONDS` for the first epoch
(`await_first_epoch`): a worker that had the network ready trains it in a
tenth of a second, and the page's first drawing after the click then shows
it, with no faster polling and no second drawing of the whole page to slow
the polls down again (measured in `bench/browser_training.py`: that second
drawing took the browser longer than the epoch took the worker).

Otherwise, until the run's first epoch arrives, the view polls every
`STARTING_POLL_SECONDS`, so that the first epoch shows as soon as it is
trained instead of up to a poll later; the page then reruns once to poll at
the usual pace. Only for `STARTING_WINDOW_SECONDS` after Train: a run that
waits in a queue behind a class's runs polls at the usual pace.
"""

from __future__ import annotations

import time
from typing import Any

from playground.training.result import QUEUED, STARTING

POLL_SECONDS = 0.5
STARTING_POLL_SECONDS = 0.1
STARTING_WINDOW_SECONDS = 5.0
FIRST_EPOCH_WAIT_SECONDS = 0.6


def poll_seconds(job: Any, now: float | None = None) -> float | None:
    """Seconds between two polls of `job` (a `JobHandle`), or None: no
    polling once it has ended (or when there is none)."""
    if job is None or job.done:
        return None
    now = time.time() if now is None else now
    if (job.status in (QUEUED, STARTING)
            and now - job.submitted_at < STARTING_WINDOW_SECONDS):
        return STARTING_POLL_SECONDS
    return POLL_SECONDS


def await_first_epoch(job: Any, timeout: float = FIRST_EPOCH_WAIT_SECONDS) -> None:
    """Waits, at most `timeout` seconds, for a job just started to train its
    first epoch; at once for one queued behind others (its news is far)."""
    if job is not None and not job.jobs_ahead():
        job.wait_for_epoch(timeout)


def slows_down(declared: float | None, job: Any) -> bool:
    """True when the view polls at the starting pace but the job has moved
    on (first epoch, or the window passed): the page should rerun to
    poll at the usual pace."""
    return declared == STARTING_POLL_SECONDS and poll_seconds(job) != declared
