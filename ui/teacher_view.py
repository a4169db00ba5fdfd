"""The teacher's view of a lesson: who trains now, the class's curves, the
spread of the results, and each student's runs (which the teacher may
remove)."""

from __future__ import annotations

import time

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from playground.charts.style import plotly_text
from playground.i18n import mark, tr, tr_n
from playground.runs import RunNotFound, StoreUnavailable
from ui.user_text import escape_markdown

ACTIVE = (mark("queued"), mark("starting"), mark("running"))
STATUSES = (mark("completed"), mark("stopped"), mark("diverged"), mark("failed"))
"""How a run ended, as the run store spells it: marked to be translated."""
MAX_CURVES = 40
"""Students whose best run's curve the class chart draws, at most."""


def now_training(taken) -> None:
    """Who is training or waiting right now, and for how long."""
    active = [run for run in taken if run.summary.status in ACTIVE]
    if not active:
        st.caption(tr("Nobody is training or waiting right now."))
        return
    now = time.time()
    st.dataframe(pd.DataFrame([{
        tr("Name"): run.summary.student, tr("Status"): tr(run.summary.status),
        tr("For (s)"): round(now - (run.started_at or run.summary.created_at)),
        tr("Epochs"): f"{run.summary.epochs_run} / {run.summary.epochs}",
    } for run in active]), hide_index=True)


def class_curves(store, rows, metric: str, picked: str | None) -> None:
    """Every student's best run over the epochs, the picked student's in
    colour and the rest in grey, on the metric the board ranks."""
    figure = go.Figure()
    key = f"val_{metric}"
    for row in [r for r in rows if r.run_id][:MAX_CURVES]:
        try:
            history = store.load(row.run_id).history
        except (RunNotFound, StoreUnavailable):
            continue
        values = history.get(key) or history.get(metric)
        if not values:
            continue
        mine = row.name == picked
        figure.add_trace(go.Scatter(
            x=list(range(1, len(values) + 1)), y=values, mode="lines",
            name=plotly_text(row.name), opacity=1.0 if mine else 0.35,
            line={"color": "#0877bd" if mine else "#9e9e9e", "width": 3 if mine else 1}))
    figure.update_layout(title=tr("The class's best runs: {metric} per epoch", metric=key),
                         xaxis_title=tr("epoch"), height=340, showlegend=False,
                         margin={"t": 40, "b": 40, "l": 50, "r": 10})
    st.plotly_chart(figure, key="class_curves")


def spread(rows, metric: str) -> None:
    """How the students' best test values spread."""
    values = [row.value for row in rows if row.value is not None]
    if len(values) < 2:
        return
    figure = go.Figure(go.Histogram(x=values, nbinsx=min(20, len(values))))
    figure.update_layout(title=tr("Best test {metric} per student", metric=metric),
                         yaxis_title=tr("students"), height=260,
                         margin={"t": 40, "b": 40, "l": 50, "r": 10})
    st.plotly_chart(figure, key="class_spread")


def student_runs(lessons, opened, taken, picked: str) -> None:
    """One student's runs, and removing them."""
    mine = [run for run in taken if run.summary.student == picked]
    st.dataframe(pd.DataFrame([{
        tr("Run"): f"?run={run.summary.id}", tr("Status"): tr(run.summary.status),
        tr("Epochs"): run.summary.epochs_run,
        **{tr("Test {metric}", metric=k): v for k, v in run.summary.test_metrics.items()},
    } for run in mine]), hide_index=True, column_config={
        tr("Run"): st.column_config.LinkColumn(display_text=tr("open"))})
    if st.button(tr("Remove the runs of {name}", name=escape_markdown(picked)),
                 key="teacher_remove_runs"):
        removed = lessons.delete_student_runs(opened.id, picked)
        st.success(tr_n("Removed {count} run.", "Removed {count} runs.", removed))


def show(lessons, opened, rows, taken) -> None:
    """The whole teacher's view under the board: `rows` the board's,
    `taken` every run of the lesson."""
    st.subheader(tr("Right now"))
    now_training(taken)
    names = [row.name for row in rows]
    if not names:
        return
    metric = rows[0].metric
    picked = st.selectbox(tr("Student"), names, key="teacher_student")
    class_curves(lessons.runs, rows, metric, picked)
    spread(rows, metric)
    student_runs(lessons, opened, taken, picked)
