"""Train page: callbacks and schedules, the marked history chart, downloads.

Drawn from the field table like every other setting (`field_input`), so a
control accepts exactly what a link or an experiment JSON accepts. Files
that need Keras (the `.keras` model) are made in a worker process through
`playground.keras_work`: the web server never imports TensorFlow.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from playground import charts
from playground.config import TRAINING_CONTROL_FIELDS, fitting_monitors
from playground.datasets import DATASETS
from playground.datasets.errors import DataUnavailable
from playground.datasets.source import dataset_info
from playground.evaluation.test_metric_lines import test_metric_entries
from playground.export.model_files import deployable_bytes, keras_bytes
from playground.export.script import ExportError, experiment_script
from playground.fields import format_number
from playground.i18n import tr
from playground.inspection.doctor import Finding
from playground.keras_work import keras_work
from playground.runs.setting_labels import CHECKPOINT_OPTIONS, SCHEDULE_OPTIONS
from playground.training.result import FAILED
from ui import state
from ui.widgets import field_input


def controls() -> None:
    """Early stopping, learning-rate schedule, clipping, class weights, logs."""
    exp = state.experiment()
    regression = dataset_info(exp).task == "regression"
    with st.expander(tr("Callbacks and schedules"), expanded=_any_on(exp)):
        cols = st.columns(4)
        field_input("early_stop_patience", tr("Early stopping: patience"),
                    container=cols[0], style="number")
        off = exp.early_stop_patience == 0
        fitting = fitting_monitors(regression)
        field_input("early_stop_monitor", tr("Watch"), container=cols[1],
                    disabled=off and exp.checkpoint != "best",
                    choices=fitting, format_func=lambda m: m if m in fitting else
                    tr("{monitor} (not for regression)", monitor=m) if regression else
                    tr("{monitor} (not for classes)", monitor=m))
        field_input("early_stop_min_delta", tr("Minimum improvement"),
                    container=cols[2],
                    step=0.001, disabled=off)
        field_input("restore_best", tr("Keep the best epoch's weights"),
                    container=cols[3], disabled=off)
        cols = st.columns(4)
        field_input("lr_schedule", tr("Learning-rate schedule"), container=cols[0],
                    format_func=lambda s: tr(SCHEDULE_OPTIONS[s]))
        if exp.lr_schedule in ("step", "exponential"):
            field_input("lr_decay_rate", tr("Decay rate"), container=cols[1])
            field_input("lr_decay_epochs", tr("Every N epochs"), container=cols[2],
                        style="number")
        elif exp.lr_schedule == "cosine":
            field_input("lr_warmup_epochs", tr("Warm-up epochs"), container=cols[1],
                        style="number")
        elif exp.lr_schedule == "plateau":
            field_input("plateau_factor", tr("Factor"), container=cols[1])
            field_input("plateau_patience", tr("Patience"), container=cols[2],
                        style="number")
            field_input("min_lr", tr("Minimum rate"), container=cols[3], step=0.0001)
        cols = st.columns(3)
        field_input("clipnorm", tr("Gradient clipping (norm)"), container=cols[0],
                    step=0.1)
        field_input("class_weight", tr("Class weights"), container=cols[1],
                    disabled=regression)
        field_input("tensorboard", tr("TensorBoard logs"), container=cols[2])
        cols = st.columns(4)
        field_input("checkpoint", tr("Checkpoints"), container=cols[0],
                    format_func=lambda m: tr(CHECKPOINT_OPTIONS[m]))
        field_input("checkpoint_every", tr("Every N epochs"), container=cols[1],
                    style="number", disabled=exp.checkpoint != "every")
        field_input("checkpoint_keep", tr("Checkpoints kept"), container=cols[2],
                    style="number", disabled=exp.checkpoint == "off")
        if exp.checkpoint == "best":
            cols[3].caption(tr("Kept whenever {monitor} improves, as Watch above says; "
                               "the latest is the best epoch.",
                               monitor=exp.early_stop_monitor))
    script_download(exp, "script_download")


def script_download(exp, key: str, container=st, label: str | None = None) -> None:
    """"Download as Python": the experiment as a runnable Keras script."""
    try:
        code = experiment_script(exp)
    except ExportError as error:
        container.caption(str(error))
        return
    except DataUnavailable as error:  # a stored CSV run opened without its file
        container.caption(tr("Download as Python needs the CSV file's columns: {error}",
                             error=error))
        return
    container.download_button(
        label or tr("Download as Python"), lambda: code, "experiment.py",
        mime="text/x-python", key=key,
        on_click="ignore",
        help=tr("One Keras script that repeats this experiment: the same data, split, "
                "model and training (run it with the CSV file as its argument).")
        if DATASETS[exp.dataset].source == "table" else
        tr("One Keras script that repeats this experiment: the same data, split, model "
           "and training."))


def _any_on(exp) -> bool:
    return any(getattr(exp, f.name) != f.default for f in TRAINING_CONTROL_FIELDS)


def apply_fix(finding: Finding) -> None:
    """A button that applies a doctor's finding's settings in one click."""
    if not finding.changes:
        return
    label = ", ".join(f"{name} = {format_number(value)}"
                      for name, value in finding.changes)
    st.button(tr("Apply: {changes}", changes=label), key=f"apply_{finding.rule}",
              on_click=_apply, args=(finding.changes,))


def _apply(changes) -> None:
    """Sets the settings and redraws every widget from the experiment."""
    state.replace_experiment(state.experiment().replace(**dict(changes)))


def history_chart(figure, history: dict, result=None) -> None:
    """The loss and metric curves (`figure`), marked with the best and the
    stopping epoch once the run has ended; the learning rate below them when
    a schedule changes it."""
    if result is not None and (result.best_epoch or result.early_stop):
        stopped = result.epochs_run if result.early_stop else None
        # A copy: the live view keeps its figures and redraws them later.
        figure = charts.mark_epochs(go.Figure(figure), result.best_epoch, stopped)
    st.plotly_chart(figure, key="history_chart")
    learning_rate_chart(history)


def learning_rate_chart(history: dict) -> None:
    """The learning rate per epoch, when a schedule changes it."""
    rates = history.get("learning_rate")
    if rates:
        st.plotly_chart(charts.learning_rate_figure(rates), key="learning_rate_chart")


def downloads(job) -> None:
    """Downloads of a finished run: the model, its TensorBoard logs.

    Every download in the app hands Streamlit a function, not bytes: the
    file is made when the button is clicked, so a click never meets a file
    that expired with a rerun (a 404 under load)."""
    result = job.result
    if result is None or not result.weights or result.status == FAILED:
        return
    cols = st.columns([1, 1.7, 1.1, 1.3])  # room for each label in full
    # Beside the settings above (the next run), this one is the finished run's.
    script_download(job.experiment, f"run_script_download_{job.id}", cols[3],
                    tr("Download this run as Python"))
    cols[0].download_button(
        tr("Download model (.keras)"), lambda: _model_file(job), "model.keras",
        mime="application/octet-stream", key=f"keras_download_{job.id}",
        on_click="ignore", help=tr("Keras' native format: load it with "
                                   "keras.models.load_model(path). It expects inputs "
                                   "prepared as in training (standardised, one-hot "
                                   "encoded)."))
    deployable_download(job, cols[1])
    if result.tensorboard_zip:
        cols[2].download_button(
            tr("Download TensorBoard logs"), lambda: result.tensorboard_zip,
            "tensorboard-logs.zip", mime="application/zip", on_click="ignore",
            key=f"tensorboard_download_{job.id}",
            help=tr("Unzip, then run: tensorboard --logdir <folder>"))


def deployable_download(job, container) -> None:
    """The model for raw rows: preparation in front, the target's units behind."""
    from playground.datasets.source import prepared_table

    exp = job.experiment
    if DATASETS[exp.dataset].source == "table":
        try:
            prepared_table(exp)  # its columns and categories go into the model
        except DataUnavailable:
            container.caption(tr("The model for raw rows needs the CSV file: upload it "
                                 "on the Data page."))
            return
    container.download_button(
        tr("Download model for raw rows (.keras)"),
        lambda: keras_work(deployable_bytes, exp, job.result.weights, experiment=exp),
        "model-raw-rows.keras", mime="application/octet-stream", on_click="ignore",
        key=f"deployable_download_{job.id}",
        help=tr("Takes rows as in the data (a dict of columns for a CSV file, pixels "
                "0..255 for images) and answers in the target's own units: the "
                "preparation is Keras layers inside the model. See the README."))


def _model_file(job) -> bytes:
    return keras_work(keras_bytes, job.experiment, job.result.weights,
                      experiment=job.experiment)


def test_metrics(metrics: dict[str, float], target_scaler=None) -> None:
    """A finished run's test metrics, one per column, labelled as
    `test_metric_entries` says (units, standardised figures, the penalty)."""
    entries = test_metric_entries(metrics, target_scaler)
    if not entries:
        return
    for col, entry in zip(st.columns(len(entries)), entries):
        col.metric(entry.label, entry.value, help=entry.help)
        if entry.note:
            col.caption(entry.note)
