"""Data augmentation: Keras' random image layers at the model's input.

A network that sees each training image exactly once per epoch may learn
the images rather than what they show. Keras' image augmentation tutorial
puts a few random preprocessing layers in front of the model instead, so
every epoch sees each image a little flipped, turned, zoomed, shifted or
with another contrast:

```python
model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    keras.Sequential([keras.layers.RandomFlip("horizontal"),
                      keras.layers.RandomRotation(0.1)], name="augmentation"),
    ...
])
```

These layers draw new transforms only when called with `training=True`
(inside `fit`); at inference (`evaluate`, `predict`, validation) they pass
the input through unchanged, so validation and test images are the images
themselves. They hold no weights, so the model's weights are the same with
and without them.

`layer_calls` is the one table of which Keras layer each transform is and
with which arguments: the builder (`augmentation_layer`) and the exported
script (`playground.export.script`) both read it, so the two cannot drift.
"""

from __future__ import annotations

from typing import Any

from playground.i18n import mark

TRANSFORMS = ("flip", "rotate", "zoom", "translate", "contrast")
"""The transforms offered, in the order they are applied."""

TRANSFORM_LABELS = {
    "flip": mark("flip left–right (RandomFlip)"),
    "rotate": mark("rotate (RandomRotation)"),
    "zoom": mark("zoom (RandomZoom)"),
    "translate": mark("shift (RandomTranslation)"),
    "contrast": mark("contrast (RandomContrast)"),
}
"""Each transform as the Model page names it (translated there)."""

LAYER_NAME = "augmentation"
"""The Keras name of the block of random layers at the model's input."""

DEFAULT_STRENGTH = 0.1
"""Keras' tutorial's factor: rotations up to ±10% of a full turn, zooms and
shifts up to ±10% of the image, contrast up to ±10%."""


def _seed(seed: int, index: int) -> int:
    """The seed of the `index`-th random layer, derived from the experiment's
    (apart from the weights' seeds, so the same experiment draws the same
    transforms)."""
    return (seed * 6151 + (index + 1) * 1000003) % (2**31 - 1)


def _snake(class_name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in class_name).lstrip("_")


def layer_calls(transforms: tuple[str, ...], strength: float,
                seed: int) -> list[tuple[str, dict[str, Any]]]:
    """`(Keras layer class, keyword arguments)` of each enabled transform.

    Args:
        transforms: Names out of `TRANSFORMS`.
        strength: The factor of every transform, from 0 to 1: a rotation of
            up to ±`strength` of a full turn, a zoom and a shift of up to
            ±`strength` of the height and width, a contrast change of up to
            ±`strength`.
        seed: The experiment's seed.
    """
    s = float(strength)
    table = {
        "flip": ("RandomFlip", {"mode": "horizontal"}),
        "rotate": ("RandomRotation", {"factor": s}),
        "zoom": ("RandomZoom", {"height_factor": s}),
        "translate": ("RandomTranslation", {"height_factor": s, "width_factor": s}),
        # The app's pixels are 0..1; Keras' default range (0..255) would clip.
        "contrast": ("RandomContrast", {"factor": s, "value_range": (0.0, 1.0)}),
    }
    # Keras' own names for the layers (random_flip, random_rotation, ...).
    return [(table[name][0], {**table[name][1], "seed": _seed(seed, i),
                              "name": _snake(table[name][0])})
            for i, name in enumerate(t for t in TRANSFORMS if t in transforms)]


def augmentation_layer(transforms: tuple[str, ...], strength: float, seed: int) -> Any:
    """The random layers as one `keras.Sequential` named `LAYER_NAME`, for
    the model's input (see `layer_calls`). Imports Keras."""
    import keras

    return keras.Sequential([getattr(keras.layers, name)(**kwargs)
                             for name, kwargs in layer_calls(transforms, strength, seed)],
                            name=LAYER_NAME)
