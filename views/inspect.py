"""Inspect page: the trained model's architecture and weights."""

import pandas as pd
import streamlit as st

from playground import charts
from playground.builder import layer_names
from playground.compat import check_experiment
from playground.inspection import architecture_dot, weights_by_layer
from ui import state

st.title("Inspect")
job = state.job()
if job is None or job.result is None or not job.result.weights:
    st.info("Train a model first (or let the current run finish or stop): this page "
            "shows the weights it learned.")
    st.stop()

exp, result = job.experiment, job.result
kinds = [spec.kind for spec in exp.layers] + ["dense"]
names = layer_names(exp)
layers = weights_by_layer(kinds, names, result.weights)
st.caption(f"Run {job.id}: {result.message}")
if exp != state.experiment():
    st.caption("The settings have changed since this run; this page shows the "
               "model as it was trained.")

st.subheader("Architecture")
rows = check_experiment(exp)
st.dataframe(pd.DataFrame({
    "Layer": names,
    "Type": [r.name for r in rows],
    "Output shape": [str((None, *r.output_shape)) for r in rows],
    "Param #": [r.params for r in rows],
}), hide_index=True)

with st.expander("Diagram (Keras' model_to_dot)"):
    st.graphviz_chart(architecture_dot(exp))

st.subheader("Weights")
st.plotly_chart(charts.weight_histograms(layers), key="weight_histograms")
for layer in layers:
    arrays = layer["arrays"]
    if layer["kind"] == "dense":
        st.plotly_chart(charts.kernel_heatmap(
            arrays["kernel"], arrays["bias"],
            f"{layer['name']}: kernel {arrays['kernel'].shape[0]} inputs × "
            f"{arrays['kernel'].shape[1]} units, with bias"),
            key=f"kernel_{layer['name']}")
    elif layer["kind"] == "conv2d":
        st.plotly_chart(charts.filter_grid(
            arrays["kernel"], f"{layer['name']}: {arrays['kernel'].shape[-1]} filters "
            "(averaged over input channels)"), key=f"filters_{layer['name']}")
