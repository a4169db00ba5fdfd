"""Model page: data augmentation for image data, and a preview of what `fit`
sees of a few training images.

The transforms are Keras' random preprocessing layers at the model's input
(`playground.model.augmentation`); the preview draws training images through
those very layers, in a worker process (`playground.keras_work`): the web
server never imports TensorFlow.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from playground import charts
from playground.datasets.source import dataset_info
from playground.i18n import tr
from playground.keras_work import keras_work
from playground.model.augmentation import TRANSFORM_LABELS
from playground.model.augmented_samples import preview
from ui import state
from ui.widgets import field_input

PREVIEW_IMAGES = 4
"""Training images in the preview, one per row."""
PREVIEW_DRAWS = 5
"""Augmented draws of each, beside it."""


def controls() -> None:
    """The transforms and their strength, shown for image data (and for any
    data that has them switched on, so they can be switched off), with the
    preview grid once a transform is on."""
    exp = state.experiment()
    images = dataset_info(exp).input_kind == "image"
    if not images and not exp.augment:
        return
    with st.expander(tr("Data augmentation (images)"), expanded=bool(exp.augment)):
        st.caption(tr("Random transforms of each training image, drawn anew in every "
                      "epoch by Keras' preprocessing layers at the model's input. They "
                      "work only in training: validation, test and predictions see the "
                      "images as they are."))
        cols = st.columns([2, 1])
        field_input("augment", tr("Transforms"), container=cols[0],
                    format_func=lambda name: tr(TRANSFORM_LABELS[name]))
        field_input("augment_strength", tr("Strength"), container=cols[1], step=0.01,
                    disabled=not exp.augment)
        if exp.augment and images:
            _preview(exp)


def _preview_key(exp) -> tuple:
    """What the preview depends on: the data, its split and the transforms."""
    return (exp.dataset, exp.csv_name, exp.upload, exp.images, exp.subset,
            exp.samples, exp.seed, exp.val_fraction, exp.test_fraction, exp.augment,
            exp.augment_strength)


def _preview(exp) -> None:
    """The first training images, each followed by what augmentation may make
    of it, drawn once per setting and kept in the session."""
    key = _preview_key(exp)
    held = st.session_state.get("augment_preview")
    if held is None or held[0] != key:
        with st.spinner(tr("Drawing training images through the augmentation…")):
            grid = keras_work(preview, exp, PREVIEW_IMAGES, PREVIEW_DRAWS,
                              experiment=exp)
        held = st.session_state["augment_preview"] = (key, grid)
    grid = held[1]
    columns = 1 + PREVIEW_DRAWS
    labels = np.tile([0] + [1] * PREVIEW_DRAWS, len(grid) // columns)
    st.plotly_chart(charts.image_mosaic(
        grid, labels, (tr("original"), tr("augmented")), columns=columns,
        title=tr("Training images (left) and augmented draws of them"), headers=True,
        row_height=110),
        key="augment_preview_chart")
