"""Data augmentation: Keras' random image layers at the model's input, active
in training only, carried by links and JSON, refused for data that is not
images, and trained for real."""

import numpy as np
import pytest

from playground.config import Experiment
from playground.datasets.source import experiment_data
from playground.fields import ConfigErrors
from playground.model.augmentation import LAYER_NAME, TRANSFORMS
from playground.model.augmented_samples import preview
from playground.model.builder import build_model
from playground.model.checks import check_experiment
from playground.model.layers import LayerSpec
from playground.model.shapes import StackError
from playground.training.loop import run_training

L = LayerSpec.make
DIGITS = Experiment(dataset="digits", layers=(L("flatten"), L("dense", units=16,
                                                             activation="relu")),
                    augment=TRANSFORMS, augment_strength=0.2, optimizer="adam",
                    learning_rate=0.01, batch_size=32, epochs=3)


def test_augmentation_changes_training_inputs_only():
    """The random layers transform images when called with training=True
    (inside fit) and pass them through unchanged otherwise (validation,
    test, predict); they add no weights, so the model starts from the
    weights it would have without them and predicts the same."""
    model = build_model(DIGITS)
    assert model.layers[0].name == LAYER_NAME
    assert [layer.name for layer in model.layers[0].layers] == [
        "random_flip", "random_rotation", "random_zoom", "random_translation",
        "random_contrast"]
    data = experiment_data(DIGITS)
    x = data.x_val[:16].astype(np.float32)
    augment = model.get_layer(LAYER_NAME)
    np.testing.assert_array_equal(np.asarray(augment(x, training=False)), x)
    changed = np.asarray(augment(x, training=True))
    assert changed.shape == x.shape and np.abs(changed - x).max() > 0.05

    plain = build_model(DIGITS.replace(augment=()))
    assert len(model.get_weights()) == len(plain.get_weights())
    for a, b in zip(model.get_weights(), plain.get_weights()):
        np.testing.assert_array_equal(a, b)  # the same seeds, the same start
    np.testing.assert_allclose(np.asarray(model(x, training=False)),
                               np.asarray(plain(x, training=False)), atol=1e-6)
    assert not np.allclose(np.asarray(model(x, training=True)),
                           np.asarray(plain(x, training=True)), atol=1e-4)


def test_augmentation_round_trips_through_the_link_and_json():
    exp = DIGITS.replace(augment=("zoom", "flip"), augment_strength=0.25)
    assert exp.augment == ("flip", "zoom")  # one order, however it was written
    query = exp.to_query()
    assert query["aug"] == "flip,zoom" and query["aug_strength"] == "0.25"
    assert Experiment.from_query(query) == exp
    assert Experiment.from_json(exp.to_json()) == exp
    assert exp.to_dict()["augment"] == ["flip", "zoom"]
    off = exp.replace(augment=(), augment_strength=0.1)
    assert "aug" not in off.to_query() and "aug_strength" not in off.to_query()
    with pytest.raises(ConfigErrors) as error:
        Experiment.from_query({**query, "aug": "flip,spin"})
    message = str(error.value)
    assert "augment" in message and "'flip', 'rotate'" in message and "spin" in message


@pytest.mark.parametrize("dataset", ["iris", "circle", "house-prices"])
def test_augmentation_is_refused_for_data_that_is_not_images(dataset):
    exp = Experiment(dataset=dataset, augment=("flip", "rotate"))
    if dataset == "house-prices":
        exp = exp.replace(target="price_k")
    with pytest.raises(StackError) as error:
        check_experiment(exp)
    message = str(error.value)
    assert "received augment=flip,rotate" in message  # what was received
    assert "expects image data" in message  # what was expected
    assert "Switch data augmentation off" in message  # the fix
    check_experiment(exp.replace(augment=()))


def test_preview_draws_training_images_through_the_augmentation():
    grid = preview(DIGITS, count=3, copies=4)
    x = experiment_data(DIGITS).x_train[:3]
    assert grid.shape == (15, 8, 8, 1)
    rows = grid.reshape(3, 5, 8, 8, 1)
    np.testing.assert_array_equal(rows[:, 0], x)  # each row opens with the image
    assert all(np.abs(rows[i, j] - x[i]).max() > 0 for i in range(3)
               for j in range(1, 5))


def test_a_digits_run_with_augmentation_trains():
    """Small turns and zooms (a digit's mirror image is not a digit) still
    teach the network the digits; the validation data is the images as
    they are, so val_accuracy is measured on unchanged inputs."""
    exp = DIGITS.replace(augment=("rotate", "zoom"), augment_strength=0.05, epochs=10)
    result = run_training(exp)
    assert result.status == "completed", result.message
    assert result.history["loss"][-1] < result.history["loss"][0]
    assert result.history["val_accuracy"][-1] > 0.7
    assert result.test_metrics["accuracy"] > 0.7
