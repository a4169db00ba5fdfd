"""Ready-made experiments: TF Playground's defaults and the tutorial networks.

Each preset is a complete `Experiment`; the app, the command line and the
tests all read them from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from playground.config import Experiment
from playground.layers import LayerSpec

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
            "The tutorial's Iris MLP: Dense 64-32-16 relu, softmax, Adam 0.001.",
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
    )
}

def default_experiment() -> Experiment:
    """What a new user sees first: the circle, as TF Playground opens."""
    return Experiment()
