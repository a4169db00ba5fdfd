"""Results of earlier settings never read as current ones."""

import pytest

from tests.app.test_app import experiment, new_app, shown, widget


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


@pytest.mark.workers
def test_results_of_earlier_settings_are_dimmed_under_a_warning():
    at = new_app({"dataset": "circle", "epochs": "2"})
    at.switch_page("views/train.py").run()
    at.button(key="train_button").click().run()
    assert at.session_state["training_job"].wait(120).status == "completed"
    at.run()
    assert not at.warning and at.get("metric")
    assert "run_results" in container_keys(at.main)

    widget(at, "number_input", "Epochs").set_value(5).run()
    [warning] = [w for w in at.warning if "earlier run" in w.value]
    assert "(epochs)" in warning.value
    assert at.get("metric")  # still there, for reference, but dimmed:
    keys = container_keys(at.main)
    assert "earlier_results" in keys and "run_results" not in keys
    assert not at.exception
