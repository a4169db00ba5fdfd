"""A CSV of pixel values read as images: shape from the column count, pixels
scaled to 0..1, Conv2D stacks accepted and trained; refused where it does
not apply, with the reason."""

import numpy as np
import pandas as pd
import pytest

from playground.config import Experiment
from playground.datasets import uploads
from playground.datasets.errors import CsvError
from playground.datasets.pixel_tables import image_shape
from playground.datasets.source import dataset_info, experiment_data
from playground.datasets.table_preparation import prepare_table
from playground.model.checks import check_experiment
from playground.model.layers import LayerSpec
from playground.training.loop import run_training

L = LayerSpec.make
RNG = np.random.default_rng(5)
CONV = (L("conv2d", filters=4, kernel=3, activation="relu"), L("flatten"))


def pixel_table(n: int = 120, side: int = 8, top: int = 255) -> pd.DataFrame:
    """Bright top half (label 1) or bright bottom half (label 0), row by row."""
    label = np.arange(n) % 2
    images = RNG.integers(0, top // 4 + 1, (n, side, side))
    bright = RNG.integers(top // 2, top + 1, (n, side // 2, side))
    images[label == 1, :side // 2] = bright[label == 1]
    images[label == 0, side // 2:] = bright[label == 0]
    frame = pd.DataFrame(images.reshape(n, -1),
                         columns=[f"pixel{i}" for i in range(side * side)])
    return frame.assign(label=label)


def as_experiment(frame: pd.DataFrame, **changes) -> Experiment:
    token = uploads.register(frame.to_csv(index=False).encode(), "pixels.csv")
    return Experiment(dataset="csv", csv_name="pixels.csv", target="label",
                      images="on", **changes).replace(upload=token)


def test_image_shape_from_the_column_count():
    assert image_shape(784) == (28, 28, 1)
    assert image_shape(64) == (8, 8, 1)
    assert image_shape(3 * 32 * 32) == (32, 32, 3)
    assert image_shape(65) is None and image_shape(1) is None


def test_pixel_csv_trains_a_conv2d_stack():
    exp = as_experiment(pixel_table(), layers=CONV, optimizer="adam",
                        learning_rate=0.01, epochs=8, batch_size=16)
    info = dataset_info(exp)
    assert info.input_kind == "image" and info.input_shape == (8, 8, 1)
    check_experiment(exp)  # Conv2D needs an image input: accepted
    data = experiment_data(exp)
    assert data.x_train.shape[1:] == (8, 8, 1)
    assert 0 <= data.x_train.min() and data.x_train.max() <= 1
    # The fitted preprocessing turns a new row of pixels into one image.
    row = pixel_table(2).drop(columns="label")
    assert data.preprocessor.transform(row).shape == (2, 8, 8, 1)
    result = run_training(exp)
    assert result.status == "completed", result.message
    assert result.test_metrics["accuracy"] >= 0.9


def test_pixels_in_0_to_1_are_not_divided_again():
    prepared = prepare_table(pixel_table(40, top=255) / 255, "label", images=True)
    assert prepared.pixel_max == 1.0 and prepared.input_shape == (8, 8, 1)
    assert tuple(map(str, prepared.steps[-2:])) == (
        "Pixels will be divided by 1 (to 0..1) and read as 8×8×1 images.",
        "Result: 40 images of 8×8×1.")


def test_without_the_option_the_same_table_is_plain_features():
    exp = as_experiment(pixel_table(40)).replace(images="off")
    assert dataset_info(exp).input_shape == (64,)
    assert dataset_info(exp).input_kind == "features"
    assert "images" not in Experiment().to_query()
    assert Experiment.from_query(exp.to_query()).images == "off"
    on = exp.replace(images="on")
    assert Experiment.from_query(on.to_query()).images == "on"
    assert Experiment.from_json(on.to_json()).images == "on"


def refusal(frame: pd.DataFrame) -> str:
    with pytest.raises(CsvError) as info:
        prepare_table(frame, "label", images=True)
    return str(info.value)


def test_refused_for_a_count_that_is_not_square():
    frame = pixel_table(20).drop(columns=["pixel0", "pixel1"])
    assert refusal(frame) == (
        '"Treat as images" needs a square number of pixel columns (such as 784 '
        "for 28×28) or 3 times a square (colour), but the table has 62 feature "
        "columns (between 7×7 = 49 and 8×8 = 64). Check that only pixel "
        'columns are features. Turn "treat as images" off to use the columns '
        "as plain features.")


def test_refused_for_values_outside_the_pixel_range():
    frame = pixel_table(20)
    frame.loc[3, "pixel5"] = 300
    assert refusal(frame) == (
        '"Treat as images" needs pixel values from 0 to 255 (or 0 to 1), but '
        "the values go from 0 to 300. Expected the raw pixel values of the "
        'images. Turn "treat as images" off to use the columns as plain '
        "features.")
    frame.loc[3, "pixel5"] = -1
    assert "the values go from -1 to 255" in refusal(frame)


def test_refused_for_a_text_column():
    frame = pixel_table(20).assign(pixel0=["a", "b"] * 10)
    assert refusal(frame).startswith(
        '"Treat as images" needs numbers in every feature column, but '
        "'pixel0' does not hold numbers.")


def test_only_whole_numbers_from_0_to_255_in_a_square_look_like_images():
    from playground.datasets.pixel_tables import looks_like_images

    rng = np.random.default_rng(1)
    pixels = pd.DataFrame(rng.integers(0, 256, (20, 36)))
    assert looks_like_images(pixels)
    assert not looks_like_images(pixels.iloc[:, :35])  # not a square count
    assert not looks_like_images(pixels / 255)  # 0..1: could be measurements
    assert not looks_like_images(pixels + 0.5)  # not whole numbers
