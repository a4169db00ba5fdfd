"""The Model page's graph editor: Stack / Graph, the diagram, and its edits."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from playground.model.graph import graph_from_text
from playground.presets import PRESETS
from tests.app.sessions import ended

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def model_page(exp):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(exp.to_query())
    return at.run().switch_page("views/model.py").run()


def experiment(at):
    return at.session_state["experiment"]


def widget(at, kind: str, label: str):
    return next(w for w in getattr(at, kind) if w.label == label)


def diagram(at) -> str:
    [chart] = at.get("graphviz_chart")
    return chart.proto.spec


def test_the_stack_is_the_default_and_turns_into_a_graph_and_back():
    at = model_page(PRESETS["iris-mlp"].experiment)
    assert widget(at, "radio", "Model").value == "Stack"
    assert not at.get("graphviz_chart")
    widget(at, "radio", "Model").set_value("Graph").run()
    assert not at.exception
    exp = experiment(at)
    assert exp.layers == () and [n.id for n in exp.graph] == ["dense1", "dense2",
                                                              "dense3"]
    assert '"dense2" -> "dense3"' in diagram(at)
    widget(at, "radio", "Model").set_value("Stack").run()
    assert experiment(at) == PRESETS["iris-mlp"].experiment


def test_add_a_branch_merge_it_and_edit_the_selected_node():
    at = model_page(PRESETS["iris-mlp"].experiment)
    widget(at, "radio", "Model").set_value("Graph").run()
    # A new branch from the input...
    widget(at, "selectbox", "Selected node").select("input").run()
    widget(at, "radio", "After input").set_value("as a new branch").run()
    widget(at, "button", "Add layer").click().run()
    exp = experiment(at)
    assert [(n.id, n.inputs) for n in exp.graph][0] == ("dense4", ("input",))
    # ...is not used yet: the check says so and names the fix.
    assert any("Node 1, dense4, is not used" in e.value for e in at.error)
    # Merged with the deep branch's last node, it closes the graph.
    widget(at, "multiselect", "Merge these nodes").select("dense4").select("dense3")
    widget(at, "button", "Add merge").click().run()
    exp = experiment(at)
    assert exp.graph[-1].merge == "concatenate"
    assert exp.graph[-1].inputs == ("dense4", "dense3")
    assert not at.error and not at.exception
    summary = at.dataframe[0].value
    assert summary["Connected to"].tolist()[-2:] == ["dense4, dense3",
                                                     exp.graph[-1].id]
    assert '"concat1" -> "output"' in diagram(at)
    # The selected node (the new merge) is filled; switch to dense4 and edit it.
    widget(at, "selectbox", "Selected node").select("dense4").run()
    widget(at, "number_input", "units").set_value(5).run()
    assert experiment(at).graph[0].layer["units"] == 5
    assert "fillcolor" in diagram(at).split('"dense4" [', 1)[1].split("]", 1)[0]


def test_time_distributed_and_remove_from_the_panel():
    # Each row of an 8x8 digit flattened, then a Dense layer on every row.
    exp = PRESETS["digits-mlp"].experiment.replace(layers=(), graph=graph_from_text(
        "rows~flatten~input~td_step~dense-4~rows~td_flat~flatten~step"))
    at = model_page(exp)
    assert not at.exception and not at.error
    assert at.dataframe[0].value["Output shape"].tolist()[:2] == ["(None, 8, 8)",
                                                                  "(None, 8, 4)"]
    widget(at, "selectbox", "Selected node").select("step").run()
    assert widget(at, "checkbox", "Wrap in TimeDistributed").value
    widget(at, "checkbox", "Wrap in TimeDistributed").uncheck().run()
    assert not experiment(at).graph[1].time_distributed
    assert any("Flatten layer before it" in e.value for e in at.error)
    widget(at, "checkbox", "Wrap in TimeDistributed").check().run()
    widget(at, "button", "Remove this node").click().run()
    graph = experiment(at).graph
    assert [n.id for n in graph] == ["rows", "flat"]
    assert graph[-1].inputs == ("rows",)


def test_a_graph_that_is_not_a_chain_stays_a_graph():
    at = model_page(PRESETS["house-prices-wide-deep"].experiment)
    widget(at, "radio", "Model").set_value("Stack").run()
    assert experiment(at).graph == PRESETS["house-prices-wide-deep"].experiment.graph
    assert widget(at, "radio", "Model").value == "Graph"
    assert any("a stack cannot hold" in e.value for e in at.error)


def test_connect_the_selected_node_to_another_earlier_node():
    exp = PRESETS["iris-mlp"].experiment.replace(layers=(), graph=graph_from_text(
        "a~dense-8~input_b~dense-8~a_c~dense-8~b"))
    at = model_page(exp)
    widget(at, "selectbox", "Selected node").select("c").run()
    widget(at, "selectbox", "Takes").select("a").run()
    graph = experiment(at).graph
    assert graph[2].inputs == ("a",)
    assert any("Node 2, b, is not used" in e.value for e in at.error)


PAGES = ["views/train.py", "views/inspect.py", "views/evaluate.py", "views/crossval.py",
         "views/search.py", "views/runs.py", "views/data.py", "views/model.py"]


@pytest.mark.workers
@pytest.mark.parametrize("exp", [
    PRESETS["house-prices-wide-deep"].experiment.replace(epochs=3),
    # On the plane: the neuron maps of a graph's Dense layers, no network view.
    PRESETS["circle"].experiment.replace(epochs=3, layers=(), graph=graph_from_text(
        "a~dense-4-tanh~input_b~dense-4-tanh~input_s~add~a,b")),
], ids=["wide-deep", "plane"])
def test_every_view_works_for_a_trained_graph(exp, store_url):
    at = model_page(exp)
    at.switch_page("views/train.py").run()
    at.button(key="train_button").click().run()
    result = ended(at.session_state["training_job"])
    assert result.status == "completed", result.message
    at.run()
    assert not at.exception
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
    at.switch_page("views/inspect.py").run()
    names = at.dataframe[0].value.iloc[:, 0].tolist()
    assert names == [node.id for node in exp.graph] + ["output"]
    if exp.dataset == "circle":
        at.switch_page("views/train.py").run()
        assert any("this model is a graph" in c.value for c in at.caption)
