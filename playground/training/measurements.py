"""Measurements taken inside a model while it trains, for replay and diagnosis.

`Snapshotter` is called by the streaming callback after an epoch and emits
one plain-data snapshot, at most every `interval` seconds and only while
the time spent measuring stays within `budget` of the time trained (the
first and last epochs are always measured):

- `boundary`: on 2-D data, the model's output over a 100x100 grid of the
  input plane (TF Playground's background heatmap);
- `neurons`: on 2-D data, each hidden Dense unit's output over the same
  plane, every third grid point (34x34 thumbnails, first `MAX_UNITS` units);
- `links`: on 2-D data, each Dense layer's kernel (first `MAX_UNITS` inputs
  and units), for the network diagram's weighted links;
- `weights`: per layer and weight array, a 30-bin histogram;
- `norms`: per layer, the L2 norm of its trainable weights;
- `grad_norms`: per layer, the L2 norm of the loss gradient on a fixed
  training batch (vanishing or exploding gradients);
- `dead`: per ReLU layer, the fraction of units that output zero for every
  sample of that batch (dead ReLUs).

The plane is evaluated with one compiled call of a probe model that shares
the trained layers, so the neuron maps cost no extra forward pass; the
gradient probe is one more compiled call on a small batch. Both are far
cheaper than `model.predict` (`bench/training_speed.py` measures it).

The budget ties the snapshot rate to what a snapshot costs against what an
epoch costs: on a model whose epochs are short next to a snapshot, it
spaces snapshots out instead of slowing training down; where a snapshot is
cheap, the interval alone sets the rate.
"""

from __future__ import annotations

import time
from typing import Any, Callable

import keras
import numpy as np
import tensorflow as tf

from playground.inspection.plane import (
    GRID_RESOLUTION,
    NEURON_STRIDE,
    boundary_image,
    plane_grid,
)
from playground.inspection.weights import weight_summary

MAX_UNITS = 32
PROBE_BATCH = 256
# Most of the training time that snapshots may take.
BUDGET = 0.1
# Seconds between two snapshots: twelve a second, so that the boundary
# redraws at least ten times a second on screen when the budget skips some
# (`bench/browser_training.py`: 11.3-11.5 redraws/s against 8.7-10.1 at 0.1 s,
# once the weight histograms were made cheap; the spiral's live view then
# kept 88% of its headless epochs/s in `bench/training_speed.py`).
INTERVAL = 0.08


def _outputs_of(model: Any, layers: list) -> Callable:
    """A probe returning the outputs of `layers` and of the model, as a list
    (Keras returns a bare tensor for a single output)."""
    probe = keras.Model(model.inputs[0], [layer.output for layer in layers]
                        + [model.outputs[0]])
    if layers:
        return probe
    return lambda x, training=False: [probe(x, training=training)]


def _is_relu(layer: Any) -> bool:
    return getattr(getattr(layer, "activation", None), "__name__", "") == "relu"


def _concrete_when_called(function: Any) -> Callable:
    """`function` (a `tf.function` with an input signature), called as its
    concrete function, which skips the argument matching of every call (a
    spiral snapshot went from 4.8 to 4.5 ms). Traced at the first call, not
    now: the first epoch must not wait for it (`Snapshotter.trace`)."""
    concrete: list = []

    def call(*args: Any) -> Any:
        if not concrete:
            concrete.append(function.get_concrete_function())
        return concrete[0](*args)

    return call


class Snapshotter:
    """Emits snapshots of a training model's insides (see the module doc).

    Args:
        model: The compiled Keras model being trained.
        x_train, y_train: Training inputs and encoded targets; the first
            `PROBE_BATCH` rows are the fixed batch for gradients and ReLUs.
        plane: Also draw the boundary and neuron maps (2-D inputs only).
        interval: Seconds between two snapshots, kept on average: a
            snapshot taken late (at the end of the epoch after its time)
            brings the next one forward by as much, so a model whose
            epochs last a fifth of the interval still gets one snapshot
            per interval, not one per interval and half an epoch. First
            and last are always taken.
        budget: Most share of the time since the first snapshot that
            snapshots may take; a snapshot is skipped while they took more.
        functions: Where the compiled probes are kept for another run of
            the same model (`playground.training.warm_models`); probes
            already there are used instead of tracing new ones.
    """

    def __init__(self, model: Any, x_train: np.ndarray, y_train: np.ndarray,
                 plane: bool, interval: float = INTERVAL, budget: float = BUDGET,
                 plane_points: np.ndarray | None = None, functions: dict | None = None):
        self._functions = {} if functions is None else functions
        self.interval = interval
        self.budget = budget
        self._due = -float("inf")  # when the next snapshot is due
        self._first: float | None = None
        self.spent = 0.0
        layers = model.layers
        self._weight_layout = [(layer.name, [(v.name, v.trainable) for v in layer.weights])
                               for layer in layers]
        self._plane = None
        self._dense_names = [layer.name for layer in layers
                             if isinstance(layer, keras.layers.Dense)]
        if plane:
            # The grid covers these points (`covered_points`), else the training ones.
            self._plane = self._plane_probe(
                model, x_train if plane_points is None else plane_points)
        self._relu_names = [layer.name for layer in layers if _is_relu(layer)]
        self._measure = self._batch_probe(model, x_train[:PROBE_BATCH],
                                          y_train[:PROBE_BATCH])
        self._traced = False

    def _plane_probe(self, model: Any, x_train: np.ndarray) -> Callable:
        hidden = [layer for layer in model.layers[:-1]
                  if isinstance(layer, keras.layers.Dense)]
        self._neuron_names = [layer.name for layer in hidden]
        grid = tf.constant(plane_grid(x_train)[2])
        if "plane" not in self._functions:
            probe = _outputs_of(model, hidden)
            side = GRID_RESOLUTION

            @tf.function(input_signature=(tf.TensorSpec(grid.shape, grid.dtype),))
            def evaluate(points):
                outputs = probe(points, training=False)
                maps = [tf.transpose(tf.reshape(o, (side, side, -1))[
                    ::NEURON_STRIDE, ::NEURON_STRIDE, :MAX_UNITS], (2, 0, 1))
                    for o in outputs[:-1]]
                return maps, outputs[-1]

            self._functions["plane"] = evaluate
        evaluate = _concrete_when_called(self._functions["plane"])
        return lambda: evaluate(grid)

    def _batch_probe(self, model: Any, x: np.ndarray, y: np.ndarray) -> Callable:
        owners = {id(v): layer.name for layer in model.layers
                  for v in layer.trainable_variables}
        variables = model.trainable_variables
        self._grad_owners = [owners[id(v)] for v in variables]
        xb, yb = tf.constant(x), tf.constant(y)
        key = ("measure", tf.TensorSpec((None, *xb.shape[1:]), xb.dtype),
               tf.TensorSpec((None, *yb.shape[1:]), yb.dtype))
        if key not in self._functions:
            self._functions[key] = self._measuring(model, variables, key[1:])
        measure = _concrete_when_called(self._functions[key])
        return lambda: measure(xb, yb)

    @staticmethod
    def _measuring(model: Any, variables: list, specs: tuple) -> Callable:
        """The compiled gradient and dead-ReLU probe of a batch."""
        relus = [layer for layer in model.layers if _is_relu(layer)]
        probe = _outputs_of(model, relus)

        @tf.function(input_signature=specs)
        def measure(xb, yb):
            with tf.GradientTape() as tape:
                outputs = probe(xb, training=False)
                loss = model.compute_loss(x=xb, y=yb, y_pred=outputs[-1],
                                          training=False)
            grads = tape.gradient(loss, variables)
            norms = [tf.zeros(()) if g is None else tf.norm(
                g.values if isinstance(g, tf.IndexedSlices) else g) for g in grads]
            dead = [1.0 - tf.reduce_mean(tf.cast(tf.reduce_any(
                tf.reshape(o, (-1, o.shape[-1])) > 0, axis=0), tf.float32))
                for o in outputs[:-1]]
            return norms, dead

        return measure

    def _split_weights(self, weights: list[np.ndarray]) -> list[dict]:
        layers, position = [], 0
        for name, variables in self._weight_layout:
            arrays = weights[position:position + len(variables)]
            position += len(variables)
            if variables:
                layers.append({"name": name, "arrays": {
                    v: a for (v, _), a in zip(variables, arrays)},
                    "trainable": [v for v, trainable in variables if trainable]})
        return layers

    def snapshot(self, weights: list[np.ndarray]) -> dict[str, Any]:
        """Measures the model now; `weights` is its `get_weights()` list
        (arrays, or the tensors of `callbacks.weight_reader`)."""
        shot: dict[str, Any] = {"boundary": None, "neurons": {}}
        layers = self._split_weights([np.asarray(w) for w in weights])
        if self._plane is not None:
            maps, output = self._plane()
            shot["boundary"] = boundary_image(output.numpy())
            shot["neurons"] = {name: m.numpy().astype(np.float16)
                               for name, m in zip(self._neuron_names, maps)}
            shot["links"] = {
                layer["name"]: np.asarray(layer["arrays"]["kernel"])[
                    :MAX_UNITS, :MAX_UNITS].astype(np.float16)
                for layer in layers if layer["name"] in self._dense_names}
        shot.update(weight_summary(layers))
        norms, dead = self._measure()
        grad_norms: dict[str, float] = {}
        for owner, norm in zip(self._grad_owners, norms):
            grad_norms[owner] = float(np.hypot(grad_norms.get(owner, 0.0), float(norm)))
        shot["grad_norms"] = grad_norms
        shot["dead"] = {name: float(d) for name, d in zip(self._relu_names, dead)}
        return shot

    def trace(self) -> None:
        """Traces both compiled probes, once.

        Called at the first snapshot, which the training callback takes
        right after it has sent the first epoch: the first epoch reaches
        the screen without waiting for these traces (about 0.15 s on a 2-D
        set), and their cost is not counted in the snapshot budget.
        """
        if not self._traced:
            self._measure()
            if self._plane is not None:
                self._plane()
            self._traced = True

    def __call__(self, epoch: int, weights: list[np.ndarray],
                 emit: Callable[[dict], None], force: bool = False) -> None:
        self.trace()
        now = time.perf_counter()
        if self._first is None:
            self._first = now
        if not force and (now < self._due
                          or self.spent > self.budget * (now - self._first)):
            return
        on_time = now - self._due < self.interval
        self._due = (self._due if on_time else now) + self.interval
        shot = self.snapshot(weights)
        self.spent += time.perf_counter() - now
        emit({"type": "snapshot", "epoch": epoch, **shot})
