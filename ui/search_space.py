"""The Search page's "what varies" editor: widgets that write a search space.

The editor writes the same plain mapping as a `SPACE.json` file for
`playground search` (names to choices or ranges), so the page can show the
space as the command line would take it, and one parser checks both.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from playground.i18n import tr
from playground.registry import ACTIVATIONS, OPTIMIZERS
from playground.search.space import DENSE_LAYERS
from ui.widgets import LEARNING_RATES

BATCH_SIZES = (4, 8, 16, 32, 64, 128, 256)
L2_VALUES = (0.0, 0.00001, 0.0001, 0.001, 0.01)
RATES = tuple(round(0.1 * i, 1) for i in range(9))


def _vary(label: str, key: str, value: bool = False, container: Any = st) -> bool:
    return container.checkbox(label, value=value, key=f"search_vary_{key}")


def space_editor(exp, grid: bool) -> dict[str, Any]:
    """Draws the editor for `exp`; returns the space it describes.

    On a grid, ranges get steps (the learning rate ×10, units by the chosen
    step), so the grid is finite.
    """
    space: dict[str, Any] = {}
    cols = st.columns(3)
    if _vary(tr("Learning rate"), "lr", True, cols[0]):
        low, high = cols[0].select_slider(
            tr("Learning rate range (log)"), LEARNING_RATES, value=(0.001, 0.1),
            key="search_lr", help=tr("Sampled on a log scale; a grid takes ×10 steps."))
        space["learning_rate"] = {"min": low, "max": high, "log": True,
                                  **({"step": 10} if grid else {})}
    if _vary(tr("Optimizer"), "optimizer", container=cols[1]):
        chosen = cols[1].multiselect(tr("Optimizers"), list(OPTIMIZERS), ["sgd", "adam"],
                                     format_func=lambda n: tr(OPTIMIZERS[n].label),
                                     key="search_optimizers",
                                     placeholder=tr("Choose options"))
        if chosen:
            space["optimizer"] = chosen
    if _vary(tr("Batch size"), "batch", container=cols[2]):
        chosen = cols[2].multiselect(tr("Batch sizes"), BATCH_SIZES, [16, 64],
                                     key="search_batches",
                                     placeholder=tr("Choose options"))
        if chosen:
            space["batch_size"] = sorted(chosen)
    dense = [i for i, spec in enumerate(exp.layers) if spec.kind == "dense"]
    if dense and len(dense) == len(exp.layers):
        if _vary(tr("Number of hidden Dense layers"), "depth"):
            low, high = st.slider(tr("Hidden Dense layers"), 0, 6, (1, 3),
                                  key="search_depth",
                                  help=tr("Added layers copy the last one's settings."))
            space[DENSE_LAYERS] = {"min": low, "max": high}
    for index, spec in enumerate(exp.layers):
        if spec.kind not in ("dense", "dropout"):
            continue
        layer = (f"Dense({spec['units']}, {spec['activation']})" if spec.kind == "dense"
                 else f"Dropout({spec['rate']})")
        with st.expander(tr("Layer {index}: {layer}", index=index, layer=layer)):
            space.update(_layer_editor(index, spec))
    return space


def _layer_editor(index: int, spec) -> dict[str, Any]:
    """The settings of one Dense or Dropout layer that may vary."""
    name = f"layers.{index}"
    space: dict[str, Any] = {}
    if spec.kind == "dropout":
        if _vary(tr("Dropout rate"), f"{index}_rate"):
            low, high = st.select_slider(tr("Rate range"), RATES, (0.0, 0.5),
                                         key=f"search_{index}_rate")
            space[f"{name}.rate"] = {"min": low, "max": high, "step": 0.1}
        return space
    cols = st.columns(3)
    if _vary(tr("Units"), f"{index}_units", container=cols[0]):
        low, high = cols[0].slider(tr("Units range"), 1, 256, (max(1, spec["units"] // 2),
                                                           min(256, spec["units"] * 2)),
                                   key=f"search_{index}_units")
        step = cols[0].select_slider(tr("Step"), (1, 2, 4, 8, 16, 32),
                                     1 if high - low < 16 else 8,
                                     key=f"search_{index}_units_step")
        space[f"{name}.units"] = {"min": low, "max": high, "step": step}
    if _vary(tr("Activation"), f"{index}_activation", container=cols[1]):
        chosen = cols[1].multiselect(tr("Activations"),
                                     [a for a in ACTIVATIONS if a != "softmax"],
                                     list(dict.fromkeys([spec["activation"], "relu"])),
                                     key=f"search_{index}_activations",
                                     placeholder=tr("Choose options"))
        if chosen:
            space[f"{name}.activation"] = chosen
    if _vary(tr("L2"), f"{index}_l2", container=cols[2]):
        chosen = cols[2].multiselect(tr("L2 values"), L2_VALUES, [0.0, 0.001],
                                     key=f"search_{index}_l2",
                                     placeholder=tr("Choose options"))
        if chosen:
            space[f"{name}.l2"] = sorted(chosen)
    return space
