"""The arrays a model trains on: a dataset of the catalog made, split and cached.

`load_dataset` makes a generated or bundled set's arrays, splits them into
train, validation and test sets from the seed, and caches the read-only
result: data is shared, models never are. `load_keras_dataset` does the
same for a stratified subset of a `keras.datasets` set.

For k-fold cross-validation, a `fold` `(k, i)` splits the training part
(train and validation together; the test part stays as it is) into k folds
with scikit-learn's `StratifiedKFold` (classes) or `KFold`, shuffled with
the seed: fold i is held out for validation and the other k - 1 train.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import Any

import numpy as np

from playground.datasets import synthetic
from playground.datasets.catalog import (
    BOSTON_FEATURES,
    DATASETS,
    KERAS_BASE,
    DatasetInfo,
    DataSpec,
)
from playground.datasets.keras_loading import load_keras_arrays
from playground.registry import REGRESSION


def original_units(values: np.ndarray, target_scaler) -> np.ndarray:
    """Standardised targets or predictions back in the target's own units
    (unchanged when the targets were not scaled)."""
    values = np.asarray(values, dtype=np.float64)
    if target_scaler is None:
        return values
    return target_scaler.inverse_transform(values.reshape(-1, 1)).ravel()


@dataclass(frozen=True, eq=False)
class Dataset:
    """A loaded, split dataset. All arrays are read-only.

    Targets are class ids (int64) for classification and floats for
    regression; the training code encodes them for the chosen loss.

    Attributes:
        preprocessor: The scikit-learn transformer fitted on the training
            rows that turned the raw rows into `x_*` (for a CSV table, the
            fitted `PreparedTable.preprocessor()`; for bundled sets with
            scaling, a `StandardScaler`), or None when the inputs are used
            as they are. Its `transform` prepares new rows the same way.
        target_scaler: For regression on real data, the `StandardScaler`
            fitted on the training targets: `y_*` are in its units, and
            `target_scaler.inverse_transform(y.reshape(-1, 1))` (or
            `y * scale_ + mean_`) gives the original units back. None when
            targets are not scaled.
        test_rows: For a table, its test rows as read (a `DataFrame` in the
            file's own units and categories, in the order of `x_test`), for
            showing test samples as a person reads them; None otherwise.
    """

    info: DatasetInfo
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    feature_names: tuple[str, ...]
    preprocessor: Any = None
    target_scaler: Any = None
    test_rows: Any = None

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
    # Diabetes comes pre-scaled by default (age 0.038); unscaled, its features
    # read in their own units (age 59, BMI 32.1) and the app standardises them.
    bunch = loader(scaled=False) if name == "diabetes" else loader()
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


def fold_indices(y: np.ndarray, training: np.ndarray, k: int, seed: int,
                 stratify: bool) -> list[tuple[np.ndarray, np.ndarray]]:
    """The k folds of the rows `training` of `y`: for each, the indices
    that train and the indices held out, in ascending order.

    The rows are sorted first, so the folds depend on which rows form the
    training part, not on how it was drawn; scikit-learn's `StratifiedKFold`
    (with `stratify`, each fold keeps the class balance) or `KFold` deals
    them out, shuffled with the seed. The held-out parts are disjoint and
    together they are the training part.
    """
    from sklearn.model_selection import KFold, StratifiedKFold

    training = np.sort(np.asarray(training, dtype=np.int64))
    splitter = (StratifiedKFold if stratify else KFold)(
        n_splits=k, shuffle=True, random_state=seed)
    return [(training[kept], training[held]) for kept, held in
            splitter.split(np.zeros(len(training)), y[training])]


def fold_split(indices: tuple[np.ndarray, np.ndarray, np.ndarray], y: np.ndarray,
               fold: tuple[int, int], seed: int, stratify: bool
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Train, validation and test indices for fold `(k, i)` (i from 1 to k):
    the training part of `indices` (its train and validation indices) split
    by `fold_indices`, fold i held out for validation; test is unchanged."""
    k, i = fold
    kept, held = fold_indices(y, np.concatenate(indices[:2]), k, seed, stratify)[i - 1]
    rng = np.random.default_rng([seed, 4, k, i])
    return rng.permutation(kept), rng.permutation(held), indices[2]


@functools.lru_cache(maxsize=16)
def load_dataset(name: str, samples: int = 500, noise: float = 0.0,
                 val: float = 0.2, test: float = 0.3, seed: int = 0,
                 fold: tuple[int, int] | None = None) -> Dataset:
    """Loads a dataset and splits it reproducibly.

    Args:
        name: A key of `DATASETS`.
        samples: Number of points (synthetic sets only).
        noise: Noise level from 0 to 0.5 (synthetic sets only).
        val: Fraction held out for validation during training.
        test: Fraction held out for the final test.
        seed: Seeds generation and the split; the same seed, the same data.
        fold: `(k, i)` to train on fold i of k of the training part and
            validate on its held-out rows (cross-validation); None for the
            train and validation split above.

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
                         scale=info.input_kind == "features" and not info.synthetic,
                         fold=fold)


def split_dataset(info: DatasetInfo, x, y: np.ndarray,
                  features: tuple[str, ...], val: float, test: float, seed: int,
                  scale: bool, preprocessor=None,
                  fold: tuple[int, int] | None = None) -> Dataset:
    """Splits arrays into a read-only `Dataset`, stratified for classes.

    Whatever is learned from data is learned from the training split only:
    `preprocessor` (an unfitted scikit-learn transformer, e.g. a CSV table's
    `PreparedTable.preprocessor()`) is fitted on the training rows of `x` (an
    array or a DataFrame) and then transforms every split. Without one,
    `scale` standardises the features with a `StandardScaler` (a column
    constant in the training rows is centred, not divided by zero).
    Regression targets of real (not generated) data are standardised the
    same way, so one learning rate suits every dataset; both fitted scalers
    are kept on the `Dataset`. With a `fold` `(k, i)`, train and validation
    are fold i of the training part (`fold_split`), and the preprocessing is
    fitted on that fold's training rows.
    """
    classify = info.task != REGRESSION
    indices = split_indices(y, val, test, seed, stratify=classify)
    if fold is not None:
        indices = fold_split(indices, y, fold, seed, stratify=classify)
    if preprocessor is None and scale:
        from sklearn.preprocessing import StandardScaler

        preprocessor = StandardScaler()
    x_parts = _fit_on_training_rows(preprocessor, [_rows(x, i) for i in indices])
    target_scaler = None
    y_parts = [y[i] for i in indices]
    if info.task == REGRESSION and not info.synthetic:
        from sklearn.preprocessing import StandardScaler

        target_scaler = StandardScaler()
        y_parts = [part.ravel() for part in _fit_on_training_rows(
            target_scaler, [np.reshape(part, (-1, 1)) for part in y_parts])]
    y_dtype = np.int64 if classify else np.float32
    x_dtype = np.int32 if info.input_kind == "tokens" else np.float32
    arrays = []
    for x_part, y_part in zip(x_parts, y_parts):
        arrays += [np.ascontiguousarray(x_part, dtype=x_dtype),
                   np.ascontiguousarray(y_part, dtype=y_dtype)]
    for a in arrays:
        a.setflags(write=False)
    test_rows = _rows(x, indices[2]) if hasattr(x, "iloc") else None
    return Dataset(info, *arrays, feature_names=features,
                   preprocessor=preprocessor, target_scaler=target_scaler,
                   test_rows=test_rows)


def _fit_on_training_rows(transformer, parts: list) -> list:
    """Fits `transformer` on `parts[0]` (the training rows) and transforms
    every part with it; an empty part stays empty, with the right shape."""
    if transformer is None:
        return parts
    train = transformer.fit_transform(parts[0])
    return [train] + [transformer.transform(part) if len(part) else
                      np.empty((0, *np.shape(train)[1:]), np.float32)
                      for part in parts[1:]]


def _rows(x, indices: np.ndarray):
    return x.iloc[indices] if hasattr(x, "iloc") else x[indices]


def keep_subset(y: np.ndarray, size: int, seed: int, stratify: bool) -> np.ndarray:
    """Sorted indices of `size` samples (all when fewer), drawn from the seed.

    Stratified by class when asked; rounding per class is evened out with
    randomly chosen other samples, so exactly `size` are kept.
    """
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


@functools.lru_cache(maxsize=4)
def load_keras_dataset(name: str, subset: int, num_words: int, maxlen: int,
                       val: float, test: float, seed: int,
                       fold: tuple[int, int] | None = None) -> Dataset:
    """A stratified subset of a `keras.datasets` set, split like the others.

    Keras downloads the files once into its cache folder; offline, the
    `DatasetUnavailable` error says which file to put where.

    Args:
        name: A key of `DATASETS` whose source is `"keras"`.
        subset: Samples kept, drawn from Keras' train and test parts together.
        num_words, maxlen: Vocabulary size and tokens per text (text sets).
        fold: `(k, i)` for fold i of k of the training part (see
            `load_dataset`), or None.
    """
    info = DATASETS[name]
    base = KERAS_BASE.get(name, name)
    classify = info.task != REGRESSION
    seven = name == "mnist-seven"
    keep = functools.partial(keep_subset, size=subset, seed=seed, stratify=classify)
    x, y = load_keras_arrays(base, num_words=num_words, maxlen=maxlen, keep=keep)
    if seven:
        y = (y == 7).astype(np.int64)
    if info.input_kind == "tokens":
        info = dataclasses.replace(info, input_shape=(maxlen,), vocab_size=num_words)
    features = tuple(f"x{i + 1}" for i in range(x.shape[1])) if x.ndim == 2 else ()
    if name == "boston-housing":
        features = BOSTON_FEATURES
    return split_dataset(info, x, y, features, val, test, seed,
                         scale=info.input_kind == "features", fold=fold)
