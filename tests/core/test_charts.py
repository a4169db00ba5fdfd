"""Figure builders return the traces the pages expect."""

import numpy as np

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
