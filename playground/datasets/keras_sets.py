"""The six classic `keras.datasets`, described cheaply.

`KERAS_SETS` says what each dataset is (task, classes, the files Keras keeps
in its cache and where it downloads them from) without importing Keras, so a
page can list the datasets at no cost, with the settings of the text sets
(`NUM_WORDS`, `MAXLEN`) and Keras' token conventions. Loading them is
`playground.datasets.keras_loading`.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from typing import Any, Callable

from playground.fields import IntField
from playground.registry import BINARY, MULTICLASS, REGRESSION

# Keras' defaults for the text datasets, passed explicitly so that the token
# ids, the word index offset and `decode_tokens` always agree.
START_CHAR = 1


OOV_CHAR = 2


INDEX_FROM = 3


PAD_WORD, START_WORD, OOV_WORD = "<pad>", "<start>", "<oov>"


# IMDB has about 88,600 distinct words and Reuters about 31,000: a larger
# vocabulary keeps every word. Below 100 words almost every token is `<oov>`.
NUM_WORDS = IntField(
    "num_words", 10000, "Vocabulary size: the most frequent words kept.",
    minimum=100, maximum=100000,
)


# The longest IMDB review has about 2,500 tokens, the longest Reuters
# newswire a little less, so a longer `maxlen` would only add padding.
MAXLEN = IntField(
    "maxlen", 80, "Tokens kept per text (the last ones).",
    minimum=1, maximum=2500,
)


# Stands in for `keras.datasets.<module>.load_data` or `get_word_index`.
Loader = Callable[..., Any]


_TF_KERAS = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


@dataclass(frozen=True)
class KerasSet:
    """What a `keras.datasets` dataset is, known before it is loaded.

    Attributes:
        name: Our stored name, e.g. `"fashion-mnist"`.
        label: Name shown to the user, e.g. `"MNIST (28x28 digits)"`.
        module: The submodule of `keras.datasets` that loads it.
        task: `"binary"`, `"multiclass"` or `"regression"`.
        input_kind: `"image"`, `"tokens"` or `"features"`.
        class_names: Names of the classes, in label order; empty for
            regression.
        files: The names `load_data` looks for in the Keras cache folder
            (see `folder`). When they are all there, nothing is downloaded.
        origin: The URL folder Keras downloads the files from.
        description: One or two sentences for a learner.
        subfolder: The folder under `cache_folder()` that holds `files`;
            empty when they lie directly in it.
        downloads: The file names at `origin`, one per entry of `files`, when
            Keras saves a download under another name; empty when the names
            are the same.
        word_index_file: The file `get_word_index` caches (text sets only).
        sha256: The SHA-256 Keras checks each of `files` against (as in
            `keras.datasets`), one per file, empty where Keras checks none.
        samples: How many samples Keras' train and test parts hold together:
            the largest subset that can be drawn.
    """

    name: str
    label: str
    module: str
    task: str
    input_kind: str
    class_names: tuple[str, ...]
    files: tuple[str, ...]
    origin: str
    description: str
    subfolder: str = ""
    downloads: tuple[str, ...] = ()
    word_index_file: str = ""
    sha256: tuple[str, ...] = ()
    samples: int = 0

    @property
    def short_label(self) -> str:
        """The label without its parenthesised detail, e.g. `"MNIST"`."""
        return self.label.split(" (")[0]

    @property
    def num_classes(self) -> int:
        return len(self.class_names) if self.task != REGRESSION else 1

    @property
    def folder(self) -> str:
        """The absolute folder where Keras looks for `files`."""
        folder = cache_folder()
        return os.path.join(folder, self.subfolder) if self.subfolder else folder

    @property
    def urls(self) -> tuple[str, ...]:
        """The download URL of each entry of `files`, in the same order."""
        return tuple(self.origin + remote for remote in self.downloads or self.files)


# From `keras.datasets.reuters.get_label_names()`, copied so that listing the
# classes needs neither Keras nor a download.
REUTERS_TOPICS = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing",
    "money-supply", "coffee", "sugar", "trade", "reserves", "ship", "cotton",
    "carcass", "crude", "nat-gas", "cpi", "money-fx", "interest", "gnp",
    "meal-feed", "alum", "oilseed", "gold", "tin", "strategic-metal",
    "livestock", "retail", "ipi", "iron-steel", "rubber", "heat", "jobs", "lei",
    "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog",
    "lead",
)


KERAS_SETS: dict[str, KerasSet] = {
    s.name: s
    for s in (
        KerasSet(
            "mnist", "MNIST (28x28 digits)", "mnist", MULTICLASS, "image",
            tuple(str(i) for i in range(10)),
            ("mnist.npz",), _TF_KERAS,
            "70,000 handwritten digits as 28x28 grey images (pixels scaled to "
            "0..1). The classic first image set; Dense layers need a Flatten "
            "first.",
            sha256=("731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",),
            samples=70000,
        ),
        KerasSet(
            "fashion-mnist", "Fashion-MNIST (28x28 clothing)", "fashion_mnist",
            MULTICLASS, "image",
            ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
             "Shirt", "Sneaker", "Bag", "Ankle boot"),
            ("train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
             "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz"),
            _TF_KERAS,
            "70,000 28x28 grey images of 10 kinds of clothing (pixels scaled "
            "to 0..1). Shaped like MNIST but harder: shirts, coats and "
            "pullovers look alike.",
            subfolder="fashion-mnist",
            samples=70000,
        ),
        KerasSet(
            "cifar10", "CIFAR-10 (32x32 colour images)", "cifar10", MULTICLASS,
            "image",
            ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
             "horse", "ship", "truck"),
            # Keras saves the archive under this name and unpacks it into the
            # folder "cifar-10-batches-py-target" next to it.
            ("cifar-10-batches-py-target_archive",),
            "https://www.cs.toronto.edu/~kriz/",
            "60,000 small colour photos in 10 classes, from planes to trucks "
            "(pixels scaled to 0..1). Convolutions do far better than Dense "
            "layers here.",
            downloads=("cifar-10-python.tar.gz",),
            sha256=("6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",),
            samples=60000,
        ),
        KerasSet(
            "imdb", "IMDB (movie review sentiment)", "imdb", BINARY, "tokens",
            ("negative", "positive"),
            ("imdb.npz",), _TF_KERAS,
            "50,000 movie reviews, each a sequence of word ids, labelled "
            "negative or positive. Start with an Embedding layer.",
            word_index_file="imdb_word_index.json",
            sha256=("69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f",),
            samples=50000,
        ),
        KerasSet(
            "reuters", "Reuters (46 newswire topics)", "reuters", MULTICLASS,
            "tokens", REUTERS_TOPICS,
            ("reuters.npz",), _TF_KERAS,
            "11,228 short Reuters news stories as sequences of word ids, each "
            "labelled with one of 46 topics. A few topics hold most stories.",
            word_index_file="reuters_word_index.json",
            sha256=("d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916",),
            samples=11228,
        ),
        KerasSet(
            "boston-housing", "Boston housing (regression)", "boston_housing",
            REGRESSION, "features", (),
            ("boston_housing.npz",), _TF_KERAS,
            "506 Boston districts of the 1970s, 13 measurements each; predict "
            "the median house price (in $1000s). Its 'B' feature encodes race, "
            "a lesson in how data can carry bias.",
            sha256=("f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5",),
            samples=506,
        ),
    )
}


def cache_folder() -> str:
    """Returns the absolute folder where Keras keeps downloaded datasets.

    Mirrors the folder `keras.utils.get_file` computes with its default
    `cache_dir` and `cache_subdir="datasets"`: the Keras home is
    `$KERAS_HOME` when that variable is set, else `~/.keras` (or `/tmp/.keras`
    when the home folder is not writable), as `keras.src.backend.config`
    sets it; `get_file` then falls back to `.keras` in the temporary folder
    when the Keras home cannot be written, and adds `"datasets"`.

    Keras reads `KERAS_HOME` once, when it is imported; this function reads it
    on every call, so set the variable before the app starts.

    Returns:
        An absolute path; the folder itself may not exist yet.
    """
    if "KERAS_HOME" in os.environ:
        home = os.environ["KERAS_HOME"]
    else:
        user_home = os.path.expanduser("~")
        home = os.path.join(user_home if os.access(user_home, os.W_OK) else "/tmp",
                            ".keras")
    home = os.path.expanduser(home)
    if not _writable(home):
        temp = "/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir()
        home = os.path.join(temp, ".keras")
    return os.path.abspath(os.path.join(home, "datasets"))


def _writable(folder: str) -> bool:
    """Whether `folder` is writable, or could be made by Keras at import.

    Keras creates its home folder when it is imported, so a missing folder
    counts as writable when its nearest existing parent is.
    """
    folder = os.path.abspath(folder)
    while not os.path.exists(folder):
        parent = os.path.dirname(folder)
        if parent == folder:
            return False
        folder = parent
    return os.path.isdir(folder) and os.access(folder, os.W_OK)
