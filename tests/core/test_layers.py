"""Layer specs: every type builds in Keras, and our shape and parameter
arithmetic agrees with `model.summary()`; stacks that cannot fit are refused."""

import numpy as np
import pytest

from playground.config import Experiment
from playground.datasets.catalog import DataSpec
from playground.model.builder import build_layers, build_model
from playground.model.checks import check_experiment
from playground.model.layers import LAYER_TYPES, LayerSpec
from playground.model.shapes import StackError, check_stack

L = LayerSpec.make
TABULAR = DataSpec((5,), "features", "multiclass", 3)
IMAGES = DataSpec((12, 10, 2), "image", "multiclass", 4)
TOKENS = DataSpec((7,), "tokens", "binary", 2, vocab_size=50)

STACKS = [
    (TABULAR, (L("dense", units=6, activation="tanh", l2=0.01), L("batchnorm"),
               L("activation", activation="gelu"), L("dropout", rate=0.3))),
    (IMAGES, (L("conv2d", filters=3, kernel=3), L("maxpool2d"),
              L("conv2d", filters=5, kernel=2, stride=2, padding="same",
                activation="elu"), L("batchnorm"), L("flatten"), L("dense", units=4))),
    (TOKENS, (L("embedding", output_dim=6), L("lstm", units=5), L("dense", units=3))),
]


def hand_params(spec, in_shape, data):
    """Textbook parameter formulas, written independently of layers.py."""
    kind = spec.kind
    if kind == "dense":
        return in_shape[-1] * spec["units"] + spec["units"]
    if kind == "batchnorm":
        return 4 * in_shape[-1]
    if kind == "conv2d":
        k = spec["kernel"]
        return (k * k * in_shape[-1] + 1) * spec["filters"]
    if kind == "embedding":
        return data.vocab_size * spec["output_dim"]
    if kind == "lstm":
        u = spec["units"]
        return 4 * ((in_shape[-1] + u + 1) * u)
    return 0


def test_every_layer_type_is_covered():
    used = {spec.kind for _, stack in STACKS for spec in stack}
    assert used == set(LAYER_TYPES)


@pytest.mark.parametrize("data, stack", STACKS)
def test_shapes_and_params_match_keras_and_hand_formula(data, stack):
    output = L("dense", units=data.num_classes if data.task == "multiclass" else 1,
               activation="softmax" if data.task == "multiclass" else "sigmoid")
    rows = check_stack(stack, output, data)
    model = build_layers((*stack, output), data, seed=0)
    assert len(rows) == len(model.layers)
    in_shape = data.input_shape
    for row, layer, spec in zip(rows, model.layers, (*stack, output)):
        assert row.output_shape == tuple(layer.output.shape[1:]), layer.name
        assert row.params == layer.count_params(), layer.name
        assert row.params == hand_params(spec, in_shape, data), layer.name
        in_shape = row.output_shape
    assert sum(r.params for r in rows) == model.count_params()


def test_summary_text_matches_our_total():
    exp = Experiment(dataset="digits", layers=(L("conv2d", filters=4), L("flatten"),
                                               L("dense", units=16)))
    lines = []
    build_model(exp).summary(print_fn=lambda line, **kw: lines.append(line))
    total = sum(r.params for r in check_experiment(exp))
    assert any(f"Total params: {total:,}" in line for line in lines)


@pytest.mark.parametrize("kwargs, message", [
    (dict(dataset="iris", layers=(L("conv2d"),)),
     "Layer 1, Conv2D(8, 3, 1, valid, relu), needs an image input (height, width, "
     "channels) but receives (4,). Conv2D only fits image data such as digits; for "
     "tabular data use Dense layers."),
    (dict(dataset="wine", layers=(L("dense", units=8), L("lstm"))),
     "Layer 2, LSTM(16), needs a sequence (timesteps, features) but receives (8,). "
     "Put an Embedding layer before it on text data; LSTM does not fit flat feature "
     "vectors."),
    (dict(dataset="iris", output=L("dense", units=4, activation="softmax")),
     "The output layer has softmax over 4 units, but the data has 3 classes. Set "
     "units to 3."),
    (dict(dataset="digits", layers=(L("dense", units=8),)),
     "Layer 1, Dense(8, relu), receives a 3-D input (8, 8, 1) but Dense expects a "
     "flat vector. Add a Flatten layer before it."),
    (dict(dataset="circle", layers=(L("embedding"),)),
     "Layer 1, Embedding(16), reads integer token ids, but this dataset gives "
     "features of shape (2,). Remove the Embedding layer; it is for text datasets."),
    (dict(dataset="digits", layers=(L("conv2d", kernel=5), L("conv2d", kernel=5))),
     "Layer 2, Conv2D(8, 5, 1, valid, relu), cannot fit a 5x5 kernel in its 4x4 "
     "input with padding 'valid'. Use padding 'same', a smaller kernel"),
    (dict(dataset="digits", layers=(L("flatten"),), loss="bce"),
     "Binary crossentropy does not fit this data: it has 10 classes. Use sparse "
     "categorical crossentropy, or leave the loss on auto."),
    (dict(dataset="diabetes", loss="scce"),
     "Sparse categorical crossentropy does not fit this data: it has a regression "
     "target"),
    (dict(dataset="circle", output=L("dense", units=1, activation="softmax")),
     "softmax over 1 unit, which always outputs 1"),
    (dict(dataset="circle", output=L("dense", units=1, activation="tanh"),
          loss="bce"),
     "Binary crossentropy needs one sigmoid output unit"),
    (dict(dataset="reg-plane", output=L("dense", units=2, activation="linear")),
     "a regression target is one number. Set units to 1"),
    (dict(dataset="iris", output=L("dense", units=1, activation="sigmoid")),
     "The output layer has 1 unit but the data has 3 classes."),
])
def test_incompatible_stacks_are_refused_with_the_fix(kwargs, message):
    with pytest.raises(StackError) as info:
        check_experiment(Experiment(**kwargs))
    assert message in str(info.value)


def test_refused_stack_names_the_layer_index():
    exp = Experiment(dataset="iris", layers=(L("dense"), L("dense"), L("conv2d")))
    with pytest.raises(StackError) as info:
        check_experiment(exp)
    assert info.value.index == 2


def test_layer_token_round_trip_and_defaults_left_out():
    spec = L("conv2d", filters=16, kernel=5)
    assert spec.to_token() == "conv2d-16-5"
    assert LayerSpec.from_token("conv2d-16-5") == spec
    assert L("dense", units=3, l2=0.001).to_token() == "dense-3-relu-0-0.001"


def test_unknown_layer_setting_is_refused():
    with pytest.raises(ValueError, match="Received: Dense setting='filters'"):
        L("dense", filters=3)


def test_seeded_initial_weights_are_reproducible():
    exp = Experiment(dataset="iris", layers=(L("dense", units=5),), seed=3)
    first = [w.copy() for w in build_model(exp).get_weights()]
    again = build_model(exp).get_weights()
    other = build_model(exp.replace(seed=4)).get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not np.array_equal(first[0], other[0])


def test_the_weight_budget_counts_every_weight_as_float32():
    from playground.config import Experiment
    from playground.model.checks import check_weight_budget
    from playground.model.shapes import StackError

    exp = Experiment(dataset="iris", layers=(LayerSpec.make("dense", units=1024),))
    params = 4 * 1024 + 1024 + 1024 * 3 + 3
    assert check_weight_budget(exp, 0) == 4 * params  # 0: no limit
    assert check_weight_budget(exp, 4 * params) == 4 * params
    with pytest.raises(StackError, match=f"This model has {params:,} weights"):
        check_weight_budget(exp, 4 * params - 1)


def test_a_model_whose_training_would_not_fit_a_worker_is_refused_before_training():
    """Feature maps for a big batch cost more than the weights: 256 filters of
    26x26 over 4,096 images is gigabytes; every preset needs a few MB."""
    from playground.config import Experiment
    from playground.model.memory_budget import check_memory_budget, training_mb
    from playground.model.shapes import StackError
    from playground.presets import PRESETS

    big = Experiment(dataset="mnist", batch_size=4096, layers=(
        LayerSpec.make("conv2d", filters=256, kernel=3), LayerSpec.make("flatten")))
    maps = 26 * 26 * 256
    assert training_mb(big) > maps * 4096 * 4 * 3 / 2**20  # at least the maps
    with pytest.raises(StackError, match=r"about [\d,]+ MB of memory .* batch of 4096\), "
                                         r"more than the 2,272 MB a run has"):
        check_memory_budget(big, 3072)
    assert check_memory_budget(big.replace(batch_size=8), 3072) < 2272
    for preset in PRESETS.values():
        assert check_memory_budget(preset.experiment, 3072) < 100
