"""The model's outputs on a set of inputs, as NumPy arrays.

`model_outputs` rebuilds the experiment's model from its weights and runs
`model.predict`. It imports TensorFlow: the web server calls it through
`playground.keras_work`, which runs it in a worker process.
`as_probabilities` turns the raw outputs into one column per class (or one
value per sample for regression), whatever the output layer was.
"""

from __future__ import annotations

import numpy as np

from playground.registry import REGRESSION


def model_outputs(exp, weights: list[np.ndarray], x: np.ndarray,
                  batch_size: int = 512) -> np.ndarray:
    """`model.predict(x)` of the experiment's model with these weights.

    Args:
        exp: The experiment the weights were trained for.
        weights: Its `model.get_weights()` list (e.g. a job's result).
        x: Inputs shaped like the training inputs, batch axis first.

    Returns:
        The output layer's values, `(len(x), units)` float32.
    """
    from playground.model.builder import build_model

    model = build_model(exp)
    model.set_weights(weights)
    return np.asarray(model.predict(np.asarray(x), batch_size=batch_size, verbose=0),
                      dtype=np.float32)


def as_probabilities(outputs: np.ndarray, task: str) -> np.ndarray:
    """Class probabilities `(n, classes)`, or values `(n,)` for regression.

    A single sigmoid unit gives the probability of class 1; it becomes the
    two columns `[1 - p, p]`, so every classifier is read the same way.
    """
    outputs = np.asarray(outputs, dtype=np.float64)
    if outputs.ndim == 1:
        outputs = outputs[:, None]
    if task == REGRESSION:
        return outputs[:, 0]
    if outputs.shape[1] == 1:
        return np.column_stack([1.0 - outputs[:, 0], outputs[:, 0]])
    return outputs
