"""Ready-made experiments: TF Playground's defaults and the tutorial networks.

Each preset is a complete `Experiment`; the app, the command line and the
tests all read them from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from playground.config import Experiment
from playground.model.graph import graph_from_text
from playground.model.layers import LayerSpec

L = LayerSpec.make


@dataclass(frozen=True)
class Preset:
    """A named experiment with a line saying what it shows."""

    name: str
    description: str
    experiment: Experiment


def _tf_playground(dataset: str, epochs: int) -> Experiment:
    """TF Playground's default network: 2 inputs, tanh 4 and 2, lr 0.03, batch 10."""
    return Experiment(dataset=dataset, epochs=epochs)


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("circle", "TF Playground's default: tanh 4-2 on the circle.",
               _tf_playground("circle", 100)),
        Preset("xor", "TF Playground's default network on XOR.",
               _tf_playground("xor", 100)),
        Preset("gauss", "TF Playground's default network on two gaussians.",
               _tf_playground("gauss", 50)),
        Preset("spiral", "TF Playground's default network on the spiral "
               "(too small to solve it: try more layers).",
               _tf_playground("spiral", 200)),
        Preset(
            "iris-mlp",
            "The tutorial's Iris MLP: Dense 64-32-16 relu, softmax, Adam 0.001, 100 "
            "epochs. Deviations: batch 16 (the tutorial's 32) and a validation "
            "share of 0.15 (its 0.1).",
            Experiment(
                dataset="iris", val_fraction=0.15, test_fraction=0.2,
                layers=(L("dense", units=64), L("dense", units=32),
                        L("dense", units=16)),
                optimizer="adam", learning_rate=0.001, batch_size=16, epochs=100,
            ),
        ),
        Preset(
            "digits-mlp",
            "An MLP on 8x8 digits: Flatten, Dense 64 relu, Dropout, softmax.",
            Experiment(
                dataset="digits", val_fraction=0.15, test_fraction=0.2,
                layers=(L("flatten"), L("dense", units=64), L("dropout", rate=0.2)),
                optimizer="adam", learning_rate=0.001, batch_size=32, epochs=30,
            ),
        ),
        Preset(
            "mnist-mlp",
            "The tutorial's MNIST MLP: 784 -> Dense 64 relu -> Dense 10 softmax, Adam, "
            "batch 128, 10 epochs. Deviation: a 5,000-image subset (raise Subset on "
            "the Data page for all 70,000).",
            Experiment(dataset="mnist", subset=5000, val_fraction=0.1,
                       test_fraction=0.2, layers=(L("flatten"), L("dense", units=64)),
                       optimizer="adam", learning_rate=0.001, batch_size=128,
                       epochs=10),
        ),
        Preset(
            "mnist-seven",
            "The tutorial's MNIST \"is it a 7?\": one sigmoid output and binary "
            "crossentropy. Deviations: a 5,000-image subset and batch 128 (the "
            "tutorial's 32).",
            Experiment(dataset="mnist-seven", subset=5000, val_fraction=0.1,
                       test_fraction=0.2, layers=(L("flatten"), L("dense", units=64)),
                       output=L("dense", units=1, activation="sigmoid"), loss="bce",
                       optimizer="adam", learning_rate=0.001, batch_size=128,
                       epochs=10),
        ),
        Preset(
            "cifar10-cnn",
            "The tutorial's CIFAR-10 CNN: Conv 32 -> Pool -> Conv 64 -> Pool -> "
            "Flatten -> Dense 64 -> Dense 10, Adam, 10 epochs. Deviations: a "
            "5,000-image subset and batch 64 (the tutorial's 32).",
            Experiment(dataset="cifar10", subset=5000, val_fraction=0.1,
                       test_fraction=0.2,
                       layers=(L("conv2d", filters=32, kernel=3, activation="relu"),
                               L("maxpool2d", pool=2),
                               L("conv2d", filters=64, kernel=3, activation="relu"),
                               L("maxpool2d", pool=2), L("flatten"),
                               L("dense", units=64)),
                       optimizer="adam", learning_rate=0.001, batch_size=64,
                       epochs=10),
        ),
        Preset(
            "imdb-lstm",
            "The tutorial's IMDB LSTM: num_words 10000, maxlen 80, Embedding "
            "10000x128 -> LSTM 128 -> Adam, batch 32. Deviations: a 5,000-review "
            "subset, 3 epochs (LSTMs are slow on a CPU), and one sigmoid output "
            "with binary crossentropy where the tutorial has Dense(2, softmax) "
            "(the same model for two classes, one weight vector fewer).",
            Experiment(dataset="imdb", subset=5000, num_words=10000, maxlen=80,
                       val_fraction=0.1, test_fraction=0.2,
                       layers=(L("embedding", output_dim=128), L("lstm", units=128)),
                       loss="bce", optimizer="adam", learning_rate=0.001,
                       batch_size=32, epochs=3),
        ),
        Preset(
            "house-prices",
            "The tutorial's house-price regression on a small CSV shipped with the "
            "app, standardised: Dense 400 relu -> Dense 200 relu -> Dense 1 linear, "
            "MSE, Adadelta. Deviations: learning rate 1.0 (old Keras' Adadelta "
            "default; Keras 3's 0.001 barely moves) and 50 epochs (the tutorial's "
            "20).",
            Experiment(dataset="house-prices", target="price_k", scale="standard",
                       missing="impute", val_fraction=0.15, test_fraction=0.2,
                       layers=(L("dense", units=400), L("dense", units=200)),
                       output=L("dense", units=1, activation="linear"), loss="mse",
                       optimizer="adadelta", learning_rate=1.0, batch_size=32,
                       epochs=50),
        ),
        Preset(
            "imdb-functional",
            "The tutorial's IMDB model written with the Functional API, "
            "Model(inputs, outputs): Input -> Embedding 10000x128 -> LSTM 64 "
            "returning sequences -> TimeDistributed(Dense 32 relu) -> Flatten -> "
            "Dense(2, softmax), Adam, batch 32. Deviations: a 5,000-review subset, "
            "3 epochs (LSTMs are slow on a CPU), and Flatten before the softmax, so "
            "that each review gets one label.",
            Experiment(dataset="imdb", subset=5000, num_words=10000, maxlen=80,
                       val_fraction=0.1, test_fraction=0.2, layers=(),
                       graph=graph_from_text(
                           "emb~embedding-128~input_lstm~lstm-64-on~emb_"
                           "step~dense-32-relu~lstm~td_flat~flatten~step"),
                       output=L("dense", units=2, activation="softmax"), loss="scce",
                       optimizer="adam", learning_rate=0.001, batch_size=32,
                       epochs=3),
        ),
        Preset(
            "house-prices-wide-deep",
            "A wide-and-deep model of the house prices (runs offline, on the CSV "
            "shipped with the app): a wide linear branch (Dense 1 linear) and a "
            "deep one (Dense 64 relu -> Dense 32 relu) over the same inputs, "
            "concatenated into the Dense 1 linear output; MSE, Adam, 50 epochs.",
            Experiment(dataset="house-prices", target="price_k", scale="standard",
                       missing="impute", val_fraction=0.15, test_fraction=0.2,
                       layers=(),
                       graph=graph_from_text(
                           "wide~dense-1-linear~input_deep1~dense-64-relu~input_"
                           "deep2~dense-32-relu~deep1_both~concatenate~wide,deep2"),
                       output=L("dense", units=1, activation="linear"), loss="mse",
                       optimizer="adam", learning_rate=0.003, batch_size=32,
                       epochs=50),
        ),
    )
}


def default_experiment() -> Experiment:
    """What a new user sees first: the circle, as TF Playground opens."""
    return Experiment()
