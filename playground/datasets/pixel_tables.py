"""Tables whose columns are the pixels of small images.

A digit-recognizer style CSV has a label column and one column per pixel
(`pixel0` ... `pixel783`): 28 × 28 grey images flattened row by row. Read as
images instead of 784 unrelated numbers, such a table trains Conv2D stacks
and shows as a grid of pictures. `pixel_layout` says whether, and how, the
feature columns of a table can be read that way.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from playground.datasets.errors import CsvError
from playground.datasets.wording import format_value, quote
from playground.i18n import mark, tr_lazy, tr_n_lazy

MIN_SIDE = 2
"""Smallest image side accepted, in pixels."""

PIXEL_RANGES = (1.0, 255.0)
"""Accepted largest pixel values, smallest first: values in 0..1 or 0..255."""

_FIX = mark('Turn "treat as images" off to use the columns as plain features.')


def image_shape(count: int) -> tuple[int, int, int] | None:
    """`(side, side, 1)` for a square count of pixel columns, `(side, side, 3)`
    for three times a square (colour), else None."""
    for channels in (1, 3):
        side = math.isqrt(count // channels)
        if count % channels == 0 and side >= MIN_SIDE and side * side * channels == count:
            return side, side, channels
    return None


def describe_shape(shape: tuple[int, ...]) -> str:
    """`(28, 28, 1)` as `"28×28×1"`."""
    return "×".join(str(n) for n in shape)


def pixel_layout(features: pd.DataFrame) -> tuple[tuple[int, int, int], float]:
    """How feature columns read as images: their shape and largest value.

    Args:
        features: The feature columns, in pixel order (row by row, the
            channels of a pixel next to each other).

    Returns:
        `(shape, pixel_max)`: `(height, width, channels)` and 255 or 1, the
        number pixels are divided by to lie in 0..1.

    Raises:
        CsvError: A column does not hold numbers, the number of columns is
            not a square (or 3 × a square), or a value is outside 0..255.
    """
    count = features.shape[1]
    for column in features.columns:
        series = features[column]
        if is_bool_dtype(series) or not is_numeric_dtype(series):
            raise CsvError(tr_lazy(
                '"Treat as images" needs numbers in every feature column, but '
                "{column} does not hold numbers. Expected one column of pixel values "
                "per pixel. Leave {column} out of the features, or pick it as the "
                "target. {fix}", column=quote(column), fix=tr_lazy(_FIX)))
    shape = image_shape(count)
    if shape is None:
        side = math.isqrt(count)
        raise CsvError(tr_lazy(
            '"Treat as images" needs a square number of pixel columns (such as 784 '
            "for 28×28) or 3 times a square (colour), but the table has {columns} "
            "(between {side}×{side} = {low} and {next}×{next} = {high}). Check that "
            "only pixel columns are features. {fix}",
            columns=tr_n_lazy("{count} feature column", "{count} feature columns",
                              count, count=format(count, ",")),
            side=side, low=side * side, next=side + 1, high=(side + 1) ** 2,
            fix=tr_lazy(_FIX)))
    values = features.to_numpy(np.float64)
    low, high = np.nanmin(values), np.nanmax(values)
    if low < 0 or high > PIXEL_RANGES[-1]:
        raise CsvError(tr_lazy(
            '"Treat as images" needs pixel values from 0 to 255 (or 0 to 1), but the '
            "values go from {low} to {high}. Expected the raw pixel values of the "
            "images. {fix}", low=format_value(low), high=format_value(high),
            fix=tr_lazy(_FIX)))
    pixel_max = next(m for m in PIXEL_RANGES if high <= m)
    return shape, pixel_max


def looks_like_images(features: pd.DataFrame) -> bool:
    """Whether a new table's features are plainly pixels: a square count (or
    3 × a square) of whole numbers from 0 to 255, as in Kaggle's digit file.
    Such a table starts with "Treat as images" on; 0..1 values could as well
    be scaled measurements, so they wait to be asked."""
    try:
        _, pixel_max = pixel_layout(features)
    except CsvError:
        return False
    values = features.to_numpy(np.float64)
    return pixel_max == 255 and bool(np.all(np.isnan(values) | (values == np.round(values))))
