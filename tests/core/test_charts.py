"""Figure builders return the traces the pages expect."""

import numpy as np
import pytest

from playground import charts
from playground.datasets import load_dataset


def test_history_figure_has_training_and_validation_per_metric():
    history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.6], "accuracy": [0.5, 0.9],
               "val_accuracy": [0.4, 0.8]}
    fig = charts.history_figure(history)
    assert [(t.name, list(t.y)) for t in fig.data] == [
        ("training", [1.0, 0.5]), ("validation", [1.1, 0.6]),
        ("training", [0.5, 0.9]), ("validation", [0.4, 0.8])]
    assert list(fig.data[0].x) == [1, 2]
    assert fig.layout.uirevision == "history"


def test_history_of_a_standardised_target_says_so_in_its_titles():
    history = {"loss": [0.9, 0.5], "mae": [0.7, 0.5]}
    titles = [a.text for a in charts.history_figure(history).layout.annotations]
    assert titles == ["Loss", "Mean absolute error"]
    titles = [a.text for a in charts.history_figure(
        history, standardised=True).layout.annotations]
    assert titles == ["Loss (standardised)", "Mean absolute error (standardised)"]


def test_scatter_has_one_trace_per_class_and_split():
    data = load_dataset("xor", 100, 0.0, 0.2, 0.2, 0)
    fig = charts.dataset_scatter(data.x_train, data.y_train, data.x_test, data.y_test,
                                 ("orange", "blue"), regression=False)
    assert len(fig.data) == 4
    assert sum(len(t.x) for t in fig.data) == len(data.x_train) + len(data.x_test)


def test_image_mosaic_places_every_image_with_its_label():
    images = np.random.default_rng(0).random((10, 8, 8, 1))
    fig = charts.image_mosaic(images, np.arange(10), tuple("0123456789"), columns=5)
    mosaic = np.array(fig.data[0].z, dtype=float)
    assert mosaic.shape == (18, 45)
    assert np.allclose(mosaic[0:8, 9:17], images[1, ..., 0])
    assert [a.text for a in fig.layout.annotations] == list("0123456789")


def test_class_balance_counts_each_class():
    fig = charts.class_balance({"train": np.array([0, 1, 1, 2])}, ("a", "b", "c"),
                               regression=False)
    assert list(fig.data[0].y) == [1, 2, 1]


def test_target_histograms_of_the_splits_share_their_bins_side_by_side():
    """Train, validation and test bars have one width and none hides another."""
    rng = np.random.default_rng(0)
    splits = {"train": rng.normal(150, 70, 300), "validation": rng.normal(150, 70, 90),
              "test": rng.normal(150, 70, 130)}
    fig = charts.class_balance(splits, (), regression=True)
    bins = [trace.xbins for trace in fig.data]
    assert bins[0].size is not None and all(b == bins[0] for b in bins)
    assert bins[0].start <= min(y.min() for y in splits.values())
    assert bins[0].end >= max(y.max() for y in splits.values())
    assert fig.layout.barmode == "group"


def test_prediction_bars_mark_the_true_class_by_an_outline_not_a_colour():
    """The 2-D sets name their classes "orange" and "blue": each bar has its
    class's own colour, and the true class is outlined, not recoloured."""
    fig = charts.prediction_figure(np.array([0.8]), ("orange", "blue"), 0)
    bar = fig.data[0]
    assert list(bar.marker.color) == [charts.CLASS_COLORS[0], charts.CLASS_COLORS[1]]
    assert list(bar.marker.line.width) == [3, 0]
    assert "blue" not in fig.layout.title.text
    assert "orange" in fig.layout.title.text and "outlined" in fig.layout.title.text


def test_history_figure_before_the_first_epoch_spans_the_planned_run():
    fig = charts.history_figure({}, epochs=400, metrics=("loss", "accuracy"))
    # No points; one empty trace per panel, so that Plotly draws every
    # panel's axes (it draws none for a panel no trace uses).
    assert [(len(t.x), t.xaxis, t.yaxis) for t in fig.data] == [(0, "x", "y"),
                                                                 (0, "x2", "y2")]
    assert list(fig.layout.xaxis.range) == [1, 400]
    assert list(fig.layout.xaxis2.range) == [1, 400]
    texts = [a.text for a in fig.layout.annotations]
    assert texts.count(charts.WAITING) == 2 and {"Loss", "Accuracy"} <= set(texts)


def test_history_figure_keeps_its_plots_when_the_first_epoch_arrives():
    empty = charts.history_figure({}, epochs=50, metrics=("loss", "accuracy"))
    first = charts.history_figure({"loss": [0.7], "accuracy": [0.5]}, epochs=50,
                                  metrics=("loss", "accuracy"))
    assert empty.layout.xaxis2.domain == first.layout.xaxis2.domain
    assert first.layout.xaxis.range is None  # data decides the axes now
    assert [t.xaxis for t in first.data] == ["x", "x2"]


def _xor():
    return load_dataset("xor", 200, 0.0, 0.2, 0.2, 0)


def test_boundary_legend_shows_each_class_in_its_own_colour():
    data = _xor()
    points = charts.boundary_points(data.x_train, data.y_train, data.x_test, data.y_test,
                                    regression=False, class_names=("orange", "blue"))
    names = [t["name"] for t in points]
    assert names == ["orange (train)", "blue (train)", "orange (test)", "blue (test)"]
    for trace, (x, y, label) in zip(points, [(data.x_train, data.y_train, 0),
                                             (data.x_train, data.y_train, 1),
                                             (data.x_test, data.y_test, 0),
                                             (data.x_test, data.y_test, 1)]):
        # A legend entry can show one colour only: each trace has one.
        assert trace["marker"]["color"] == charts.CLASS_COLORS[label]
        assert len(trace["x"]) == int(np.sum(y == label))
    xs = ys = np.linspace(-1, 1, 10)
    fig = charts.boundary_figure(xs, ys, np.zeros((10, 10)), points, False, 3)
    assert [t.type for t in fig.data] == ["heatmap"] + ["scatter"] * 4
    assert all(isinstance(t.marker.color, str) for t in fig.data[1:])
    assert fig.layout.title.text == "Decision boundary after epoch 3"


def test_boundary_figure_without_a_snapshot_keeps_the_plane_and_points():
    data = _xor()
    points = charts.boundary_points(data.x_train, data.y_train, data.x_test, data.y_test,
                                    regression=False)
    xs = ys = np.linspace(-2, 2, 100)
    fig = charts.boundary_figure(xs, ys, None, points, False, None)
    assert [t.type for t in fig.data] == ["scatter"] * 4
    assert list(fig.layout.xaxis.range) == [-2, 2]
    assert fig.layout.height == 420 and "waiting" in fig.layout.title.text


def test_neuron_grid_draws_one_heatmap_per_layer_with_each_unit_in_place():
    rng = np.random.default_rng(0)
    neurons = {"dense": rng.normal(size=(4, 5, 6)), "dense_1": rng.normal(size=(2, 5, 6))}
    fig = charts.neuron_grid(neurons, {"dense": [1, 3], "dense_1": [0, 1]}, epoch=7)
    assert [t.name for t in fig.data] == ["dense", "dense_1"]
    z = np.asarray(fig.data[0].z, dtype=float)
    assert z.shape == (5, 13)  # two 6-wide maps and a one-pixel gap
    assert np.allclose(z[:, :6], neurons["dense"][1])
    assert np.allclose(z[:, 7:], neurons["dense"][3])
    assert np.isnan(z[:, 6]).all()
    assert fig.data[0].y0 > fig.data[1].y0  # the first layer on top
    assert [a.text for a in fig.layout.annotations] == [
        "dense · unit 1", "dense · unit 3", "dense_1 · unit 0", "dense_1 · unit 1"]
    empty = charts.neuron_grid({}, {}, None, layers=2)
    assert empty.data == () and empty.layout.height == fig.layout.height


def test_the_shaded_plane_covers_every_point_drawn_on_it():
    """A small spiral's test points can lie beyond the training points'
    margin: the plane covers the test and validation points too, and the
    snapshots' boundary is computed over the same grid."""
    from playground.charts.live_figures import LiveFigures
    from playground.config import Experiment
    from playground.datasets.source import experiment_data
    from playground.training.loop import run_training

    exp = Experiment(dataset="spiral", samples=50, seed=3, epochs=1)
    data = experiment_data(exp)
    live = LiveFigures(exp, data)
    x0, x1, y0, y1 = live.extent
    for x in (data.x_train, data.x_val, data.x_test):
        assert (x[:, 0] > x0).all() and (x[:, 0] < x1).all()
        assert (x[:, 1] > y0).all() and (x[:, 1] < y1).all()
    from playground.model.builder import build_model

    events = []
    result = run_training(exp, emit=events.append, snapshots=True)
    shot = [e for e in events if e["type"] == "snapshot"][-1]
    model = build_model(exp)
    model.set_weights(result.weights)
    corners = np.array([[x0, y0], [x1, y1]], np.float32)
    expected = model.predict(corners, verbose=0)[:, 0]
    np.testing.assert_allclose([shot["boundary"][0, 0], shot["boundary"][-1, -1]],
                               expected, atol=2e-3)


def test_live_figures_rebuild_only_what_changed_and_coarsen_while_training():
    from playground.charts.live_figures import COARSE_STEP, LiveFigures
    from playground.datasets.source import experiment_data
    from playground.presets import PRESETS

    exp = PRESETS["spiral"].experiment
    live = LiveFigures(exp, experiment_data(exp))
    assert live.plane and live.hidden_layers == len(exp.layers)
    shot = {"boundary": np.random.default_rng(0).random((100, 100)).astype(np.float16),
            "neurons": {"dense": np.zeros((4, 34, 34), np.float16)}}
    during = live.boundary(5, shot, coarse=True)
    assert live.boundary(5, shot, coarse=True) is during  # same snapshot: kept
    assert np.asarray(during.data[0].z).shape == (100 // COARSE_STEP,) * 2
    after = live.boundary(5, shot, coarse=False)
    assert np.asarray(after.data[0].z).shape == (100, 100)
    assert live.boundary(6, shot, coarse=False) is not after
    history = live.history({"loss": [0.5], "accuracy": [0.6]})
    assert live.history({"loss": [0.5], "accuracy": [0.6]}) is history
    assert live.history({"loss": [0.5, 0.4], "accuracy": [0.6, 0.7]}) is not history
    picks = {"dense": [0, 1]}
    assert live.neurons(5, shot, picks) is live.neurons(5, shot, picks)
    assert live.neurons(5, shot, {"dense": [2]}) is not live.neurons(5, shot, picks)


def test_canvas_frames_and_points_carry_what_the_plotly_boundary_shows():
    import base64

    from playground.charts.live_figures import LiveFigures, boundary_frame
    from playground.config import Experiment
    from playground.datasets.source import experiment_data

    image = np.array([[0.0, 0.5], [1.0, np.nan]], dtype=np.float16)
    frame = boundary_frame(7, image, regression=False)
    assert frame["epoch"] == 7 and frame["size"] == 2
    assert list(base64.b64decode(frame["values"])) == [0, 128, 255, 0]
    values = base64.b64decode(boundary_frame(1, np.array([[-1.0, 2.0]]), True)["values"])
    assert list(values) == [0, 255]  # the regression range -1..1, clipped

    for dataset, regression in (("xor", False), ("reg-plane", True)):
        exp = Experiment(dataset=dataset, samples=60)
        data = experiment_data(exp)
        live = LiveFigures(exp, data)
        points = live.plane_points()
        total = len(data.x_train) + len(data.x_test)
        assert all(len(points[k]) == total for k in ("x", "y", "colour", "test"))
        assert sum(points["test"]) == len(data.x_test)
        assert live.extent == (live.xs[0], live.xs[-1], live.ys[0], live.ys[-1])
        assert min(points["x"]) >= live.extent[0] and max(points["y"]) <= live.extent[3]
        if regression:  # coloured by target on the boundary's scale
            assert len(set(points["colour"])) > 10
        else:  # TF Playground's orange and blue
            assert set(points["colour"]) == set(charts.CLASS_COLORS[:2])


def test_network_data_holds_each_neurons_map_and_the_trained_kernels():
    import base64

    from playground.charts.live_figures import LiveFigures
    from playground.config import Experiment
    from playground.datasets.source import experiment_data
    from playground.model.layers import LayerSpec
    from playground.presets import PRESETS
    from playground.training.loop import run_training
    from playground.training.snapshot_store import SnapshotStore

    exp = PRESETS["xor"].experiment.replace(epochs=3)
    shots = SnapshotStore()
    result = run_training(exp, lambda e: e["type"] == "snapshot" and shots.add(
        e["epoch"], {k: v for k, v in e.items() if k not in ("type", "epoch")}),
        snapshots=True)
    epoch, shot = shots.latest()
    network = LiveFigures(exp, experiment_data(exp)).network_data(epoch, shot)
    assert network["epoch"] == 3 == epoch
    assert [c["name"] for c in network["columns"]] == ["input", "dense_1", "dense_2",
                                                      "output"]
    assert [len(c["nodes"]) for c in network["columns"]] == [2, 4, 2, 1]
    side = network["size"]
    assert all(len(base64.b64decode(n["map"])) == side * side
               for c in network["columns"] for n in c["nodes"])
    kernels = result.weights[0::2]  # Dense kernels, after the last epoch
    for link, kernel in zip(network["links"], kernels):
        np.testing.assert_allclose(link, kernel, atol=2e-3)  # float16 in snapshots
    # x1 grows to the right: its map runs from most negative to most positive.
    x1 = np.frombuffer(base64.b64decode(network["columns"][0]["nodes"][0]["map"]),
                       np.uint8).reshape(side, side)
    assert x1[0, 0] < 20 and x1[0, -1] > 235

    conv = Experiment(dataset="xor", layers=(LayerSpec.make("dense", units=3),
                                             LayerSpec.make("batchnorm")))
    assert LiveFigures(conv, experiment_data(conv)).network_data(3, shot) is None


def test_a_log_axis_of_learning_rates_labels_every_tick_with_its_value():
    from playground.charts.history import learning_rate_figure

    rates = [0.1 * 0.9 ** e for e in range(40)]  # 0.1 down to about 0.0016
    axis = learning_rate_figure(rates).layout.yaxis
    assert axis.type == "log"
    assert list(axis.ticktext)[:3] == ["0.00164", "0.005", "0.01"]
    assert "0.1" in axis.ticktext and "5" not in axis.ticktext


def test_a_learning_rate_decaying_over_decades_has_room_and_labels_apart():
    import math

    from playground.charts.history import learning_rate_figure

    rates = [0.03 * 0.5 ** (e // 2) for e in range(20)]  # 0.03 down to 5.9e-5
    figure = learning_rate_figure(rates)
    axis, margin = figure.layout.yaxis, figure.layout.margin
    assert figure.layout.height - margin.t - margin.b >= 150
    logs = [math.log10(t) for t in axis.tickvals]
    span = logs[-1] - logs[0]
    assert len(logs) <= 8
    assert all(b - a >= span / 8 for a, b in zip(logs, logs[1:])), axis.ticktext
    assert axis.ticktext[0] == "5.86e-05" and axis.ticktext[-1] == "0.03"


def test_ridges_label_each_epoch_once_and_keep_the_lowest_in_view():
    from playground.charts.weights import histogram_ridges

    edges = np.linspace(-1, 1, 11)
    histograms = [(np.arange(10.0), edges)] * 5
    axis = histogram_ridges([1, 1, 2, 3, 4], histograms, "kernel").layout.yaxis
    assert list(axis.ticktext) == ["epoch 1", "epoch 2", "epoch 3", "epoch 4"]
    assert axis.range[0] < axis.tickvals[0] and axis.range[1] >= axis.tickvals[-1] + 1


def test_ridges_are_steps_over_the_bins_that_never_reach_the_next_row():
    from playground.charts.weights import histogram_ridges

    edges = np.linspace(-1, 1, 5)
    histograms = [(np.array([0.0, 3, 1, 0]), edges), (np.array([1.0, 0, 0, 2]), edges)]
    figure = histogram_ridges([1, 2], histograms, "kernel")
    for row, trace in enumerate(figure.data):
        x, y = np.asarray(trace.x), np.asarray(trace.y)
        # Every change of height happens at a bin edge: no slopes between bins.
        rises = np.flatnonzero(np.diff(y))
        assert np.all(x[rises] == x[rises + 1])
        assert set(np.round(x, 6)) <= set(np.round(edges, 6))
        assert y.min() == row and y.max() < row + 1
    assert np.asarray(figure.data[0].y).max() == pytest.approx(0.9)  # the tallest bin


def test_weight_histograms_give_each_layer_its_own_row_of_shares():
    from playground.charts.weights import weight_histograms

    layers = [{"name": "big", "arrays": {"kernel": np.zeros((100, 100))}},
              {"name": "small", "arrays": {"kernel": np.zeros((2, 5))}}]
    figure = weight_histograms(layers)
    assert {t.histnorm for t in figure.data} == {"percent"}
    # One row each: a small layer is never drawn under a big one's bars.
    assert [t.yaxis for t in figure.data] == ["y", "y2"]
    assert figure.layout.yaxis2.title.text == "small"


def test_units_and_inputs_are_numbered_in_whole_numbers():
    kernel = np.ones((3, 4))
    figure = charts.kernel_heatmap(kernel, np.zeros(4), "k")
    assert figure.layout.xaxis2.dtick == 1 and figure.layout.xaxis2.tick0 == 0
    assert figure.layout.yaxis.dtick == 1
    assert list(figure.data[1].y) == ["bias"]  # the bias row says what it is
    wide = charts.kernel_heatmap(np.ones((3, 64)), np.zeros(64), "k").layout.xaxis2
    assert wide.dtick == 6  # about a dozen labels, still whole numbers
    bars = charts.activation_figure("dense", np.arange(5.0)).layout.xaxis
    assert bars.dtick == 1 and bars.tickmode == "linear"


def test_a_first_layers_kernel_names_its_inputs():
    figure = charts.kernel_heatmap(np.ones((2, 3)), np.zeros(3), "k",
                                   inputs=["petal length", "<b>petal</b> width"])
    assert list(figure.data[0].y) == ["petal length", "&lt;b&gt;petal&lt;/b&gt; width"]


def test_every_class_is_labelled_on_the_balance_bars():
    axis = charts.class_balance({"train": np.arange(10)}, tuple(str(i) for i in range(10)),
                         False).layout.xaxis
    assert axis.type == "category" and axis.dtick == 1


def test_a_diverged_run_still_draws_its_finite_epochs():
    figure = charts.history_figure({"loss": [1.0, 0.5, float("nan"), float("inf")],
                             "val_loss": [1.1, 0.6, float("nan"), float("nan")]})
    training = next(t for t in figure.data if t.name == "training")
    assert list(training.y) == [1.0, 0.5, None, None]


def test_an_accuracy_at_chance_is_drawn_on_a_readable_span():
    flat = charts.history_figure({"loss": [2.3, 2.3], "accuracy": [0.085, 0.1],
                           "val_accuracy": [0.09, 0.095]})
    low, high = flat.layout.yaxis2.range
    assert high - low >= 0.1 and low <= 0.085 and high >= 0.1
    moving = charts.history_figure({"loss": [1, 0.5], "accuracy": [0.5, 0.9]})
    assert moving.layout.yaxis2.range is None  # Plotly's own when it moves


def test_legends_sit_below_the_x_axis_title():
    from playground.evaluation.figures import curves_figure

    legend = curves_figure([{"name": "a", "x": [0, 1], "y": [0, 1], "score": 0.5}],
                           "roc").layout.legend
    assert legend.yref == "container" and legend.y == 0 and legend.yanchor == "bottom"


def test_the_search_map_rounds_its_labels():
    from playground.search.figures import _label

    assert _label(0.0018566433578077874) == "0.00186" and _label("adam") == "adam"


def test_a_long_runs_live_curves_are_thinned_keeping_spikes_gaps_and_the_newest_epoch():
    from playground.charts.history import thinned

    values = [1.0 / (1 + i) for i in range(1500)]
    values[700] = 50.0  # a spike
    values[1000:1020] = [float("nan")] * 20  # epochs that diverged
    xs, ys = thinned(values, 500)
    assert len(xs) == len(ys) <= 504 and xs == sorted(xs)
    assert (xs[0], ys[0]) == (1, 1.0) and (xs[-1], ys[-1]) == (1500, values[-1])
    assert 701 in xs and ys[xs.index(701)] == 50.0
    assert None in ys[xs.index(1000):xs.index(1000) + 8]  # the gap stays a gap
    assert all(ys[xs.index(x)] == values[x - 1] for x in xs if ys[xs.index(x)] is not None)
    assert thinned(values[:400], 500) == (list(range(1, 401)),
                                          [float(v) for v in values[:400]])
    assert thinned(values, None)[0] == list(range(1, 1501))


def test_the_ended_run_s_loss_chart_draws_every_epoch():
    from playground.charts.live_figures import LiveFigures
    from playground.config import Experiment
    from playground.datasets.source import experiment_data

    exp = Experiment(dataset="circle", samples=50, epochs=1500)
    history = {key: list(np.linspace(1, 0, 1500)) for key in
               ("loss", "val_loss", "accuracy", "val_accuracy")}
    figures = LiveFigures(exp, experiment_data(exp))
    ended = figures.history(history)
    assert [len(trace.x) for trace in ended.data] == [1500] * 4


def test_the_plane_svg_draws_every_point_filled_for_training_and_open_for_test():
    import re

    from playground.charts.style import CLASS_COLORS
    from playground.charts.svg_figures import plane_svg

    data = load_dataset("xor", 100, 0.0, 0.2, 0.2, 0)
    x_test = np.vstack([data.x_test, [[np.nan, 0.0]]])  # a point that cannot be drawn
    y_test = np.append(data.y_test, 0)
    svg = plane_svg(data.x_train, data.y_train, x_test, y_test, ("<b>zero</b>", "one"),
                    "Points", ("train", "test"))
    groups = re.findall(r"<g ([^>]*)>(.*?)</g>", svg)
    assert len(groups) == 4  # each class in each split
    drawn = {paint: body.count("<circle") for paint, body in groups}
    filled = [n for paint, n in drawn.items() if paint.startswith("fill='#")]
    assert sum(filled) == len(data.x_train)
    assert sum(drawn.values()) - sum(filled) == len(data.x_test)
    assert f"fill='{CLASS_COLORS[0]}'" in groups[0][0]
    assert f"stroke='{CLASS_COLORS[1]}'" in groups[3][0]
    assert "&lt;b&gt;zero&lt;/b&gt; (train)" in svg and "<b>" not in svg  # text, not markup
    assert "nan" not in svg


def test_the_class_balance_svg_draws_bars_as_tall_as_the_counts():
    import re

    from playground.charts.svg_figures import class_balance_svg

    splits = {"train": np.array([0, 1, 1, 2, 2, 2]), "test": np.array([2])}
    svg = class_balance_svg(splits, ("a", "b", "c&d"), "Balance",
                            {"train": "训练", "test": "测试"})
    heights = [float(h) for h in re.findall(r"<rect x='[\d.]+' y='[\d.]+' "
                                             r"width='[\d.]+' height='([\d.]+)'", svg)]
    train, test = heights[0:6:2], heights[1:6:2]  # bars go class by class
    assert train[1] == pytest.approx(2 * train[0]) and train[2] == pytest.approx(3 * train[0])
    assert test[:2] == [0.0, 0.0] and test[2] == pytest.approx(train[0])
    assert all(f">{name}</text>" in svg for name in ("a", "b", "c&amp;d", "训练", "测试"))


def test_nice_ticks_are_round_numbers_over_the_range():
    from playground.charts.svg_figures import nice_ticks

    assert nice_ticks(0, 120, 5) == [0, 50, 100]
    assert nice_ticks(-5.3, 5.3) == [-4, -2, 0, 2, 4]
    assert nice_ticks(0.001, 0.0042) == [0.001, 0.0015, 0.002, 0.0025, 0.003, 0.0035, 0.004]


def test_marked_epochs_are_lines_in_every_panel_without_a_crowded_title():
    history = {"loss": [1.0, 0.5, 0.6], "val_loss": [1.1, 0.6, 0.7],
               "accuracy": [0.5, 0.9, 0.8], "val_accuracy": [0.4, 0.8, 0.7]}
    fig = charts.mark_epochs(charts.history_figure(history), best_epoch=2, stopped_epoch=3)
    assert len(fig.layout.shapes) == 4  # two lines in each of the two panels
    texts = [a.text for a in fig.layout.annotations]
    assert "best: 2" in texts and "early stop" in texts
    assert not [a for a in fig.layout.annotations if a.yref == "paper" and a.y > 1.05]


def test_the_live_neuron_maps_keep_each_layer_s_range_and_the_grid_s_size():
    import base64

    from playground.charts.live_figures import LiveFigures
    from playground.charts.plane import neuron_grid_height
    from playground.config import Experiment
    from playground.datasets.source import experiment_data

    exp = Experiment(dataset="circle", samples=50, epochs=10)
    figures = LiveFigures(exp, experiment_data(exp))
    waiting = figures.neuron_maps(None, None, {})
    assert waiting["rows"] == [] and waiting["epoch"] == -1
    assert "waiting for the first snapshot" in waiting["title"]
    assert waiting["height"] == neuron_grid_height(figures.hidden_layers)

    maps = np.zeros((3, 4, 4), dtype=np.float32)
    maps[0, 0, 0], maps[1, 1, 1], maps[2, 2, 2] = 2.0, -4.0, 1.0
    snapshot = {"neurons": {"dense": maps, "dense_1": np.ones((2, 4, 4)) * 0.5}}
    data = figures.neuron_maps(7, snapshot, {"dense": [0, 1], "dense_1": [1]})
    assert data["epoch"] == 7 and data["size"] == 4 and "after epoch 7" in data["title"]
    assert [row["name"] for row in data["rows"]] == ["dense", "dense_1"]
    assert [u["label"] for u in data["rows"][0]["units"]] == ["dense · unit 0",
                                                              "dense · unit 1"]
    first, second = (np.frombuffer(base64.b64decode(u["map"]), np.uint8)
                     for u in data["rows"][0]["units"])
    # One range per layer, symmetric: 4 is the layer's largest, so 2 is 3/4 up.
    assert len(first) == 16 and first[0] == 191 and second[5] == 0 and first[1] == 128
    (only,) = data["rows"][1]["units"]
    assert set(np.frombuffer(base64.b64decode(only["map"]), np.uint8)) == {255}
