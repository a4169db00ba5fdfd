"""The run that Train will start, as the live view draws it before Train.

Before Train is pressed, the Train page's live view draws the elements a
run draws (the progress line, the curves over the planned epochs, the
decision boundary's canvas with the data on it, the units' maps), empty;
the network view needs a snapshot and comes with the first one. A student
sees what will fill in, as TensorFlow Playground shows its data before
play; and the click's page then usually fills in elements that are
already on screen instead of mounting them. Mounting them (and taking
down the empty Plotly chart that stood there before) took the browser
about a third of a second of the first epoch on screen
(`bench/browser_training.py`, "The run drawn before Train").
"""

from __future__ import annotations

from playground.config import Experiment
from playground.training.snapshot_store import SnapshotStore


class PlannedRun:
    """Reads as a `JobHandle` that has not started: no epoch, no snapshot.

    Its `id` is empty, so the canvases start afresh when the real run's
    first poll arrives (they key their state on the run's id).
    """

    id = ""
    done = False
    stop_requested = False
    creator = None

    def __init__(self, experiment: Experiment):
        self.experiment = experiment
        self.snapshots = SnapshotStore()

    def progress(self) -> dict:
        """What `JobHandle.progress` says of a run before its first epoch."""
        return {"history": {}, "epoch": 0, "epochs": self.experiment.epochs,
                "elapsed": 0.0, "message": "", "status": None, "done": False,
                "waiting": None}
