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
