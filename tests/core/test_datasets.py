"""Datasets: reproducible from the seed, split as asked, read-only, as declared."""

import numpy as np
import pytest

from playground.datasets import DATASETS, load_dataset, synthetic


@pytest.mark.parametrize("name", [n for n, d in DATASETS.items()
                                  if d.source in ("synthetic", "sklearn")])
def test_each_dataset_matches_its_declaration(name):
    info = DATASETS[name]
    data = load_dataset(name, 200, 0.1, 0.2, 0.2, 0)
    for split in ("train", "val", "test"):
        x, y = data.split(split)
        assert x.shape[1:] == info.input_shape
        assert len(x) == len(y) > 0
        assert not x.flags.writeable and not y.flags.writeable
        assert np.isfinite(x).all()
    if info.task != "regression":
        assert set(np.unique(data.y_train)) == set(range(info.num_classes))


def test_same_seed_same_data_other_seed_other_data():
    a = load_dataset.__wrapped__("spiral", 300, 0.2, 0.2, 0.2, 7)
    b = load_dataset.__wrapped__("spiral", 300, 0.2, 0.2, 0.2, 7)
    c = load_dataset.__wrapped__("spiral", 300, 0.2, 0.2, 0.2, 8)
    assert np.array_equal(a.x_train, b.x_train) and np.array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.x_train, c.x_train)


def test_split_sizes_and_stratification():
    data = load_dataset("iris", val=0.2, test=0.2, seed=0)
    assert (len(data.x_train), len(data.x_val), len(data.x_test)) == (90, 30, 30)
    assert np.bincount(data.y_test).tolist() == [10, 10, 10]


def test_zero_validation_share_gives_empty_validation_set():
    data = load_dataset("circle", 100, 0.0, 0.0, 0.3, 1)
    assert len(data.x_val) == 0 and len(data.x_train) == 70


def test_circle_labels_follow_the_radius_without_noise():
    x, y = synthetic.circle(400, 0.0, np.random.default_rng(0))
    radius = np.linalg.norm(x, axis=1)
    assert (y[radius < 2.5] == 1).all() and (y[radius > 3.4] == 0).all()


def test_xor_labels_follow_the_quadrant_without_noise():
    x, y = synthetic.xor(400, 0.0, np.random.default_rng(0))
    assert np.array_equal(y, (x[:, 0] * x[:, 1] >= 0).astype(int))


def test_tabular_features_are_standardised_on_the_training_split():
    data = load_dataset("wine", seed=0)
    assert np.allclose(data.x_train.mean(axis=0), 0, atol=1e-5)
    assert np.allclose(data.x_train.std(axis=0), 1, atol=1e-3)


def test_split_indices_are_disjoint_cover_everything_and_keep_balance():
    from playground.datasets import split_indices

    y = np.repeat([0, 1, 2], [50, 30, 20])
    train, val, test = split_indices(y, 0.2, 0.3, seed=5, stratify=True)
    assert sorted(np.concatenate([train, val, test])) == list(range(100))
    assert np.bincount(y[test]).tolist() == [15, 9, 6]
    assert np.bincount(y[val]).tolist() == [10, 6, 4]
    again = split_indices(y, 0.2, 0.3, seed=5, stratify=True)
    assert all(np.array_equal(a, b) for a, b in zip((train, val, test), again))


def test_diabetes_features_are_read_in_their_own_units():
    """scikit-learn scales diabetes by default (an age of 0.038); the app
    reads it unscaled, standardises it itself, and shows rows in years and
    kg/m²."""
    from playground.evaluation.own_input import readable_rows

    data = load_dataset("diabetes")
    names, rows = readable_rows(data, data.x_test[:20])
    table = dict(zip(names, np.asarray(rows, dtype=float).T))
    assert np.all((table["age"] >= 18) & (table["age"] <= 90))
    assert set(np.round(table["sex"])) <= {1.0, 2.0}
    assert np.all((table["bmi"] > 15) & (table["bmi"] < 50))
    assert abs(data.x_train.mean()) < 0.05  # the network still sees standardised inputs
