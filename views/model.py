"""Model page: assemble the layer stack and see its summary."""

import pandas as pd
import streamlit as st

from playground.datasets.source import dataset_info
from playground.i18n import mark, tr
from playground.registry import task_label

# The input kinds, named for the catalog (the caption translates them). A
# comment, not a docstring: Streamlit writes a page's bare strings on screen.
INPUT_KINDS = (mark("features"), mark("image"), mark("tokens"), mark("sequence"))
from playground.model.checks import check_experiment, data_spec_of
from playground.model.shapes import StackError, suggest_output
from ui import augmentation, graph_editor, layer_editor, state
from ui.user_text import escape_markdown

exp = state.experiment()
st.title(tr("Model"))


def page() -> None:
    """The layer editor and summary, once the data is known."""
    info = dataset_info(exp)
    st.caption(tr("Input: {dataset}, shape {shape} ({kind}) · task: {task}",
                  dataset=escape_markdown(info.shown_label), shape=info.input_shape,
                  kind=tr(info.input_kind), task=task_label(info.task)))

    try:
        rows, problem = check_experiment(exp), None
    except StackError as error:
        rows, problem = None, error

    suggested = suggest_output(data_spec_of(exp))
    if graph_editor.mode_choice(exp):
        graph_editor.editor(exp, rows, problem.index if problem else None,
                            exp.output or suggested, info.input_shape)
    else:
        for index, spec in enumerate(exp.layers):
            layer_editor.layer_row(spec, index, len(exp.layers),
                                   problem.index if problem else None)
        if not exp.layers:
            st.info(tr("No hidden layers: the model is a single output layer (a linear "
                       "or logistic model). Add layers below."))
        layer_editor.add_layer_controls()
    layer_editor.output_controls(suggested)
    augmentation.controls()

    st.subheader(tr("Summary"))
    if problem is not None:
        st.error(tr("This model cannot be trained on {dataset} yet. {problem}",
                    dataset=escape_markdown(info.shown_label), problem=problem))
    else:
        table = pd.DataFrame({
            **(graph_editor.summary_columns(exp, rows) if exp.graph else
               {tr("Layer"): [f"{r.name}" for r in rows]}),
            tr("Output shape"): [str((None, *r.output_shape)) for r in rows],
            tr("Param #"): [r.params for r in rows],
        })
        st.dataframe(table, hide_index=True)
        st.markdown(tr("**Total parameters: {count}**",
                       count=format(sum(r.params for r in rows), ",")))


problem = state.data_problem(exp, load=False)
if problem is not None:  # no file uploaded, a CSV option that does not fit
    st.warning(tr("{problem}\n\nFix the data on the **Data** page first.", problem=problem))
else:
    # A Keras dataset not downloaded yet: its shapes are in the catalog, so
    # the model can be built and studied before the download.
    missing = state.data_problem(exp)
    if missing is not None:
        st.info(tr("{problem}\n\nThe model below can be built and studied meanwhile; "
                   "training needs the data.", problem=missing))
    page()
