"""Name registries for activations, losses, optimizers and tasks.

The experiment, its JSON and its URL store these names, never objects. The
Keras objects are made from the names only when a model is built, so this
module stays free of TensorFlow and cheap to import.
"""

from __future__ import annotations

from dataclasses import dataclass

from playground.i18n import mark, tr

BINARY = "binary"
MULTICLASS = "multiclass"
REGRESSION = "regression"
TASKS = (BINARY, MULTICLASS, REGRESSION)
TASK_LABELS = {BINARY: mark("binary"), MULTICLASS: mark("multiclass"),
               REGRESSION: mark("regression")}


def task_label(task: str | None) -> str:
    """A task's name in the reader's language (`"?"` when not known yet)."""
    return tr(TASK_LABELS[task]) if task in TASK_LABELS else (task or "?")

ACTIVATIONS = (
    "relu",
    "sigmoid",
    "tanh",
    "softmax",
    "linear",
    "elu",
    "selu",
    "gelu",
    "swish",
)


@dataclass(frozen=True)
class LossInfo:
    """A loss the user can pick.

    Attributes:
        name: The short name stored in the experiment (`"bce"`).
        keras_name: The name Keras knows it by.
        label: What the user reads, in English: show it with `tr`.
        tasks: The tasks it makes sense for.
    """

    name: str
    keras_name: str
    label: str
    tasks: tuple[str, ...]


LOSSES = {
    info.name: info
    for info in (
        LossInfo("bce", "binary_crossentropy", mark("Binary crossentropy"), (BINARY,)),
        LossInfo(
            "cce", "categorical_crossentropy", mark("Categorical crossentropy"),
            (BINARY, MULTICLASS),
        ),
        LossInfo(
            "scce", "sparse_categorical_crossentropy",
            mark("Sparse categorical crossentropy"), (BINARY, MULTICLASS),
        ),
        LossInfo("mse", "mean_squared_error", mark("Mean squared error"), TASKS),
        LossInfo("mae", "mean_absolute_error", mark("Mean absolute error"), TASKS),
        LossInfo("huber", "huber", "Huber", TASKS),
    )
}

DEFAULT_LOSS = {BINARY: "bce", MULTICLASS: "scce", REGRESSION: "mse"}


@dataclass(frozen=True)
class OptimizerInfo:
    """An optimizer the user can pick, with its Keras class name and its
    label in English (show it with `tr`)."""

    name: str
    keras_class: str
    label: str
    uses_momentum: bool = False


OPTIMIZERS = {
    info.name: info
    for info in (
        OptimizerInfo("sgd", "SGD", mark("SGD (with momentum)"), uses_momentum=True),
        OptimizerInfo("adam", "Adam", "Adam"),
        OptimizerInfo("rmsprop", "RMSprop", "RMSprop", uses_momentum=True),
        OptimizerInfo("adadelta", "Adadelta", "Adadelta"),
        OptimizerInfo("adagrad", "Adagrad", "Adagrad"),
    )
}


def task_metrics(task: str) -> list[str]:
    """The metric names shown for a task, beside the loss."""
    if task == REGRESSION:
        return ["mae"]
    return ["accuracy"]


METRIC_LABELS = {"loss": mark("loss"), "accuracy": mark("accuracy"), "mae": "MAE",
                 "mse": "MSE", "rmse": "RMSE", "r2": "R²", "auc": "AUC",
                 "roc_auc": "ROC AUC", "macro_f1": mark("macro F1"),
                 "weighted_f1": mark("weighted F1"), "data_loss": mark("data loss")}


def metric_label(name: str) -> str:
    """A metric as a reader writes it, in the reader's language: `mae` → MAE,
    `val_mae` → validation MAE."""
    if name.startswith("val_"):
        return tr("validation {metric}", metric=metric_label(name[4:]))
    label = METRIC_LABELS.get(name)
    return tr(label) if label else name.replace("_", " ")
