"""Keras datasets without a network: the message names the files, the URLs and
the folder; the cache folder; files placed by hand load; the names and URLs
agree with the installed Keras source.
"""

from __future__ import annotations

import gzip
import hashlib
import inspect
import io
import os
import tarfile
import urllib.error

import numpy as np
import pytest

from playground.datasets import keras_sets
from playground.datasets.keras_loading import (
    DatasetUnavailable,
    decode_tokens,
    is_cached,
    load_keras_arrays,
    word_index,
)
from playground.datasets import keras_loading
from playground.datasets.keras_sets import KERAS_SETS, cache_folder

from tests.core.keras_samples import OFFLINE, keras_format


def _raise(error):
    def load_data(**kwargs):
        raise error
    return load_data


@pytest.mark.parametrize("name", list(KERAS_SETS))
def test_offline_error_says_which_files_to_put_where(name, keras_home):
    error = Exception(OFFLINE)
    with pytest.raises(DatasetUnavailable) as info:
        load_keras_arrays(name, loader=_raise(error))
    problem = info.value
    message = str(problem)
    dataset = KERAS_SETS[name]
    assert problem.__cause__ is error
    assert problem.dataset == name and problem.files == dataset.files
    assert os.path.isabs(problem.folder)
    assert problem.folder.startswith(keras_home)
    assert message.startswith(f"{dataset.short_label} is not available: "
                              "the download failed ([Errno -3] Temporary failure")
    assert "Temporary failure in name resolution" in message
    assert f" {problem.folder}," in message
    for file, url in zip(dataset.files, dataset.urls):
        assert file in message and url in message
    assert "\n" not in message and message.endswith("then try again.")


def test_offline_mnist_message_reads_plainly(keras_home):
    with pytest.raises(DatasetUnavailable) as info:
        load_keras_arrays("mnist", loader=_raise(Exception(OFFLINE)))
    assert str(info.value) == (
        "MNIST is not available: the download failed ([Errno -3] Temporary failure "
        "in name resolution). Download "
        "mnist.npz from https://storage.googleapis.com/tensorflow/"
        f"tf-keras-datasets/mnist.npz and place it in {keras_home}, then try again."
    )


@pytest.mark.parametrize("text, said", [
    (OFFLINE, "[Errno -3] Temporary failure in name resolution"),
    ("URL fetch failure on https://e.org/x.npz: 404 -- Not Found", "404 Not Found"),
    ("something else entirely", "something else entirely"),
])
def test_a_download_failure_says_its_cause_once(text, said, keras_home):
    with pytest.raises(DatasetUnavailable) as info:
        load_keras_arrays("mnist", loader=_raise(Exception(text)))
    assert f"the download failed ({said})." in str(info.value) or (
        f"({said})" in str(info.value))


def test_fashion_files_go_to_their_own_folder(keras_home):
    problem = DatasetUnavailable("fashion-mnist", "x")
    assert problem.folder == os.path.join(keras_home, "fashion-mnist")
    assert "and place them in" in str(problem)


def test_cifar_archive_is_saved_under_the_name_keras_looks_for(keras_home):
    """Said plainly: what to download, where to put it, and the name Keras
    looks for as a rename of the downloaded file."""
    message = str(DatasetUnavailable("cifar10", "x"))
    assert ("Download https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz into "
            f"{keras_home}, rename it from cifar-10-python.tar.gz to "
            "cifar-10-batches-py-target_archive (the name Keras looks for") in message
    assert "save it as" not in message


@pytest.mark.parametrize("error", [OSError("Not a gzipped file"), EOFError(),
                                   ValueError("Incomplete or corrupted file")])
def test_damaged_file_is_reported(error, keras_home):
    with pytest.raises(DatasetUnavailable, match="damaged") as info:
        load_keras_arrays("mnist", loader=_raise(error))
    assert info.value.__cause__ is error
    assert "mnist.npz" in str(info.value)


def test_long_reason_is_kept_on_one_short_line():
    error = Exception("first line\nsecond line " + "x" * 1000)
    with pytest.raises(DatasetUnavailable) as info:
        load_keras_arrays("boston-housing", loader=_raise(error))
    message = str(info.value)
    assert "\n" not in message and "first line second line" in message
    assert len(message) < 700


def test_cache_folder_honours_keras_home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    assert cache_folder() == str(tmp_path / "kh" / "datasets")
    monkeypatch.setenv("KERAS_HOME", "~/somewhere")
    assert cache_folder() == os.path.join(os.path.expanduser("~"), "somewhere",
                                          "datasets")


def test_cache_folder_defaults_to_dot_keras_in_home(tmp_path, monkeypatch):
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache_folder() == str(tmp_path / ".keras" / "datasets")


def test_cache_folder_falls_back_when_not_writable(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    monkeypatch.setattr(keras_sets.os, "access", lambda path, mode: False)
    assert cache_folder() == os.path.join("/tmp", ".keras", "datasets")


def test_is_cached_checks_every_file(keras_home):
    folder = os.path.join(keras_home, "fashion-mnist")
    os.makedirs(folder)
    files = KERAS_SETS["fashion-mnist"].files
    for file in files[:-1]:
        open(os.path.join(folder, file), "wb").close()
    assert not is_cached("fashion-mnist")
    open(os.path.join(folder, files[-1]), "wb").close()
    assert is_cached("fashion-mnist")


def test_word_index_applies_the_keras_offset():
    index = word_index("imdb", loader=lambda: {"the": 1, "film": 2, "great": 7})
    assert index == {0: "<pad>", 1: "<start>", 2: "<oov>", 4: "the", 5: "film",
                     10: "great"}
    tokens = np.array([0, 0, 1, 4, 5, 2, 10, 999], dtype=np.int32)
    assert decode_tokens(tokens, index) == "<start> the film <oov> great <oov>"


def test_word_index_is_none_offline_or_without_words():
    def offline():
        raise Exception(OFFLINE)

    assert word_index("reuters", loader=offline) is None
    assert word_index("imdb", loader=lambda: ["not", "a", "dict"]) is None
    assert word_index("mnist") is None
    with pytest.raises(KeyError):
        word_index("nope")


@pytest.mark.parametrize("name", list(KERAS_SETS))
def test_names_and_urls_match_the_installed_keras_source(name):
    import importlib

    info = KERAS_SETS[name]
    module = importlib.import_module(f"keras.src.datasets.{info.module}")
    source = inspect.getsource(module)
    assert info.origin in source
    for remote in info.downloads or info.files:
        assert remote in source, f"{remote} no longer in keras {info.module}"
    for local in info.files:
        if local.endswith("_archive"):
            from keras.src.utils import file_utils

            assert f'"{local[: -len("_archive")]}"' in source
            assert 'f"{fname}_archive"' in inspect.getsource(file_utils.get_file)
        else:
            assert f'"{local}"' in source
    if info.subfolder:
        assert f'"{info.subfolder}"' in source
    if info.word_index_file:
        assert f'"{info.word_index_file}"' in source
    for expected in info.sha256:
        assert f'"{expected}"' in source, f"Keras {info.module} expects another hash"


def test_reuters_topics_match_keras():
    from keras.datasets import reuters

    assert tuple(reuters.get_label_names()) == KERAS_SETS["reuters"].class_names


@pytest.fixture
def keras_cache(keras_home, monkeypatch):
    """Points the real Keras at an empty cache where every download fails.

    Hash checks are switched off so that small fake files can stand in for
    the real ones. Returns the datasets folder.
    """
    from keras.src.backend import config
    from keras.src.utils import file_utils

    def no_download(url, *args, **kwargs):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(config, "_KERAS_DIR", os.path.dirname(keras_home))
    monkeypatch.setattr(file_utils, "urlretrieve", no_download)
    monkeypatch.setattr(file_utils, "validate_file", lambda *a, **k: True)
    monkeypatch.setattr(keras_loading, "check_cached_files", lambda name: None)
    return keras_home


@pytest.mark.parametrize("name", list(KERAS_SETS))
def test_real_keras_offline_gives_the_fix(name, keras_cache):
    with pytest.raises(DatasetUnavailable, match="the download failed") as info:
        load_keras_arrays(name)
    assert keras_cache in str(info.value)
    # Keras' own wording ("URL fetch failure on <url>: None -- ...") is cut to
    # its cause: the URL is named once, in the fix, and "None" meant nothing.
    assert "URL fetch failure" not in str(info.value) and "None --" not in str(info.value)
    assert "Errno" in str(info.value)


def _write_fake_files(name, folder):
    """Small files in the formats Keras reads, where the error message says."""
    os.makedirs(folder, exist_ok=True)
    (x_train, y_train), (x_test, y_test) = keras_format(name)
    path = os.path.join(folder, KERAS_SETS[name].files[0])
    if name == "mnist":
        np.savez(path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    elif name == "fashion-mnist":
        blobs = [(8, y_train), (16, x_train), (8, y_test), (16, x_test)]
        for file, (header, array) in zip(KERAS_SETS[name].files, blobs):
            with gzip.open(os.path.join(folder, file), "wb") as f:
                f.write(bytes(header) + array.tobytes())
    elif name == "imdb":
        np.savez(path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    elif name == "reuters":
        np.savez(path, x=np.concatenate([x_train, x_test]),
                 y=np.concatenate([y_train, y_test]))
    elif name == "boston-housing":
        np.savez(path, x=np.concatenate([x_train, x_test]),
                 y=np.concatenate([y_train, y_test]))


@pytest.mark.parametrize("name, x_shape", [
    ("mnist", (10, 28, 28, 1)),
    ("fashion-mnist", (10, 28, 28, 1)),
    ("imdb", (10, 80)),
    ("reuters", (10, 80)),
    ("boston-housing", (10, 13)),
])
def test_files_placed_as_told_load_without_network(name, x_shape, keras_cache):
    folder = DatasetUnavailable(name, "x").folder
    _write_fake_files(name, folder)
    assert is_cached(name)
    x, y = load_keras_arrays(name)
    assert x.shape == x_shape and y.shape == (10,)


def test_cifar_archive_placed_as_told_is_found_without_network(keras_cache,
                                                             monkeypatch):
    from keras.src.datasets import cifar10

    problem = DatasetUnavailable("cifar10", "x")
    os.makedirs(problem.folder)
    with tarfile.open(os.path.join(problem.folder, problem.files[0]), "w:gz") as tar:
        member = tarfile.TarInfo("cifar-10-batches-py/data_batch_1")
        member.size = 3
        tar.addfile(member, io.BytesIO(b"abc"))
    read = []

    def load_batch(path):
        read.append(path)
        raise RuntimeError("stop after finding the batches")

    # Real batches hold 60,000 images; stop once Keras has found them.
    monkeypatch.setattr(cifar10, "load_batch", load_batch)
    with pytest.raises(DatasetUnavailable, match="stop after finding"):
        load_keras_arrays("cifar10")
    assert read == [os.path.join(problem.folder, "cifar-10-batches-py-target",
                                 "cifar-10-batches-py", "data_batch_1")]
    assert os.path.isfile(read[0])


@pytest.mark.parametrize("name", [n for n in KERAS_SETS if KERAS_SETS[n].sha256])
def test_a_placed_file_with_another_hash_is_refused_and_kept(name, keras_home):
    info = KERAS_SETS[name]
    os.makedirs(info.folder, exist_ok=True)
    placed = os.path.join(info.folder, info.files[0])
    with open(placed, "wb") as handle:
        handle.write(b"a page of HTML saved instead of the data")
    with pytest.raises(DatasetUnavailable) as caught:
        load_keras_arrays(name)  # Keras' own loader would delete the file
    message = str(caught.value)
    assert os.path.isfile(placed)  # kept where the user put it
    assert info.sha256[0] in message  # expected
    assert hashlib.sha256(b"a page of HTML saved instead of the data").hexdigest() in message
    assert f"Replace it with the file from {info.urls[0]}" in message
    assert message.count("Download") == 0  # one instruction, not two
