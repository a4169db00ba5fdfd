"""Does this experiment fit its data? Checked before any training starts.

`check_experiment` combines the layer-stack check of `playground.model.shapes`
with the pairing of loss, output layer and task, and explains a mismatch
(binary crossentropy with ten classes, softmax with a single unit, a
crossentropy on a regression target) instead of letting Keras fail with a
shape error in the middle of `fit`.
"""

from __future__ import annotations

import numpy as np

from playground.config import AUTO, Experiment, fitting_monitors
from playground.datasets.source import dataset_info
from playground.i18n import tr, tr_n
from playground.model.graph_checks import check_graph
from playground.model.layers import LayerSpec
from playground.model.shapes import (
    DataSpec,
    LayerRow,
    StackError,
    check_stack,
    suggest_output,
)
from playground.registry import BINARY, DEFAULT_LOSS, LOSSES, REGRESSION


def data_spec_of(exp: Experiment) -> DataSpec:
    return dataset_info(exp).data_spec


def resolve_output(exp: Experiment, data: DataSpec | None = None) -> LayerSpec:
    """The output layer that will be built: the user's, or the suggested one."""
    data = data or data_spec_of(exp)
    return exp.output if exp.output is not None else suggest_output(data)


def resolve_loss(exp: Experiment, data: DataSpec | None = None) -> str:
    """The loss name that will be used; `"auto"` follows task and output."""
    data = data or data_spec_of(exp)
    if exp.loss != AUTO:
        return exp.loss
    output = resolve_output(exp, data)
    if data.task == BINARY and output["units"] == 2:
        return "scce"
    return DEFAULT_LOSS[data.task]


def _check_loss(loss: str, output: LayerSpec, data: DataSpec, index: int) -> None:
    info = LOSSES[loss]
    units, act = output["units"], output["activation"]
    if data.task not in info.tasks:
        raise StackError(None, tr(
            "{loss} does not fit this data: it has a regression target (a number, not a "
            "class). Use mean squared error, mean absolute error or Huber.",
            loss=tr(info.label)) if data.task == REGRESSION else tr(
            "{loss} does not fit this data: it has {classes} classes. Use sparse "
            "categorical crossentropy, or leave the loss on auto.", loss=tr(info.label),
            classes=data.num_classes))
    if loss == "bce" and (units != 1 or act != "sigmoid"):
        raise StackError(index, tr(
            "Binary crossentropy needs one sigmoid output unit; the output layer is "
            "{layer}. Set the output to 1 unit with sigmoid, or use sparse categorical "
            "crossentropy with a softmax output.", layer=output.describe()))
    if loss in ("cce", "scce"):
        classes = data.num_classes
        if units != classes or act != "softmax":
            values = dict(loss=tr(info.label), layer=output.describe(), units=tr_n(
                "{count} unit", "{count} units", classes))
            raise StackError(index, tr(
                "{loss} needs a softmax output over {units}; the output layer is "
                "{layer}. Set the output to {units} with softmax, or use binary "
                "crossentropy with 1 sigmoid unit.", **values) if data.task == BINARY
                else tr("{loss} needs a softmax output over {units}; the output layer "
                        "is {layer}. Set the output to {units} with softmax.", **values))


def output_index(exp: Experiment) -> int:
    """The output layer's index in a `StackError`: after the stack's
    layers, or after the graph's nodes."""
    return len(exp.graph or exp.layers)


def check_experiment(exp: Experiment) -> list[LayerRow]:
    """Checks that the experiment can train on its data.

    Returns:
        The model summary rows (see `playground.model.shapes.check_stack`,
        and `playground.model.graph_checks.check_graph` for a graph).

    Raises:
        StackError: naming the layer (or the loss) at fault and the fix.
    """
    data = data_spec_of(exp)
    rows = (check_graph(exp.graph, exp.output, data) if exp.graph
            else check_stack(exp.layers, exp.output, data))
    _check_loss(resolve_loss(exp, data), resolve_output(exp, data), data,
                output_index(exp))
    check_training_controls(exp, data)
    check_augmentation(exp, data)
    return rows


def check_augmentation(exp: Experiment, data: DataSpec) -> None:
    """Refuses data augmentation on inputs that are not images: Keras' random
    image layers flip, turn and zoom pictures, and a table's row or a text's
    tokens have no such geometry.

    Raises:
        StackError: naming what was received, what is expected and the fix.
    """
    if exp.augment and data.input_kind != "image":
        raise StackError(None, tr(
            "Data augmentation transforms images, and this data's inputs are "
            "{kind} of shape {shape}, not images (received augment={augment}). It "
            "expects image data: digits, MNIST, Fashion-MNIST, CIFAR-10 or a CSV file "
            "read as images. "
            "Switch data augmentation off on the Model page, or pick image data.",
            kind=tr(data.input_kind), shape=tuple(data.input_shape),
            augment=",".join(exp.augment)))


BYTES_PER_WEIGHT = 4  # float32


def check_weight_budget(exp: Experiment, max_bytes: int,
                        rows: list[LayerRow] | None = None) -> int:
    """Refuses a model whose weights are larger than `max_bytes`, before any
    training: its weights would travel back through the server and into the
    run store. Returns the model's size in bytes. `rows`: its checked
    summary, when the caller has it already (`check_experiment`).

    Raises:
        StackError: naming the size, the limit and the fix.
    """
    params = sum(row.params for row in (check_experiment(exp) if rows is None else rows))
    size = params * BYTES_PER_WEIGHT
    if max_bytes and size > max_bytes:
        raise StackError(None, tr(
            "This model has {weights} weights ({size} MB), more than this server's "
            "limit of {limit} MB per run. Use fewer units or filters, or a pooling "
            "layer before Flatten (the Dense layer after Flatten usually holds most of "
            "the weights).", weights=format(params, ","),
            size=format(size / 2**20, ",.0f"), limit=format(max_bytes / 2**20, ",.0f")))
    return size


def check_param_budget(exp: Experiment, max_params: int,
                       rows: list[LayerRow] | None = None) -> int:
    """Refuses a model with more parameters than `max_params` (0:
    no limit), before any training. Returns the model's count.

    Raises:
        StackError: naming the count, the limit and the fix.
    """
    rows = check_experiment(exp) if rows is None else rows
    params = sum(row.params for row in rows)
    if max_params and params > max_params:
        raise StackError(None, tr(
            "This model has {params} parameters (weights and biases), more than this "
            "server's limit of {limit}. Use fewer or narrower layers, or a pooling layer "
            "before Flatten (the Dense layer after Flatten usually holds most of them).",
            params=format(params, ","), limit=format(max_params, ",")))
    return params


def check_training_controls(exp: Experiment, data: DataSpec) -> None:
    """Refuses a training control that does not suit the task or the split.

    Raises:
        StackError: naming the control, what it needs and the fix.
    """
    regression = data.task == REGRESSION
    early = exp.early_stop_patience > 0
    no_validation = exp.val_fraction == 0 and exp.fold is None  # a fold validates
    if early and no_validation:
        raise StackError(None, tr("Early stopping watches the validation data, and "
                                  "the validation share is 0. Hold out some data for "
                                  "validation, or set early stopping's patience to 0."))
    if exp.lr_schedule == "plateau" and no_validation:
        raise StackError(None, tr("The plateau schedule watches the validation loss, "
                                  "and the validation share is 0. Hold out some data "
                                  "for validation, or pick another schedule."))
    fitting = fitting_monitors(regression)
    if early and exp.early_stop_monitor not in fitting:
        values = dict(monitor=exp.early_stop_monitor, loss=fitting[0],
                      metric=fitting[1])
        raise StackError(None, tr(
            "Early stopping cannot watch {monitor}: this is a regression task. Watch "
            "{loss} or {metric}.", **values) if regression else tr(
            "Early stopping cannot watch {monitor}: this is a classification task. "
            "Watch {loss} or {metric}.", **values))
    best = exp.checkpoint == "best"
    if best and no_validation:
        raise StackError(None, tr("The best checkpoint is the epoch with the best "
                                  "validation value, and the validation share is 0. "
                                  "Hold out some data for validation, or keep a "
                                  "checkpoint every N epochs."))
    if best and not early and exp.early_stop_monitor not in fitting:
        raise StackError(None, tr(
            "The best checkpoint cannot watch {monitor} on this task. Watch {loss} or "
            "{metric}.", monitor=exp.early_stop_monitor, loss=fitting[0],
            metric=fitting[1]))
    if exp.start is not None and exp.start.epoch >= exp.epochs:
        raise StackError(None, tr("A run continued from epoch {epoch} must train to a "
                                  "later epoch; received epochs={epochs}. Ask for at "
                                  "least one more epoch.", epoch=exp.start.epoch,
                                  epochs=exp.epochs))
    # Restoring the best weights belongs to early stopping: with early
    # stopping off its control is greyed out and ignored, never a refusal
    # that the greyed-out control could not fix.
    if exp.class_weight == "balanced" and regression:
        raise StackError(None, tr("Class weights need classes, and this is a "
                                  "regression task. Set class weights to none."))
    if exp.lr_schedule == "cosine" and exp.lr_warmup_epochs >= exp.epochs:
        raise StackError(None, tr("The cosine schedule's warm-up ({warmup} epochs) "
                                  "must be shorter than training ({epochs} epochs). "
                                  "Lower the warm-up or train for more epochs.",
                                  warmup=exp.lr_warmup_epochs, epochs=exp.epochs))


def encode_targets(y: np.ndarray, exp: Experiment) -> np.ndarray:
    """Encodes class ids or values the way the chosen loss expects them."""
    data = data_spec_of(exp)
    loss = resolve_loss(exp, data)
    units = resolve_output(exp, data)["units"]
    if data.task == REGRESSION or units == 1:
        return y.astype(np.float32).reshape(-1, 1)
    if loss == "scce":
        return y.astype(np.int64)
    return np.eye(units, dtype=np.float32)[y]
