"""Cross-validate page: train the current settings once per fold, sum them up."""

import pandas as pd
import streamlit as st

from playground.charts.folds import fold_curves_figure
from playground.datasets.errors import CsvError, DataUnavailable
from playground.datasets.source import experiment_data
from playground.evaluation.cross_validation import (
    DEFAULT_FOLDS,
    MAX_FOLDS,
    MIN_FOLDS,
    CrossValidation,
    FoldError,
    check_folds,
)
from playground.fields import ConfigError
from playground.i18n import tr, tr_n, translated
from playground.jobs.executor import HostSettingError
from playground.model.checks import check_experiment, data_spec_of
from playground.model.shapes import StackError
from playground.registry import task_metrics
from playground.runs.units import standardised
from playground.training.result import COMPLETED, ENDED, QUEUED
from ui import lesson, runs, services, state

POLL_SECONDS = 1.0
CROSSVAL = "crossval"
REFUSED = (ConfigError, FoldError, DataUnavailable, CsvError, StackError)

st.title(tr("Cross-validate"))
st.caption(tr("One validation split can be lucky or unlucky, and more so with little "
              "data. k-fold cross-validation splits the training part (train and "
              "validation together; the test part is left alone) into k folds and "
              "trains these settings k times: each run validates on one fold and trains "
              "on the others. The mean and the spread of the k scores say how good the "
              "settings are, and how sure that is. Each run is an ordinary saved run."))

exp = state.experiment()


def start(k: int) -> None:
    refusal = lesson.training_refusal(exp)
    if refusal is not None:
        state.notify(refusal, "warning")
        return
    try:
        validation = CrossValidation(exp, k, services.session_submitter(in_lesson=True))
        validation.creator = runs.browser_id()
        st.session_state[CROSSVAL] = validation.start()
    except REFUSED as error:
        state.notify(tr("Cannot cross-validate: {error}", error=error), "error")
    except HostSettingError as error:
        state.notify(tr("This server cannot train right now: one of its settings is "
                        "wrong, which its host must fix. {error}", error=error), "error")


def stop(validation: CrossValidation) -> None:
    if runs.may_change(validation.creator):  # a widget can be forged
        validation.stop()


def settings() -> None:
    """k, what each fold trains on, and Start (or why not)."""
    current = st.session_state.get(CROSSVAL)
    running = current is not None and not current.done
    with st.container(border=True):
        k = int(st.number_input(tr("Folds (k)"), MIN_FOLDS, MAX_FOLDS, DEFAULT_FOLDS,
                                key="cv_k", help=tr("Each fold trains one model: k runs "
                                                    "of the current settings.")))
        try:
            check_experiment(exp)
            data = experiment_data(exp)
            check_folds(exp, k, data)
        except REFUSED as error:
            st.error(str(error))
            return
        rows = len(data.y_train) + len(data.y_val)
        st.caption(tr_n(
            "{k} runs of {epochs} epoch: each trains on about {train} of the {rows} rows "
            "of the training part and validates on the other {held}; the {test} test "
            "rows are not used.",
            "{k} runs of {epochs} epochs: each trains on about {train} of the {rows} rows "
            "of the training part and validates on the other {held}; the {test} test "
            "rows are not used.", exp.epochs, k=k, epochs=exp.epochs,
            train=format(rows - rows // k, ","), rows=format(rows, ","),
            held=format(rows // k, ","), test=format(len(data.y_test), ",")))
        refusal = lesson.training_refusal(exp)
        if refusal is not None:
            st.warning(refusal)
            return
        st.button(tr("Start cross-validation"), type="primary", disabled=running,
                  key="cv_start", on_click=start, args=(k,))


def fold_table(validation: CrossValidation, metrics: list[str]) -> pd.DataFrame:
    """One row per fold: its progress, status, final validation values and run."""
    finals = validation.finals()
    rows = []
    for row, final in zip(validation.folds(), finals):
        status = row["status"]
        said = status == QUEUED or status in ENDED and status != COMPLETED
        message = translated(row["message"]) if said else ""
        rows.append({tr("Fold"): row["fold"],
                     tr("Progress"): row["epoch"] / max(row["epochs"], 1),
                     tr("Epochs"): f"{row['epoch']}/{row['epochs']}",
                     tr("Status"): tr(status),
                     **{m: (final or {}).get(m) for m in metrics},
                     tr("Run"): f"/train?run={row['run_id']}",
                     tr("Message"): message})
    return pd.DataFrame(rows)


def summary_table(validation: CrossValidation) -> pd.DataFrame:
    """One row per metric: mean, standard deviation and each fold's value."""
    rows = []
    for s in validation.summary():
        rows.append({tr("Metric"): s.metric,
                     tr("Mean ± std"): f"{s.mean:.4f} ± {s.std:.4f}",
                     tr("Mean"): s.mean, tr("Std"): s.std,
                     **{tr("fold {fold}", fold=i): v
                        for i, v in enumerate(s.values, start=1)}})
    return pd.DataFrame(rows)


def results(validation: CrossValidation) -> None:
    """Progress per fold while the folds train, then the mean ± std table;
    the folds' validation curves throughout."""
    task = data_spec_of(validation.experiment).task
    metric = task_metrics(task)[0]
    headline = ["val_loss", f"val_{metric}"]
    folds = validation.folds()
    running = sum(f["status"] not in ENDED and f["status"] != QUEUED for f in folds)
    waiting = sum(f["status"] == QUEUED for f in folds)
    line = (tr_n("{done} of {count} fold ended", "{done} of {count} folds ended",
                 validation.k, done=validation.ended())
            + " · " + tr("{count} running", count=running)
            + " · " + tr("{count} waiting", count=waiting))
    st.progress(validation.ended() / validation.k, text=line)
    if validation.experiment != exp:
        st.caption(tr("These folds trained the settings as they were when you pressed "
                      "Start; the settings have changed since."))
    if not validation.done:
        mine = runs.may_change(validation.creator)
        st.button(tr("Stop cross-validation"), key="cv_stop", disabled=not mine,
                  on_click=stop, args=(validation,))
    run_column = tr("Run")
    st.dataframe(fold_table(validation, headline), hide_index=True, key="cv_folds",
                 column_config={
                     tr("Progress"): st.column_config.ProgressColumn(
                         tr("Progress"), min_value=0.0, max_value=1.0, format="percent"),
                     run_column: st.column_config.LinkColumn(
                         run_column, display_text=tr("open"),
                         help=tr("Opens the fold's run on Train.")),
                     **{m: st.column_config.NumberColumn(format="%.4f")
                        for m in headline}})
    scaled = standardised(validation.experiment)
    if validation.done:
        counted = validation.counted()
        if counted:
            summary = {s.metric: s for s in validation.summary()}
            st.subheader(tr("Mean ± standard deviation over the folds"))
            cols = st.columns(len(headline))
            for col, name in zip(cols, headline):
                if name in summary:
                    col.metric(name, f"{summary[name].mean:.4f} ± {summary[name].std:.4f}")
            st.caption(tr_n(
                "Each run's values at its end (the kept epoch, with early stopping's best "
                "weights), over {count} completed fold of {k}.",
                "Each run's values at its end (the kept epoch, with early stopping's best "
                "weights), over {count} completed folds of {k}.", counted, k=validation.k)
                + (" " + tr("Losses and MAE are in the standardised units of the target.")
                   if scaled else ""))
            st.dataframe(summary_table(validation), hide_index=True, key="cv_summary",
                         column_config={
                             name: st.column_config.NumberColumn(format="%.4f")
                             for name in [tr("Mean"), tr("Std"), *(
                                 tr("fold {fold}", fold=i)
                                 for i in range(1, validation.k + 1))]})
        else:
            st.warning(tr("No fold completed, so there is nothing to sum up: see each "
                          "fold's status above."))
    st.plotly_chart(fold_curves_figure([f["history"] for f in folds], ("loss", metric),
                                       validation.experiment.epochs, scaled),
                    key="cv_curves")


def live() -> None:
    validation = st.session_state.get(CROSSVAL)
    if validation is None:
        return

    @st.fragment(run_every=None if validation.done else POLL_SECONDS)
    def view() -> None:
        results(validation)
        if validation.done and st.session_state.get("cv_polling"):
            st.session_state["cv_polling"] = False
            st.rerun()  # Start is enabled again
        st.session_state["cv_polling"] = not validation.done

    view()


if state.data_ready(exp):
    settings()
    live()
