"""Evaluate page sections for the test set: metrics, figures, samples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from playground import charts
from playground.datasets.keras_loading import decode_tokens, word_index
from playground.evaluation import baselines, figures, metrics
from playground.evaluation.own_input import readable_rows
from playground.i18n import mark, tr
from playground.keras_work import keras_work
from playground.registry import metric_label
from ui.user_text import escape_markdown


def words_by_id(name: str) -> dict[int, str] | None:
    """Keras' word index of a token dataset (read-only, shared by sessions),
    loaded in a worker process; None when it cannot be had (offline)."""
    with st.spinner(tr("Loading the word index…")):
        return _words_by_id(name)


@st.cache_resource(show_spinner=False)
def _words_by_id(name: str) -> dict[int, str] | None:
    return keras_work(word_index, name)


def show_samples(data, indices: np.ndarray, captions: list[str], title: str,
                 key: str, none: str = mark("No test sample here.")) -> None:
    """Test samples as their kind is read: images, reviews, points or rows;
    `none` says why there are none."""
    if len(indices) == 0:
        st.caption(tr(none))
        return
    kind = data.info.input_kind
    x = data.x_test[indices]
    if kind == "image":
        st.plotly_chart(charts.image_mosaic(x, np.arange(len(indices)), tuple(captions),
                                            columns=6, title=title), key=key)
    elif kind == "tokens":
        index = words_by_id(data.info.name)
        if index is None:
            st.caption(tr("The word index could not be loaded (offline?): reviews are "
                          "shown as token ids."))
        texts = [decode_tokens(row, index) if index else " ".join(map(str, row[row > 0]))
                 for row in x]
        st.dataframe(pd.DataFrame({tr("test row"): indices, title: captions,
                                   tr("text"): texts}),
                     hide_index=True)
    elif data.info.input_shape == (2,):
        st.plotly_chart(figures.highlighted_points(data.x_test, data.y_test, indices,
                                                   data.info.class_names, title), key=key)
    else:
        config = {}
        if data.test_rows is not None:  # a table's rows as read, in its own units
            rows = data.test_rows.iloc[indices]
            frame = rows.reset_index(drop=True)
            # The file's own row, as the Data page numbers it: a test row
            # can be found in the file even when its id column was left out.
            frame.insert(0, tr("row in the file"), rows.index.to_numpy())
            config[tr("row in the file")] = st.column_config.NumberColumn(help=tr(
                "The row's number in the file, as the Data page's table shows it: "
                "data rows counted from 0, the header line not counted."))
        else:
            names, values = readable_rows(data, x)
            frame = pd.DataFrame(values, columns=list(names))
        header = title if title not in frame.columns else f"({title})"
        frame.insert(0, header, captions)  # headed by what the captions say
        frame.insert(0, tr("test row"), indices)
        st.dataframe(frame, hide_index=True, column_config=config)


def _selected_cell(event) -> tuple[int, int] | None:
    points = getattr(getattr(event, "selection", None), "points", None) or []
    for point in points:
        data = point.get("customdata")
        if isinstance(data, (list, tuple)) and len(data) == 2:
            return int(data[0]), int(data[1])
    return None


REPORT_COLUMNS = (mark("precision"), mark("recall"), mark("f1"), mark("support"))
"""scikit-learn's report columns, translated on screen."""


def classification(data, proba: np.ndarray) -> None:
    """Report, confusion matrix (click a cell for its samples), ROC and PR
    curves with a threshold for two classes, and the most confident errors."""
    names, y_true = tuple(map(str, data.info.class_names)), data.y_test
    binary = proba.shape[1] == 2
    threshold = None
    if binary:
        threshold = st.slider(
            tr("Decision threshold: predict {positive} when its probability is at "
               "least", positive=escape_markdown(repr(names[1]))),
            0.01, 0.99, metrics.BINARY_THRESHOLD, 0.01, key="eval_threshold")
    summary = metrics.classification_summary(y_true, proba, names, threshold)
    y_pred = metrics.predicted_classes(proba, threshold)
    cols = st.columns(4)
    cols[0].metric(tr("Accuracy"), f"{summary['accuracy']:.3f}")
    cols[1].metric(tr("Macro F1"), f"{summary['macro']['f1']:.3f}")
    cols[2].metric(tr("Weighted F1"), f"{summary['weighted']['f1']:.3f}")
    auc = summary["roc_auc"]
    cols[3].metric("ROC AUC" if binary else tr("ROC AUC (one-vs-rest)"),
                   tr("n/a") if auc is None else f"{auc:.3f}")
    rows = {**summary["per_class"], tr("macro average"): summary["macro"],
            tr("weighted average"): summary["weighted"]}
    report = pd.DataFrame.from_dict(rows, orient="index")
    st.dataframe(report.rename(columns=tr).rename_axis(tr("class")), key="eval_report")

    normalized = st.toggle(tr("Show rates (each row sums to 1)"), key="eval_normalize")
    matrix = metrics.confusion(y_true, y_pred, len(names), normalized)
    event = st.plotly_chart(figures.confusion_figure(matrix, names, normalized),
                            key="eval_confusion", on_select="rerun",
                            selection_mode="points")
    cell = _selected_cell(event)
    if cell is None:
        st.caption(tr("Click a cell to see the test samples behind it."))
    else:
        true_class, predicted = cell
        picked = metrics.cell_samples(y_true, y_pred, true_class, predicted)[:24]
        show_samples(data, picked, [f"p={proba[i, predicted]:.2f}" for i in picked],
                     tr("True {true}, predicted {predicted}", true=names[true_class],
                        predicted=names[predicted]),
                     "eval_cell_samples")

    point = metrics.operating_point(y_true, proba, threshold) if binary else None
    left, right = st.columns(2)
    left.plotly_chart(figures.curves_figure(
        metrics.roc_curves(y_true, proba, names), "roc",
        (point["fpr"], point["tpr"]) if point else None), key="eval_roc")
    right.plotly_chart(figures.curves_figure(
        pr := metrics.pr_curves(y_true, proba, names), "pr",
        (point["recall"], point["precision"]) if point else None), key="eval_pr")
    if len(pr) > 1:
        right.caption(tr("Macro average precision: {score}",
                         score=format(pr[-1]["score"], ".3f")))

    st.subheader(tr("Most confidently wrong"))
    wrong = metrics.confidently_wrong(y_true, proba, 12, threshold)
    show_samples(data, wrong, [f"{names[y_true[i]]}→{names[y_pred[i]]} "
                               f"({proba[i, y_pred[i]]:.2f})" for i in wrong],
                 tr("True → predicted (confidence)"), "eval_wrong",
                 none=tr("No test sample is wrong at this threshold.") if binary
                 else tr("No test sample is wrong."))


def regression(data, values: np.ndarray) -> None:
    """MAE, RMSE and R² (also in original units), predicted vs true, residuals."""
    scaler = data.target_scaler
    scaled = metrics.regression_summary(data.y_test, values)
    y_true = metrics.original_units(data.y_test, scaler)
    y_pred = metrics.original_units(values, scaler)
    own = metrics.regression_summary(y_true, y_pred)
    cols = st.columns(3)
    for col, (name, label) in zip(cols, (("mae", "MAE"), ("rmse", "RMSE"), ("r2", "R²"))):
        in_units = scaler is not None and name != "r2"  # R² has no unit
        col.metric(tr("{metric} (target's units)", metric=label) if in_units else label,
                   f"{own[name]:.4g}")
    if scaler is not None:
        st.caption(tr("The network learned standardised targets; there its MAE is {mae} "
                      "and RMSE {rmse} (R² is the same in both units).",
                      mae=format(scaled["mae"], ".4g"), rmse=format(scaled["rmse"], ".4g")))
    st.plotly_chart(figures.predicted_vs_true(y_true, y_pred, ""), key="eval_pred_true")
    left, right = st.columns(2)
    histogram, scatter = figures.residual_figures(y_true, y_pred)
    left.plotly_chart(histogram, key="eval_residual_hist")
    right.plotly_chart(scatter, key="eval_residual_scatter")
    st.subheader(tr("Largest errors"))
    worst = metrics.largest_errors(y_true, y_pred, 12)
    # The captions' column says what it holds; the subheader names the section.
    show_samples(data, worst, [f"{y_true[i]:.3g} → {y_pred[i]:.3g}" for i in worst],
                 tr("True → predicted"), "eval_worst")


def _score_columns(scores: dict) -> dict:
    """Scores under the names the page uses elsewhere (`macro_f1` → Macro F1)."""
    return {_capitalised(metric_label(name)): value for name, value in scores.items()}


def _capitalised(label: str) -> str:
    return label[:1].upper() + label[1:]


AUTO_FIT_SECONDS = 2.0
"""Baselines estimated to fit faster than this are fitted when the tab
opens; slower ones wait for the learner's click, with the estimate shown."""


def _held(name: str, run_id: str):
    """The value kept under ``name`` for this run, or None: a value kept for
    another run is stale once a new run is evaluated."""
    held = st.session_state.get(name)
    return held[1] if held is not None and held[0] == run_id else None


def _keep(name: str, run_id: str, value):
    st.session_state[name] = (run_id, value)
    return value


def per_run(name: str, run_id: str, compute):
    """One value per run, computed once and kept in the session until another
    run is evaluated."""
    held = _held(name, run_id)
    return held if held is not None else _keep(name, run_id, compute())


def _listed(names: list[str]) -> str:
    """`"a, b and c"` in the reader's language."""
    return tr(" and ").join([tr(", ").join(names[:-1]), names[-1]] if len(names) > 2
                            else names)


def fitted_baselines(data, exp, run_id: str) -> list | None:
    """The run's fitted baselines, once per run; None until the learner asks
    for baselines that take a while, after saying how long they take."""
    fitted = _held("baselines_fitted", run_id)
    if fitted is not None:
        return fitted
    guess = _held("baselines_estimate", run_id)
    if guess is None:
        with st.spinner(tr("Timing the baselines on a small sample…")):
            guess = keras_work(baselines.estimate_for, exp, exp.seed, experiment=exp)
        _keep("baselines_estimate", run_id, guess)
    about = (tr("about {seconds} s", seconds=format(guess.seconds, ".0f"))
             if guess.seconds >= 1 else tr("under a second"))
    if guess.seconds > AUTO_FIT_SECONDS:
        offer = st.empty()
        with offer.container():
            st.caption(tr("Fitting {models} on {rows} training rows takes {about} here "
                          "(timed on {sample} rows).",
                          models=_listed([tr(name) for name in baselines.model_names(data.info.task)]),
                          rows=format(guess.rows, ","), about=about,
                          sample=format(guess.measured_on, ",")))
            if not st.button(tr("Fit the baselines ({about})", about=about),
                             key="fit_baselines"):
                return None
        offer.empty()
    with st.spinner(tr("Fitting the baselines ({about})…", about=about)):
        fitted = keras_work(baselines.fit_for, exp, exp.seed, experiment=exp)
    return _keep("baselines_fitted", run_id, fitted)


def baseline_table(data, network: dict, results: list, network_seconds: float) -> None:
    """The network beside the scikit-learn baselines, and what was skipped;
    `network_seconds` is its training time, every epoch included."""
    model, seconds = tr("Model"), tr("Fit time (s)")
    rows = [{model: tr("your network"), **_score_columns(network),
             seconds: round(network_seconds, 2)}]
    rows += [{model: tr(b.name), **_score_columns(b.scores),
              seconds: round(b.seconds, 2) if b.seconds is not None else None}
             for b in results if not b.skipped]
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="eval_baselines",
                 column_config={seconds: st.column_config.NumberColumn(
                     help=tr("Seconds to fit each model; the network's are its "
                             "training time, every epoch included."))})
    for b in results:
        if b.skipped:
            st.caption(tr("{model} was skipped: {reason}.", model=tr(b.name),
                          reason=b.skipped))
        elif b.note:
            st.caption(tr("{model}: {note}.", model=tr(b.name), note=b.note))
