"""Runs side by side: their curves, their settings, their test metrics.

Pure functions over stored runs, for the Runs page and the command line:
`differing_fields` says which settings changed between runs ("did Adam
beat SGD?" starts here), and the figure builders overlay the runs' curves
per metric and draw their test metrics as grouped bars.
"""

from __future__ import annotations

from typing import Any, Sequence

import plotly.graph_objects as go

from playground.charts.style import plotly_texts
from playground.config import Experiment
from playground.i18n import tr
from playground.runs.setting_labels import option_label, setting_label

MAX_COMPARED = 6
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")


_SCHEDULE_FIELDS = {"step": ("lr_decay_rate", "lr_decay_epochs"),
                    "exponential": ("lr_decay_rate", "lr_decay_epochs"),
                    "cosine": ("lr_warmup_epochs",),
                    "plateau": ("plateau_factor", "plateau_patience", "min_lr")}
_UNUSED_UNLESS = {
    "samples": "synthetic", "noise": "synthetic", "subset": "keras",
    "num_words": "tokens", "maxlen": "tokens", "csv_name": "upload",
    "target": "table", "exclude": "table", "task": "table", "missing": "table",
    "images": "table", "scale": "table",
    "early_stop_monitor": "early stopping", "early_stop_min_delta": "early stopping",
    "restore_best": "early stopping", "momentum": "momentum",
    **{name: "schedule" for names in _SCHEDULE_FIELDS.values() for name in names},
}
"""Settings that only some experiments use, and what makes them used."""


def settings_in_use(exp: Experiment) -> set[str]:
    """The settings that shape this experiment's run: an IMDB vocabulary
    does not change an Iris run, nor a decay rate a constant learning rate,
    so comparing runs need not show them."""
    from playground.datasets import DATASETS
    from playground.registry import OPTIMIZERS

    data = DATASETS.get(exp.dataset)
    holds = {
        "synthetic": bool(data and data.synthetic),
        "keras": bool(data and data.source == "keras"),
        "tokens": bool(data and data.source == "keras" and data.input_kind == "tokens"),
        "upload": exp.dataset == "csv",
        "table": bool(data and data.source == "table"),
        "early stopping": exp.early_stop_patience > 0,
        "momentum": exp.optimizer in OPTIMIZERS and OPTIMIZERS[exp.optimizer].uses_momentum,
    }
    used = {name for name in exp.to_dict()
            if name not in _UNUSED_UNLESS or holds.get(_UNUSED_UNLESS[name])}
    used.update(_SCHEDULE_FIELDS.get(exp.lr_schedule, ()))
    if "scale" in used and exp.images == "on":  # pixels are scaled to 0..1 instead
        used.discard("scale")
    return used


INTERNAL = frozenset({"version"})
"""Keys of an experiment's JSON that are no setting (its format's version)."""


def settings_table(experiments: Sequence[Experiment]) -> dict[str, list[Any]]:
    """Field name to each run's value, in the experiment's field order, for
    the settings at least one of the runs uses (`settings_in_use`)."""
    dicts = [exp.to_dict() for exp in experiments]
    used = set().union(*map(settings_in_use, experiments)) if experiments else set()
    fields = [name for name in dicts[0] if name in used and name not in INTERNAL
              ] if dicts else []
    return {name: [_plain(d.get(name)) for d in dicts] for name in fields}


def differing_fields(experiments: Sequence[Experiment]) -> list[str]:
    """The settings whose values are not the same in every run."""
    return [name for name, values in settings_table(experiments).items()
            if any(v != values[0] for v in values[1:])]


def shown_settings(experiments: Sequence[Experiment]
                   ) -> tuple[dict[str, list[str]], list[str]]:
    """The settings as the Runs page compares them: `(rows, differing)`.

    `rows` maps a setting's label (the sidebar's words) to each run's value
    as short text, a choice in the pages' words (`Mean squared error`, not
    `mse`), the differing rows first; `differing` lists their labels.
    The hidden layers get one row each ("Hidden layer 2": `Dense(64,
    relu)`, `—` where a run has fewer), so a changed layer stands out
    instead of hiding in one long line of JSON.
    """
    table = settings_table(experiments)
    changed = set(differing_fields(experiments))
    rows: dict[str, list[str]] = {}
    differing: list[str] = []
    for name, values in table.items():
        if name == "layers":
            depth = max(len(exp.layers) for exp in experiments)
            part = {tr("Hidden layer {number}", number=i + 1): [
                exp.layers[i].describe() if i < len(exp.layers) else "—"
                for exp in experiments] for i in range(depth)}
            if not depth:
                part = {setting_label(name): ["—"] * len(experiments)}
        else:
            part = {setting_label(name): [
                option_label(name, value) or _text(getattr(exp, name, value))
                for exp, value in zip(experiments, values)]}
        for label, texts in part.items():
            rows[label] = texts
            if name in changed and any(t != texts[0] for t in texts[1:]):
                differing.append(label)
    ordered = {label: rows[label] for label in differing}
    ordered.update((label, texts) for label, texts in rows.items() if label not in ordered)
    return ordered, differing


def _text(value: Any) -> str:
    """A setting's value as short text: 0.0018566433578077874 reads
    0.00185664, an output layer `Dense(1, linear)`, a list of columns
    joined by commas, an empty one `—`."""
    if value is None:
        return "auto"
    if hasattr(value, "describe"):
        return value.describe()
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (tuple, list)):  # columns, or a graph's nodes
        return ", ".join(v.describe() if hasattr(v, "describe") else str(v)
                         for v in value) or "—"
    return str(value) or "—"  # no target column chosen, no file


def _plain(value: Any) -> Any:
    """A setting as one comparable, printable value (layer lists as text)."""
    if isinstance(value, (list, dict)):
        import json

        return json.dumps(value, sort_keys=True)
    return value


def curves_figure(names: Sequence[str], histories: Sequence[dict[str, list[float]]],
                  metric: str) -> go.Figure:
    """One metric of several runs over the epochs: solid training, dotted
    validation, one colour per run. Earlier runs are drawn wider beneath
    later ones, so two runs with the same curve both stay in sight."""
    names = plotly_texts(names)  # run names are user text
    figure = go.Figure()
    for index, (name, history) in enumerate(zip(names, histories)):
        colour = PALETTE[index % len(PALETTE)]
        width = 1.5 + 3 * (len(names) - 1 - index) / max(1, len(names) - 1)
        for key, dash in ((metric, "solid"), (f"val_{metric}", "dot")):
            values = history.get(key)
            if values:
                figure.add_trace(go.Scatter(
                    x=list(range(1, len(values) + 1)), y=values, mode="lines",
                    name=f"{name} · " + (tr("validation") if key.startswith("val_")
                                         else tr("training")),
                    line={"color": colour, "dash": dash, "width": width},
                    legendgroup=name))
    figure.update_layout(title=metric, xaxis_title=tr("epoch"), height=320,
                         margin={"t": 40, "b": 40, "l": 50, "r": 10},
                         legend={"orientation": "h", "y": -0.25})
    return figure


def same_curves(names: Sequence[str], histories: Sequence[dict[str, list[float]]]
                ) -> list[tuple[str, str]]:
    """Pairs of runs whose every curve is the same: one hides the other on a
    chart, so the page says so (the same settings and seed train alike)."""
    return [(names[i], names[j]) for i in range(len(histories))
            for j in range(i + 1, len(histories)) if histories[i] == histories[j]]


def test_metrics_figure(names: Sequence[str],
                        metrics: Sequence[dict[str, float]]) -> go.Figure:
    """Each run's test metrics as bars, one panel per metric with its own
    scale: an MAE of 43 in thousands would flatten an accuracy of 0.95 on a
    shared axis."""
    from plotly.subplots import make_subplots

    names = plotly_texts(names)  # run names are user text
    keys = sorted({key for m in metrics for key in m})
    figure = make_subplots(rows=1, cols=len(keys), subplot_titles=plotly_texts(keys),
                           horizontal_spacing=0.08)
    for column, key in enumerate(keys, start=1):
        for index, (name, m) in enumerate(zip(names, metrics)):
            figure.add_bar(name=name, x=[name], y=[m.get(key)], legendgroup=name,
                           showlegend=column == 1, row=1, col=column,
                           marker_color=PALETTE[index % len(PALETTE)],
                           text=[f"{m[key]:.4g}" if key in m else ""],
                           textposition="outside", cliponaxis=False)
    figure.update_xaxes(showticklabels=False)
    figure.update_layout(title=tr("Test metrics"), height=320, bargap=0.25,
                         margin={"t": 60, "b": 20, "l": 50, "r": 10})
    return figure


def shared_metrics(histories: Sequence[dict[str, list[float]]]) -> list[str]:
    """Training metrics that some run recorded, the loss first (`loss`,
    `accuracy`, ...); the learning rate is a setting, not a metric."""
    seen: list[str] = []
    for history in histories:
        for key in history:
            if not key.startswith("val_") and key not in seen and key != "learning_rate":
                seen.append(key)
    return sorted(seen, key=lambda key: key != "loss")
