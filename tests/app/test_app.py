"""The app from `app.py`: every page, the main flow, and URL restore."""

import json
import re
import time
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from playground.config import Experiment
from playground.presets import PRESETS
from tests.app.sessions import ended

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGES = ["views/data.py", "views/model.py", "views/train.py", "views/inspect.py",
         "views/evaluate.py", "views/crossval.py"]


def new_app(query=None):
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def experiment(at) -> Experiment:
    return at.session_state["experiment"]


def widget(at, kind: str, label: str):
    """The widget of a kind (`"slider"`, ...) with this label, wherever it is."""
    return next(w for w in getattr(at, kind) if w.label == label)


def shown(element) -> str:
    """An element's text as the user reads it (Markdown escapes removed)."""
    return re.sub(r"\\(.)", r"\1", element.value)


def plotly_specs(at):
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def test_every_page_renders_without_exception():
    at = new_app()
    assert not at.exception
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, page
        assert not at.error, page


@pytest.mark.workers
def test_pick_dataset_add_layer_train_and_stop():
    at = new_app()
    widget(at, "selectbox", "Dataset").select("iris").run()
    assert experiment(at).dataset == "iris"
    assert at.dataframe, "tabular preview expected for iris"

    at.switch_page("views/model.py").run()
    before = len(experiment(at).layers)
    at.selectbox(key="new_layer_kind").select("dropout").run()
    widget(at, "button", "Add layer").click().run()
    assert [l.kind for l in experiment(at).layers][-1] == "dropout"
    assert len(experiment(at).layers) == before + 1
    assert not at.exception and not at.error
    summary = at.dataframe[0].value
    assert list(summary["Layer"]) == ["Dense", "Dense", "Dropout", "Dense"]

    at.switch_page("views/train.py").run()
    widget(at, "number_input", "Epochs").set_value(2000).run()
    at.button(key="train_button").click().run()
    job = at.session_state["training_job"]
    deadline = time.time() + 120
    while not job.progress()["epoch"] and time.time() < deadline:
        time.sleep(0.2)
    at.run()  # a poll, as the fragment timer would do
    assert at.button(key="stop_button").disabled is False
    at.button(key="stop_button").click().run()
    result = job.wait(60)
    assert result.status == "stopped" and result.epochs_run >= 1
    at.run()
    assert not at.exception
    assert any("Stopped by you" in s.value for s in at.info)
    chart = next(s for s in plotly_specs(at) if s["data"] and
                 s["data"][0].get("name") == "training")
    assert len(chart["data"][0]["y"]) == result.epochs_run
    # The finished run stays on screen across page switches.
    at.switch_page("views/data.py").run()
    at.switch_page("views/train.py").run()
    assert any("Stopped by you" in s.value for s in at.info)


def test_query_parameters_restore_the_experiment():
    exp = PRESETS["digits-mlp"].experiment.replace(seed=77, epochs=9)
    at = new_app(exp.to_query())
    assert experiment(at) == exp
    assert not at.error
    assert at.query_params["dataset"] == "digits"


def test_partial_query_fills_defaults():
    at = new_app({"dataset": "spiral"})
    assert experiment(at) == Experiment(dataset="spiral")


def test_bad_url_shows_message_and_falls_back_to_default():
    at = new_app({"dataset": "spiral", "lr": "abc", "layers": "dense-4_warp-9"})
    assert experiment(at) == Experiment()
    assert not at.exception
    text = shown(at.error[0])
    assert "could not be restored" in text
    assert "Received: learning_rate='abc'" in text
    assert "Layer 2, 'warp-9': layer type must be one of 'dense'" in text
    assert at.query_params["dataset"] == "circle"


@pytest.mark.workers
def test_incompatible_stack_is_refused_on_model_and_train_pages():
    at = new_app({"dataset": "iris", "layers": "conv2d"})
    at.switch_page("views/model.py").run()
    assert "needs an image input" in shown(at.error[0])
    at.switch_page("views/train.py").run()
    at.button(key="train_button").click().run()
    assert "training_job" not in at.session_state
    assert "Cannot train this model" in shown(at.error[0])


def test_bad_widget_value_keeps_previous_experiment():
    at = new_app()
    widget(at, "slider", "Test share").set_value(0.4).run()
    assert experiment(at).test_fraction == 0.4 and not at.error
    widget(at, "slider", "Validation share").set_value(0.4).run()
    assert experiment(at).val_fraction == 0.2
    assert "at least 40% of the data is for training" in shown(at.error[0])


def test_preset_loads_from_sidebar():
    at = new_app()
    at.selectbox(key="preset_choice").select("spiral").run()
    widget(at, "button", "Load preset").click().run()
    assert experiment(at) == PRESETS["spiral"].experiment
    assert at.query_params["dataset"] == "spiral"


def test_link_text_cannot_render_as_markdown():
    at = new_app({"dataset": "![x](https://example.invalid/p.png) [Fix it](https://e)"})
    text = at.error[0].value
    # Escaped; an address is inline code, which Markdown never links and
    # which copies exactly as shown.
    assert "`dataset='![x](https://example.invalid/p.png)`" in text
    assert r"\[Fix `it](https://e)'`" in text
    assert "\u2060" not in text
    assert experiment(at) == Experiment()


@pytest.mark.workers
def test_a_worker_that_dies_on_every_try_gives_a_message_not_a_traceback(monkeypatch):
    import crashing_task

    import playground.inspection.activations
    from playground.jobs.process_pool import TASK_CRASHED

    at = new_app({"dataset": "xor", "epochs": "2"})
    at.switch_page("views/train.py").run()
    at.button(key="train_button").click().run()
    assert ended(at.session_state["training_job"]).status == "completed"
    at.run()
    monkeypatch.setattr(playground.inspection.activations, "architecture_dot",
                        crashing_task.kill_own_process)
    at.switch_page("views/inspect.py").run()
    assert not at.exception
    assert [e.value for e in at.error] == [TASK_CRASHED]
    assert at.session_state["training_job"].result.status == "completed"
    assert at.sidebar.markdown, "the sidebar is still drawn"
    monkeypatch.undo()
    at.run()  # the next try works in a fresh worker
    assert not at.exception and not at.error
    assert at.get("graphviz_chart")


@pytest.mark.workers
def test_inspect_page_shows_the_trained_weights():
    at = new_app({"dataset": "xor", "epochs": "3"})
    at.switch_page("views/inspect.py").run()
    assert "Train a model first" in at.info[0].value
    at.switch_page("views/train.py").run()
    at.button(key="train_button").click().run()
    result = ended(at.session_state["training_job"])
    assert result.status == "completed"
    at.run()
    at.switch_page("views/inspect.py").run()
    assert not at.exception
    names = list(at.dataframe[0].value["Layer"])
    assert names == ["dense_1", "dense_2", "output"]
    diagram = at.get("graphviz_chart")[0].proto.spec
    assert all(f"<b>{name}</b>" in diagram for name in names)
    charts = {spec["layout"]["title"]["text"]: spec for spec in plotly_specs(at)}
    histogram = charts["Weight distribution per layer (% of each layer's weights)"]["data"]
    assert [t["name"] for t in histogram] == names
    kernels = [spec["data"][0]["z"] for title, spec in charts.items()
               if title.endswith("with bias")]
    first = next(spec for title, spec in charts.items()
                 if title.startswith("dense_1") and title.endswith("with bias"))
    assert first["data"][0]["y"] == ["x1", "x2"]  # the first layer's inputs by name
    # Plotly sends NumPy arrays as typed arrays: {"dtype", "bdata", "shape"}.
    shapes = [tuple(int(n) for n in z["shape"].split(",")) for z in kernels]
    assert shapes == [(2, 4), (4, 2), (2, 1)]  # inputs x units per Dense layer

    # Activations of the first test row: one bar per unit of each hidden layer,
    # then the predicted probabilities with the true class.
    assert [len(charts[f"{name} ({units})"]["data"][0]["x"])
            for name, units in (("dense_1", 4), ("dense_2", 2))] == [4, 2]
    prediction = next(t for t in charts if t.startswith("Predicted probabilities"))
    true_class = ["orange", "blue"][int(_first_test_label(at))]
    assert f"true class: {true_class}" in prediction
    # A point on the plane instead of a row: still one output per layer.
    at.radio(key="sample_source").set_value("a point on the plane").run()
    at.slider(key="point_x1").set_value(2.0).run()
    assert not at.exception
    assert any("no true class" in c.value for c in at.caption)
    # The weights over training: one norm line per layer over the snapshots.
    charts = {spec["layout"]["title"]["text"]: spec for spec in plotly_specs(at)}
    norms = charts["Weight norm per layer over training"]["data"]
    assert [t["name"] for t in norms] == names
    assert any("distribution over the epochs" in title for title in charts)


def _first_test_label(at):
    from playground.datasets.source import experiment_data

    return experiment_data(at.session_state["training_job"].experiment).y_test[0]


def _csv_bytes(rows: int = 60) -> bytes:
    """A small table: two numbers, a category, and a yes/no target last."""
    import random

    rng = random.Random(7)
    lines = ["x1,x2,colour,label"]
    for i in range(rows):
        x1, x2 = round(rng.uniform(-3, 3), 2), round(rng.uniform(-3, 3), 2)
        colour = ("red", "green", "blue")[i % 3]
        lines.append(f"{x1},{x2},{colour},{'yes' if x1 + x2 > 0 else 'no'}")
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.workers
def test_uploaded_csv_needs_its_file_then_trains():
    from playground.datasets import uploads

    token = uploads.register(_csv_bytes(), "mine.csv")
    # A link carries the file's name and the target, never the upload.
    at = new_app({"dataset": "csv", "file": "mine.csv", "target": "label",
                  "epochs": "3"})
    assert not at.exception
    assert experiment(at).upload == ""
    assert "Upload the file mine.csv on the Data page" in shown(at.warning[0])
    assert not [s for s in at.selectbox if s.label == "Target column"]
    at.switch_page("views/train.py").run()
    assert not at.exception
    assert "Upload the file mine.csv on the Data page" in shown(at.warning[0])
    assert "Fix the data on the **Data** page first" in at.warning[0].value
    assert "train_button" not in [b.key for b in at.button]

    # What the upload callback does once the file is in this session.
    at.switch_page("views/data.py").run()
    at.session_state["experiment"] = experiment(at).replace(upload=token)
    at.run()
    assert not at.exception and not at.main.warning
    target = widget(at, "selectbox", "Target column")
    assert target.options == ["x1", "x2", "colour", "label"]
    assert target.value == "label"
    target.select("colour").run()
    assert experiment(at).target == "colour"
    assert "Task: multiclass" in shown(at.caption[0])
    widget(at, "selectbox", "Target column").select("label").run()
    assert experiment(at).target == "label"
    assert shown(at.caption[0]).startswith(
        "Task: binary · input shape: (5,) · 30 train / 12 validation / 18 test")
    assert "CSV: mine.csv" in [t.value for t in at.text]  # plain text, never Markdown
    assert any("carry the settings, not the file" in shown(c) for c in at.caption)

    at.switch_page("views/train.py").run()
    assert not at.exception and not at.main.warning
    at.button(key="train_button").click().run()
    result = ended(at.session_state["training_job"])
    assert result.status == "completed", result.message
    assert result.epochs_run == 3
    at.run()
    assert not at.exception and not at.error
    assert any("Finished 3 epoch(s)." in s.value for s in at.success)
    assert "Test accuracy" in [m.label for m in at.metric]


def test_first_page_imports_neither_pandas_nor_tensorflow():
    """The default page (the Data page on the circle set) must start fast:
    pandas (about 0.25 s with pyarrow) is for CSV tables only, TensorFlow
    for training only. A fresh process shows what the first run imported."""
    import subprocess
    import sys

    code = ("import sys; from streamlit.testing.v1 import AppTest; "
            f"at = AppTest.from_file({APP!r}, default_timeout=60).run(); "
            "assert not at.exception, [e.value for e in at.exception]; "
            "print(sorted(m for m in ('pandas', 'pyarrow', 'sklearn', 'tensorflow') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120).stdout
    assert out.strip().splitlines()[-1] == "[]"


def refusals_at_train(query: dict, at=None) -> tuple:
    """The app and the errors it shows after Train (no worker starts in this tier):
    the page has no traceback and queued nothing."""
    if at is None:
        at = new_app(query)
        at.switch_page("views/train.py").run()
    at.button(key="train_button").click().run()
    assert not at.exception
    assert at.session_state["training_job"] is None if "training_job" in at.session_state \
        else True
    return at, [e.value for e in at.main.error]


def test_a_model_over_the_hosts_weight_limit_is_refused_before_training(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_WEIGHTS_MB", "1")
    _, shown = refusals_at_train({"dataset": "iris",
                                  "layers": "dense-1024-relu_dense-512-relu"})
    weights = 4 * 1024 + 1024 + 1024 * 512 + 512 + 512 * 3 + 3
    assert any(f"This model has {weights:,} weights \\(2 MB\\), more than this "
               "server's limit of 1 MB per run" in text for text in shown), shown


def test_a_model_over_the_hosts_parameter_limit_is_refused_with_its_count(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_PARAMS", "500")
    at, shown = refusals_at_train({"dataset": "iris", "layers": "dense-64-relu"})
    params = 4 * 64 + 64 + 64 * 3 + 3
    assert any(f"This model has {params:,} parameters \\(weights and biases\\), more than "
               "this server's limit of 500" in text for text in shown), shown
    monkeypatch.setenv("PLAYGROUND_MAX_PARAMS", "many")  # a host's typo: said, no traceback
    _, shown = refusals_at_train({}, at)
    assert any("PLAYGROUND\\_MAX\\_PARAMS must be a whole number from 0 up; received "
               "'many'" in text for text in shown), shown


def test_a_model_too_big_for_a_workers_memory_is_refused_before_training(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_WORKER_MEMORY_MB", "850")  # 50 MB for a run
    _, shown = refusals_at_train({"dataset": "iris", "batch": "4096",
                                  "layers": "dense-1024-relu_dense-512-relu"})
    assert any("more than the 50 MB a run has on this server" in text
               for text in shown), shown


def test_the_data_page_shows_features_and_targets_in_their_own_units():
    at = new_app({"dataset": "iris"})
    frame = next(d.value for d in at.dataframe if "sepal length (cm)" in d.value)
    assert frame["sepal length (cm)"].between(4, 8).all()  # centimetres, not z-scores
    assert any("in their own units" in c.value for c in at.caption)

    at = new_app({"dataset": "diabetes"})
    frame = next(d.value for d in at.dataframe if "target" in d.value)
    assert frame["target"].min() >= 20  # disease progression, not standard units
    assert frame["age"].between(18, 90).all()  # years, not scikit-learn's scaled age
    assert any("the features and the target standardised" in c.value for c in at.caption)
    balance = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                   if "Target distribution" in c.proto.spec)
    lowest = min(float(np.min(values(t["x"]))) for t in balance["data"])
    assert lowest >= 20

    # A CSV's rows are shown encoded, as the network sees them, but not its target.
    at = new_app({"dataset": "house-prices"})
    assert any("The target is shown in its own units" in c.value for c in at.caption)
    # The shipped table's target is shown as chosen, and first in the file's rows.
    assert widget(at, "selectbox", "Target column").value == "price_k"
    assert next(d.value for d in at.dataframe if "rooms" in d.value).columns[0] == "price_k"


def values(array) -> np.ndarray:
    """A Plotly array as sent: a list, or a typed array {"dtype", "bdata"}."""
    if isinstance(array, dict):
        import base64

        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
    return np.asarray(array, dtype=float)
