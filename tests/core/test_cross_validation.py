"""k-fold cross-validation: folds split from the seed inside the data step,
bad k refused with the numbers and the fix, folds trained for real as
ordinary jobs (the last test, in the worker pool) and summed up."""

from __future__ import annotations

import numpy as np
import pytest

from playground.charts.folds import fold_curves_figure, mean_curve
from playground.config import Experiment
from playground.datasets import uploads
from playground.datasets.errors import DataUnavailable
from playground.datasets.source import experiment_data, keep_dataset
from playground.evaluation.cross_validation import (
    CrossValidation,
    FoldError,
    check_folds,
    final_metrics,
    summarise,
)
from playground.fields import ConfigError
from playground.training.result import COMPLETED, TrainingResult

CIRCLE = Experiment(dataset="circle", samples=120, seed=3)


def rows(x: np.ndarray) -> set[tuple[float, ...]]:
    return {tuple(r) for r in np.asarray(x).reshape(len(x), -1)}


def test_the_folds_hold_out_disjoint_parts_that_cover_the_training_part():
    whole = experiment_data(CIRCLE)
    training = rows(np.concatenate([whole.x_train, whole.x_val]))
    held = []
    for i in (1, 2, 3):
        fold = experiment_data(CIRCLE.replace(fold=(3, i)))
        assert rows(fold.x_train) | rows(fold.x_val) == training
        assert not rows(fold.x_train) & rows(fold.x_val)
        np.testing.assert_array_equal(fold.x_test, whole.x_test)  # the test part stays
        assert abs(np.mean(fold.y_val) - np.mean(fold.y_train)) < 0.05  # stratified
        held.append(rows(fold.x_val))
    assert sum(len(h) for h in held) == len(training) and set().union(*held) == training
    again = experiment_data(CIRCLE.replace(fold=(3, 2)))
    np.testing.assert_array_equal(again.x_val, experiment_data(
        CIRCLE.replace(fold=(3, 2), val_fraction=0.1)).x_val)  # the part, not its draw
    other = experiment_data(CIRCLE.replace(seed=4, fold=(3, 2)))
    assert rows(other.x_val) != held[1]


def test_regression_folds_and_their_scaling_come_from_the_fold_alone():
    exp = Experiment(dataset="diabetes")
    whole, fold = experiment_data(exp), experiment_data(exp.replace(fold=(4, 1)))
    training = len(whole.x_train) + len(whole.x_val)
    assert len(fold.x_val) in (training // 4, training // 4 + 1)  # KFold's quarter
    np.testing.assert_allclose(fold.x_train.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(fold.y_train.mean(), 0, atol=1e-5)


@pytest.mark.parametrize("fold", [(1, 1), (11, 1), (3, 0), (3, 4), (3,), (True, 1),
                                  "2/3"])
def test_a_bad_fold_is_refused_naming_it(fold):
    with pytest.raises(ConfigError, match="Invalid `fold`"):
        CIRCLE.replace(fold=fold)


def test_a_fold_is_a_jobs_own_and_stays_out_of_links_and_json():
    exp = CIRCLE.replace(fold=(5, 2))
    assert exp.to_query() == CIRCLE.to_query() and exp.to_dict() == CIRCLE.to_dict()
    assert exp != CIRCLE and Experiment.from_json(exp.to_json()).fold is None


@pytest.mark.parametrize("k, message", [
    (1, "Invalid `k`: expected an integer from 2 to 10. Received: k=1. Pick k from 2 "
        "to 10"),
    (11, "Received: k=11. Pick k from 2 to 10"),
    (True, "Received: k=True"),
    (2.5, "Received: k=2.5"),
])
def test_a_k_out_of_range_is_refused_with_the_range_and_the_fix(k, message):
    with pytest.raises(ConfigError) as raised:
        check_folds(CIRCLE, k)
    assert message in str(raised.value)


def small_table(counts: dict[str, int], test: float = 0.05) -> Experiment:
    labels = [name for name, count in counts.items() for _ in range(count)]
    text = "x,label\n" + "".join(f"{i * 0.37:.2f},{label}\n"
                                 for i, label in enumerate(labels))
    token = uploads.register(text.encode(), "small.csv")
    return Experiment(dataset="csv", csv_name="small.csv", target="label",
                      upload=token, test_fraction=test, val_fraction=0.0)


def test_a_k_above_the_smallest_class_is_refused_with_the_class_and_the_fix():
    exp = small_table({"common": 20, "rare": 3})
    assert check_folds(exp, 3) == 3
    with pytest.raises(FoldError) as raised:
        check_folds(exp, 4)
    assert str(raised.value) == (
        "Class 'rare' has 3 rows in the training part, fewer than k = 4 folds: "
        "stratified folds keep every class in every fold. Pick k at most 3, or use "
        "more data or a smaller test share.")
    with pytest.raises(FoldError, match="Class 'rare' has 1 row in the training part"
                       ".* Use more data or a smaller test share."):
        check_folds(small_table({"common": 20, "rare": 2}, test=0.3), 2)


def test_a_dataset_with_fewer_rows_than_folds_is_refused():
    text = "x,y\n" + "".join(f"{i},{i * 2.5}\n" for i in range(7))
    token = uploads.register(text.encode(), "tiny.csv")
    exp = Experiment(dataset="csv", csv_name="tiny.csv", target="y", upload=token,
                     task="regression", test_fraction=0.3, val_fraction=0.0)
    with pytest.raises(FoldError, match="has 5 rows, fewer than k = 6 folds.*Pick k at "
                       "most 5"):
        check_folds(exp, 6)
    assert check_folds(exp, 5) == 5


def test_a_stored_csv_runs_kept_data_asks_for_its_file():
    exp = small_table({"a": 10, "b": 10})
    keep_dataset("kept-token", experiment_data(exp))
    kept = exp.replace(upload="kept-token")
    with pytest.raises(DataUnavailable, match="Upload the file small.csv"):
        check_folds(kept, 2)
    with pytest.raises(DataUnavailable):
        experiment_data(kept.replace(fold=(2, 1)))


def test_the_summary_is_the_mean_and_deviation_of_each_final_metric():
    finals = [{"val_loss": 0.5, "val_accuracy": 0.8, "loss": 0.4},
              {"val_loss": 0.7, "val_accuracy": 0.6, "loss": 0.3},
              None,  # a fold that did not complete
              {"val_loss": float("nan"), "val_accuracy": 0.7, "loss": 0.2}]
    summary = {s.metric: s for s in summarise(finals)}
    assert list(summary) == ["val_loss", "val_accuracy", "loss"]
    assert summary["val_loss"].mean == pytest.approx(0.6)
    assert summary["val_loss"].std == pytest.approx(np.std([0.5, 0.7]))
    assert summary["val_accuracy"].mean == pytest.approx(0.7)
    assert summary["val_accuracy"].values == (0.8, 0.6, None, 0.7)


def test_the_final_metrics_are_the_kept_epochs():
    result = TrainingResult(COMPLETED, "", {"loss": [3.0, 2.0, 1.0],
                                            "val_loss": [3.5, 1.5, 2.5],
                                            "learning_rate": [0.1] * 3}, 3,
                            best_epoch=2)
    assert final_metrics(result, CIRCLE) == {"loss": 1.0, "val_loss": 2.5}
    kept = CIRCLE.replace(early_stop_patience=1, restore_best="on")
    assert final_metrics(result, kept) == {"loss": 2.0, "val_loss": 1.5}


def test_the_fold_chart_draws_one_line_per_fold_and_their_mean():
    histories = [{"val_loss": [1.0, 0.8, 0.6], "val_accuracy": [0.5, 0.6, 0.7]},
                 {"val_loss": [1.2, 0.6], "val_accuracy": [0.4, 0.8]},
                 {}]  # still waiting
    figure = fold_curves_figure(histories, ("loss", "accuracy"), 3)
    names = [t.name for t in figure.data if t.xaxis == "x"]
    assert names == ["fold 1", "fold 2"]  # no mean before every fold has epochs
    histories[2] = {"val_loss": [1.1, 0.7, 0.5], "val_accuracy": [0.5, 0.5, 0.6]}
    figure = fold_curves_figure(histories, ("loss", "accuracy"), 3)
    loss = [t for t in figure.data if t.xaxis == "x"]
    assert [t.name for t in loss] == ["fold 1", "fold 2", "fold 3", "mean of the folds"]
    assert list(loss[-1].y) == pytest.approx([1.1, 0.7])  # the epochs all reached
    assert [a.text for a in figure.layout.annotations] == ["Validation: Loss",
                                                           "Validation: Accuracy"]
    assert mean_curve([[1.0, float("nan")], [2.0, 1.0]]) == [1.5, None]


@pytest.mark.workers
def test_three_folds_train_as_three_recorded_runs_and_the_mean_is_theirs(pool):
    from playground.runs import open_store
    from playground.runs.recorder import submit_and_record

    store = open_store()
    exp = Experiment(dataset="xor", samples=90, epochs=3, batch_size=16, seed=5)

    def submit(experiment, name):
        return submit_and_record(pool, experiment, store=store, name=name)[0]

    validation = CrossValidation(exp, 3, submit).start()
    assert validation.wait(180)
    assert [h.status for h in validation.handles] == [COMPLETED] * 3
    records = [store.load(h.id) for h in validation.handles]
    assert [r.name for r in records] == [
        f"Cross-validation {validation.id} · fold {i}/3" for i in (1, 2, 3)]
    assert [r.status for r in records] == [COMPLETED] * 3
    # Each run validated on its own fold: disjoint parts that cover the training part.
    whole = experiment_data(exp)
    held = [rows(experiment_data(h.experiment).x_val) for h in validation.handles]
    assert [h.experiment.fold for h in validation.handles] == [(3, 1), (3, 2), (3, 3)]
    assert not (held[0] & held[1] or held[0] & held[2] or held[1] & held[2])
    assert set().union(*held) == rows(np.concatenate([whole.x_train, whole.x_val]))
    # The reported mean is the mean of the three stored runs' final metrics.
    summary = {s.metric: s for s in validation.summary()}
    for metric in ("val_loss", "val_accuracy", "loss", "accuracy"):
        finals = [r.history[metric][-1] for r in records]
        assert summary[metric].mean == pytest.approx(np.mean(finals))
        assert summary[metric].std == pytest.approx(np.std(finals))
    assert validation.as_dict()["counted"] == 3


def test_the_command_line_refuses_a_bad_k_before_any_training(capsys):
    from playground.cli import main

    assert main(["crossval", "xor", "--k", "11"]) == 2
    assert "Invalid `k`: expected an integer from 2 to 10. Received: k=11." in (
        capsys.readouterr().err)


@pytest.mark.workers
def test_the_command_line_prints_each_fold_and_the_mean(capsys):
    import json

    from playground.cli import main

    code = main(["crossval", "dataset=xor&n=90&epochs=2&batch=30", "--k", "2",
                 "--json", "--no-save"])
    out = capsys.readouterr().out.strip().splitlines()
    assert code == 0
    assert [line.split("  ")[:2] for line in out[:2]] == [["fold 1/2", "completed"],
                                                         ["fold 2/2", "completed"]]
    report = json.loads(out[-1])
    assert report["k"] == 2 and report["counted"] == 2
    finals = [fold["metrics"]["val_loss"] for fold in report["folds"]]
    assert report["summary"]["val_loss"]["mean"] == pytest.approx(np.mean(finals))
    assert report["summary"]["val_loss"]["std"] == pytest.approx(np.std(finals))


@pytest.mark.workers
def test_stop_ends_every_fold_and_nothing_is_summed_up(pool):
    exp = Experiment(dataset="xor", samples=200, epochs=2000, batch_size=1)
    validation = CrossValidation(exp, 3, lambda e, name: pool.submit(e)).start()
    validation.stop()
    assert validation.wait(120)
    assert [h.status for h in validation.handles] == ["stopped"] * 3
    assert validation.summary() == [] and validation.counted() == 0
