"""Data page: pick a dataset, set its options, preview it."""

import streamlit as st

from playground.datasets import DATASETS, KERAS_BASE
from playground.datasets.errors import DataUnavailable
from playground.datasets.keras_sets import KERAS_SETS
from playground.datasets.source import (
    dataset_info,
    experiment_data,
    prepared_table,
    source_table,
    target_of,
)
from playground.i18n import tr
from playground.registry import task_label
from playground.runs.setting_labels import MISSING_OPTIONS, SCALE_OPTIONS
from ui import claims, data_previews, state, tutorial_panel
from ui.widgets import field_input

exp = state.experiment()
base = DATASETS[exp.dataset]


def upload_csv() -> None:
    """Reads the uploaded file; a bad file leaves the current dataset as it was."""
    from playground.datasets import uploads
    from playground.datasets.errors import CsvError

    file = st.session_state.get("csv_upload")
    if file is None:
        return
    try:
        # Freed when this browser session ends (`ui.claims`).
        token = uploads.register(file.getvalue(), file.name, owner=claims.owner())
    except CsvError as error:
        state.notify(tr("{file} was not loaded: {error}", file=file.name, error=error),
                     "error")
        return
    from playground.datasets.pixel_tables import looks_like_images
    from playground.datasets.table_target import choose_target

    table = uploads.get(token)
    current = state.experiment()
    # A shared link's target (and its task) apply when the file has that
    # column; otherwise a column named like a label, else the last one.
    target = choose_target(table.columns, current.target)
    task = current.task if target == current.target else "auto"
    images = "on" if looks_like_images(table.drop(columns=target)) else "off"
    if images == "on":
        state.notify(tr("Every feature column holds whole numbers from 0 to 255 and "
                        "their count is a square, so the rows are read as images "
                        "(Treat as images, below; turn it off to use plain features)."),
                     "info")
    # A new file: new widgets too, so the target box shows the new column.
    state.replace_experiment(state.fitted_to_data(current.replace(
        dataset="csv", upload=token, csv_name=file.name[:100], target=target,
        task=task, images=images)))


def upload_limits():
    """The host's upload limits (`None` when a setting is unreadable: the
    upload then says why); Streamlit's own cap applies too."""
    from playground.datasets.csv_limits import host_limits

    try:
        return host_limits()
    except ValueError:
        return None


def csv_uploader() -> None:
    """The file box, capped at the host's limit and Streamlit's, whichever
    is smaller (`server.maxUploadSize` in .streamlit/config.toml)."""
    limits = upload_limits()
    server_mb = st.get_option("server.maxUploadSize")
    megabytes = min(server_mb, limits.max_megabytes) if limits else server_mb
    help_text = (tr("At most {megabytes} MB, {rows} rows and {columns} columns. The file "
                    "stays in this browser session only.",
                    megabytes=format(megabytes, "g"), rows=format(limits.max_rows, ","),
                    columns=format(limits.max_columns, ","))
                 if limits else
                 tr("At most {megabytes} MB. The file stays in this browser session only.",
                    megabytes=format(megabytes, "g")))
    st.file_uploader(tr("Upload a CSV file"), type=["csv", "txt", "tsv"],
                     key="csv_upload", on_change=upload_csv,
                     max_upload_size=max(1, int(megabytes)),
                     help=help_text)


def image_option(table) -> None:
    """"Treat as images", offered when the feature columns can be pixels
    (a square count of numbers in 0..255 or 0..1), and shown while it is on
    so that it can be turned off."""
    from playground.datasets.errors import CsvError
    from playground.datasets.pixel_tables import (
        describe_shape,
        image_shape,
        pixel_layout,
    )

    if exp.target not in table.columns:
        return
    features = table.drop(columns=exp.target)
    shape = image_shape(features.shape[1])
    if exp.images == "off":
        if shape is None:
            return
        try:
            pixel_layout(features)
        except CsvError:
            return
    label = describe_shape(shape) if shape else tr("the column count is not square")
    field_input("images", tr("Treat as images"), format_func=lambda v: {
        "off": tr("no, plain features"), "on": tr("yes ({shape})", shape=label)}[v])


def table_options(columns: list[str]) -> None:
    current = target_of(exp) if target_of(exp) in columns else None
    st.selectbox(tr("Target column"), columns, index=columns.index(current)
                 if current else None, key=state.key("target"),
                 placeholder=tr("Pick the column to predict"),
                 on_change=lambda: state.update(
                     target=st.session_state[state.key("target")] or ""))
    others = [c for c in columns if c != exp.target]
    st.multiselect(tr("Leave out of the features"), others,
                   default=[c for c in exp.exclude if c in others],
                   key=state.key("exclude"), placeholder=tr("No column left out"),
                   help=tr("Columns the model does not see: an id, a column with many "
                           "missing values, a copy of the target. Kept in the link."),
                   on_change=lambda: state.update(
                       exclude=tuple(st.session_state[state.key("exclude")])))
    field_input("task", tr("Task"),
                format_func=lambda t: tr("auto (detect)") if t == "auto" else task_label(t))
    field_input("missing", tr("Missing values"),
                format_func=lambda m: tr(MISSING_OPTIONS[m]))
    if exp.images == "off":  # images are scaled to 0..1 instead
        field_input("scale", tr("Scaling"), format_func=lambda s: tr(SCALE_OPTIONS[s]))


def show_data(left) -> None:
    """The chosen data: its options (for a table), description and previews.

    A function, not page-level code: the page's globals live as long as its
    browser session (its widgets' callbacks hold them), and an uploaded
    table and its split arrays should not outlive their release.
    """
    if base.source == "table":
        try:
            table = source_table(exp)
        except DataUnavailable:  # no file yet: the message is drawn below
            table = None
        if table is not None:
            with left:
                table_options([str(c) for c in table.columns])
                image_option(table)
    with st.spinner(tr("Loading {dataset}…", dataset=base.shown_label)):
        problem = state.data_problem(exp)
    if problem is not None:
        st.warning(problem)
        if base.source == "keras":  # a failed download is not kept: loading again retries
            st.button(tr("Try again"), key="data_retry",
                      help=tr("Loads the dataset again: once the files are in place "
                              "or the network is back."))
    else:
        data = experiment_data(exp)
        info = dataset_info(exp)
        if info.source == "table":  # a file name and class names from a user
            st.text(info.shown_label)
            # Yours is made in the reader's language; a shipped table's is the catalog's.
            st.markdown(info.description if exp.dataset == "csv" else tr(info.description))
        else:
            st.markdown(f"**{info.shown_label}** — {tr(info.description)}")
        st.caption(tr("Task: {task} · input shape: {shape} · {train} train / {val} "
                      "validation / {test} test", task=task_label(info.task),
                      shape=info.input_shape, train=len(data.x_train),
                      val=len(data.x_val), test=len(data.x_test)))
        if info.task != "regression":
            st.text(tr("Classes: {classes}", classes=", ".join(info.class_names)))
        if exp.dataset == "csv":
            st.caption(tr("Links to this experiment carry the settings, not the file: "
                          "whoever opens one uploads the file again."))
        if info.input_kind == "tokens":
            data_previews.text_preview(data, KERAS_BASE.get(exp.dataset, exp.dataset))
        if info.source == "table":
            data_previews.table_preview(table, prepared_table(exp), data)
        data_previews.arrays_preview(data)


st.title(tr("Data"))
tutorial_panel.start_point()
left, right = st.columns([1, 2], gap="large")
with left:
    field_input("dataset", tr("Dataset"), format_func=lambda n: DATASETS[n].shown_label)
    if base.synthetic:
        field_input("samples", tr("Samples"), step=50)
        field_input("noise", tr("Noise"), step=0.05)
    if base.source == "keras":
        total = KERAS_SETS[KERAS_BASE.get(exp.dataset, exp.dataset)].samples
        field_input("subset", tr("Subset size"), step=100, maximum=total)
        if exp.subset >= total:
            st.caption(tr("All {count} samples.", count=format(total, ",")))
        if base.input_kind == "tokens":
            field_input("num_words", tr("Vocabulary (num_words)"), step=500)
            field_input("maxlen", tr("Tokens per text (maxlen)"), step=10)
    if exp.dataset == "csv":
        csv_uploader()
    field_input("val_fraction", tr("Validation share"), step=0.05)
    field_input("test_fraction", tr("Test share"), step=0.05)
    field_input("seed", tr("Seed"), style="number")

with right:
    show_data(left)
