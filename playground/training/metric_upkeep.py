"""The model's metrics reset and read in one compiled call each, not eagerly.

Keras' `fit` calls `model.reset_metrics()` before every epoch and
`model.get_metrics_result()` after it. Both loop over the metrics in
Python and run each variable's assign or each metric's `result()` as an
eager TensorFlow op: in a sampling profile of the spiral preset on a busy
machine, 31% of the time in `fit` went to them, as much as to the
compiled epoch's batches (`bench/README.md`, `epoch_profile.py`).
`keep_metrics_compiled` gives the model its own versions of the two
methods, which do the same in one compiled call each (0.26 ms against
0.98 and 0.59 ms eager, unloaded).

They are set on the model object only (not its class), so a saved model is
plain Keras, and they are traced on their first call, by which time `fit`
has built the compiled metrics.
"""

from __future__ import annotations

from typing import Any


def keep_metrics_compiled(model: Any) -> Any:
    """Replaces `model`'s `reset_metrics` and `get_metrics_result` with
    compiled equivalents; returns the model.

    Each is traced again when the model's metric variables change (Keras
    builds the compiled metrics at the start of the first `fit`).
    """
    import tensorflow as tf

    reset_metrics, get_metrics_result = model.reset_metrics, model.get_metrics_result
    traced: dict[str, tuple[int, Any]] = {}

    def compiled(name: str, method: Any) -> Any:
        count = len(model.metrics_variables)
        held = traced.get(name)
        if held is None or held[0] != count:
            held = traced[name] = (count, tf.function(method).get_concrete_function())
        return held[1]()

    # Plain functions around the compiled ones: a `tf.function` set as an
    # attribute of a model would be tracked into its checkpoints.
    model.reset_metrics = lambda: compiled("reset", reset_metrics) and None
    model.get_metrics_result = lambda: compiled("result", get_metrics_result)
    return model
