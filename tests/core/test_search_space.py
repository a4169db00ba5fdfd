"""Search spaces and settings checked before anything trains: each bad space
or setting names the field and the fix, and the stack follows `dense_layers`."""

from __future__ import annotations

import pytest

from playground.config import Experiment
from playground.model.layers import LayerSpec
from playground.presets import PRESETS
from playground.search import Search, SearchSpace, SpaceError

L = LayerSpec.make
XOR = PRESETS["xor"].experiment


def nothing_trains(experiment, name):
    raise AssertionError("a refused search must not submit a trial")


def refused_search(exp, space, **options) -> Search:
    return Search(exp, SearchSpace.parse(space, exp), nothing_trains, **options)


@pytest.mark.parametrize("space, message", [
    ({}, "The search space is empty"),
    ({"learning_rate": {"min": 0.1, "max": 0.01}}, "min (0.1) is above its max (0.01)"),
    ({"learnin_rate": [0.1]}, "`learnin_rate` cannot be searched"),
    ({"dataset": ["xor"]}, "`dataset` cannot be searched"),
    ({"layers.5.units": [4]}, "names layer 5, but the stack has 2 hidden layer(s)"),
    ({"layers.0.rate": [0.1]}, "has no setting 'rate'"),
    ({"layers.x": [1]}, "write `layers.N.setting`"),
    ({"optimizer": {"min": 1, "max": 2}}, "takes names"),
    ({"optimizer": ["sgd", "adamw2"]}, "Invalid `optimizer`"),
    ({"learning_rate": []}, "empty list of choices"),
    ({"momentum": {"min": 0, "max": 0.9, "log": True}}, "a log range needs a min above 0"),
    ({"learning_rate": {"min": 0, "max": 1}}, "Invalid `learning_rate`: expected a number from"),
    ({"learning_rate": 0.1}, "expected a list of choices or a range"),
    ({"layers.0.units": {"min": 2, "max": 8, "step": 1.5}}, "step must be a whole number"),
    ({"learning_rate": {"min": 0.001, "max": 0.1, "step": 1e-300}},
     "the step 1e-300 gives about 9.9e+298 values from 0.001 to 0.1, more than 10,000"),
    ({"momentum": {"min": 0, "max": 0.9, "step": 1e-5}}, "gives 90,001 values"),
])
def test_bad_spaces_name_the_field_and_the_fix(space, message):
    with pytest.raises(SpaceError) as raised:
        SearchSpace.parse(space, XOR)
    assert message in str(raised.value)


def test_a_grid_must_be_finite_and_small():
    space = SearchSpace.parse({"learning_rate": {"min": 0.001, "max": 0.1}}, XOR)
    with pytest.raises(SpaceError, match="needs a step on every float range"):
        space.check_grid()
    big = SearchSpace.parse({"layers.0.units": {"min": 1, "max": 100},
                             "batch_size": {"min": 1, "max": 10}}, XOR)
    assert big.grid_size() == 1000
    with pytest.raises(SpaceError, match="1,000 points, more than 500"):
        refused_search(XOR, {"layers.0.units": {"min": 1, "max": 100},
                           "batch_size": {"min": 1, "max": 10}}, strategy="grid")
    stepped = SearchSpace.parse({"learning_rate": {"min": 0.001, "max": 0.1, "step": 10,
                                                   "log": True}}, XOR)
    assert stepped.dimensions[0].grid_values() == pytest.approx([0.001, 0.01, 0.1])


def test_objectives_and_layer_counts_that_do_not_fit_are_refused():
    with pytest.raises(SpaceError, match="use val_loss or val_accuracy"):
        refused_search(XOR, {"learning_rate": [0.1]}, objective="val_mae")
    with pytest.raises(SpaceError, match="set the validation share above 0"):
        refused_search(XOR.replace(val_fraction=0.0), {"learning_rate": [0.1]})
    conv = Experiment(dataset="digits", layers=(L("conv2d"), L("flatten")))
    with pytest.raises(SpaceError, match="must hold Dense layers only"):
        SearchSpace.parse({"dense_layers": [1, 2]}, conv)


def test_dense_layers_grows_and_shrinks_the_stack():
    space = SearchSpace.parse({"dense_layers": [0, 4], "layers.3.units": [7]}, XOR)
    none = space.apply(XOR, {"dense_layers": 0, "layers.3.units": 7})
    four = space.apply(XOR, {"dense_layers": 4, "layers.3.units": 7})
    assert none.layers == ()
    assert [s["units"] for s in four.layers] == [4, 2, 2, 7]


def test_grid_sizes_are_counted_as_the_grid_lists_them():
    for space in ({"momentum": {"min": 0.0, "max": 0.5, "step": 0.1}},
                  {"learning_rate": {"min": 0.001, "max": 0.1, "step": 10, "log": True}},
                  {"layers.0.units": {"min": 3, "max": 64, "step": 7}},
                  {"batch_size": {"min": 1, "max": 4096}},
                  {"momentum": {"min": 0.1, "max": 0.9, "step": 0.2}}):
        dimension = SearchSpace.parse(space, XOR).dimensions[0]
        assert dimension.value_count() == len(dimension.grid_values()), space


def test_the_command_line_bounds_its_workers_and_trials(tmp_path, capsys):
    """Refused before any worker starts (this tier fails if one does)."""
    import json
    import os

    from playground.cli import main

    space = tmp_path / "space.json"
    space.write_text(json.dumps({"learning_rate": [0.01, 0.1]}))
    cores = max(1, os.cpu_count() or 1)
    assert main(["search", "xor", "--space", str(space), "--workers", str(cores + 1)]) == 2
    assert (f"--workers takes a number from 1 to {cores} (this machine's cores"
            in capsys.readouterr().err)
    assert main(["search", "xor", "--space", str(space), "--trials", "5000"]) == 2
    assert "A search runs from 1 to 1,000 trials; received 5,000." in capsys.readouterr().err

