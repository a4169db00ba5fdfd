"""The trained model as a `.keras` file, Keras' native format.

`keras_bytes` rebuilds the experiment's model, loads a run's weights into
it and saves it with `model.save`, so the file holds the architecture, the
weights and the compile settings, and `keras.models.load_model(path)` reads
it with safe mode on (only Keras' own layers; no Lambda, no custom code).
It is a module-level function of plain arguments, so the web server (which
never imports TensorFlow) can run it in a worker with
`playground.keras_work`.

`deployable_bytes` saves the same network with its data preparation in
front and the target's units behind, for use on raw rows.

Reading a `.keras` file is not offered: such a file can carry code (see the
README), and the app's own experiment JSON describes a model safely.
"""

from __future__ import annotations

import os
import tempfile

import numpy as np

from playground.config import Experiment
from playground.i18n import tr_lazy


def trained_model(exp: Experiment, weights: list[np.ndarray]):
    """The experiment's compiled model holding `weights`."""
    from playground.model.builder import build_model
    from playground.training.compiling import compile_model

    model = build_model(exp)
    compile_model(model, exp)
    # Built now, the optimizer is saved with the variables that loading
    # expects (fresh ones: the file carries the trained weights, not the
    # optimizer's state).
    model.optimizer.build(model.trainable_variables)
    model.set_weights(weights)
    return model


def save_model(exp: Experiment, weights: list[np.ndarray], path: str) -> None:
    """Writes the trained model to `path` (which must end in `.keras`)."""
    if not str(path).endswith(".keras"):
        raise ValueError(tr_lazy("A Keras model file must end in .keras. Received: "
                                 "path={path}. Add the .keras extension.",
                                 path=repr(str(path))))
    trained_model(exp, weights).save(path)


def keras_bytes(exp: Experiment, weights: list[np.ndarray]) -> bytes:
    """The trained model as the bytes of a `.keras` file."""
    with tempfile.TemporaryDirectory(prefix="playground-model-") as folder:
        path = os.path.join(folder, "model.keras")
        save_model(exp, weights, path)
        with open(path, "rb") as handle:
            return handle.read()


def deployable_bytes(exp: Experiment, weights: list[np.ndarray]) -> bytes:
    """The trained model with its data preparation in front and the target's
    units behind (`playground.export.deployable`), as a `.keras` file."""
    from playground.datasets import DATASETS
    from playground.datasets.source import experiment_data, prepared_table
    from playground.export.deployable import deployable_model

    table = DATASETS[exp.dataset].source == "table"
    model = deployable_model(exp, weights, experiment_data(exp),
                             prepared_table(exp) if table else None)
    with tempfile.TemporaryDirectory(prefix="playground-model-") as folder:
        path = os.path.join(folder, "model.keras")
        model.save(path)
        with open(path, "rb") as handle:
            return handle.read()
