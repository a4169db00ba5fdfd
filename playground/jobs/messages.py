"""How a job or a task ended when the pool, not the training, ended it.

A worker that died, a tab that closed, a run over the memory ceiling: the
pool says so in the run's own message, which the pages show (a `template`
is translated where it is read; the run store keeps the English).
"""

from __future__ import annotations

from playground.i18n import mark, template

CRASHED = template(
    "Training failed: the training process stopped unexpectedly (it was killed, ran "
    "out of memory or TensorFlow aborted). The epochs it had reported are kept; a "
    "fresh worker takes the next run.")
TASK_CRASHED = template(
    "The worker process that computes this stopped unexpectedly (it was killed or ran "
    "out of memory); a fresh one takes the next request. Try again.")
RELEASED = template("Stopped by the server: the browser tab that started it closed "
                    "after {epochs} epoch(s).")
"""A stop reason (`JobHandle.stop`): `{epochs}` is filled when the run ends."""
NOT_STARTED = template("Stopped before it started: the run was still waiting for a "
                       "free worker.")
SHUT_DOWN = template("The training service was shut down.")
OVER_MEMORY = template(
    "Training failed: the run used more than {limit} MB of memory, this server's "
    "limit for one run, and was stopped. The epochs it had reported are kept. "
    "Train a smaller model, on fewer samples or with a smaller batch.")
WORKER_STARTING = mark("Starting a training worker: TensorFlow loads once per worker")
"""A status, not an ending: the run waits for its worker's first start
(after the server started, or after a worker was replaced), which takes
seconds a student would otherwise watch at "Epoch 0" without a word."""

TIME_LIMITS = (
    template("Stopped at this server's limit of {amount} hour(s) per run after "
             "{epochs} epoch(s)."),
    template("Stopped at this server's limit of {amount} minute(s) per run after "
             "{epochs} epoch(s)."),
    template("Stopped at this server's limit of {amount} second(s) per run after "
             "{epochs} epoch(s)."))
"""Stop reasons for the time limit, in hours, minutes or seconds: `{amount}`
is filled when the run starts, `{epochs}` when it ends."""

__all__ = ["CRASHED", "NOT_STARTED", "OVER_MEMORY", "RELEASED", "SHUT_DOWN", "TIME_LIMITS",
           "TASK_CRASHED", "WORKER_STARTING"]
