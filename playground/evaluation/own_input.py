"""A user's own input, prepared exactly as the training data was.

- A drawing becomes an MNIST or sklearn-digits image: greyscale, cropped
  to the ink, scaled into the box the dataset used, centred by mass, at
  the dataset's value range.
- A review becomes IMDB token ids: Keras' word index shifted by 3, the
  start token, rare words as out-of-vocabulary, padded at the start.
- A table row goes through the fitted preprocessing of the training rows.

Bad input raises `InputError` with a message for the user (translated when
read), never a prediction made from nothing.
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np

from playground.datasets.keras_sets import INDEX_FROM, OOV_CHAR, START_CHAR
from playground.i18n import tr_lazy


class InputError(ValueError):
    """Input that cannot be predicted on (a blank drawing, no known word)."""


# MNIST: the digit's box is scaled to fit 20x20 and its centre of mass is put
# at the centre of the 28x28 image (LeCun et al.'s preparation). Digits: the
# digit was scaled to fill a 32x32 box, centred, and summed over 4x4 blocks.
DRAWING_FORMATS = {28: {"box": 20, "size": 28, "by_mass": True},
                   8: {"box": 8, "size": 8, "by_mass": False}}
INK_LEVEL = 0.05  # ink below this share of the darkest stroke is background


def _resize(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """Area-averaging resize of a 0..1 greyscale image (Pillow's box filter)."""
    from PIL import Image

    picture = Image.fromarray(np.asarray(image, dtype=np.float32), mode="F")
    return np.asarray(picture.resize((width, height), Image.Resampling.BOX),
                      dtype=np.float32)


def prepare_drawing(ink: np.ndarray, size: int) -> np.ndarray:
    """A drawing as the model's input image, `(size, size, 1)` float32 in 0..1.

    The ink is cropped to its bounding box and scaled, keeping its aspect,
    into the dataset's box; MNIST then centres it by mass, digits by box.

    Args:
        ink: `(height, width)` ink amounts, 0 for background (any range:
            it is divided by its maximum, as the datasets' brightest stroke
            is 1).
        size: 28 (MNIST-style) or 8 (scikit-learn's digits).

    Raises:
        InputError: when nothing was drawn.
        ValueError: for another size.
    """
    from scipy import ndimage

    if size not in DRAWING_FORMATS:
        raise ValueError(f"Drawings are prepared as 28x28 or 8x8 images; received "
                         f"size {size}.")
    ink = np.asarray(ink, dtype=np.float32)
    if ink.ndim != 2:
        raise ValueError(f"Expected a (height, width) greyscale drawing; received "
                         f"shape {ink.shape}.")
    peak = float(ink.max()) if ink.size else 0.0
    if peak <= 0:
        raise InputError(tr_lazy("The canvas is blank: draw a digit first."))
    ink = ink / peak
    rows = np.flatnonzero(ink.max(axis=1) > INK_LEVEL)
    cols = np.flatnonzero(ink.max(axis=0) > INK_LEVEL)
    ink = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    box, out = DRAWING_FORMATS[size]["box"], DRAWING_FORMATS[size]["size"]
    scale = box / max(ink.shape)
    height = max(1, round(ink.shape[0] * scale))
    width = max(1, round(ink.shape[1] * scale))
    small = _resize(ink, height, width)
    image = np.zeros((out, out), dtype=np.float32)
    top, left = (out - height) // 2, (out - width) // 2
    image[top:top + height, left:left + width] = small
    if DRAWING_FORMATS[size]["by_mass"]:
        centre = np.array(ndimage.center_of_mass(image))
        image = ndimage.shift(image, (out - 1) / 2 - centre, order=1, mode="constant")
        image = np.clip(image, 0.0, None)
    return (image / image.max())[..., None].astype(np.float32)


# Keras' text_to_word_sequence filters these characters and lowercases.
_FILTERS = re.compile(r'[!"#$%&()*+,\-./:;<=>?@\[\\\]^_`{|}~\t\n]')


@dataclasses.dataclass(frozen=True)
class Review:
    """A review as token ids, with the words the model knows and does not."""

    tokens: np.ndarray
    known: tuple[str, ...]
    unknown: tuple[str, ...]


def review_tokens(text: str, word_ids: dict[str, int], num_words: int,
                  maxlen: int) -> Review:
    """Tokenises a review as `keras.datasets.imdb.load_data` did.

    Args:
        text: The review.
        word_ids: Word to Keras' frequency rank (`imdb.get_word_index()`,
            numbered from 1); ids in the data are the rank plus 3.
        num_words: The vocabulary the model was trained with: rarer words
            become the out-of-vocabulary token 2.
        maxlen: Sequence length; longer reviews keep their last words,
            shorter ones are padded with 0 at the start.

    Raises:
        InputError: when no word of the review is in the vocabulary.
    """
    words = _FILTERS.sub(" ", text.lower()).split()
    ids, known, unknown = [START_CHAR], [], []
    for word in words:
        rank = word_ids.get(word)
        token = rank + INDEX_FROM if rank is not None else None
        if token is None or token >= num_words:
            ids.append(OOV_CHAR)
            unknown.append(word)
        else:
            ids.append(token)
            known.append(word)
    if not known:
        count = format(num_words, ",")
        raise InputError(tr_lazy(
            "None of these words is in the model's vocabulary (its {count} most frequent "
            "words): the review is empty.", count=count) if not words else tr_lazy(
            "None of these words is in the model's vocabulary (its {count} most frequent "
            "words): type a review in English.", count=count))
    ids = ids[-maxlen:]
    tokens = np.zeros(maxlen, dtype=np.int32)
    tokens[maxlen - len(ids):] = ids
    return Review(tokens, tuple(known), tuple(unknown))


@dataclasses.dataclass(frozen=True)
class Column:
    """One original column of a table, as a form field.

    `choices` lists a categorical column's values; `low`/`high` a number's
    range in the training rows, `default` its median. `whole` says that
    every training value is a whole number (rooms, a 0/1 flag): the form
    asks for whole numbers there, `3` rather than `3.00`."""

    name: str
    choices: tuple = ()
    low: float = 0.0
    high: float = 0.0
    default: object = 0.0
    whole: bool = False


def _number_column(name: str, values: np.ndarray) -> Column:
    """A numeric column's form field; a column of whole numbers (within the
    float32 rounding of standardising and back) gets a whole default."""
    values = np.asarray(values, dtype=np.float64)
    whole = bool(len(values)) and bool(np.allclose(values, np.round(values), rtol=0,
                                                   atol=1e-4))
    median = float(np.median(values)) if len(values) else 0.0
    if whole:
        return Column(name, low=float(np.round(values.min())),
                      high=float(np.round(values.max())),
                      default=float(np.round(median)), whole=True)
    return Column(name, low=float(values.min()), high=float(values.max()), default=median)


def table_columns(data, raw_features=None) -> list[Column]:
    """The form fields of a table dataset, from its training rows.

    Args:
        data: The `Dataset`.
        raw_features: The rows as read, before preprocessing (a CSV
            table's `PreparedTable.features`); without them, rows are
            recovered with the preprocessor's `inverse_transform` (a
            `StandardScaler`), or taken as they are.
    """
    if raw_features is not None:
        columns = []
        for name in raw_features.columns:
            series = raw_features[name].dropna()
            if series.dtype == object or str(series.dtype) in ("string", "str",
                                                                "category"):
                values = tuple(sorted(map(str, series.unique())))
                columns.append(Column(str(name), choices=values,
                                      default=series.astype(str).mode().iloc[0]))
            else:
                columns.append(_number_column(str(name), series.to_numpy()))
        return columns
    rows = np.asarray(data.x_train, dtype=np.float64)
    if data.preprocessor is not None:
        rows = data.preprocessor.inverse_transform(rows)
    return [_number_column(name, rows[:, i]) for i, name in enumerate(data.feature_names)]


def prepare_row(values: dict, data, columns: list[Column],
                as_frame: bool) -> tuple[np.ndarray, list[str]]:
    """One row of original values as the model's input, and notes.

    Returns:
        `(x, notes)`: `x` is `(1, ...)` float32, prepared by the dataset's
        fitted preprocessor; each note names a number outside the range
        its column held in training (accepted: the model extrapolates),
        translated when read.
    """
    notes = []
    for column in columns:
        value = values[column.name]
        if not column.choices and not column.low <= value <= column.high:
            notes.append(tr_lazy(
                "{column} = {value} is outside the training range {low} to {high}: the "
                "prediction extrapolates.", column=column.name, value=format(value, "g"),
                low=format(column.low, "g"), high=format(column.high, "g")))
    if as_frame:
        import pandas as pd

        row = pd.DataFrame([{c.name: values[c.name] for c in columns}])
    else:
        row = np.array([[values[c.name] for c in columns]], dtype=np.float64)
    x = data.preprocessor.transform(row) if data.preprocessor is not None else row
    return np.asarray(x, dtype=np.float32), notes


def readable_rows(data, x: np.ndarray) -> tuple[tuple[str, ...], np.ndarray]:
    """Table rows as a person reads them: `(column names, values)`.

    Standardised features are mapped back to their original values with the
    preprocessor's `inverse_transform`; a pipeline that cannot be inverted
    (one-hot columns of a CSV table) shows the model's inputs instead.
    """
    x = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
    inverse = getattr(data.preprocessor, "inverse_transform", None)
    if inverse is not None:
        try:
            return tuple(data.feature_names), np.asarray(inverse(x), dtype=np.float64)
        except (AttributeError, ValueError, TypeError):
            pass
    return tuple(data.feature_names), x
