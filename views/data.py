"""Data page: pick a dataset, set its options, preview it."""

import streamlit as st

from playground import charts
from playground.compat import experiment_data
from playground.datasets import DATASETS
from playground.registry import REGRESSION
from ui import state
from ui.widgets import field_input

exp = state.experiment()
info = DATASETS[exp.dataset]

st.title("Data")
left, right = st.columns([1, 2], gap="large")
with left:
    field_input("dataset", "Dataset", format_func=lambda n: DATASETS[n].label)
    if info.synthetic:
        field_input("samples", "Samples", step=50)
        field_input("noise", "Noise", step=0.05)
    field_input("val_fraction", "Validation share", step=0.05)
    field_input("test_fraction", "Test share", step=0.05)
    field_input("seed", "Seed", style="number")

data = experiment_data(exp)
regression = info.task == REGRESSION
with right:
    st.markdown(f"**{info.label}** — {info.description}")
    classes = "" if regression else f" · classes: {', '.join(info.class_names)}"
    st.caption(f"Task: {info.task} · input shape: {info.input_shape} · "
               f"{len(data.x_train)} train / {len(data.x_val)} validation / "
               f"{len(data.x_test)} test{classes}")
    if info.input_shape == (2,):
        st.plotly_chart(charts.dataset_scatter(
            data.x_train, data.y_train, data.x_test, data.y_test,
            info.class_names, regression), key="data_scatter")
    elif info.input_kind == "image":
        st.plotly_chart(charts.image_mosaic(data.x_train[:32], data.y_train[:32],
                                            info.class_names), key="data_images")
    else:
        import pandas as pd  # only tabular previews need it (~0.25 s to import)

        frame = pd.DataFrame(data.x_train[:200], columns=list(data.feature_names))
        frame.insert(0, "target", data.y_train[:200] if regression else
                     [info.class_names[i] for i in data.y_train[:200]])
        st.dataframe(frame, height=260)
    st.plotly_chart(charts.class_balance(
        {"train": data.y_train, "validation": data.y_val, "test": data.y_test},
        info.class_names, regression), key="data_balance")
