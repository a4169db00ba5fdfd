"""The experiment object: validation, error text, JSON and URL round trips."""

import dataclasses
from urllib.parse import parse_qs

import pytest

from playground.config import FIELDS, Experiment
from playground.fields import MAX_ERRORS_SHOWN, ConfigError, ConfigErrors, problems
from playground.model.layers import LAYER_TYPES, LayerSpec
from playground.presets import PRESETS

L = LayerSpec.make


def every_layer_experiment():
    layers = tuple(L(kind) for kind in LAYER_TYPES)
    return Experiment(dataset="digits", layers=layers, seed=42,
                      output=L("dense", units=10, activation="softmax"),
                      loss="cce", optimizer="rmsprop", learning_rate=0.0042,
                      momentum=0.9, batch_size=64, epochs=7, noise=0.15,
                      val_fraction=0.1, test_fraction=0.25)


EXAMPLES = [Experiment(), every_layer_experiment(),
            Experiment(layers=(L("dense", units=3, l1=0.00001, l2=0.25),)),
            *(p.experiment for p in PRESETS.values())]


def test_dataclass_defaults_match_field_table():
    for field in dataclasses.fields(Experiment):
        if field.name == "upload":  # a session's token, never stored or shared
            assert field.default == ""
            continue
        if field.name in ("fold", "start"):  # a job's (a cross-validation's fold,
            assert field.default is None      # a continued run's weights), never shared
            continue
        table = {f.name: f for f in FIELDS}[field.name]
        assert field.default == table.default, field.name


@pytest.mark.parametrize("exp", EXAMPLES)
def test_json_round_trip_is_lossless(exp):
    assert Experiment.from_json(exp.to_json()) == exp


@pytest.mark.parametrize("exp", EXAMPLES)
def test_url_round_trip_is_lossless(exp):
    query = exp.to_query()
    assert Experiment.from_query(query) == exp
    # As a browser would send it back: parsed from the encoded string.
    assert Experiment.from_query(parse_qs(exp.to_query_string())) == exp


def test_query_is_compact_and_readable():
    query = PRESETS["spiral"].experiment.to_query_string()
    assert "dataset=spiral" in query
    assert "layers=dense-4-tanh_dense-2-tanh" in query
    assert "lr=0.03" in query
    assert len(query) < 200


def test_error_names_field_value_range_and_fix():
    with pytest.raises(ConfigError) as info:
        Experiment(learning_rate=50.0)
    message = str(info.value)
    assert message == (
        "Invalid `learning_rate`: expected a number from 0.00001 to 10. "
        "Received: learning_rate=50.0. Pick a value between 0.00001 and 10.")
    assert info.value.field == "learning_rate"


def test_all_errors_are_reported_together():
    with pytest.raises(ConfigErrors) as info:
        Experiment(epochs=0, batch_size=-1, optimizer="nadam")
    fields = [e.field for e in info.value.errors]
    assert fields == ["optimizer", "batch_size", "epochs"]
    assert "'sgd', 'adam'" in str(info.value)


def test_booleans_are_not_integers():
    with pytest.raises(ConfigError, match="Received: epochs=True"):
        Experiment(epochs=True)


def test_splits_leave_enough_training_data():
    with pytest.raises(ConfigError, match="at least 40% of the data is for training"):
        Experiment(val_fraction=0.4, test_fraction=0.4)


def test_replace_validates_again():
    with pytest.raises(ConfigError, match="`seed`"):
        Experiment().replace(seed=-1)


@pytest.mark.parametrize("query, field, fragment", [
    ({"lr": "abc"}, "learning_rate", "Received: learning_rate='abc'"),
    ({"epochs": "1e3"}, "epochs", "an integer from 1 to 2000"),
    ({"dataset": "mnist-digits"}, "dataset", "one of 'circle'"),
    ({"layers": "dense-4-tanh_conv9"}, "layers",
     "Layer 2, 'conv9': layer type must be one of 'dense'"),
    ({"layers": "dense-4-tanh-0-0-7"}, "layers",
     "the number of Dense settings must be at most 4 (units, activation, l1, l2), not 5"),
    ({"layers": "dense-0"}, "layers", "units must be an integer from 1 to 1024, not 0"),
    ({"layers": "_"}, "layers", "Received: layers='_'. Layer 1 is empty: remove the "
                                "extra '_'"),
    ({"layers": "dense-8_"}, "layers", "Layer 2 is empty"),
    ({"out": "flatten"}, "output", "'auto' or a Dense layer"),
    ({"out": "flatten"}, "output", "Received: output='flatten'. Give one Dense layer"),
    ({"out": "dense-2_dense-1"}, "output", "Give one Dense layer, or 'auto'."),
    ({"out": "_"}, "output", "Received: output='_'. Layer 1 is empty"),
    ({"out": "dense-\uff13"}, "output", "Layer 1, 'dense-\uff13': units must be"),
    ({"bogus": "1"}, "URL parameter", "Received: URL parameter='bogus'"),
    ({"seed": ["1", "2"]}, "seed", "Give `seed` only once."),
    ({"v": "9"}, "v", "another version"),
    ({"noise": "nan"}, "noise", "a number from 0 to 0.5"),
    ({"layers": "dense-" + "9" * 3000}, "layers", "at most 2000 characters"),
])
def test_bad_query_parameters_are_refused_whole(query, field, fragment):
    good = {"dataset": "spiral", "epochs": "5"}
    with pytest.raises(ConfigErrors) as info:
        Experiment.from_query({**good, **query})
    assert [e.field for e in info.value.errors] == [field]
    assert fragment in str(info.value)


def test_json_rejects_unknown_keys_and_bad_layers():
    with pytest.raises(ConfigErrors) as info:
        Experiment.from_dict({"version": 1, "dataset": "iris", "colour": "red",
                              "layers": [{"type": "dense", "units": "8"}]})
    text = str(info.value)
    assert "Received: experiment key='colour'" in text
    assert "Received: units='8'" in text


def test_a_file_of_100000_unknown_keys_is_one_short_error():
    """A crafted file used to give one error per key, each repeating every
    accepted key: a 62 MB message. Now one line names a few and counts them."""
    import json

    keys = {f"key{i}": 1 for i in range(100_000)}
    with pytest.raises(ConfigErrors) as info:
        Experiment.from_json(json.dumps({**keys, "epochs": 0}))
    lines = problems(info.value)
    assert len(lines) == 2 and len(str(info.value)) < 2000
    assert "100,000 unknown keys ('key0', 'key1', 'key2', 'key3', 'key4', ...)" in lines[0]
    assert "Invalid `epochs`" in lines[1]
    with pytest.raises(ConfigErrors) as info:
        Experiment.from_query({**{k: "1" for k in keys}, "dataset": "spiral"})
    assert len(problems(info.value)) == 1
    assert "100,000 unknown keys" in str(info.value)


def test_many_problems_are_listed_up_to_a_cap_and_counted():
    errors = [ConfigError(f"field{i}", i, "nothing") for i in range(50)]
    many = ConfigErrors(errors)
    lines = many.details()
    assert len(many.errors) == MAX_ERRORS_SHOWN and many.more == 50 - MAX_ERRORS_SHOWN
    assert lines[:MAX_ERRORS_SHOWN] == [str(e) for e in errors[:MAX_ERRORS_SHOWN]]
    assert lines[-1] == "... and 30 more problem(s); fix these first."
    assert problems(errors[0]) == (str(errors[0]),)


def test_invalid_json_text_is_explained():
    with pytest.raises(ConfigError, match="valid JSON"):
        Experiment.from_json("{not json")


def test_shares_on_the_slider_grid_that_sum_to_the_limit_are_accepted():
    assert Experiment(val_fraction=0.2, test_fraction=0.4).test_fraction == 0.4
    assert Experiment(val_fraction=0.4, test_fraction=0.2).val_fraction == 0.4


@pytest.mark.parametrize("text", [
    '{"layers": [{"type": "dense", "kind": 1}]}',
    '{"noise": ' + "9" * 400 + "}",
    '{"layers": [{"type": "dense", "l1": ' + "9" * 400 + "}]}",
    '{"layers": ' + "[" * 100000 + "]" * 100000 + "}",
    "[" * 100000,
])
def test_hostile_json_is_refused_with_a_config_error(text):
    with pytest.raises((ConfigError, ConfigErrors)):
        Experiment.from_json(text)


def test_a_bad_layer_token_names_the_layers_parameter_and_the_expected_form():
    with pytest.raises(ConfigErrors) as info:
        Experiment.from_query({"layers": "dense-8-relu_lstm-x"})
    assert str(info.value).startswith(
        "Invalid `layers`: expected layers joined by '_', each a layer type and its "
        "settings joined by '-', such as dense-8-relu_dropout-0.2. "
        "Received: layers='dense-8-relu_lstm-x'. Layer 2, 'lstm-x': units must be")


@pytest.mark.parametrize("key, text, field", [
    ("epochs", "\u0661\u0660", "epochs"),          # Arabic-Indic ten
    ("n", "\uff15\uff10\uff10", "samples"),          # fullwidth 500
    ("lr", "0.\uff10\uff13", "learning_rate"),
    ("seed", "\u09e7", "seed"),                      # Bengali one
    ("batch", "10\u3000", "batch_size"),             # ideographic space
    ("layers", "dense-\u0668", "layers"),            # inside a layer token
])
def test_numbers_in_links_must_be_ascii(key, text, field):
    assert int("\u0661\u0660") == 10  # what Python alone would accept
    with pytest.raises(ConfigErrors) as info:
        Experiment.from_query({key: text})
    assert [e.field for e in info.value.errors] == [field]
    assert "Write the number with the ASCII digits 0-9." in str(info.value)
