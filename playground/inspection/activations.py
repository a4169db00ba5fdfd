"""Every layer's output for one sample, and Keras' own diagram of the model.

Both rebuild the experiment's model, so they import TensorFlow: in the web
server they run in a worker process (`playground.keras_work`).
"""

from __future__ import annotations

import collections

import numpy as np

from playground.model.augmentation import LAYER_NAME


def architecture_dot(exp) -> str:
    """Keras' own diagram of the experiment's model, as Graphviz DOT text.

    `keras.utils.model_to_dot` needs only pydot (no Graphviz binary); the
    browser renders the text (`st.graphviz_chart`). Builds the model, so it
    imports TensorFlow.
    """
    import keras

    from playground.model.builder import build_model

    dot = keras.utils.model_to_dot(build_model(exp), show_shapes=True,
                                   show_layer_names=True, dpi=72)
    return dot.to_string()


class ActivationProbe:
    """Every layer's output for one sample, from a run's saved weights.

    Rebuilds the experiment's model, loads the weights and wraps it in
    `keras.Model(model.inputs[0], [layer.output ...])`, as Keras' FAQ does to
    read intermediate activations. Build it once per run and call it per
    sample. Imports TensorFlow.

    Args:
        exp: The experiment the weights were trained for.
        weights: Its `model.get_weights()` list (e.g. a job's result).
    """

    def __init__(self, exp, weights: list[np.ndarray]):
        import keras

        from playground.model.builder import build_model

        model = build_model(exp)
        model.set_weights(weights)
        # Data augmentation passes a sample through unchanged outside training;
        # a functional model (a graph) lists its Input among its layers.
        layers = [layer for layer in model.layers if layer.name != LAYER_NAME
                  and not isinstance(layer, keras.layers.InputLayer)]
        self.names = [layer.name for layer in layers]
        self._probe = keras.Model(model.inputs[0], [layer.output for layer in layers])

    def __call__(self, sample: np.ndarray) -> list[tuple[str, np.ndarray]]:
        """`(layer name, output)` for each layer, the batch axis removed."""
        outputs = self._probe(np.asarray(sample)[None], training=False)
        if not isinstance(outputs, (list, tuple)):  # a one-layer model
            outputs = [outputs]
        return [(name, np.asarray(out)[0]) for name, out in zip(self.names, outputs)]


_PROBES_KEPT = 4


_probes: collections.OrderedDict = collections.OrderedDict()


def layer_outputs(exp, weights: list[np.ndarray], sample: np.ndarray,
                  key: str | None = None) -> list[tuple[str, np.ndarray]]:
    """Every layer's output for one sample: `(layer name, output)` pairs.

    The page asks once per picked sample; the probe of the last few `key`s
    (a run's id) is kept, so the model is built once per run. In the web
    server this runs in a worker process (`playground.keras_work`).
    """
    probe = _probes.get(key) if key is not None else None
    if probe is None:
        probe = ActivationProbe(exp, weights)
        if key is not None:
            _probes[key] = probe
            while len(_probes) > _PROBES_KEPT:
                _probes.popitem(last=False)
    else:
        _probes.move_to_end(key)
    return probe(sample)
