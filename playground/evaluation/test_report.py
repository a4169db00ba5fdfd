"""A run's test-set report in one call: predict, then score.

Used by the command line (in-process, so it imports TensorFlow); the app
predicts through `keras_work` and scores with `metrics` itself.
"""

from __future__ import annotations

from playground.evaluation import metrics
from playground.evaluation.predictions import as_probabilities, model_outputs


def test_report(exp, weights, data, outputs=None) -> dict:
    """`metrics.report` of the model with these weights on `data`'s test set.

    `outputs`, the model's outputs on the test set when the run kept them
    (`TrainingResult.test_outputs`), spares predicting again.
    """
    if outputs is None or len(outputs) != len(data.y_test):
        outputs = model_outputs(exp, weights, data.x_test)
    outputs = as_probabilities(outputs, data.info.task)
    return metrics.report(data.info.task, data.y_test, outputs,
                          data.info.class_names, data.target_scaler)
