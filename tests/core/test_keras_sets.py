"""Keras datasets: converted as declared, described without Keras.

Nothing here downloads: data comes from injected loaders in Keras' own return
format, or from small fake files placed in a temporary Keras cache while
Keras' download function is replaced by one that fails.

The offline messages and the cache are `test_keras_offline.py`.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from playground.datasets.keras_loading import (
    load_keras_arrays,
)
from playground.datasets.keras_sets import KERAS_SETS
from playground.fields import ConfigError

from tests.core.keras_samples import fake_loader, keras_format


def test_every_dataset_is_described():
    assert list(KERAS_SETS) == ["mnist", "fashion-mnist", "cifar10", "imdb",
                                "reuters", "boston-housing"]
    lengths = {n: len(s.class_names) for n, s in KERAS_SETS.items()}
    assert lengths == {"mnist": 10, "fashion-mnist": 10, "cifar10": 10, "imdb": 2,
                       "reuters": 46, "boston-housing": 0}
    for name, info in KERAS_SETS.items():
        assert info.name == name
        assert info.task in ("binary", "multiclass", "regression")
        assert info.input_kind in ("image", "tokens", "features")
        assert info.files and info.origin.startswith("https://")
        assert info.description.endswith(".")
        assert not info.downloads or len(info.downloads) == len(info.files)
        assert len(set(info.class_names)) == len(info.class_names)
    assert KERAS_SETS["imdb"].task == "binary"
    assert KERAS_SETS["boston-housing"].task == "regression"
    assert KERAS_SETS["imdb"].class_names == ("negative", "positive")


def test_descriptions_do_not_import_keras():
    import subprocess
    import sys

    code = ("import sys; from playground.datasets import keras_loading as k, "
            "keras_sets as s; "
            "s.cache_folder(); str(k.DatasetUnavailable('mnist', 'x')); "
            "print('keras' in sys.modules, 'tensorflow' in sys.modules)")
    root = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
    out = subprocess.run([sys.executable, "-c", code], cwd=root, text=True,
                         capture_output=True, check=True).stdout
    assert out.split() == ["False", "False"]


@pytest.mark.parametrize("name, shape", [("mnist", (28, 28, 1)),
                                         ("fashion-mnist", (28, 28, 1)),
                                         ("cifar10", (32, 32, 3))])
def test_images_are_scaled_with_a_channel_axis(name, shape):
    (x_train, y_train), (x_test, y_test) = keras_format(name)
    x, y = load_keras_arrays(name, loader=fake_loader(name))
    assert x.shape == (10, *shape) and x.dtype == np.float32
    assert y.shape == (10,) and y.dtype == np.int64
    assert 0.0 <= x.min() and x.max() == 1.0
    raw = np.concatenate([x_train, x_test]).reshape(x.shape)
    np.testing.assert_array_equal(x, raw.astype(np.float32) / np.float32(255))
    assert x[-1].flat[-1] == np.float32(51) / np.float32(255)
    # Train first, then test.
    np.testing.assert_array_equal(y, np.concatenate([y_train.ravel(), y_test.ravel()]))


def test_channels_first_cifar_is_turned_channels_last():
    (x_train, y_train), (x_test, y_test) = keras_format("cifar10")
    first = ((x_train.transpose(0, 3, 1, 2), y_train),
             (x_test.transpose(0, 3, 1, 2), y_test))
    x, _ = load_keras_arrays("cifar10", loader=lambda: first)
    expected, _ = load_keras_arrays("cifar10", loader=fake_loader("cifar10"))
    np.testing.assert_array_equal(x, expected)


def test_image_loaders_get_no_arguments():
    calls = []
    load_keras_arrays("mnist", loader=fake_loader("mnist", calls))
    assert calls == [{}]


@pytest.mark.parametrize("name", ["imdb", "reuters"])
def test_texts_are_padded_and_num_words_passed_through(name):
    calls = []
    (x_train, y_train), (x_test, y_test) = keras_format(name)
    x, y = load_keras_arrays(name, num_words=500, maxlen=12,
                             loader=fake_loader(name, calls))
    assert calls == [{"num_words": 500, "start_char": 1, "oov_char": 2,
                      "index_from": 3}]
    assert x.shape == (10, 12) and x.dtype == np.int32
    assert y.shape == (10,) and y.dtype == np.int64
    np.testing.assert_array_equal(y, np.concatenate([y_train, y_test]))
    for row, seq in zip(x, list(x_train) + list(x_test)):
        if len(seq) >= 12:
            assert row.tolist() == seq[-12:]
        else:
            assert row.tolist() == [0] * (12 - len(seq)) + seq


def test_long_text_keeps_its_end_and_short_text_is_left_padded():
    long_text = [1] + list(range(10, 110))
    data = ((np.array([long_text, [1, 7, 8]], dtype=object), np.array([1, 0])),
            (np.array([[1, 9]], dtype=object), np.array([1])))
    x, y = load_keras_arrays("imdb", maxlen=5, loader=lambda **kw: data)
    assert x.tolist() == [[105, 106, 107, 108, 109], [0, 0, 1, 7, 8], [0, 0, 0, 1, 9]]
    assert y.tolist() == [1, 0, 1]


def test_boston_housing_is_float32_and_unscaled():
    (x_train, y_train), (x_test, y_test) = keras_format("boston-housing")
    calls = []
    loader = fake_loader("boston-housing", calls)
    x, y = load_keras_arrays("boston-housing", loader=loader)
    assert calls == [{}]
    assert x.shape == (10, 13) and x.dtype == np.float32
    assert y.shape == (10,) and y.dtype == np.float32
    np.testing.assert_allclose(x, np.concatenate([x_train, x_test]), rtol=1e-6)
    np.testing.assert_allclose(y, np.concatenate([y_train, y_test]), rtol=1e-6)


@pytest.mark.parametrize("options, field", [
    ({"num_words": 99}, "num_words"),
    ({"num_words": 100001}, "num_words"),
    ({"num_words": True}, "num_words"),
    ({"maxlen": 0}, "maxlen"),
    ({"maxlen": 2501}, "maxlen"),
    ({"maxlen": "80"}, "maxlen"),
])
def test_bad_text_options_say_what_was_received_and_expected(options, field):
    with pytest.raises(ValueError) as info:
        load_keras_arrays("imdb", loader=fake_loader("imdb"), **options)
    assert isinstance(info.value, ConfigError)
    message = str(info.value)
    assert f"{field}=" in message and "expected an integer from" in message


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(KeyError, match="fashion-mnist"):
        load_keras_arrays("mnist2")
