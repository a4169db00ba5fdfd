"""Previews on the Data page, one per kind of data: plane, images, text, table."""

from __future__ import annotations

import streamlit as st

from playground import charts
from playground.charts.svg_figures import class_balance_svg, plane_svg
from playground.datasets import Dataset
from playground.datasets.splits import original_units
from playground.i18n import mark, tr
from ui.user_text import escape_markdown

REVIEWS_SHOWN = 3
PREVIEW_ROWS = 200
"""Rows of a CSV file shown (and drawn in the scatter matrix): a random
sample when the file has more."""
SUMMARY_HEADERS = {"name": mark("column"), "kind": mark("kind"),
                   "missing": mark("missing"), "distinct": mark("distinct values"),
                   "example": mark("example")}
COLUMN_KINDS = {"number": mark("number"), "category": mark("category"),
                "text": mark("text"), "empty": mark("empty")}
"""The column summary's headers and kinds, translated where shown."""


@st.cache_resource(show_spinner=False)
def _word_index(name: str):
    from playground.datasets.keras_loading import word_index

    return word_index(name)  # read-only, the same for every user


def text_preview(data: Dataset, base: str) -> None:
    """A few texts decoded back to words, so the numbers mean something."""
    from playground.datasets.keras_loading import decode_tokens

    index = _word_index(base)
    st.markdown(tr("**A few training texts**, decoded from their token ids"))
    for tokens, label in zip(data.x_train[:REVIEWS_SHOWN], data.y_train[:REVIEWS_SHOWN]):
        words = (decode_tokens(tokens, index) if index is not None
                 else " ".join(str(t) for t in tokens if t))
        st.caption(escape_markdown(str(data.info.class_names[int(label)])))
        st.text(words)
    if index is None:
        st.caption(tr("The word list could not be downloaded, so the texts are shown as "
                      "token ids (1 starts a text, 2 is a word outside the vocabulary)."))


def varying_columns(sample, target: str, count: int = 3) -> list[str]:
    """The first numeric columns whose values vary in the sample, for the
    scatter matrix to open on (a pixel or sensor table starts with columns
    that are all zero)."""
    numeric = [c for c in sample.columns if sample[c].dtype.kind in "if" and c != target]
    return [c for c in numeric if sample[c].nunique() > 1][:count]


def table_preview(table, prepared, data: Dataset) -> None:
    """A sample of the raw CSV, its column summary, the preprocessing steps
    and a scatter matrix of a few chosen columns. Names and values from the
    file are drawn as plain text or in tables, never as Markdown, where a
    bare URL becomes a link."""
    from playground.datasets.csv_columns import column_summary
    from playground.datasets.table_preparation import fill_step

    st.markdown(tr("**The file**"))
    if len(table) > PREVIEW_ROWS:
        st.caption(tr("{shown} of {rows} rows, drawn at random (the file has {columns} "
                      "columns).", shown=PREVIEW_ROWS, rows=format(len(table), ","),
                      columns=format(table.shape[1], ",")))
        sample = table.sample(PREVIEW_ROWS, random_state=0).sort_index()
    else:
        sample = table
    if prepared.target in sample.columns:  # what is predicted, first and in sight
        sample = sample[[prepared.target, *(c for c in sample.columns
                                            if c != prepared.target)]]
        st.caption(tr("The column to predict, {target}, comes first.",
                      target=escape_markdown(prepared.target)))
    st.dataframe(sample, height=220)
    st.markdown(tr("**Columns**"))
    st.dataframe(readable_summary(column_summary(table)), hide_index=True, height=220)
    st.markdown(tr("**Preprocessing**"))
    steps = [*prepared.steps]  # shared by every session: read in this one's language
    learned = fill_step(prepared, data.preprocessor)
    if learned:
        steps.insert(-1, learned)
    st.text("\n".join(f"{i}. {step}" for i, step in enumerate(steps, 1)))
    if prepared.image_shape:  # pixels: the image grid below shows them
        return
    chosen = st.multiselect(tr("Scatter matrix of"), list(table.columns),
                            default=varying_columns(sample, prepared.target),
                            max_selections=5, key="scatter_columns",
                            placeholder=tr("Choose options"))
    if chosen:
        color = prepared.target if prepared.task != "regression" else None
        frame = sample[list(dict.fromkeys([*chosen, prepared.target]))].dropna()
        if color:
            frame = frame.assign(**{color: frame[color].astype(str)})
        st.plotly_chart(charts.scatter_matrix(frame, chosen, color),
                        key="scatter_matrix")


def readable_summary(summary):
    """`column_summary`'s table in the reader's language: its headers, each
    column's kind and a number column's range ("23 to 60"); the file's own
    names and values stay as they are."""
    summary = summary.copy()
    ranges = (summary["kind"] == "number") & summary["example"].str.contains(" to ")
    summary.loc[ranges, "example"] = [
        tr("{low} to {high}", low=low, high=high) for low, high in
        (text.split(" to ", 1) for text in summary.loc[ranges, "example"])]
    summary["kind"] = [tr(COLUMN_KINDS.get(kind, kind)) for kind in summary["kind"]]
    return summary.rename(columns={name: tr(header)
                                   for name, header in SUMMARY_HEADERS.items()})


def arrays_preview(data: Dataset) -> None:
    """The plane, an image gallery or the first rows, with the class balance."""
    info = data.info
    regression = info.task == "regression"
    if info.input_shape == (2,) and not regression:  # a still picture: no plotly.js
        st.image(plane_svg(data.x_train, data.y_train, data.x_test, data.y_test,
                           info.class_names, tr("Training points (filled) and test "
                                                "points (open)"),
                           (tr("train"), tr("test")), data.feature_names))
    elif info.input_shape == (2,):
        st.plotly_chart(charts.dataset_scatter(
            data.x_train, data.y_train, data.x_test, data.y_test,
            info.class_names, regression), key="data_scatter")
    elif info.input_kind == "image" and not regression:
        st.plotly_chart(charts.image_mosaic(data.x_train[:32], data.y_train[:32],
                                            info.class_names), key="data_images")
    elif info.input_kind == "features":
        import pandas as pd  # only tabular previews need it (~0.25 s to import)

        x = data.x_train[:200]
        # Bundled sets are standardised by a plain scaler, which can be undone
        # for reading; a CSV's encoder cannot (its file is shown above as read).
        own_units = hasattr(data.preprocessor, "inverse_transform")
        if own_units:
            x = data.preprocessor.inverse_transform(x)
        frame = pd.DataFrame(x, columns=list(data.feature_names))
        frame.insert(0, tr("target"), original_units(data.y_train[:200], data.target_scaler)
                     if regression else [info.class_names[i] for i in data.y_train[:200]])
        scaled_target = regression and data.target_scaler is not None
        if own_units or data.preprocessor is None:
            said = (tr("The first training rows in their own units; the network sees "
                       "the features and the target standardised.") if scaled_target
                    else tr("The first training rows in their own units; the network "
                            "sees the features standardised."))
        else:
            said = tr("The first training rows as the network sees them: features "
                      "standardised, categories one-hot encoded.")
            if scaled_target:
                said += " " + tr("The target is shown in its own units; the network "
                                 "sees it standardised.")
        st.caption(said)
        st.dataframe(frame, height=260)
    splits = {"train": data.y_train, "validation": data.y_val, "test": data.y_test}
    if regression:  # the target in its own units, not standard ones
        splits = {k: original_units(v, data.target_scaler) for k, v in splits.items()}
    if regression:
        st.plotly_chart(charts.class_balance(splits, info.class_names, regression),
                        key="data_balance")
    else:  # a still picture, as the plane above
        with st.container(key="data_balance"):
            st.image(class_balance_svg(splits, info.class_names, tr("Class balance"),
                                       {split: tr(split) for split in splits}))

