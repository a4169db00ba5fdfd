"""Looking inside a model: snapshots (bounded, live), activations and their figures."""

import numpy as np
import pytest

from playground import charts
from playground.config import Experiment
from playground.datasets.source import experiment_data
from playground.inspection.activations import ActivationProbe
from playground.inspection.plane import boundary_image, plane_grid
from playground.inspection.weights import weights_by_layer
from playground.model.builder import layer_names
from playground.model.checks import check_experiment
from playground.model.layers import LayerSpec
from playground.presets import PRESETS
from playground.training.loop import run_training
from playground.training.snapshot_store import SnapshotStore

L = LayerSpec.make


def test_snapshot_store_stays_bounded_and_even_over_a_long_run():
    store = SnapshotStore(capacity=200)
    for epoch in range(1, 5001):
        store.add(epoch, epoch)
        assert len(store) <= 201  # kept ones plus the newest
    epochs = store.epochs()
    assert epochs[0] == 1 and epochs[-1] == 5000
    gaps = np.diff(epochs[:-1])
    assert len(set(gaps)) == 1  # evenly thinned
    assert len(epochs) >= 100
    assert store.get(epochs[3] + 1) == epochs[3]  # nearest earlier


def test_plane_grid_covers_the_points_row_by_row():
    x = np.array([[-2.0, 0.0], [3.0, 5.0]])
    xs, ys, points = plane_grid(x, resolution=11, margin=0.0)
    assert (xs[0], xs[-1], ys[0], ys[-1]) == (-2.0, 3.0, 0.0, 5.0)
    assert points.shape == (121, 2) and points.dtype == np.float32
    assert tuple(points[1]) == (xs[1], ys[0])  # x varies fastest
    image = boundary_image(points[:, :1], resolution=11)
    assert image.shape == (11, 11) and np.isclose(image[0, 1], xs[1], atol=1e-2)


def test_training_emits_boundary_snapshots_that_learn_the_circle():
    events = []
    result = run_training(PRESETS["circle"].experiment.replace(epochs=40),
                          emit=events.append, snapshots=True)
    shots = [e for e in events if e["type"] == "snapshot"]
    assert shots[0]["epoch"] == 1 and shots[-1]["epoch"] == result.epochs_run
    first, last = shots[0]["boundary"], shots[-1]["boundary"]
    assert last.shape == (100, 100) and last.dtype == np.float16
    assert not np.allclose(first, last)
    # Each hidden Dense layer's units come as 34x34 maps over the same plane.
    neurons = shots[-1]["neurons"]
    assert list(neurons) == ["dense_1", "dense_2"]
    assert neurons["dense_1"].shape == (4, 34, 34) and neurons["dense_2"].shape == (2, 34, 34)
    # The output unit's map equals the boundary at the same grid points.
    assert not np.allclose(shots[0]["neurons"]["dense_1"], neurons["dense_1"])
    # The final image classifies the middle of the plane as the inner (blue) class
    # and the corners as the outer (orange) class, as the circle data says.
    assert last[50, 50] > 0.5
    assert max(last[0, 0], last[0, -1], last[-1, 0], last[-1, -1]) < 0.5


def test_data_that_is_not_two_dimensional_gets_weight_snapshots_only():
    events = []
    run_training(PRESETS["iris-mlp"].experiment.replace(epochs=2),
                 emit=events.append, snapshots=True)
    shots = [e for e in events if e["type"] == "snapshot"]
    assert [s["epoch"] for s in shots] == [1, 2]
    shot = shots[-1]
    assert shot["boundary"] is None and shot["neurons"] == {}
    assert set(shot["norms"]) == {"dense_1", "dense_2", "dense_3", "output"}
    assert set(shot["grad_norms"]) == set(shot["norms"])
    assert set(shot["dead"]) == {"dense_1", "dense_2", "dense_3"}  # the relu layers
    counts, edges = shot["weights"]["dense_1"]["kernel"]
    assert counts.sum() == 4 * 64 and len(edges) == len(counts) + 1


def test_weights_by_layer_matches_each_keras_layer_and_histograms_count_them():
    from playground.config import Experiment
    from playground.model.builder import build_model, layer_names
    from playground.model.layers import LayerSpec

    L = LayerSpec.make
    exp = Experiment(dataset="digits", layers=(
        L("conv2d", filters=3), L("batchnorm"), L("maxpool2d"), L("flatten"),
        L("dense", units=5), L("dropout")))
    model = build_model(exp)
    kinds = [spec.kind for spec in exp.layers] + ["dense"]
    layers = weights_by_layer(kinds, layer_names(exp), model.get_weights())
    with_weights = [layer for layer in model.layers if layer.get_weights()]
    assert [entry["name"] for entry in layers] == [layer.name for layer in with_weights]
    for entry, layer in zip(layers, with_weights):
        assert [a.shape for a in entry["arrays"].values()] == [
            w.shape for w in layer.get_weights()]
    fig = charts.weight_histograms(layers)
    for trace, layer in zip(fig.data, with_weights):
        assert len(trace.x) == layer.count_params()


def test_weights_from_another_model_are_refused():
    import pytest

    with pytest.raises(ValueError, match="left over"):
        weights_by_layer(["dense"], ["output"], [np.zeros((2, 1)), np.zeros(1),
                                                 np.zeros(3)])


def test_kernel_heatmap_and_filter_grid_shapes():
    kernel = np.arange(6, dtype=float).reshape(3, 2)
    fig = charts.kernel_heatmap(kernel, np.array([1.0, -1.0]), "k")
    assert np.array_equal(np.array(fig.data[0].z), kernel)
    assert np.array_equal(np.array(fig.data[1].z), [[1.0, -1.0]])
    filters = np.random.default_rng(0).normal(size=(3, 3, 2, 5))
    grid = np.array(charts.filter_grid(filters, "f", columns=4).data[0].z, dtype=float)
    assert grid.shape == (8, 16)
    assert np.allclose(grid[0:3, 4:7], filters[:, :, :, 1].mean(axis=2))


def test_architecture_diagram_names_every_layer_with_shapes():
    from playground.inspection.activations import architecture_dot

    dot = architecture_dot(PRESETS["digits-mlp"].experiment)
    assert dot.startswith("digraph")
    for name in ("flatten_1", "dense_2", "dropout_3", "output"):
        assert f"<b>{name}</b>" in dot
    assert "Output shape: <b>(None, 10)</b>" in dot


@pytest.mark.parametrize("exp", [
    Experiment(dataset="iris", layers=(
        L("dense", units=6, activation="relu"), L("batchnorm"), L("dropout", rate=0.3),
        L("dense", units=5, activation="linear"), L("activation", activation="tanh"))),
    Experiment(dataset="digits", layers=(
        L("conv2d", filters=4, kernel=3, activation="relu"), L("maxpool2d", pool=2),
        L("conv2d", filters=3, kernel=2, padding="same"), L("flatten"),
        L("dense", units=7))),
], ids=["dense-stack", "conv-stack"])
def test_activation_shapes_match_each_layer_output_shape(exp):
    from playground.model.builder import build_model

    weights = build_model(exp).get_weights()
    data = experiment_data(exp)
    outputs = ActivationProbe(exp, weights)(data.x_test[0])
    rows = check_experiment(exp)
    assert [name for name, _ in outputs] == layer_names(exp)
    assert [values.shape for _, values in outputs] == [r.output_shape for r in rows]
    probabilities = outputs[-1][1]
    assert np.isclose(probabilities.sum(), 1.0, atol=1e-5)  # softmax over the classes


def test_activation_figures_follow_the_output_shape():
    bars = charts.activation_figure("dense_1", np.arange(5.0) - 2)
    assert bars.data[0].type == "bar" and len(bars.data[0].y) == 5
    maps = charts.activation_figure("conv2d_1", np.ones((6, 6, 4)), columns=2)
    assert maps.data[0].type == "heatmap"
    assert np.asarray(maps.data[0].z).shape == (2 * 7, 2 * 7)  # 2x2 maps, 1px gaps
    sequence = charts.activation_figure("embedding_1", np.ones((10, 3)))
    assert np.asarray(sequence.data[0].z).shape == (3, 10)
    prediction = charts.prediction_figure(np.array([0.8]), ("no", "yes"), 0)
    assert np.allclose(prediction.data[0].y, [0.2, 0.8])


def test_weight_ridges_and_norms_follow_the_snapshots():
    epochs = list(range(1, 31))
    hist = [np.histogram(np.random.default_rng(e).normal(0, e / 10, 100), bins=30)
            for e in epochs]
    fig = charts.histogram_ridges(epochs, hist, "dense_1 kernel", rows=12)
    names = [t.name for t in fig.data]
    assert len(names) == 12 and names[0] == "epoch 1" and names[-1] == "epoch 30"
    norms = charts.norm_history([1, 2], [{"a": 1.0, "b": 2.0}, {"a": 1.5, "b": 2.5}])
    assert [list(t.y) for t in norms.data] == [[1.0, 1.5], [2.0, 2.5]]
