"""A stack of Dense layers meeting image data gets a Flatten layer first.

A learner who switches from a table to images (picking a digit set, or
uploading a file of pixel columns that is read as images) keeps the Dense
stack they built, and Dense reads flat vectors. Rather than refuse to train
until they find the Flatten layer, the app puts one in front and says so,
as Keras' own MNIST MLP does. Stacks that already reshape the input
(Flatten, Conv2D, pooling, an LSTM) are left alone.
"""

from __future__ import annotations

from playground.config import Experiment
from playground.model.layers import LayerSpec

SHAPE_KEEPING = ("dropout", "activation", "batchnorm")
"""Layers that pass an input's shape through unchanged."""


def with_flatten_for_images(exp: Experiment,
                            input_shape: tuple[int, ...]) -> Experiment | None:
    """`exp` with a Flatten layer first when its first shape-changing layer is
    Dense (the output layer counts) and the input is an image; else None.

    Args:
        exp: The experiment after a change of data.
        input_shape: The data's input shape, without the batch axis.
    """
    if len(input_shape) != 3 or exp.graph:  # a graph's first layers are the user's
        return None
    first = next((spec.kind for spec in exp.layers if spec.kind not in SHAPE_KEEPING),
                 "dense")  # the output layer is Dense
    if first != "dense":
        return None
    return exp.replace(layers=(LayerSpec.make("flatten"), *exp.layers))
