"""Results of earlier settings never read as current ones."""

import pytest

from tests.app.test_app import experiment, new_app, shown, widget
from tests.app.sessions import ended


def container_keys(node) -> list[str]:
    """The keys of the containers under `node` (a key ends the block's id)."""
    keys = []
    for child in getattr(node, "children", {}).values():
        block_id = getattr(getattr(child, "proto", None), "id", "")
        if isinstance(block_id, str) and block_id.startswith("$$ID-"):
            keys.append(block_id.split("-", 2)[-1])
        keys += container_keys(child)
    return keys


def test_a_data_change_puts_a_loss_that_no_longer_fits_back_on_auto():
    at = new_app({"dataset": "circle", "loss": "bce"})
    widget(at, "selectbox", "Dataset").select("diabetes").run()
    assert experiment(at).dataset == "diabetes" and experiment(at).loss == "auto"
    assert any("Binary crossentropy does not fit a regression task" in shown(i)
               for i in at.info)
    at.switch_page("views/train.py").run()
    assert widget(at, "selectbox", "Loss").value == "auto"
    assert not at.exception

    fits = new_app({"dataset": "circle", "loss": "mse"})  # MSE fits both: kept
    widget(fits, "selectbox", "Dataset").select("diabetes").run()
    assert experiment(fits).loss == "mse" and not fits.info


def test_a_chosen_output_layer_that_no_longer_fits_goes_back_to_auto():
    from urllib.parse import parse_qsl

    from playground.presets import PRESETS

    at = new_app(dict(parse_qsl(PRESETS["house-prices"].experiment.to_query_string())))
    assert experiment(at).output is not None  # Dense(1, linear), chosen
    widget(at, "selectbox", "Dataset").select("iris").run()
    assert experiment(at).output is None
    assert any("does not fit the new data" in shown(i) for i in at.info)
    at.switch_page("views/model.py").run()
    assert not at.error and not at.exception  # three softmax units: it trains


def test_a_dense_stack_switched_to_images_gets_a_flatten_layer_first():
    at = new_app({"dataset": "circle"})
    dense = experiment(at).layers
    widget(at, "selectbox", "Dataset").select("digits").run()
    assert [spec.kind for spec in experiment(at).layers] == ["flatten"] + [
        spec.kind for spec in dense]
    assert any("The data is now 8×8×1 images" in shown(i) for i in at.info)
    at.switch_page("views/model.py").run()
    assert not at.exception and not at.error  # the stack fits: no refusal

    from urllib.parse import parse_qsl

    from playground.presets import PRESETS

    cnn = new_app(dict(parse_qsl(  # a stack that reads images: untouched
        PRESETS["cifar10-cnn"].experiment.to_query_string())))
    layers = experiment(cnn).layers
    widget(cnn, "selectbox", "Dataset").select("digits").run()
    assert experiment(cnn).layers == layers
    assert not any("Flatten layer was put first" in shown(i) for i in cnn.info)


def test_a_flatten_layer_is_added_only_where_dense_meets_an_image():
    from playground.config import Experiment
    from playground.model.image_inputs import with_flatten_for_images
    from playground.model.layers import LayerSpec

    L = LayerSpec.make
    assert with_flatten_for_images(Experiment(), (2,)) is None  # flat: nothing to do
    dropout_first = Experiment(layers=(L("dropout"), L("dense", units=4)))
    assert [s.kind for s in with_flatten_for_images(dropout_first, (8, 8, 1)).layers
            ] == ["flatten", "dropout", "dense"]
    assert [s.kind for s in with_flatten_for_images(Experiment(layers=()), (8, 8, 1))
            .layers] == ["flatten"]  # the output layer is Dense too
    assert with_flatten_for_images(Experiment(layers=(L("conv2d"),)), (8, 8, 1)) is None


@pytest.mark.workers
def test_results_of_earlier_settings_are_dimmed_under_a_warning():
    at = new_app({"dataset": "circle", "epochs": "2"})
    at.switch_page("views/train.py").run()
    at.button(key="train_button").click().run()
    assert ended(at.session_state["training_job"]).status == "completed"
    at.run()
    assert not at.warning and at.get("metric")
    assert "run_results" in container_keys(at.main)

    widget(at, "number_input", "Epochs").set_value(5).run()
    [warning] = [w for w in at.warning if "earlier run" in w.value]
    assert "(Epochs)" in warning.value  # the control's label, not the field's name
    assert at.get("metric")  # still there, for reference, but dimmed:
    keys = container_keys(at.main)
    assert "earlier_results" in keys and "run_results" not in keys
    assert not at.exception
    # Inspect and Evaluate show the same run, under the same warning.
    for page in ("views/inspect.py", "views/evaluate.py"):
        at.switch_page(page).run()
        assert [w for w in at.warning if "earlier run" in w.value and "(Epochs)"
                in w.value], page
        assert not at.exception
    at.switch_page("views/train.py").run()
    widget(at, "number_input", "Epochs").set_value(2).run()  # the run's settings again
    at.switch_page("views/evaluate.py").run()
    assert not [w for w in at.warning if "earlier run" in w.value]
