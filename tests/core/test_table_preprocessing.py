"""CSV preprocessing learns from the training rows only, and survives columns
that are constant there: real scikit-learn pipelines, real Keras training."""

import math

import numpy as np
import pandas as pd

from playground.config import Experiment
from playground.datasets import DATASETS, split_dataset, split_indices, uploads
from playground.datasets.source import experiment_data
from playground.datasets.table_preparation import fill_step, prepare_table
from playground.training.loop import run_training

RNG = np.random.default_rng(3)
VAL, TEST, SEED = 0.2, 0.3, 1


def upload(frame: pd.DataFrame, name: str = "table.csv") -> Experiment:
    token = uploads.register(frame.to_csv(index=False).encode(), name)
    return Experiment(dataset="csv", csv_name=name, target=str(frame.columns[-1]),
                      val_fraction=VAL, test_fraction=TEST,
                      seed=SEED).replace(upload=token)


def test_column_constant_in_training_keeps_the_test_loss_finite():
    # A pixel blank in every training image but inked in some test images:
    # dividing by the training deviation (0 + 1e-8) made test inputs ~1e8.
    n = 200
    a, b = RNG.normal(size=n), RNG.normal(size=n)
    label = (a + b > 0).astype(int)
    _, val, test = split_indices(label, VAL, TEST, SEED, stratify=True)
    blank = np.zeros(n)
    blank[[*val[:2], *test[:3]]] = 1.0  # inked in a few held-out rows only
    exp = upload(pd.DataFrame({"a": a, "b": b, "blank": blank, "label": label}))
    data = experiment_data(exp)
    assert np.abs(data.x_test).max() < 10
    scaler = data.preprocessor.named_steps["scale"]
    assert scaler.scale_.tolist()[2] == 1.0 and scaler.mean_.tolist()[2] == 0.0
    result = run_training(exp.replace(epochs=10))
    assert result.status == "completed", result.message
    train_loss, test_loss = result.history["loss"][-1], result.test_metrics["loss"]
    assert math.isfinite(test_loss) and math.isfinite(result.history["val_loss"][-1])
    assert test_loss < 1.5 * train_loss, (train_loss, test_loss)


def test_bundled_split_scales_a_constant_column_without_blowing_up():
    info = DATASETS["wine"]
    x = np.zeros((90, 2))
    x[:, 0] = np.arange(90)
    y = np.arange(90) % 3
    train, _, test = split_indices(y, VAL, TEST, SEED, stratify=True)
    x[test, 1] = 5.0  # constant (0) in the training rows only
    data = split_dataset(info, x, y, ("a", "b"), VAL, TEST, SEED, scale=True)
    assert data.x_test[:, 1].tolist() == [5.0] * len(test)
    assert np.allclose(data.x_train[:, 0].std(), 1, atol=1e-5)


def test_missing_values_are_filled_with_the_training_rows_values_only():
    n = 60
    age = np.arange(n, dtype=float)
    label = np.arange(n) % 2
    train, val, test = split_indices(label, VAL, TEST, SEED, stratify=True)
    age[test] = 1000.0  # a whole-file median would see these
    age[[train[0], train[1]]] = np.nan
    city = np.array(["Leeds", "York", "Bath"] * 20, dtype=object)
    city[test] = "Bath"
    city[train[2]] = None
    frame = pd.DataFrame({"age": age, "city": city, "label": label})
    exp = upload(frame).replace(missing="impute", scale="none")
    data = experiment_data(exp)
    train_age = np.delete(age[train], [0, 1])
    assert data.x_train[0, 0] == np.median(train_age)  # train[0] was missing
    train_city = pd.Series(city[train]).dropna()
    prepared = prepare_table(frame, "label", missing="impute", standardize=False)
    expected_city = sorted(train_city.value_counts().loc[
        lambda c: c == c.max()].index)[0]
    assert str(fill_step(prepared, data.preprocessor)) == (
        f"Fill values learned from the training rows: age: "
        f"{np.median(train_age):g}; city: {expected_city!r}.")


def test_regression_targets_map_back_to_the_file_units():
    n = 80
    x = RNG.normal(size=n)
    price = 300 + 40 * x + RNG.normal(size=n)
    exp = upload(pd.DataFrame({"x": x, "price": price}))
    data = experiment_data(exp)
    assert abs(data.y_train.mean()) < 1e-5
    back = data.target_scaler.inverse_transform(data.y_train.reshape(-1, 1)).ravel()
    train, _, _ = split_indices(price, VAL, TEST, SEED, stratify=False)
    assert np.allclose(back, price[train].astype(np.float32), atol=1e-3)
    # The fitted preprocessor prepares new rows like the training ones.
    new = pd.DataFrame({"x": [0.0]})
    assert data.preprocessor.transform(new).shape == (1, 1)
