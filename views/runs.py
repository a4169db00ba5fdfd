"""Runs page: every saved run in a table; open, rename, note, delete, compare."""

import datetime as dt

import pandas as pd
import streamlit as st

from playground.export.csv_table import safe_csv
from playground.i18n import mark, tr
from playground.registry import metric_label
from playground.runs import RunNotFound, StoreUnavailable, compare, units
from playground.runs.follow import handle_for
from ui import checkpoints, runs, state
from ui.user_text import escape_markdown

st.title(tr("Runs"))
st.caption(tr("Every run is saved: finished, stopped, diverged or failed. Select one "
              "to open, rename or delete it, or 2 to {most} to compare them.",
              most=compare.MAX_COMPARED))

# The table's columns, named in English in the frame and translated on screen.
# A comment, not a docstring: Streamlit writes a page's bare strings on screen.
COLUMNS = (mark("Name"), mark("Status"), mark("Best validation"), mark("Created"),
           mark("Epochs"), mark("Dataset"), mark("Model"), mark("Optimizer"),
           mark("Learning rate"))


def table(summaries, experiments: dict) -> pd.DataFrame:
    """One row per run, newest first; the id stays as the index. What a run
    achieved comes before its settings, which its default name repeats, so
    a narrow window cuts the settings, not the results. Figures are in the
    units the Train and Evaluate pages give them (a standardised target's
    MAE in the target's own units), statuses in the reader's language; a
    metric a run does not have reads "—" (a regression run's accuracy)."""
    rows = [{
        "Name": s.name, "Status": tr(s.status),
        "Best validation": units.best_text(s.best_metric, s.best_value,
                                           experiments.get(s.id)),
        **{tr("Test {metric}", metric=metric_label(k)):
           f"{units.metric_value(k, v, experiments.get(s.id)):.4g}"
           for k, v in s.test_metrics.items()},
        "Created": dt.datetime.fromtimestamp(s.created_at),
        "Epochs": s.epochs_run, "Dataset": s.dataset, "Model": s.model,
        "Optimizer": s.optimizer, "Learning rate": s.learning_rate,
    } for s in summaries]
    frame = pd.DataFrame(rows, index=[s.id for s in summaries])
    # Beside the best, however the runs' tasks mix; as text, so that a metric
    # a run lacks reads "—" (the table shows a missing number as "None").
    tests = [c for c in frame.columns if c not in COLUMNS]
    frame[tests] = frame[tests].fillna("—")
    return frame[[*COLUMNS[:3], *tests, *COLUMNS[3:]]]


def regression_experiments(store, summaries) -> dict:
    """The experiments of the runs whose figures may need the target's units
    (no accuracy: regression), read in one query."""
    ids = [s.id for s in summaries if s.best_metric != "val_accuracy"
           and "accuracy" not in s.test_metrics]
    try:
        return store.experiments(ids) if ids else {}
    except StoreUnavailable:
        return {}


def filtered(frame: pd.DataFrame) -> pd.DataFrame:
    cols = st.columns([3, 2, 2])
    text = cols[0].text_input(tr("Filter by name"), key="runs_filter",
                              placeholder=tr("e.g. spiral, Adam"))
    statuses = cols[1].multiselect(tr("Status"), sorted(frame["Status"].unique()),
                                   key="runs_status",
                                   placeholder=tr("Choose options"))
    datasets = cols[2].multiselect(tr("Dataset"), sorted(frame["Dataset"].unique()),
                                   key="runs_dataset",
                                   placeholder=tr("Choose options"))
    if text:
        frame = frame[frame["Name"].str.contains(text, case=False, regex=False)]
    if statuses:
        frame = frame[frame["Status"].isin(statuses)]
    if datasets:
        frame = frame[frame["Dataset"].isin(datasets)]
    return frame


def open_in_session(store, record) -> None:
    state.replace_experiment(record.experiment)
    state.set_job(handle_for(store, record))


def one_run(store, record) -> None:
    """Open, rename, note and delete the selected run."""
    st.subheader(escape_markdown(record.name))
    if record.note:
        st.text(record.note)
    if record.parent_id:
        checkpoints.parent_caption((record.parent_id, record.start_epoch or 0))
    checkpoints.downloads(record.experiment, record, record.id)
    cols = st.columns([1, 1, 4])
    if cols[0].button(tr("Open in Train"), type="primary", key="runs_open"):
        open_in_session(store, record)
        st.switch_page("views/train.py")
    if not runs.may_change(record.owner):
        cols[2].caption(runs.not_yours_line(record.owner))
        return
    if cols[1].button(tr("Delete"), key="runs_delete"):
        store.delete(record.id)
        st.rerun()
    with st.form("runs_rename"):
        name = st.text_input(tr("Name"), record.name, max_chars=120)
        note = st.text_area(tr("Note"), record.note, max_chars=2000,
                            placeholder=tr("What did you change, what did you see?"))
        if st.form_submit_button(tr("Save name and note")):
            store.rename(record.id, name=name.strip() or record.name, note=note)
            st.rerun()


def several_runs(store, records) -> None:
    """The selected runs' curves, settings and test metrics side by side."""
    names = [r.name for r in records]
    if len(set(names)) < len(names):  # "Train again" gives runs one name
        names = [f"{r.name} ({r.id[:6]})" for r in records]
    histories = [r.history for r in records]
    st.subheader(tr("Comparing {count} runs", count=len(records)))
    metrics = compare.shared_metrics(histories)
    for first, second in compare.same_curves(names, histories):
        st.caption(tr("{first} and {second} have the same curves (the same settings "
                      "and seed train alike): the thin line of {second} lies on the "
                      "wide line of {first}.", first=first, second=second))
    for tab, metric in zip(st.tabs(metrics), metrics):
        tab.plotly_chart(compare.curves_figure(names, histories, metric),
                         key=f"compare_{metric}")
    rows, differing = compare.shown_settings([r.experiment for r in records])
    settings = pd.DataFrame(rows, index=names).T
    st.markdown(tr("**Settings**: the ones that differ come first, highlighted"))
    st.dataframe(settings.style.apply(
        lambda row: ["background-color: #fff3b0" if row.name in differing else ""
                     for _ in row], axis=1))
    if any(r.test_metrics for r in records):
        in_units = [{key: units.metric_value(key, value, r.experiment)  # as the table
                     for key, value in r.test_metrics.items()} for r in records]
        st.plotly_chart(compare.test_metrics_figure(names, in_units), key="compare_test")
    if not all(runs.may_change(r.owner) for r in records):
        st.caption(tr("Some of these runs are not yours: they can be compared here, "
                      "but only their owners can delete them."))
    elif st.button(tr("Delete these {count} runs", count=len(records)),
                   key="runs_delete_many"):
        for record in records:
            store.delete(record.id)
        st.rerun()


def page() -> None:
    store = runs.store()
    if store is None:
        st.info(tr("Runs cannot be listed: the run store is not available (see the "
                   "message above)."))
        return
    try:
        summaries = runs.visible_runs(store)
    except StoreUnavailable as error:
        st.warning(tr("Runs cannot be listed: {error}", error=error))
        return
    if not summaries:
        st.info(tr("No runs yet. Train a model: every run is saved here."))
        return
    frame = filtered(table(summaries, regression_experiments(store, summaries)))
    st.download_button(tr("Download as CSV"), lambda: safe_csv(frame), "runs.csv",
                       "text/csv", key="runs_csv",
                       help=tr("The table as shown; a cell that a spreadsheet would "
                               "run as a formula is written as text."))
    picked = st.dataframe(frame.rename(columns=tr), on_select="rerun",
                          selection_mode="multi-row", key="runs_table", hide_index=True,
                          column_config={
                              tr("Learning rate"): st.column_config.NumberColumn(
                                  format="%g"),
                              tr("Created"): st.column_config.DatetimeColumn(
                                  format="YYYY-MM-DD HH:mm")})
    ids = [frame.index[i] for i in picked.selection.rows if i < len(frame)]
    if not ids:
        return
    if len(ids) > compare.MAX_COMPARED:
        st.warning(tr("Select at most {most} runs to compare; {count} are selected.",
                      most=compare.MAX_COMPARED, count=len(ids)))
        return
    try:
        records = [store.load(run_id) for run_id in ids]
    except (RunNotFound, StoreUnavailable) as error:
        st.warning(tr("A selected run could not be opened: {error}", error=error))
        return
    if len(records) == 1:
        one_run(store, records[0])
    else:
        several_runs(store, records)


page()
