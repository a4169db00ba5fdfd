"""Loading one of `KERAS_SETS` with Keras, safely, or saying why it can't be had.

`load_keras_arrays` loads a dataset with Keras' own `load_data`, joins
Keras' train and test parts into one `(x, y)` pair (the caller makes its own
split) and brings the arrays into the shapes and dtypes the models expect:
images scaled to 0..1 with a channel axis, reviews and newswires padded to a
fixed length. `word_index` and `decode_tokens` turn token ids back into words.

Keras downloads each dataset the first time it is used and reads it from its
cache folder afterwards. Where there is no network, loading fails; the
failure is raised as `DatasetUnavailable`, whose message names the exact
files, the URLs and the folder, so the user can copy the files in by hand.

Keras itself is imported only inside the loading functions: computing the
cache folder and building error messages need NumPy alone.
"""

from __future__ import annotations

import hashlib
import os
import re
import urllib.error
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from playground.datasets.errors import DataUnavailable
from playground.datasets.keras_sets import (
    INDEX_FROM,
    KERAS_SETS,
    MAXLEN,
    NUM_WORDS,
    OOV_CHAR,
    OOV_WORD,
    PAD_WORD,
    START_CHAR,
    START_WORD,
    KerasSet,
    Loader,
)
from playground.datasets.wording import Joined
from playground.i18n import tr_lazy, tr_n_lazy
from playground.registry import REGRESSION


def is_cached(name: str) -> bool:
    """Whether every file of a dataset is already in the Keras cache.

    Args:
        name: A key of `KERAS_SETS`.

    Returns:
        True when loading will not need the network (unless a cached file
        turns out to be damaged).
    """
    info = _info(name)
    return all(os.path.isfile(os.path.join(info.folder, f)) for f in info.files)


class DatasetUnavailable(DataUnavailable):
    """A Keras dataset could not be loaded, and how to fix that offline.

    The message is one paragraph: which dataset, the reason in one line, and
    which files to download from which URLs into which folder. It is
    translated when it is read (`playground.i18n.tr_lazy`): the error is made
    in a worker process and rebuilt in a thread that serves no page.

    Args:
        name: A key of `KERAS_SETS`.
        reason: What went wrong, e.g. `tr_lazy("the download failed
            ({error})", error=...)`.
        fix: Whether to add which files to download from where (not when
            the reason already says what to do).

    Attributes:
        dataset: The name of the dataset.
        files: The file names to place in `folder`.
        urls: The URL of each file, in the same order.
        folder: The absolute folder Keras reads the files from.
        reason: The reason given.
    """

    def __init__(self, name: str, reason: str, fix: bool = True):
        info = _info(name)
        self.dataset = name
        self.files = info.files
        self.urls = info.urls
        self.folder = info.folder
        self.reason = reason
        self.fix = fix
        if fix:
            message = tr_lazy("{dataset} is not available: {reason}. {instructions}",
                              dataset=tr_lazy(info.short_label), reason=reason,
                              instructions=_fix_instructions(info, self.folder))
        else:
            message = tr_lazy("{dataset} is not available: {reason}.",
                              dataset=tr_lazy(info.short_label), reason=reason)
        super().__init__(message)

    def __reduce__(self):
        # Rebuilt from its arguments when it crosses from a worker process.
        return type(self), (self.dataset, self.reason, self.fix)


def _fix_instructions(info: KerasSet, folder: str):
    """One sentence telling the user which files to put where."""
    if info.downloads:  # Keras keeps the download under a name of its own
        renames = [tr_lazy("{download} to {file}", download=remote, file=local)
                   for remote, local in zip(info.downloads, info.files)]
        return tr_n_lazy(
            "Download {urls} into {folder}, rename it from {renames} (the name Keras "
            "looks for, without an extension; Keras unpacks it itself), then try again.",
            "Download {urls} into {folder}, rename them from {renames} (the names "
            "Keras looks for, without an extension; Keras unpacks them itself), then "
            "try again.",
            len(renames), urls=_join(list(info.urls)), folder=folder,
            renames=_join(renames))
    steps = [tr_lazy("{file} from {url}", file=local, url=url)
             for url, local in zip(info.urls, info.files)]
    return tr_n_lazy("Download {files} and place it in {folder}, then try again.",
                     "Download {files} and place them in {folder}, then try again.",
                     len(steps), files=_join(steps), folder=folder)


_checked: dict[tuple[str, int, int], str] = {}


def _sha256(path: str) -> str:
    """A file's SHA-256, remembered while it keeps its size and time."""
    stat = os.stat(path)
    key = (path, stat.st_size, stat.st_mtime_ns)
    if key not in _checked:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        _checked[key] = digest.hexdigest()
    return _checked[key]


def check_cached_files(name: str) -> None:
    """Refuses a dataset file in the cache whose hash is not Keras' own.

    Keras, finding such a file, downloads it again and, offline, deletes the
    file a user placed by hand. This check comes first: the file stays, and
    the message gives the hash expected and the one received.

    Raises:
        DatasetUnavailable: a cached file has another SHA-256 than Keras expects.
    """
    info = _info(name)
    for local, url, expected in zip(info.files, info.urls, info.sha256):
        path = os.path.join(info.folder, local)
        if not expected or not os.path.isfile(path):
            continue
        received = _sha256(path)
        if received != expected:
            raise DatasetUnavailable(name, tr_lazy(
                "the file {path} is not the one Keras expects (its SHA-256 is "
                "{received}, expected {expected}); it was left where it is. Replace "
                "it with the file from {url}", path=path, received=received,
                expected=expected, url=url), fix=False)


def _join(items: Sequence):
    """`a`, `a and b`, `a, b and c`, in the reader's language."""
    if len(items) == 1:
        return items[0]
    return tr_lazy("{items} and {last}", items=Joined(items[:-1]), last=items[-1])


def _one_line(error: BaseException, limit: int = 300) -> str:
    """The error's text on one line, shortened, or its type when empty."""
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."


_KERAS_FETCH_FAILURE = re.compile(r"URL fetch failure on \S+?: (?:(\S+) -- )?(.*)")
"""Keras' download error: the URL (the message names it again), an HTTP
status or `None`, then the cause: `...mnist.npz: None -- [Errno -2] Name or
service not known`."""


def _download_problem(text: str) -> str:
    """Keras' download error without its URL and its `None --`:
    `[Errno -2] Name or service not known`, `404 Not Found`."""
    found = _KERAS_FETCH_FAILURE.fullmatch(text)
    if not found:
        return text
    status, cause = found.groups()
    return f"{status} {cause}" if status and status != "None" else cause


def _reason(error: BaseException):
    """Says in words what a loading error means, with the error's own text."""
    text = _one_line(error)
    if text.startswith("URL fetch failure") or isinstance(error, urllib.error.URLError):
        return tr_lazy("the download failed ({error})", error=_download_problem(text))
    if isinstance(error, (OSError, EOFError, ValueError)):
        return tr_lazy("a cached file is missing, incomplete or damaged ({error})",
                       error=text)
    return tr_lazy("loading failed ({error})", error=text)


def _info(name: str) -> KerasSet:
    if name not in KERAS_SETS:
        raise KeyError(
            f"Unknown Keras dataset {name!r}; expected one of {list(KERAS_SETS)}."
        )
    return KERAS_SETS[name]


def load_keras_arrays(
    name: str,
    *,
    num_words: int = 10000,
    maxlen: int = 80,
    loader: Loader | None = None,
    keep: Callable[[np.ndarray], np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Loads a whole Keras dataset as one `(x, y)` pair.

    Keras' train part comes first, then its test part; the caller splits the
    result as it likes. The arrays are converted as follows:

    - MNIST and Fashion-MNIST: x float32 `(n, 28, 28, 1)`, CIFAR-10: x
      float32 `(n, 32, 32, 3)`, pixels scaled to 0..1; y int64 `(n,)`.
    - IMDB and Reuters: only the `num_words` most frequent words are kept
      (rarer ones become the `<oov>` id 2), ids start at 3 and every text
      starts with the id 1. Each text is cut or padded to `maxlen` tokens at
      its start, as `keras.utils.pad_sequences` does by default, so the end
      of the text is kept. x int32 `(n, maxlen)`, y int64 `(n,)`.
    - Boston housing: x float32 `(n, 13)`, y float32 `(n,)`, unscaled (scale
      with statistics of the training split only).

    Args:
        name: A key of `KERAS_SETS`.
        num_words: Vocabulary size for IMDB and Reuters, from 100 to 100,000.
        maxlen: Tokens per text for IMDB and Reuters, from 1 to 2,500.
        loader: Called instead of `keras.datasets.<module>.load_data`, with
            the same keyword arguments (`num_words`, `start_char`,
            `oov_char`, `index_from` for the text sets, none otherwise), and
            must return Keras' format `((x_train, y_train), (x_test, y_test))`.
        keep: Given all targets, returns the indices of the samples to keep
            (a subset), so that only those are converted: all of CIFAR-10 as
            float32 would take 700 MB.

    Returns:
        The tuple `(x, y)` of new NumPy arrays.

    Raises:
        KeyError: `name` is not a Keras dataset.
        ConfigError: (a `ValueError`) `num_words` or `maxlen` is out of range.
        DatasetUnavailable: the data could not be downloaded or read.
    """
    info = _info(name)
    kwargs: dict[str, int] = {}
    if info.input_kind == "tokens":
        num_words = NUM_WORDS.validate(num_words)
        maxlen = MAXLEN.validate(maxlen)
        kwargs = dict(num_words=num_words, start_char=START_CHAR,
                      oov_char=OOV_CHAR, index_from=INDEX_FROM)
    if loader is None:
        check_cached_files(name)  # before Keras deletes a file it doubts
        loader = _keras_module(info).load_data
    try:
        (x_train, y_train), (x_test, y_test) = loader(**kwargs)
    except Exception as error:
        raise DatasetUnavailable(name, _reason(error)) from error
    if info.task == REGRESSION:
        y = np.concatenate([y_train, y_test]).astype(np.float32)
    else:
        y = _class_ids(y_train, y_test)
    index = slice(None) if keep is None else np.asarray(keep(y))
    if info.input_kind == "image":
        return _images(x_train, x_test, index), y[index]
    if info.input_kind == "tokens":
        return _padded(x_train, x_test, maxlen, index), y[index]
    return np.concatenate([x_train, x_test])[index].astype(np.float32), y[index]


def _keras_module(info: KerasSet) -> Any:
    """Imports `keras.datasets.<module>` (and so Keras) on first use."""
    import importlib

    return importlib.import_module(f"keras.datasets.{info.module}")


def _images(x_train: np.ndarray, x_test: np.ndarray, index=slice(None)) -> np.ndarray:
    """uint8 images, joined and indexed, as float32 in 0..1, channels last."""
    x = np.concatenate([x_train, x_test])[index]
    if x.ndim == 3:
        x = x[..., None]
    elif x.ndim == 4 and x.shape[1] in (1, 3) and x.shape[-1] not in (1, 3):
        # Keras returns CIFAR-10 channels first when configured to.
        x = x.transpose(0, 2, 3, 1)
    return x.astype(np.float32) / np.float32(255.0)


def _class_ids(y_train: np.ndarray, y_test: np.ndarray) -> np.ndarray:
    """Labels joined and flattened to int64 `(n,)` (CIFAR-10 gives `(n, 1)`)."""
    return np.concatenate([np.reshape(y_train, -1), np.reshape(y_test, -1)]
                          ).astype(np.int64)


def _padded(x_train: Sequence, x_test: Sequence, maxlen: int,
            index=slice(None)) -> np.ndarray:
    """Token lists joined, indexed and padded/truncated at the start to `maxlen`."""
    from keras.utils import pad_sequences

    joined = np.empty(len(x_train) + len(x_test), dtype=object)
    joined[:] = [list(s) for s in x_train] + [list(s) for s in x_test]
    sequences = list(joined[index])
    return pad_sequences(sequences, maxlen=maxlen, dtype="int32")


def word_index(name: str, loader: Loader | None = None) -> dict[int, str] | None:
    """Maps token ids of IMDB or Reuters back to their words.

    Keras' `get_word_index()` numbers words from 1 by frequency; in the
    loaded data every id is shifted by `index_from=3` to make room for the
    pad (0), start (1) and out-of-vocabulary (2) tokens. This applies the same
    shift, so the mapping decodes `load_keras_arrays` output directly.

    Loading reads (and, the first time, downloads) a JSON file of about a
    megabyte; cache the result if you call this often.

    Args:
        name: A key of `KERAS_SETS`.
        loader: Called instead of `keras.datasets.<module>.get_word_index`,
            without arguments; returns a dict from word to Keras' index.

    Returns:
        A dict from token id to word, with `0: "<pad>"`, `1: "<start>"` and
        `2: "<oov>"`; `None` for a dataset without words, or when the index
        cannot be loaded (e.g. offline).

    Raises:
        KeyError: `name` is not a Keras dataset.
    """
    info = _info(name)
    if info.input_kind != "tokens":
        return None
    try:
        raw = loader() if loader is not None else _keras_module(info).get_word_index()
        index = {int(i) + INDEX_FROM: str(word) for word, i in raw.items()}
    except Exception:
        return None
    index.update({0: PAD_WORD, START_CHAR: START_WORD, OOV_CHAR: OOV_WORD})
    return index


def decode_tokens(tokens: Sequence[int] | np.ndarray, index: Mapping[int, str]) -> str:
    """Turns one padded sequence of token ids back into text.

    Args:
        tokens: Token ids, e.g. one row of `load_keras_arrays` output.
        index: The mapping returned by `word_index`.

    Returns:
        The words joined by spaces; pad ids (0) are dropped and ids missing
        from `index` are shown as `"<oov>"`.
    """
    return " ".join(index.get(int(t), OOV_WORD) for t in tokens if int(t) != 0)
