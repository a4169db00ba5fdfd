"""Graphs of layers (Keras' Functional API): the link and JSON forms, the
structure and shape checks with their messages, and agreement with Keras'
own shapes, parameter counts and layer order."""

from urllib.parse import parse_qs

import numpy as np
import pytest

from playground.config import Experiment
from playground.datasets.catalog import DataSpec
from playground.fields import ConfigError, ConfigErrors
from playground.model.builder import build_graph, build_model, keras_layers
from playground.model.checks import check_experiment
from playground.model.graph import (
    GraphNode,
    chain_graph,
    graph_from_text,
    graph_to_text,
    keras_order,
    stack_of,
)
from playground.model.graph_checks import check_graph
from playground.model.layers import LayerSpec
from playground.model.shapes import StackError

L = LayerSpec.make
WIDE_DEEP = ("wide~dense-8-linear~input_deep1~dense-16-relu~input_"
             "deep2~dense-16-relu~deep1_both~concatenate~wide,deep2")
TABULAR = DataSpec((5,), "features", "multiclass", 3)
TOKENS = DataSpec((7,), "tokens", "multiclass", 3, vocab_size=50)
SOFTMAX = L("dense", units=3, activation="softmax")

GRAPHS = [
    (TABULAR, WIDE_DEEP),
    (TABULAR, "a~dense-6~input_b~dense-6~a_c~batchnorm~b_sum~add~a,c_"
              "d~dropout-0.1~sum_e~average~d,sum,a"),
    (TOKENS, "emb~embedding-6~input_seq~lstm-5-on~emb_step~dense-4-tanh~seq~td_"
             "both~concatenate~step,emb_flat~flatten~both"),
    (TOKENS, "emb~embedding-4~input_act~activation-tanh~emb~td_last~lstm-3~act"),
]


def wide_deep(**changes) -> Experiment:
    return Experiment(dataset="iris", layers=(), graph=graph_from_text(WIDE_DEEP),
                      optimizer="adam", learning_rate=0.01, batch_size=16,
                      epochs=40).replace(**changes)


def test_text_form_round_trips_and_is_compact():
    graph = graph_from_text(WIDE_DEEP)
    assert [node.id for node in graph] == ["wide", "deep1", "deep2", "both"]
    assert graph[3] == GraphNode("both", None, ("wide", "deep2"), merge="concatenate")
    assert graph_to_text(graph) == WIDE_DEEP.replace("-relu", "")  # a default dropped
    node = graph_from_text("e~embedding~input_d~dense~e~td")[1]
    assert node.time_distributed and node.label == "TimeDistributed(Dense)"


def test_link_and_json_round_trip_and_the_stack_stays_the_default():
    exp = wide_deep()
    query = exp.to_query()
    assert query["graph"].startswith("wide~dense-8-linear~input")
    assert Experiment.from_query(query) == exp
    assert Experiment.from_query(parse_qs(exp.to_query_string())) == exp
    assert Experiment.from_json(exp.to_json()) == exp
    assert exp.to_dict()["graph"][3] == {"id": "both", "merge": "concatenate",
                                         "inputs": ["wide", "deep2"]}
    assert "graph" not in Experiment().to_query() and Experiment().graph == ()


@pytest.mark.parametrize("text, words", [
    ("a~dense~b_b~dense~input",
     ["takes 'b', which is not an earlier node", "cycle"]),
    ("a~dense~a", ["takes 'a', which is not an earlier node", "cycle"]),
    ("a~dense~input_b~dense~nowhere", ["takes 'nowhere', and there is no such node",
                                       "'input'"]),
    ("a~dense~input_a~dense~a", ["repeats the id 'a'"]),
    ("a~dense~input_b~add~a", ["from 2 to 8 different nodes", "two or more"]),
    ("a~dense~input,input", ["A layer takes one input"]),
    ("Input~dense~input", ["node id", "Rename the node"]),
    ("a~concatenate~input,input", ["each once"]),
    ("a~dense-8~input~td~x", ["id~layer~inputs"]),
])
def test_a_bad_graph_in_a_link_is_refused_with_the_node_and_the_fix(text, words):
    with pytest.raises(ConfigErrors) as caught:
        Experiment.from_query({"layers": "", "graph": text})
    message = str(caught.value)
    assert "Invalid `graph`" in message and "Received: graph=" in message
    for word in words:
        assert word in message, message


def test_a_bad_graph_in_json_is_refused_all_or_nothing():
    data = wide_deep().to_dict()
    data["graph"][3]["inputs"] = ["wide", "deep9"]
    data["epochs"] = 0
    with pytest.raises(ConfigErrors) as caught:
        Experiment.from_dict(data)
    fields = [error.field for error in caught.value.errors]
    assert fields == ["graph", "epochs"]  # in the field table's order
    assert "no such node" in str(caught.value)


def test_a_stack_and_a_graph_together_are_refused():
    with pytest.raises(ConfigError) as caught:
        Experiment(graph=graph_from_text(WIDE_DEEP))  # the default stack is there too
    assert caught.value.field == "layers"
    assert "Put the layers in the graph, or remove the graph" in str(caught.value)


@pytest.mark.parametrize("text, index, words", [
    ("a~dense-8~input_b~dense-4~input_s~add~a,b", 2,
     ["cannot add its inputs", "Add expects every input to have the same shape",
      "Received: (8,) from a, (4,) from b", "same number of units", "Concatenate"]),
    ("a~dense-8~input_b~dense-8~input_c~dense-4~a", 1,
     ["Node 2, b, is not used", "Join it to another branch with a merge",
      "or remove it"]),
    ("a~dense-8~input~td", 0,
     ["TimeDistributed", "receives (5,)", "no time axis", "(timesteps, features)",
      "Remove the TimeDistributed wrap"]),
    ("a~dense-8~input_b~flatten~a_c~concatenate~a,b", 2, []),
])
def test_shape_check_names_the_node_what_it_received_and_the_fix(text, index, words):
    graph = graph_from_text(text)
    if not words:
        assert check_graph(graph, SOFTMAX, TABULAR)[-2].output_shape == (16,)
        return
    with pytest.raises(StackError) as caught:
        check_graph(graph, SOFTMAX, TABULAR)
    assert caught.value.index == index
    for word in words:
        assert word in str(caught.value), str(caught.value)


def test_concatenate_of_a_sequence_and_a_vector_is_refused():
    graph = graph_from_text("e~embedding-4~input_l~lstm-3~e_j~concatenate~e,l")
    with pytest.raises(StackError, match=r"Concatenate expects shapes that differ only "
                                         r"in the last axis. Received: \(7, 4\) from e, "
                                         r"\(3,\) from l"):
        check_graph(graph, SOFTMAX, TOKENS)


@pytest.mark.parametrize("data, text", GRAPHS)
def test_shapes_params_and_layer_order_match_keras(data, text):
    graph = graph_from_text(text)
    rows = check_graph(graph, SOFTMAX, data)
    model = build_graph(graph, SOFTMAX, data, seed=0)
    layers = {layer.name: layer for layer in model.layers}
    for row, name in zip(rows, [node.id for node in graph] + ["output"]):
        assert row.output_shape == tuple(layers[name].output.shape[1:]), name
        assert row.params == layers[name].count_params(), name
    assert sum(row.params for row in rows) == model.count_params()
    order = [graph[i].id for i in keras_order(graph)]
    assert [layer.name for layer in model.layers] == ["input", *order, "output"]


def test_a_stack_is_a_chain_graph_and_back():
    stack = (L("dense", units=8), L("dropout", rate=0.2), L("conv2d"))
    graph = chain_graph(stack)
    assert [node.id for node in graph] == ["dense1", "dropout2", "conv3"]
    assert stack_of(graph) == stack
    assert stack_of(graph_from_text(WIDE_DEEP)) is None
    exp = Experiment(dataset="iris", layers=(L("dense", units=8),))
    as_graph = exp.replace(layers=(), graph=chain_graph(exp.layers))
    assert [r.params for r in check_experiment(as_graph)] == [
        r.params for r in check_experiment(exp)]


def test_a_two_branch_graph_builds_and_trains():
    from playground.training.loop import run_training

    exp = wide_deep()
    model = build_model(exp)
    assert model.count_params() == sum(r.params for r in check_experiment(exp))
    result = run_training(exp)
    assert result.status == "completed", result.message
    assert result.test_metrics["accuracy"] >= 0.85
    kinds, names = keras_layers(exp)
    assert names == ["deep1", "wide", "deep2", "both", "output"]
    assert [w.shape for w in result.weights] == [w.shape for w in model.get_weights()]


def test_activations_of_a_graph_follow_keras_layers():
    from playground.datasets.source import experiment_data
    from playground.inspection.activations import ActivationProbe

    exp = wide_deep()
    outputs = ActivationProbe(exp, build_model(exp).get_weights())(
        experiment_data(exp).x_test[0])
    assert [name for name, _ in outputs] == keras_layers(exp)[1]
    assert np.isclose(outputs[-1][1].sum(), 1.0, atol=1e-5)


def test_the_wide_and_deep_preset_trains_offline_and_explains_the_prices():
    from playground.datasets.source import experiment_data
    from playground.presets import PRESETS
    from playground.training.loop import run_training

    exp = PRESETS["house-prices-wide-deep"].experiment
    assert [node.merge for node in exp.graph][-1] == "concatenate"
    data = experiment_data(exp)
    result = run_training(exp.replace(epochs=15))
    assert result.status == "completed", result.message
    guess_the_mean = float(np.mean(np.square(data.y_val - data.y_train.mean())))
    assert min(result.history["val_loss"]) < 0.25 * guess_the_mean


def test_the_functional_imdb_preset_is_checked_without_its_data():
    from playground.presets import PRESETS

    exp = PRESETS["imdb-functional"].experiment
    rows = check_experiment(exp)  # from the catalog's shapes: no download
    assert [row.name for row in rows] == ["Embedding", "LSTM", "TimeDistributed(Dense)",
                                          "Flatten", "Dense"]
    assert rows[2].output_shape == (exp.maxlen, 32) and rows[-1].output_shape == (2,)


def test_editing_a_graph_keeps_it_wired():
    from playground.model import graph_edits as edit

    chain = graph_from_text("a~dense-4~input_b~dense-4~a")
    inserted, new = edit.add_layer(chain, "a", L("dropout"))
    assert graph_to_text(inserted) == "a~dense-4~input_dropout1~dropout~a_b~dense-4~dropout1"
    branched, new = edit.add_layer(chain, "input", L("dense", units=3), branch=True)
    assert [(n.id, n.inputs) for n in branched] == [
        ("dense1", ("input",)), ("a", ("input",)), ("b", ("a",))]
    merged, merge = edit.add_merge(branched, "concatenate", ("dense1", "b"))
    assert merged[-1] == GraphNode(merge, None, ("dense1", "b"), merge="concatenate")
    # A residual block: the merge takes the place of its latest input.
    block = graph_from_text("a~dense-4~input_b~dense-4~a_c~dense-4~b")
    residual, merge = edit.add_merge(block, "add", ("a", "b"))
    assert [n.inputs for n in residual][2:] == [("a", "b"), (merge,)]
    assert graph_to_text(edit.remove_node(residual, merge)).endswith("c~dense-4~a")
    assert edit.toggle_time_distributed(chain, "b")[1].time_distributed
    with pytest.raises(ConfigError, match="not an earlier node"):
        edit.set_inputs(chain, "a", ("b",))


def test_the_diagram_draws_every_node_and_marks_the_selected_and_the_refused():
    from playground.model.graph_diagram import graph_dot

    graph = graph_from_text(WIDE_DEEP)
    rows = check_graph(graph, SOFTMAX, TABULAR)
    dot = graph_dot(graph, SOFTMAX, (5,), rows, selected="wide", problem=4)
    assert '"wide" [label="wide\\nDense(8, linear)\\n(8,)", fillcolor=' in dot
    assert '"deep2" -> "both";' in dot and '"both" -> "output";' in dot
    assert 'label="output\\nDense(3, softmax)\\n(3,)", color="#d93025"' in dot


def test_a_search_runs_over_a_graphs_settings_but_not_its_layers():
    from playground.search.space import SearchSpace, SpaceError

    exp = wide_deep()
    with pytest.raises(SpaceError, match="this model is a graph"):
        SearchSpace.parse({"layers.0.units": [4, 8]}, exp)
    space = SearchSpace.parse({"learning_rate": [0.01, 0.1]}, exp)
    assert space.apply(exp, {"learning_rate": 0.1}).graph == exp.graph


def test_runs_name_and_compare_a_graph():
    from playground.runs.compare import shown_settings
    from playground.runs.record import model_summary

    exp = wide_deep()
    assert model_summary(exp) == "Functional(Dense · Dense · Dense · Concatenate)"
    other = exp.replace(graph=(*exp.graph[:3], GraphNode("both", None, (
        "wide", "deep2"), merge="average")))
    rows, differing = shown_settings([exp, other])
    assert differing == ["Graph of layers"]
    assert rows["Graph of layers"][1].endswith("deep2: Dense(16, relu), both: Average")


@pytest.mark.parametrize("bad", [
    [{"id": "a", "merge": ["add"], "inputs": ["input", "input"]}], [{"id": ["a"]}],
    [{"id": "a", "layer": 5}], [{"id": "a", "layer": {"type": "dense"}, "inputs": [1]}],
    "x", [None], [{"id": "a", "layer": {"type": "dense"}, "time_distributed": "yes"}],
    [{"id": "a", "layer": {"type": "dense"}, "colour": "red"}],
])
def test_any_malformed_graph_in_json_is_a_config_error(bad):
    with pytest.raises(ConfigErrors, match="Invalid `graph`"):
        Experiment.from_dict({"layers": [], "graph": bad})
