"""Each experiment setting named as a person reads it, in the reader's language.

The sidebar's words (with the section a sidebar label sits in, where the
label alone is ambiguous), for tables that name settings by the
experiment's field names, such as the Runs page's comparison.
"""

from __future__ import annotations

from playground.i18n import mark, tr

SETTING_LABELS = {
    "dataset": mark("Dataset"), "samples": mark("Samples"),
    "subset": mark("Subset size"), "num_words": mark("Vocabulary (num_words)"),
    "maxlen": mark("Tokens per text (maxlen)"), "csv_name": mark("CSV file"),
    "target": mark("Target column"), "exclude": mark("Leave out of the features"),
    "task": mark("Task"), "missing": mark("Missing values"), "scale": mark("Scaling"),
    "images": mark("Treat as images"), "noise": mark("Noise"),
    "val_fraction": mark("Validation share"), "test_fraction": mark("Test share"),
    "seed": mark("Seed"), "layers": mark("Hidden layers"), "graph": mark("Graph of layers"),
    "output": mark("Output layer"),
    "loss": mark("Loss"), "optimizer": mark("Optimizer"),
    "learning_rate": mark("Learning rate"), "momentum": mark("Momentum"),
    "batch_size": mark("Batch size"), "epochs": mark("Epochs"),
    "early_stop_patience": mark("Early stopping: patience"),
    "early_stop_monitor": mark("Early stopping: watch"),
    "early_stop_min_delta": mark("Early stopping: minimum improvement"),
    "restore_best": mark("Early stopping: keep the best epoch's weights"),
    "lr_schedule": mark("Learning-rate schedule"),
    "lr_decay_rate": mark("Schedule: decay rate"),
    "lr_decay_epochs": mark("Schedule: every N epochs"),
    "lr_warmup_epochs": mark("Schedule: warm-up epochs"),
    "plateau_factor": mark("Plateau: factor"), "plateau_patience": mark("Plateau: patience"),
    "min_lr": mark("Plateau: minimum rate"), "clipnorm": mark("Gradient clipping (norm)"),
    "class_weight": mark("Class weights"), "tensorboard": mark("TensorBoard logs"),
    "checkpoint": mark("Checkpoints"),
    "checkpoint_every": mark("Checkpoints: every N epochs"),
    "checkpoint_keep": mark("Checkpoints kept"),
    "augment": mark("Data augmentation"),
    "augment_strength": mark("Data augmentation: strength"),
}
"""Each setting as a person reads it, the sidebar's words (with the section
a sidebar label sits in, where the label alone is ambiguous): for tables
that name settings, such as the Runs page's comparison."""


def setting_label(name: str) -> str:
    """A setting's label in the reader's language; its field name if it has none."""
    return tr(SETTING_LABELS[name]) if name in SETTING_LABELS else name


MISSING_OPTIONS = {"drop": mark("drop the rows"),
                   "impute": mark("fill in (median / most frequent)")}
SCALE_OPTIONS = {"standard": mark("standardise features"), "none": mark("keep as they are")}
SCHEDULE_OPTIONS = {"constant": mark("constant"), "step": mark("step decay"),
                    "exponential": mark("exponential decay"), "cosine": mark("cosine"),
                    "plateau": mark("reduce on plateau")}
CHECKPOINT_OPTIONS = {"off": mark("off"), "best": mark("the best epochs"),
                      "every": mark("every N epochs")}
OPTION_LABELS = {"missing": MISSING_OPTIONS, "scale": SCALE_OPTIONS,
                 "lr_schedule": SCHEDULE_OPTIONS, "checkpoint": CHECKPOINT_OPTIONS,
                 "images": {"off": mark("no, plain features"), "on": mark("yes")},
                 "task": {"auto": mark("auto (detect)")}}
"""A choice's words as the Data and Train pages show them, for choices whose
key is not what a person reads (`impute` is "fill in (median / most
frequent)")."""


def option_label(name: str, value: object) -> str | None:
    """The words the pages show for setting `name`'s choice `value`, in the
    reader's language: a dataset's, loss's or optimizer's label, or one of
    `OPTION_LABELS`; None where the value reads as it is (a number, a
    column's name, `on`)."""
    from playground.datasets import DATASETS
    from playground.registry import LOSSES, OPTIMIZERS, task_label

    if not isinstance(value, str):
        return None
    if name == "dataset" and value in DATASETS:
        return DATASETS[value].label
    if name == "loss" and value in LOSSES:
        return LOSSES[value].label
    if name == "optimizer" and value in OPTIMIZERS:
        return OPTIMIZERS[value].label
    if name == "task" and value != "auto":
        return task_label(value)
    words = OPTION_LABELS.get(name, {}).get(value)
    return tr(words) if words else None
