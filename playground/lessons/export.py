"""A lesson's runs for the teacher to keep: a CSV table and a zip of experiments.

`runs_csv` writes one row per run (student, run, status, settings, metrics,
times) with the project's safe CSV writer
(`playground.export.csv_table.safe_csv`): every field quoted, and a text cell
that a spreadsheet would run as a formula (a student named `=1+2`) written so
that it reads as text. `experiments_zip` holds `lesson.json`, that table as
`runs.csv`, and each run's experiment as `experiments/<run id>.json`, which
`playground train FILE` and the app's experiment upload read as they are.
File names in the zip are run ids only: no student's text names a file.
"""

from __future__ import annotations

import io
import json
import time
import zipfile
from typing import Iterable

from playground.export.csv_table import safe_csv
from playground.lessons.board import params_of
from playground.lessons.goal import goal_met
from playground.lessons.lesson import Lesson
from playground.lessons.store import LessonRun

BASE_COLUMNS = ("student", "run_id", "run_name", "status", "dataset", "model",
                "optimizer", "learning_rate", "batch_size", "epochs", "epochs_run",
                "params", "best_metric", "best_value")
TIME_COLUMNS = ("created", "started", "finished", "elapsed_s", "settings")


def utc_time(seconds: float | None) -> str:
    """A Unix time as ISO 8601 in UTC (`2025-03-01T09:30:00Z`); empty for None."""
    if seconds is None:
        return ""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def runs_table(lesson: Lesson, runs: Iterable[LessonRun]):
    """The runs as a `pandas.DataFrame`, one row per run, oldest first:
    `BASE_COLUMNS`, one `test_<metric>` column per test metric any run has,
    `goal_met` when the lesson has a goal, then `TIME_COLUMNS` (`settings`
    is the experiment's query string: the whole experiment, as a link holds
    it)."""
    import pandas as pd

    runs = list(runs)
    metrics = sorted({name for run in runs for name in run.summary.test_metrics})
    columns = [*BASE_COLUMNS, *(f"test_{name}" for name in metrics),
               *(("goal_met",) if lesson.goal is not None else ()), *TIME_COLUMNS]
    rows = []
    for run in runs:
        s, exp = run.summary, run.experiment
        row = {"student": s.student or "", "run_id": s.id, "run_name": s.name,
               "status": s.status, "dataset": s.dataset, "model": s.model,
               "optimizer": s.optimizer, "learning_rate": s.learning_rate,
               "batch_size": exp.batch_size if exp else None, "epochs": s.epochs,
               "epochs_run": s.epochs_run, "params": params_of(exp) if exp else None,
               "best_metric": s.best_metric or "", "best_value": s.best_value,
               "created": utc_time(s.created_at), "started": utc_time(run.started_at),
               "finished": utc_time(run.finished_at),
               "elapsed_s": round(float(run.elapsed), 3),
               "settings": exp.to_query_string() if exp else ""}
        row.update({f"test_{name}": s.test_metrics.get(name) for name in metrics})
        if lesson.goal is not None:
            value = s.test_metrics.get(lesson.goal.test_metric)
            row["goal_met"] = ("yes" if goal_met(lesson.goal, value) else "no") \
                if s.status == "completed" and value is not None else ""
        rows.append(row)
    return pd.DataFrame(rows, columns=columns).astype(object)


def runs_csv(lesson: Lesson, runs: Iterable[LessonRun]) -> bytes:
    """The runs as UTF-8 CSV bytes that a spreadsheet opens as text (see
    `runs_table` for the columns)."""
    return safe_csv(runs_table(lesson, runs))


def experiments_zip(lesson: Lesson, runs: Iterable[LessonRun]) -> bytes:
    """A zip of `lesson.json`, `runs.csv` and `experiments/<run id>.json`
    (each run whose experiment could be read)."""
    runs = list(runs)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("lesson.json", json.dumps(lesson.to_dict(), indent=2))
        archive.writestr("runs.csv", runs_csv(lesson, runs))
        for run in runs:
            if run.experiment is not None:
                archive.writestr(f"experiments/{run.summary.id}.json",
                                 run.experiment.to_json())
    return buffer.getvalue()
