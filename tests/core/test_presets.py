"""The presets say how they differ from the tutorials they follow."""

import pytest

from playground.presets import PRESETS

# What each tutorial does, where its preset does something else: every such
# setting must be named in the preset's description.
TUTORIAL = {
    "iris-mlp": {"batch_size": 32, "val_fraction": 0.1},
    "mnist-mlp": {"batch_size": 128, "epochs": 10},
    "mnist-seven": {"batch_size": 32},
    "cifar10-cnn": {"batch_size": 32, "epochs": 10},
    "imdb-lstm": {"batch_size": 32, "output_units": 2},
    "house-prices": {"epochs": 20},
}
WORDS = {"batch_size": "batch {}", "val_fraction": "validation share of {}",
         "epochs": "{} epochs", "output_units": "Dense({}, softmax)"}


@pytest.mark.parametrize("name", TUTORIAL)
def test_a_tutorial_preset_names_every_deviation(name):
    preset = PRESETS[name]
    exp = preset.experiment
    ours = {"batch_size": exp.batch_size, "val_fraction": exp.val_fraction,
            "epochs": exp.epochs,
            "output_units": exp.output["units"] if exp.output else None}
    for setting, theirs in TUTORIAL[name].items():
        if ours[setting] != theirs:
            assert WORDS[setting].format(ours[setting]) in preset.description \
                or WORDS[setting].format(theirs) in preset.description, (name, setting)
            assert "Deviation" in preset.description
    assert "subset" in preset.description or exp.dataset in ("iris", "house-prices")
