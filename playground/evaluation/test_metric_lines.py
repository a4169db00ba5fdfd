"""A run's test metrics as a learner should read them, for any front end.

A regression target the network learned standardised has its MAE given in
the target's own units first, with the standardised figure beside it; its
losses are said to be standardised. With L1/L2 on, Keras' loss includes the
weights' penalty and the data loss leaves it out: both are labelled. The
Train page and the command line print the same entries.
"""

from __future__ import annotations

from dataclasses import dataclass

from playground.i18n import mark, tr
from playground.registry import metric_label

PENALTY_HELP = mark("With L1 or L2 on, Keras adds the weights' penalty to the loss it "
                    "reports; the data loss leaves it out, to compare with a run "
                    "without regularisation.")


@dataclass(frozen=True)
class TestMetric:
    """One test metric: `label` and `value` as shown, `note` in smaller print
    (the standardised figure), `help` for a tooltip."""

    label: str
    value: str
    note: str = ""
    help: str | None = None


def test_metric_entries(metrics: dict[str, float], target_scaler=None,
                        say_test: bool = True) -> list[TestMetric]:
    """The entries to show for `TrainingResult.test_metrics`.

    Args:
        metrics: Metric name to test value, as Keras computed it.
        target_scaler: The fitted scaler of a standardised regression target
            (`Dataset.target_scaler`), or None.
        say_test: Whether each label starts with "Test" (a page's tiles do;
            the command line's `test` line says it once, in front).
    """
    scale = float(target_scaler.scale_[0]) if target_scaler is not None else None
    penalised = "data_loss" in metrics
    entries = []
    for name, value in metrics.items():
        label = (tr("Test {metric}", metric=metric_label(name)) if say_test
                 else metric_label(name))
        if penalised and name == "loss":
            label = tr("{metric} (with the L1/L2 penalty)", metric=label)
        help_text = (tr(PENALTY_HELP) if penalised and name in ("loss", "data_loss")
                     else None)
        if scale is not None and name == "mae":
            entries.append(TestMetric(
                tr("{metric} (target's units)", metric=label), f"{value * scale:.4g}",
                tr("standardised: {value}", value=format(value, ".4f"))))
            continue
        if scale is not None and name in ("loss", "data_loss", "mse"):
            label = tr("{metric} (standardised)", metric=label)
        entries.append(TestMetric(label, f"{value:.4f}", help=help_text))
    return entries


def test_metrics_line(metrics: dict[str, float], target_scaler=None) -> str:
    """The entries on one line, for the command line:
    `loss (standardised): 0.5998  MAE (target's units): 47.3 (standardised: 0.6456)`."""
    return "  ".join(f"{entry.label}: {entry.value}"
                     + (f" ({entry.note})" if entry.note else "")
                     for entry in test_metric_entries(metrics, target_scaler,
                                                      say_test=False))
