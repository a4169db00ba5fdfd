"""Keras datasets, the shipped CSV and uploads, through the experiment's data
path, with small arrays injected in place of `keras.datasets` downloads."""

import importlib

import numpy as np
import pytest

from playground.config import Experiment
from playground.datasets import DATASETS, load_keras_dataset, uploads
from playground.datasets.errors import DataUnavailable
from playground.datasets.keras_sets import KERAS_SETS
from playground.datasets.source import dataset_info, experiment_data
from playground.model.checks import check_experiment
from playground.model.layers import LayerSpec
from playground.presets import PRESETS
from playground.training.loop import run_training

RNG = np.random.default_rng(0)
L = LayerSpec.make


def images(n, shape, classes=10):
    return RNG.integers(0, 256, (n, *shape), dtype=np.uint8), np.arange(n) % classes


def texts(n, classes):
    x = np.empty(n, dtype=object)
    x[:] = [list(RNG.integers(1, 500, RNG.integers(5, 120))) for _ in range(n)]
    return x, (np.arange(n) % classes).astype(np.int64)


FAKE = {
    "mnist": lambda **_: (images(120, (28, 28)), images(40, (28, 28))),
    "fashion_mnist": lambda **_: (images(120, (28, 28)), images(40, (28, 28))),
    "cifar10": lambda **_: tuple((x, y.reshape(-1, 1).astype(np.uint8)) for x, y in (
        images(120, (32, 32, 3)), images(40, (32, 32, 3)))),
    "imdb": lambda **_: (texts(120, 2), texts(40, 2)),
    "reuters": lambda **_: (texts(184, 46), texts(46, 46)),
    "boston_housing": lambda **_: ((RNG.normal(size=(100, 13)), RNG.normal(size=100)),
                                   (RNG.normal(size=(30, 13)), RNG.normal(size=30))),
}


@pytest.fixture
def fake_keras(monkeypatch):
    """Every `keras.datasets.<module>.load_data` returns small arrays."""
    for module, loader in FAKE.items():
        monkeypatch.setattr(importlib.import_module(f"keras.datasets.{module}"),
                            "load_data", loader)
    load_keras_dataset.cache_clear()
    yield
    load_keras_dataset.cache_clear()


@pytest.mark.parametrize("name", [n for n, d in DATASETS.items() if d.source == "keras"])
def test_each_keras_dataset_loads_a_stratified_subset(fake_keras, name):
    exp = Experiment(dataset=name, subset=100, maxlen=30, num_words=1000)
    data, info = experiment_data(exp), dataset_info(exp)
    total = len(data.x_train) + len(data.x_val) + len(data.x_test)
    assert total == 100
    for x in (data.x_train, data.x_val, data.x_test):
        assert x.shape[1:] == info.input_shape
    if info.input_kind == "image":
        assert 0.0 <= data.x_train.min() and data.x_train.max() <= 1.0
    if info.input_kind == "tokens":
        assert info.input_shape == (30,) and info.vocab_size == 1000
        assert data.x_train.dtype == np.int32
    if info.task != "regression":
        assert set(np.unique(data.y_train)) <= set(range(info.num_classes))
        assert len(np.unique(data.y_train)) >= 2
    first = {"image": [], "tokens": [L("embedding", output_dim=4), L("lstm", units=3)],
             "features": []}[info.input_kind]
    if info.input_kind == "image":
        first = [L("flatten")]
    check_experiment(exp.replace(layers=tuple(first)))  # the suggested output fits


def test_is_it_a_seven_relabels_mnist(fake_keras):
    data = experiment_data(Experiment(dataset="mnist-seven", subset=160))
    assert set(np.unique(data.y_train)) == {0, 1}
    share = np.mean(np.concatenate([data.y_train, data.y_val, data.y_test]))
    assert share == pytest.approx(0.1, abs=0.02)  # one digit in ten is a 7


def test_offline_download_names_the_file_and_folder(monkeypatch):
    def offline(**_):
        raise Exception("URL fetch failure on https://storage.googleapis.com/x: None")

    monkeypatch.setattr(importlib.import_module("keras.datasets.mnist"), "load_data",
                        offline)
    load_keras_dataset.cache_clear()
    with pytest.raises(DataUnavailable) as caught:
        experiment_data(Experiment(dataset="mnist"))
    assert "mnist.npz" in str(caught.value)
    assert KERAS_SETS["mnist"].folder in str(caught.value)
    load_keras_dataset.cache_clear()


@pytest.mark.parametrize("name", ["mnist-mlp", "mnist-seven"])
def test_mnist_presets_train_one_epoch_on_injected_data(fake_keras, name):
    exp = PRESETS[name].experiment.replace(epochs=1, subset=160)
    result = run_training(exp)
    assert result.status == "completed", result.message
    assert result.epochs_run == 1 and result.test_metrics


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_builds(fake_keras, name):
    from playground.model.builder import build_model

    model = build_model(PRESETS[name].experiment)
    assert model.count_params() > 0


def test_house_prices_preset_reads_the_shipped_csv():
    exp = PRESETS["house-prices"].experiment
    info, data = dataset_info(exp), experiment_data(exp)
    assert info.task == "regression" and info.input_shape == (9,)
    assert abs(data.x_train.mean()) < 0.05 and abs(data.x_train.std() - 1) < 0.05
    result = run_training(exp.replace(epochs=15))
    assert result.status == "completed"
    # The house-price loss jumps between epochs (Adadelta at learning rate 1), so
    # compare its best epoch with the mean squared error of always guessing the
    # training mean: the network must explain most of the variance.
    guess_the_mean = float(np.mean(np.square(data.y_val - data.y_train.mean())))
    assert min(result.history["val_loss"]) < 0.25 * guess_the_mean


def test_uploaded_csv_is_reached_only_through_its_token():
    rows = "\n".join(f"{i % 7},{i % 3 * 1.5},{'ab'[i % 2]},{'yes' if i % 2 else 'no'}"
                     for i in range(40))
    token = uploads.register(f"a,b,c,label\n{rows}\n".encode(), "mine.csv")
    exp = Experiment(dataset="csv", csv_name="mine.csv", target="label").replace(
        upload=token)
    info = dataset_info(exp)
    assert info.task == "binary" and info.class_names == ("no", "yes")
    assert info.input_shape == (4,)  # a, b, c=a, c=b
    assert info.label == "CSV: mine.csv"
    data = experiment_data(exp)
    assert len(data.x_train) + len(data.x_val) + len(data.x_test) == 40
    # The same experiment without the token (a shared link) asks for the file.
    with pytest.raises(DataUnavailable, match="Upload the file mine.csv"):
        dataset_info(exp.replace(upload=""))
    assert "upload" not in exp.to_query() and token not in exp.to_json()
