"""Runs side by side and in a list, as a learner reads them: settings by their
labels, layers one per row, figures in the target's own units."""

from __future__ import annotations

import pytest

from playground.config import FIELDS
from playground.runs.setting_labels import SETTING_LABELS
from playground.model.layers import LayerSpec
from playground.presets import PRESETS
from playground.registry import OPTIMIZERS
from playground.runs import compare, units

from tests.core.run_samples import make_record

L = LayerSpec.make
SPIRAL = PRESETS["spiral"].experiment
OPTIMIZER_LABEL = {name: info.label for name, info in OPTIMIZERS.items()}
HOUSES = next(p.experiment for p in PRESETS.values()
              if p.experiment.dataset == "house-prices")


def test_every_setting_has_a_label():
    assert {f.name for f in FIELDS} <= set(SETTING_LABELS)


def test_compared_settings_are_labelled_with_one_row_per_layer_differing_first():
    wider = SPIRAL.replace(layers=(SPIRAL.layers[0], L("dense", units=64, activation="relu"),
                                   L("dropout", rate=0.2)), learning_rate=0.0018566433578077874)
    rows, differing = compare.shown_settings([SPIRAL, wider])
    assert differing == ["Hidden layer 2", "Hidden layer 3", "Learning rate"]
    assert list(rows)[:3] == differing
    assert rows["Hidden layer 2"] == ["Dense(2, tanh)", "Dense(64, relu)"]
    assert rows["Hidden layer 3"] == ["—", "Dropout(0.2)"]
    assert rows["Hidden layer 1"] == ["Dense(4, tanh)", "Dense(4, tanh)"]
    assert rows["Learning rate"] == ["0.03", "0.00185664"]
    assert "Batch size" in rows and "TensorBoard logs" in rows
    assert not {"version", "layers", "tensorboard", "early_stop_patience"} & set(rows)


def test_a_setting_one_run_leaves_empty_reads_a_dash():
    rows, differing = compare.shown_settings([SPIRAL, HOUSES])
    assert "Target column" in differing
    assert rows["Target column"] == ["—", HOUSES.target or "price_k"]


def test_compared_choices_read_as_the_pages_show_them_not_as_their_keys():
    rows, _ = compare.shown_settings([SPIRAL, HOUSES.replace(missing="impute")])
    assert rows["Missing values"][1] == "fill in (median / most frequent)"
    assert rows["Loss"] == ["auto", "Mean squared error"]
    assert rows["Optimizer"] == [OPTIMIZER_LABEL[e.optimizer] for e in (SPIRAL, HOUSES)]
    assert rows["Dataset"][1] == "House prices (CSV)"
    assert rows["Scaling"][1] == "standardise features"
    scheduled = SPIRAL.replace(lr_schedule="exponential")
    assert compare.shown_settings([SPIRAL, scheduled])[0]["Learning-rate schedule"] == [
        "constant", "exponential decay"]


def test_a_standardised_targets_figures_are_given_in_its_own_units():
    scale = units.target_scale(HOUSES)
    assert scale is not None and scale > 10  # prices in thousands spread widely
    assert units.best_text("val_mae", 0.618, HOUSES) == f"MAE {0.618 * scale:.4g}"
    assert units.metric_value("mae", 0.5, HOUSES) == pytest.approx(0.5 * scale)
    assert units.best_text("val_loss", 0.3, HOUSES) == "loss 0.3 (standardised)"
    assert units.best_text("val_accuracy", 0.95, SPIRAL) == "accuracy 0.95"
    assert units.best_text(None, None, SPIRAL) == ""


def test_an_uploaded_tables_scale_is_unknown_so_its_error_says_standardised():
    upload = HOUSES.replace(dataset="csv", csv_name="houses.csv", target="price_k")
    assert units.target_scale(upload) is None
    assert units.best_text("val_mae", 0.618, upload) == "MAE 0.618 (standardised)"


def test_the_store_gives_the_experiments_of_listed_runs(store):
    first, second = make_record(), make_record(experiment=HOUSES)
    store.save(first)
    store.save(second)
    found = store.experiments([first.id, second.id, "AAAAAAAAAAAAAAAAAAAAAA"])
    assert found == {first.id: first.experiment, second.id: HOUSES}
