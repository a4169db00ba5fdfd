"""Evaluate page: predict on the user's own input, prepared as in training."""

from __future__ import annotations

import numpy as np
import streamlit as st

from playground import charts
from playground.datasets import DATASETS
from playground.datasets.source import kept_dataset, prepared_table, target_of
from playground.evaluation import figures
from playground.evaluation.metrics import original_units
from playground.evaluation.own_input import (
    InputError,
    prepare_drawing,
    prepare_row,
    review_tokens,
    table_columns,
)
from playground.i18n import tr, tr_n
from playground.inspection.activations import layer_outputs
from playground.keras_work import keras_work
from ui import canvas
from ui.evaluation import words_by_id
from ui.user_text import escape_markdown

DRAWN = {"digits": 8, "mnist": 28, "mnist-seven": 28, "fashion-mnist": 28}


def show_prediction(exp, weights, data, sample: np.ndarray, run_id: str) -> None:
    """The model's output for one prepared sample, and every layer's activations."""
    *hidden, (_, output) = keras_work(layer_outputs, exp, weights, sample, run_id,
                                      experiment=exp)
    if data.info.task == "regression":  # named by the target column, whose unit it is
        value = float(original_units(output[:1], data.target_scaler)[0])
        target = target_of(exp)
        st.metric(tr("Predicted {target}", target=target) if target else tr("Prediction"),
                  f"{value:.4g}")
    else:
        names = tuple(map(str, data.info.class_names))
        probabilities = output if len(output) > 1 else np.array([1 - output[0],
                                                                output[0]])
        best = int(np.argmax(probabilities))
        st.metric(tr("Prediction"), names[best])
        st.caption(tr("Probability {value}", value=format(probabilities[best], ".2f")))
        figure = charts.prediction_figure(output, names, best)
        figure.update_layout(title=tr("Predicted probabilities (the predicted class "
                                      "outlined)"))
        st.plotly_chart(figure, key="own_prediction")
    with st.expander(tr("Every layer's activations for this input")):
        for name, values in hidden:
            st.plotly_chart(charts.activation_figure(name, values),
                            key=f"own_act_{name}")


def drawn_size(data) -> int | None:
    """The side of the images a drawing becomes for this data, or None when
    drawing does not fit it: the digit sets, and a table of 28×28 grey pixels
    (Kaggle's digit file), read as MNIST's digits are."""
    if data.info.name in DRAWN:
        return DRAWN[data.info.name]
    return 28 if tuple(data.info.input_shape) == (28, 28, 1) else None


def _drawing(data, size: int):
    if data.info.name not in DRAWN:
        st.caption(tr("Draw a digit. It is cropped to the ink, scaled and centred by mass "
                      "into a 28×28 image, as MNIST's digits are: this table's 28×28 "
                      "images are taken to be like them."))
    elif size == 28:
        st.caption(tr("Draw a digit. It is cropped to the ink, scaled and centred by mass "
                      "into a 28×28 image, as the training digits were."))
    else:
        st.caption(tr("Draw a digit. It is cropped to the ink, scaled and centred in its "
                      "box into a {size}×{size} image, as the training digits were.",
                      size=size))
    left, right = st.columns([3, 2])
    with left:
        ink = canvas.drawing("own_canvas")
    if ink is None:
        st.info(tr("Draw a digit on the black square to see what the model predicts."))
        return None
    try:
        image = prepare_drawing(ink, size)
    except InputError as error:
        st.warning(str(error))
        return None
    right.plotly_chart(charts.image_mosaic(image[None], np.array([0]),
                                           (tr("what the model sees"),), columns=1,
                                           title=tr("Your drawing, {size}×{size}",
                                                    size=size)),
                       key="own_prepared")
    return image


def _review(exp, data):
    index = words_by_id(data.info.name)
    if index is None:
        st.warning(tr("The word index of {dataset} could not be loaded (it is downloaded "
                      "once, and this machine seems offline), so typed text cannot be "
                      "turned into the model's word ids.", dataset=data.info.shown_label))
        return None
    review = data.info.name == "imdb"
    text = st.text_area(tr("Your review") if review else tr("Your text"), key="own_review",
                        max_chars=5000,
                        placeholder=tr("A wonderful film with a moving story…")
                        if review else tr("Oil prices rose sharply today…"))
    if not text.strip():
        st.info(tr("Type a review to see the predicted sentiment.") if review else
                tr("Type a news text to see the predicted topic."))
        return None
    word_ids = {word: i - 3 for i, word in index.items() if i > 2}
    try:
        review = review_tokens(text, word_ids, exp.num_words, exp.maxlen)
    except InputError as error:
        st.warning(str(error))
        return None
    known = tr_n("{count} known word", "{count} known words", len(review.known))
    st.caption(tr("{known}; out of the vocabulary (read as one unknown word): {words}",
                  known=known, words=", ".join(review.unknown[:30])) if review.unknown
               else tr("{known}; every word is in the vocabulary.", known=known))
    return review.tokens


def _plane(data):
    # The click arrives in the chart's state before the chart is drawn again,
    # so the point it placed is drawn on the plane in the same rerun.
    event = st.session_state.get("own_plane") or {}
    points = (event.get("selection") or {}).get("points") or []
    clicked = (float(points[-1]["x"]), float(points[-1]["y"])) if points else None
    # A selection stays in every later rerun: apply a click once, so that the
    # number fields can still be edited after it.
    if clicked is not None and clicked != st.session_state.get("own_plane_applied"):
        st.session_state["own_plane_applied"] = clicked
        st.session_state["own_x1"], st.session_state["own_x2"] = clicked
    st.session_state.setdefault("own_x1", 0.0)
    st.session_state.setdefault("own_x2", 0.0)
    point = (st.session_state["own_x1"], st.session_state["own_x2"])
    st.plotly_chart(figures.click_plane(data.x_train, data.y_train,
                                        data.info.class_names, point=point),
                    key="own_plane", on_select="rerun", selection_mode="points")
    cols = st.columns(2)
    x1 = cols[0].number_input("x1", key="own_x1", format="%.3f")
    x2 = cols[1].number_input("x2", key="own_x2", format="%.3f")
    return np.array([x1, x2], dtype=np.float32)


def _form(exp, data):
    raw = None
    if DATASETS[exp.dataset].source == "table":
        if kept_dataset(exp.upload) is not None:  # a stored run opened by its link
            st.info(tr("A row of your own is read like the file's rows: by the CSV file's "
                       "columns and the preparation fitted on them. A stored run keeps its "
                       "prepared data, not the file: upload {file} on the Data page and "
                       "train on it to fill in a row.",
                       file=escape_markdown(exp.csv_name or tr("the CSV file"))))
            return None
        raw = prepared_table(exp).features
    columns = table_columns(data, raw)
    values, cols = {}, st.columns(3)
    for i, column in enumerate(columns):
        where = cols[i % 3]
        if column.choices:
            values[column.name] = where.selectbox(column.name, column.choices,
                                                  key=f"own_col_{i}",
                                                  index=column.choices.index(column.default))
        else:  # whole numbers as such (rooms 3, not 3.00), under a key of their own
            values[column.name] = where.number_input(
                column.name, value=int(column.default) if column.whole
                else float(column.default), step=1 if column.whole else None,
                key=f"own_col_{i}_whole" if column.whole else f"own_col_{i}",
                help=tr("In training: {low} to {high}", low=format(column.low, "g"),
                        high=format(column.high, "g")))
    x, notes = prepare_row(values, data, columns, as_frame=raw is not None)
    for note in notes:
        st.caption(escape_markdown(str(note)))
    return x[0]


def own_input(exp, weights, data, run_id: str) -> None:
    """A drawing, a review, a point or a table row, and the model's answer."""
    kind, size = data.info.input_kind, drawn_size(data)
    if kind == "image" and size:
        sample = _drawing(data, size)
    elif kind == "image":
        st.info(tr("Your own input is drawn for digit sets (scikit-learn's digits, MNIST, "
                   "a table of 28×28 grey pixels); this model reads other images."))
        return
    elif kind == "tokens":
        sample = _review(exp, data)
    elif data.info.input_shape == (2,) and DATASETS[exp.dataset].synthetic:
        sample = _plane(data)
    else:
        sample = _form(exp, data)
    if sample is not None:
        show_prediction(exp, weights, data, sample, run_id)
