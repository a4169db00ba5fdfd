"""Small arrays in the exact formats `keras.datasets` returns, and loaders that
stand in for Keras' own, for the Keras dataset tests.
"""

from __future__ import annotations

import numpy as np

OFFLINE = ("URL fetch failure on https://storage.googleapis.com/tensorflow/"
           "tf-keras-datasets/mnist.npz: None -- [Errno -3] Temporary failure "
           "in name resolution")


def sample_images(rng, n, shape):
    x = rng.integers(0, 256, size=(n, *shape), dtype=np.uint8)
    x[0].flat[0] = 255
    x[-1].flat[-1] = 51
    return x


def sample_sequences(rng, n, vocab=50):
    lengths = rng.integers(1, 30, size=n)
    seqs = np.empty(n, dtype=object)
    for i, length in enumerate(lengths):
        seqs[i] = [1] + [int(t) for t in rng.integers(3, vocab, size=length)]
    return seqs


def keras_format(name, seed=0, n_train=6, n_test=4):
    """What `keras.datasets.<module>.load_data()` returns, only smaller."""
    rng = np.random.default_rng(seed)
    parts = []
    for n in (n_train, n_test):
        if name in ("mnist", "fashion-mnist"):
            parts.append((sample_images(rng, n, (28, 28)),
                          rng.integers(0, 10, size=n, dtype=np.uint8)))
        elif name == "cifar10":
            parts.append((sample_images(rng, n, (32, 32, 3)),
                          rng.integers(0, 10, size=(n, 1), dtype=np.uint8)))
        elif name == "imdb":
            parts.append((sample_sequences(rng, n), rng.integers(0, 2, size=n)))
        elif name == "reuters":
            parts.append((sample_sequences(rng, n), rng.integers(0, 46, size=n)))
        else:
            parts.append((rng.normal(size=(n, 13)) * 50, rng.uniform(5, 50, size=n)))
    return tuple(parts)


def fake_loader(name, calls=None, **options):
    data = keras_format(name, **options)

    def load_data(**kwargs):
        if calls is not None:
            calls.append(kwargs)
        return data

    return load_data
