"""Whether a model can train within a worker's memory, judged before training.

A model's training memory is, roughly, four copies of its weights (the
weights, their gradients and an optimizer's two slots, as Adam keeps) and,
per batch, each layer's output kept for the backward pass (about three
copies: the output, its gradient and the activation's). The estimate is
rough on purpose: it catches the model that would take gigabytes (a wide
Dense after Flatten, a batch of thousands of feature maps) with its size in
words, while the worker's own ceiling (`playground.jobs`) stops anything
the estimate missed.
"""

from __future__ import annotations

from math import prod

from playground.config import Experiment
from playground.i18n import tr
from playground.model.checks import BYTES_PER_WEIGHT, check_experiment
from playground.model.shapes import LayerRow, StackError

WEIGHT_COPIES = 4
"""Weights, gradients and two optimizer slots."""
ACTIVATION_COPIES = 3
"""An output, its gradient and its activation's, per sample of a batch."""
WORKER_BASE_MB = 800
"""What a warm worker holds before a job: TensorFlow, Keras, scikit-learn
(about 730 MB measured on Linux)."""


def training_mb(exp: Experiment, rows: list[LayerRow] | None = None) -> float:
    """The estimated memory of training `exp`, in MiB, beyond the worker's
    own (see the module's docstring). `rows`: its checked summary, when the
    caller has it already (`check_experiment`)."""
    rows = check_experiment(exp) if rows is None else rows
    weights = sum(row.params for row in rows) * BYTES_PER_WEIGHT * WEIGHT_COPIES
    outputs = sum(prod(row.output_shape) for row in rows)
    batch = outputs * exp.batch_size * BYTES_PER_WEIGHT * ACTIVATION_COPIES
    return (weights + batch) / 2**20


def check_memory_budget(exp: Experiment, worker_mb: int,
                        rows: list[LayerRow] | None = None) -> float:
    """Refuses, before training, an experiment estimated to need more memory
    than a worker with a `worker_mb` ceiling has for a job. Returns the
    estimate in MiB.

    Raises:
        StackError: with the estimate, the memory there is, and the fix.
    """
    needed = training_mb(exp, rows)
    room = max(worker_mb - WORKER_BASE_MB, 0)
    if worker_mb and needed > room:
        raise StackError(None, tr(
            "Training this model would take about {needed} MB of memory (its weights "
            "four times over, and every layer's output for a batch of {batch}), more "
            "than the {room} MB a run has on this server. Use a smaller batch, fewer "
            "units or filters, or a pooling layer before Flatten.",
            needed=format(needed, ",.0f"), batch=exp.batch_size,
            room=format(room, ",")))
    return needed
