"""Inspect page: the trained model's architecture, activations and weights."""

import math

import numpy as np
import pandas as pd
import streamlit as st

from playground import charts
from playground.datasets.source import experiment_data, target_of
from playground.datasets.splits import original_units
from playground.evaluation.own_input import readable_rows
from playground.i18n import mark, tr, tr_n, translated
from playground.inspection.activations import architecture_dot, layer_outputs
from playground.inspection.plane import covered_points, plane_grid
from playground.inspection.weights import weights_by_layer
from playground.keras_work import keras_work
from playground.model.builder import keras_layers, layer_names
from playground.model.checks import check_experiment
from ui import earlier_run, state


def pick_sample():
    """The sample the user picked: `(inputs, true label or None, caption, test
    row or None)`; the test row lets the sample be shown as the file has it."""
    sources = [mark("test set"), mark("training set")]
    if data.info.input_shape == (2,):
        sources.append(mark("a point on the plane"))
    cols = st.columns([2, 3])
    source = cols[0].radio(tr("Sample from"), sources, horizontal=True, key="sample_source",
                           format_func=tr)
    if source == "a point on the plane":
        xs, ys, _ = plane_grid(covered_points(data))
        point = np.array([
            cols[1].slider("x1", float(xs[0]), float(xs[-1]), 0.0, key="point_x1"),
            cols[1].slider("x2", float(ys[0]), float(ys[-1]), 0.0, key="point_x2")],
            dtype=np.float32)
        return point, None, tr("the point ({x1}, {x2})", x1=format(point[0], ".2f"),
                               x2=format(point[1], ".2f")), None
    x, y = (data.x_test, data.y_test) if source == "test set" else (
        data.x_train, data.y_train)
    index = cols[1].number_input(tr("Row (0 to {last})", last=len(x) - 1), 0, len(x) - 1,
                                 0, key=f"sample_row_{source}")
    return x[index], y[index], tr("row {index} of the {source}", index=index,
                                  source=tr(source)), (
        index if source == "test set" else None)


def show_sample(sample: np.ndarray, label, test_row: int | None) -> None:
    if data.info.input_kind == "image":
        st.plotly_chart(charts.image_mosaic(sample[None], np.array([label]),
                                            data.info.class_names, columns=1,
                                            title=tr("The picked image and its label")),
                        key="sample_image", use_container_width=False)
    else:  # in the data's own units, as the Data page shows them
        if data.test_rows is not None and test_row is not None:
            picked = data.test_rows.iloc[[test_row]]
            frame = picked.reset_index(drop=True)
            frame.insert(0, tr("row in the file"), picked.index.to_numpy())
        else:
            names, values = readable_rows(data, sample[None])
            frame = pd.DataFrame(values, columns=list(names))
        st.dataframe(frame, hide_index=True)


st.title(tr("Inspect"))


def inspect_page() -> None:
    """Architecture, activations and weights of the job's trained model."""
    names = layer_names(exp)
    layers = weights_by_layer(*keras_layers(exp), result.weights)
    earlier_run.notice(earlier_run.changed_since(job))
    st.caption(tr("Run {run}: {message}", run=job.id, message=translated(result.message)))

    st.subheader(tr("Architecture"))
    rows = check_experiment(exp)
    st.dataframe(pd.DataFrame({
        tr("Layer"): names,
        tr("Type"): [r.name for r in rows],
        tr("Output shape"): [str((None, *r.output_shape)) for r in rows],
        tr("Param #"): [r.params for r in rows],
    }), hide_index=True)

    with st.expander(tr("Diagram (Keras' model_to_dot)")):
        with st.spinner(tr("Drawing the architecture with Keras…")):
            st.graphviz_chart(keras_work(architecture_dot, exp, experiment=exp))

    st.subheader(tr("Activations"))
    st.caption(tr("Pick one sample and see what every layer makes of it."))
    sample, label, where, test_row = pick_sample()
    show_sample(sample, label, test_row)
    with st.spinner(tr("Running {sample} through every layer…", sample=where)):
        outputs = keras_work(layer_outputs, exp, result.weights, sample, job.id,
                             experiment=exp)
    *hidden, (_, prediction) = outputs
    if data.info.task == "regression":  # in the target's own units
        own = original_units(np.array([prediction[0], label if label is not None
                                       else np.nan], dtype=np.float64),
                             data.target_scaler)
        target = target_of(exp)  # a table's target column names the unit (price_k)
        # One number of decimals for both, four digits for the larger.
        largest = float(np.nanmax(np.abs(own))) if np.isfinite(own).any() else 0.0
        decimals = min(4, max(0, 3 - math.floor(math.log10(largest)))) if largest else 2
        predicted, true = (format(value, f".{decimals}f") for value in own)
        st.metric(tr("Predicted {target} for {sample}", target=target, sample=where)
                  if target else tr("Prediction for {sample}", sample=where), predicted)
        if label is not None:
            st.caption(tr("True value: {value}", value=true))
    else:
        true_class = int(label) if label is not None else int(np.argmax(
            prediction if len(prediction) > 1 else [1 - prediction[0], prediction[0]]))
        figure = charts.prediction_figure(prediction, data.info.class_names, true_class)
        if label is None:  # nothing is true of a point on the plane
            figure.update_layout(title=tr("Predicted probabilities (the predicted class "
                                          "outlined)"))
        st.plotly_chart(figure, key="prediction")
        if label is None:
            st.caption(tr("A point on the plane has no true class: the predicted one is "
                          "outlined."))
    for name, values in hidden:
        st.plotly_chart(charts.activation_figure(name, values), key=f"act_{name}")

    st.subheader(tr("Weights"))
    st.plotly_chart(charts.weight_histograms(layers), key="weight_histograms")
    features = list(data.feature_names or ()) if data.info.input_kind == "features" else []
    for index, layer in enumerate(layers):
        arrays = layer["arrays"]
        if layer["kind"] == "dense":
            first = index == 0 and len(features) == len(arrays["kernel"])
            st.plotly_chart(charts.kernel_heatmap(
                arrays["kernel"], arrays["bias"],
                tr("{layer}: kernel {inputs} × {units}, with bias", layer=layer["name"],
                   inputs=tr_n("{count} input", "{count} inputs",
                               arrays["kernel"].shape[0]),
                   units=tr_n("{count} unit", "{count} units",
                              arrays["kernel"].shape[1])),
                inputs=features if first else None),
                key=f"kernel_{layer['name']}")
        elif layer["kind"] == "conv2d":
            st.plotly_chart(charts.filter_grid(
                arrays["kernel"], tr("{layer}: {count} filters (averaged over input "
                                     "channels)", layer=layer["name"],
                                     count=arrays["kernel"].shape[-1])),
                key=f"filters_{layer['name']}")

    kept = job.snapshots.items()
    if kept:
        st.subheader(tr("Weights over training"))
        epochs = [epoch for epoch, _ in kept]
        st.plotly_chart(charts.norm_history(epochs, [shot["norms"] for _, shot in kept]),
                        key="norm_history")
        arrays = [(layer, array) for layer, per_array in kept[-1][1]["weights"].items()
                  for array in per_array]
        layer, array = st.selectbox(tr("Histogram of"), arrays, key="ridge_array",
                                    format_func=lambda pair: f"{pair[0]} {pair[1]}")
        st.plotly_chart(charts.histogram_ridges(
            epochs, [shot["weights"][layer][array] for _, shot in kept],
            tr("{layer} {array}: distribution over the epochs (first at the bottom)",
               layer=layer, array=array)),
            key="weight_ridges")


job = state.job()
if job is None or job.result is None or not job.result.weights:
    st.info(tr("Train a model first (or let the current run finish or stop): this page "
               "shows the weights it learned."))
elif state.data_ready(job.experiment):
    exp, result = job.experiment, job.result
    data = experiment_data(exp)
    inspect_page()
