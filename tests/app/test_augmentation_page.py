"""The Model page's data augmentation: its controls, the preview grid of
augmented training images, and the refusal for data that is not images."""

import pytest
from test_app import experiment, new_app, plotly_specs, widget

PAGE = "views/model.py"
TITLE = "Training images (left) and augmented draws of them"


def preview_spec(at):
    return next((s for s in plotly_specs(at) if s["layout"]["title"]["text"] == TITLE),
                None)


@pytest.mark.workers
def test_augmentation_controls_draw_a_preview_and_write_the_experiment():
    at = new_app({"dataset": "digits", "layers": "flatten"})
    at.switch_page(PAGE).run()
    assert not at.exception and not at.error
    assert any(e.label == "Data augmentation (images)" for e in at.expander)
    assert preview_spec(at) is None  # off: nothing to preview

    widget(at, "multiselect", "Transforms").select("rotate").select("zoom").run()
    assert not at.exception and not at.error
    assert experiment(at).augment == ("rotate", "zoom")
    spec = preview_spec(at)
    assert spec is not None
    captions = [a["text"] for a in spec["layout"]["annotations"]]
    assert captions == ["original"] + ["augmented"] * 5  # column heads over 5 draws each
    z = next(trace["z"] for trace in spec["data"] if trace["type"] == "heatmap")
    assert z["shape"] == f"{4 * 9}, {6 * 9}"  # 4 images and 5 draws each, 8×8 and a gap
    assert spec["data"][0]["type"] == "heatmap"  # digits are grey

    widget(at, "slider", "Strength").set_value(0.3).run()
    assert experiment(at).augment_strength == pytest.approx(0.3)
    assert preview_spec(at) is not None and not at.exception
    assert at.query_params["aug"] == "rotate,zoom"  # in the link


def test_augmentation_on_tabular_data_is_refused_with_the_fix():
    at = new_app({"dataset": "iris", "aug": "flip"})
    at.switch_page(PAGE).run()
    assert not at.exception
    message = at.error[0].value
    assert "Data augmentation transforms images" in message
    assert "received augment=flip" in message and "Switch data augmentation off" in message
    # The control stays, so the learner can switch it off here.
    widget(at, "multiselect", "Transforms").unselect("flip").run()
    assert experiment(at).augment == () and not at.error


def test_changing_to_data_that_is_not_images_switches_augmentation_off():
    at = new_app({"dataset": "digits", "layers": "flatten", "aug": "flip"})
    widget(at, "selectbox", "Dataset").select("iris").run()
    assert experiment(at).augment == ()
    assert any("so it was switched off" in i.value for i in at.info) or any(
        "so it was switched off" in t.value for t in at.toast)
