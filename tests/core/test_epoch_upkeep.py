"""The per-epoch upkeep made cheap: compiled metric upkeep, one weight read.

Both replace eager work Keras' `fit` and the training callback did once an
epoch (`bench/epoch_profile.py`); a run must train exactly as before.
"""

from __future__ import annotations

import numpy as np

from playground.config import Experiment
from playground.model.layers import LayerSpec


def _circle():
    from playground.datasets import load_dataset
    from playground.model.checks import encode_targets

    exp = Experiment(dataset="circle", layers=(LayerSpec.make("dense", units=4),),
                     optimizer="adam", learning_rate=0.05)
    data = load_dataset(exp.dataset, exp.samples, exp.noise, exp.val_fraction,
                        exp.test_fraction, exp.seed)
    return exp, data.x_train, encode_targets(data.y_train, exp)


def _fresh_model(exp):
    import keras

    from playground.model.builder import build_model

    keras.utils.set_random_seed(exp.seed)
    return build_model(exp)


def test_compiled_metric_upkeep_gives_the_histories_of_plain_keras():
    """Each epoch's loss and accuracy are reset and read as Keras does: a
    reset that did nothing would give the running mean over all epochs."""
    from playground.training.compiling import compile_model, make_optimizer

    exp, x, y = _circle()
    ours = compile_model(_fresh_model(exp), exp)
    plain = _fresh_model(exp)
    plain.compile(optimizer=make_optimizer(exp), loss="binary_crossentropy",
                  metrics=["accuracy"], jit_compile=False)
    np.testing.assert_array_equal(ours.get_weights()[0], plain.get_weights()[0])
    histories = [m.fit(x, y, batch_size=25, epochs=4, shuffle=False, verbose=0).history
                 for m in (ours, plain)]
    assert set(histories[0]) == {"loss", "accuracy"} == set(histories[1])
    for key in histories[1]:
        np.testing.assert_allclose(histories[0][key], histories[1][key], rtol=1e-5)
    scores = [m.evaluate(x, y, verbose=0, return_dict=True) for m in (ours, plain)]
    assert scores[0] == scores[1]


def test_the_weights_read_at_an_epoch_end_do_not_follow_later_training():
    """The run keeps the last finite weights as tensors from one compiled
    read; the steps after it must not change them in place."""
    from playground.training.callbacks import weight_reader
    from playground.training.compiling import compile_model

    exp, x, y = _circle()
    model = compile_model(_fresh_model(exp), exp)
    functions: dict = {}
    read = weight_reader(model, functions)
    held = read()
    then = model.get_weights()
    model.fit(x, y, batch_size=25, epochs=2, verbose=0)
    assert not np.array_equal(model.get_weights()[0], then[0])  # it did train
    for tensor, array in zip(held, then, strict=True):
        np.testing.assert_array_equal(np.asarray(tensor), array)
    assert weight_reader(model, functions) is read  # kept for the next run
