"""Opening a stored run against drawing the same run from memory.

Trains the spiral preset for 1,000 epochs with snapshots (the replay keeps
about 200), saves the run in a temporary store, then times the Train page
(AppTest, the app's real script) two ways, median of 5 each:

- **in memory**: a new session whose finished run's handle is already in
  memory, as right after training (its figures are built on this draw).
- **from the store**: a fresh session opens `?run=<id>` (load the record,
  rebuild the handle, draw the page), as after a reload or on another server.

Prints both and their ratio (target ≤ 1.5×). Always exits 0.
Run: `.venv/bin/python bench/stored_run_render.py` (about a minute).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
STORE = Path(tempfile.mkdtemp()) / "runs.sqlite"
os.environ["PLAYGROUND_STORE"] = str(STORE)

from streamlit.testing.v1 import AppTest  # noqa: E402

from playground.presets import PRESETS  # noqa: E402
from playground.runs import RunRecord, open_store  # noqa: E402
from playground.runs.recorder import stored_handle  # noqa: E402
from playground.training.snapshot_store import SnapshotStore  # noqa: E402
from playground.training.loop import run_training  # noqa: E402

APP = str(ROOT / "app.py")
REPEATS = 5
TARGET = 1.5


def trained_record() -> RunRecord:
    exp = PRESETS["spiral"].experiment.replace(epochs=1000)
    snapshots = SnapshotStore()

    def emit(event):
        if event["type"] == "snapshot":
            snapshots.add_event(event)

    result = run_training(exp, emit, snapshots=True)
    return RunRecord.from_result(exp, result, snapshots)


def train_page(query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    return at


def main() -> None:
    record = trained_record()
    open_store().save(record)
    print(f"run of {record.epochs_run} epochs, {len(record.snapshots)} snapshots kept")

    memory = []
    handle = stored_handle(record)
    for _ in range(REPEATS):
        at = train_page({})
        at.session_state["experiment"] = record.experiment
        at.session_state["training_job"] = handle
        at.session_state["url_checked"] = True
        started = time.perf_counter()
        at.switch_page("views/train.py").run()
        memory.append(time.perf_counter() - started)
        assert not at.exception, at.exception

    stored = []
    for _ in range(REPEATS):
        at = train_page({"run": record.id})
        started = time.perf_counter()
        at.switch_page("views/train.py").run()
        stored.append(time.perf_counter() - started)
        assert not at.exception, at.exception

    live, cold = statistics.median(memory), statistics.median(stored)
    ratio = cold / live
    print(f"load average: {os.getloadavg()[0]:.2f}")
    print(f"Train page, run in memory: median {live * 1000:.0f} ms "
          f"(runs: {', '.join(f'{t * 1000:.0f}' for t in memory)})")
    print(f"Train page, run opened from the store: median {cold * 1000:.0f} ms "
          f"(runs: {', '.join(f'{t * 1000:.0f}' for t in stored)})")
    print(f"{'PASS' if ratio <= TARGET else 'FAIL'} opening a stored run takes "
          f"{ratio:.2f}x drawing it from memory (target <= {TARGET}x)")


if __name__ == "__main__":
    main()
