"""The datasets a user can pick, all available without a network.

`DATASETS` describes each one (task, input shape, classes, description)
without loading it, so pages can list them cheaply. `load_dataset` makes the
arrays, splits them into train, validation and test sets from the seed, and
caches the read-only result: data is shared, models never are.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass

import numpy as np

from playground.datasets import synthetic
from playground.datasets.keras_sets import KERAS_SETS, MAXLEN, NUM_WORDS, load_keras_arrays
from playground.layers import DataSpec
from playground.registry import BINARY, MULTICLASS, REGRESSION


@dataclass(frozen=True)
class DatasetInfo:
    """What a dataset is, known before it is loaded.

    Attributes:
        name: Stored name, e.g. `"spiral"`.
        label: Name shown to the user.
        task: `"binary"`, `"multiclass"` or `"regression"`.
        input_shape: One sample's shape.
        input_kind: `"features"`, `"image"` or `"tokens"`.
        class_names: Names of the classes; empty for regression.
        description: A sentence or two for the Data page.
        synthetic: True when samples and noise can be chosen.
        source: Where the data comes from: `"synthetic"`, `"sklearn"`,
            `"keras"` (downloaded by `keras.datasets`) or `"table"` (a CSV).
        vocab_size: For token inputs, the number of distinct token ids.
    """

    name: str
    label: str
    task: str
    input_shape: tuple[int, ...]
    input_kind: str
    class_names: tuple[str, ...]
    description: str
    synthetic: bool = False
    source: str = "sklearn"
    vocab_size: int = 0

    @property
    def num_classes(self) -> int:
        return len(self.class_names) if self.task != REGRESSION else 1

    @property
    def data_spec(self) -> DataSpec:
        return DataSpec(self.input_shape, self.input_kind, self.task, self.num_classes,
                        self.vocab_size)


_TWO = ("orange", "blue")
_KERAS_SHAPES = {"mnist": (28, 28, 1), "fashion-mnist": (28, 28, 1),
                 "cifar10": (32, 32, 3), "imdb": (MAXLEN.default,),
                 "reuters": (MAXLEN.default,), "boston-housing": (13,)}


def _keras_infos() -> tuple[DatasetInfo, ...]:
    """The `keras.datasets` sets, and MNIST relabelled as "is it a 7?"."""
    infos = [DatasetInfo(k.name, k.label, k.task, _KERAS_SHAPES[k.name], k.input_kind,
                         k.class_names, k.description, source="keras",
                         vocab_size=NUM_WORDS.default if k.input_kind == "tokens" else 0)
             for k in KERAS_SETS.values()]
    infos.insert(1, DatasetInfo(
        "mnist-seven", "MNIST: is it a 7?", BINARY, (28, 28, 1), "image", ("not 7", "7"),
        "MNIST digits relabelled: 7 or not. A one-unit sigmoid output and "
        "binary crossentropy, as in the tutorial.", source="keras"))
    return tuple(infos)


DATASETS: dict[str, DatasetInfo] = {
    d.name: d
    for d in (
        DatasetInfo("circle", "Circle", BINARY, (2,), "features", _TWO,
                    "A blue disc inside an orange ring: not separable by a line.",
                    synthetic=True),
        DatasetInfo("xor", "XOR", BINARY, (2,), "features", _TWO,
                    "Blue where x and y share a sign: the classic XOR problem.",
                    synthetic=True),
        DatasetInfo("gauss", "Gaussian", BINARY, (2,), "features", _TWO,
                    "Two gaussian blobs; noise makes them overlap.", synthetic=True),
        DatasetInfo("spiral", "Spiral", BINARY, (2,), "features", _TWO,
                    "Two interleaved spirals: the hardest 2-D set.", synthetic=True),
        DatasetInfo("reg-plane", "Plane (regression)", REGRESSION, (2,), "features",
                    (), "Predict (x + y) / 10, a tilted plane.", synthetic=True),
        DatasetInfo("reg-gauss", "Multi-gaussian (regression)", REGRESSION, (2,),
                    "features", (), "Predict the height of six signed bumps.",
                    synthetic=True),
        DatasetInfo("iris", "Iris", MULTICLASS, (4,), "features",
                    ("setosa", "versicolor", "virginica"),
                    "150 iris flowers, 4 measurements each, 3 species "
                    "(features standardised)."),
        DatasetInfo("digits", "Digits (8x8 images)", MULTICLASS, (8, 8, 1), "image",
                    tuple(str(i) for i in range(10)),
                    "1,797 handwritten digits as 8x8 grey images (pixels scaled "
                    "to 0..1). Dense layers need a Flatten first."),
        DatasetInfo("wine", "Wine", MULTICLASS, (13,), "features",
                    ("class_0", "class_1", "class_2"),
                    "178 wines, 13 chemical measurements, 3 cultivars "
                    "(features standardised)."),
        DatasetInfo("breast-cancer", "Breast cancer", BINARY, (30,), "features",
                    ("malignant", "benign"),
                    "569 tumours, 30 measurements, malignant or benign "
                    "(features standardised)."),
        DatasetInfo("diabetes", "Diabetes (regression)", REGRESSION, (10,), "features",
                    (), "442 patients, 10 baseline variables; predict disease "
                    "progression a year later (target standardised)."),
        *_keras_infos(),
        DatasetInfo("house-prices", "House prices (CSV)", REGRESSION, (), "features", (),
                    "500 made-up houses: area, rooms, age, distance to the centre, "
                    "district and garden; predict the price in thousands (a CSV "
                    "shipped with the app; target standardised).", source="table"),
        DatasetInfo("csv", "Your CSV file", "", (), "features", (),
                    "Upload a CSV file and pick the column to predict.",
                    source="table"),
    )
}
KERAS_BASE = {"mnist-seven": "mnist"}


@dataclass(frozen=True, eq=False)
class Dataset:
    """A loaded, split dataset. All arrays are read-only.

    Targets are class ids (int64) for classification and floats for
    regression; the training code encodes them for the chosen loss.
    """

    info: DatasetInfo
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    feature_names: tuple[str, ...]

    @property
    def data_spec(self) -> DataSpec:
        return self.info.data_spec

    def split(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Returns `(x, y)` of `"train"`, `"val"` or `"test"`."""
        return getattr(self, f"x_{name}"), getattr(self, f"y_{name}")


def _load_bundled(name: str) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    from sklearn import datasets as sk

    loader = {
        "iris": sk.load_iris,
        "digits": sk.load_digits,
        "wine": sk.load_wine,
        "breast-cancer": sk.load_breast_cancer,
        "diabetes": sk.load_diabetes,
    }[name]
    bunch = loader()
    if name == "digits":
        x = (bunch.images / 16.0)[..., None]
        return x, bunch.target, tuple(f"pixel {i}" for i in range(64))
    return bunch.data, bunch.target, tuple(bunch.feature_names)


def split_indices(y: np.ndarray, val: float, test: float, seed: int,
                  stratify: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shuffled train, validation and test indices, drawn from the seed.

    With `stratify`, each class is split on its own so every split keeps the
    class balance (what `sklearn.model_selection.train_test_split` does, in
    plain NumPy: importing scikit-learn's model selection costs the first
    page about a second).
    """
    rng = np.random.default_rng([seed, 2])
    groups = [np.flatnonzero(y == c) for c in np.unique(y)] if stratify else [
        np.arange(len(y))]
    parts = ([], [], [])
    for group in groups:
        group = rng.permutation(group)
        n_test = int(round(len(group) * test))
        n_val = int(round(len(group) * val))
        parts[2].append(group[:n_test])
        parts[1].append(group[n_test:n_test + n_val])
        parts[0].append(group[n_test + n_val:])
    return tuple(rng.permutation(np.concatenate(p)).astype(np.int64) for p in parts)


@functools.lru_cache(maxsize=16)
def load_dataset(name: str, samples: int = 500, noise: float = 0.0,
                 val: float = 0.2, test: float = 0.3, seed: int = 0) -> Dataset:
    """Loads a dataset and splits it reproducibly.

    Args:
        name: A key of `DATASETS`.
        samples: Number of points (synthetic sets only).
        noise: Noise level from 0 to 0.5 (synthetic sets only).
        val: Fraction held out for validation during training.
        test: Fraction held out for the final test.
        seed: Seeds generation and the split; the same seed, the same data.

    Returns:
        A `Dataset` with read-only float32 inputs.
    """
    if name not in DATASETS:
        raise KeyError(f"Unknown dataset {name!r}; expected one of {list(DATASETS)}.")
    info = DATASETS[name]
    if info.synthetic:
        x, y = synthetic.GENERATORS[name](samples, noise, np.random.default_rng(seed))
        features = ("x1", "x2")
    else:
        x, y, features = _load_bundled(name)
    return split_dataset(info, x, y, features, val, test, seed,
                         scale=info.input_kind == "features" and not info.synthetic)


def split_dataset(info: DatasetInfo, x: np.ndarray, y: np.ndarray,
                  features: tuple[str, ...], val: float, test: float, seed: int,
                  scale: bool) -> Dataset:
    """Splits arrays into a read-only `Dataset`, stratified for classes.

    With `scale`, features are standardised with the training split's mean
    and deviation. Regression targets of real (not generated) data are
    standardised the same way, so one learning rate suits every dataset.
    """
    classify = info.task != REGRESSION
    train, valid, testing = split_indices(y, val, test, seed, stratify=classify)
    (x_tr, y_tr), (x_va, y_va), (x_te, y_te) = (
        (x[i], y[i]) for i in (train, valid, testing))
    if scale:
        mean, std = x_tr.mean(axis=0), x_tr.std(axis=0) + 1e-8
        x_tr, x_va, x_te = ((a - mean) / std for a in (x_tr, x_va, x_te))
    if info.task == REGRESSION and not info.synthetic:
        mean, std = y_tr.mean(), y_tr.std()
        y_tr, y_va, y_te = ((a - mean) / std for a in (y_tr, y_va, y_te))
    y_dtype = np.int64 if classify else np.float32
    arrays = [
        np.ascontiguousarray(a, dtype=(np.int32 if info.input_kind == "tokens" else np.float32)
                             if i % 2 == 0 else y_dtype)
        for i, a in enumerate((x_tr, y_tr, x_va, y_va, x_te, y_te))
    ]
    for a in arrays:
        a.setflags(write=False)
    return Dataset(info, *arrays, feature_names=features)


def _keep(size: int, seed: int, stratify: bool):
    """Picks exactly `size` samples (all when fewer), stratified by class:
    rounding per class is evened out with randomly chosen other samples."""
    def keep(y: np.ndarray) -> np.ndarray:
        if size >= len(y):
            return np.arange(len(y))
        chosen = split_indices(y, 0.0, size / len(y), seed, stratify)[2]
        rng = np.random.default_rng([seed, 3])
        if len(chosen) > size:
            chosen = rng.choice(chosen, size, replace=False)
        elif len(chosen) < size:
            rest = np.setdiff1d(np.arange(len(y)), chosen)
            chosen = np.concatenate([chosen, rng.choice(rest, size - len(chosen),
                                                        replace=False)])
        return np.sort(chosen)
    return keep


@functools.lru_cache(maxsize=4)
def load_keras_dataset(name: str, subset: int, num_words: int, maxlen: int,
                       val: float, test: float, seed: int) -> Dataset:
    """A stratified subset of a `keras.datasets` set, split like the others.

    Keras downloads the files once into its cache folder; offline, the
    `DatasetUnavailable` error says which file to put where.

    Args:
        name: A key of `DATASETS` whose source is `"keras"`.
        subset: Samples kept, drawn from Keras' train and test parts together.
        num_words, maxlen: Vocabulary size and tokens per text (text sets).
    """
    info = DATASETS[name]
    base = KERAS_BASE.get(name, name)
    classify = info.task != REGRESSION
    seven = name == "mnist-seven"
    x, y = load_keras_arrays(base, num_words=num_words, maxlen=maxlen,
                             keep=_keep(subset, seed, classify))
    if seven:
        y = (y == 7).astype(np.int64)
    if info.input_kind == "tokens":
        info = dataclasses.replace(info, input_shape=(maxlen,), vocab_size=num_words)
    features = tuple(f"x{i + 1}" for i in range(x.shape[1])) if x.ndim == 2 else ()
    if name == "boston-housing":
        features = BOSTON_FEATURES
    return split_dataset(info, x, y, features, val, test, seed,
                         scale=info.input_kind == "features")


BOSTON_FEATURES = ("CRIM", "ZN", "INDUS", "CHAS", "NOX", "RM", "AGE", "DIS", "RAD",
                   "TAX", "PTRATIO", "B", "LSTAT")

