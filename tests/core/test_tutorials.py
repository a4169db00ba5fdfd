"""The built-in tutorials: their steps, predictions, checks and progress."""

import pytest

from playground.i18n import use_language
from playground.lessons.tutorials import (
    TUTORIALS,
    Check,
    Prediction,
    Progress,
    outcome,
    verdict,
)
from playground.model.checks import check_experiment

IDS = ["tutorial-mnist-mlp", "tutorial-cifar10-cnn", "tutorial-imdb-lstm",
       "tutorial-iris-mlp", "tutorial-house-prices"]


def ways():
    """Each tutorial, with its stand-in data too where it has one."""
    for made in TUTORIALS.values():
        yield pytest.param(made, False, id=made.id)
        if made.stand_in:
            yield pytest.param(made, True, id=f"{made.id}-offline")


def test_the_five_tutorials_have_unique_ids_and_several_steps():
    assert list(TUTORIALS) == IDS
    for made in TUTORIALS.values():
        assert len(made.steps) >= 4
        assert len({step.title for step in made.steps}) == len(made.steps)
        assert made.steps[0].change is not None  # the first step loads the start
        assert any(step.check is not None for step in made.steps)
        assert any(step.prediction is not None for step in made.steps)
    assert [t.id for t in TUTORIALS.values() if t.download is None] == [
        "tutorial-iris-mlp", "tutorial-house-prices"]
    assert TUTORIALS["tutorial-mnist-mlp"].stand_in == "digits"


@pytest.mark.parametrize("made, stand_in", ways())
def test_every_step_applies_to_a_valid_experiment_and_twice_changes_nothing(made,
                                                                            stand_in):
    exp = made.experiment_after(0, stand_in)
    for index in range(len(made.steps)):
        exp = made.apply(index, exp, stand_in)
        check_experiment(exp)  # raises on a stack that does not fit its data
        assert made.apply(index, exp, stand_in) == exp  # idempotent
        assert exp == made.experiment_after(index, stand_in)
        if stand_in:
            assert exp.dataset == "digits"
    assert made.experiment_before(0) == made.experiment_after(0)


def test_the_steps_change_what_they_say():
    iris = TUTORIALS["tutorial-iris-mlp"]
    assert iris.experiment_after(2).epochs == 50
    assert [l.describe() for l in iris.experiment_after(4).layers] == ["Dense(8, relu)"]
    assert iris.experiment_after(5).learning_rate == 0.01
    house = TUTORIALS["tutorial-house-prices"].experiment_after(4)
    assert [l.kind for l in house.layers] == ["dense", "dropout", "dense"]
    assert (house.early_stop_patience, house.restore_best) == (10, "on")
    mnist = TUTORIALS["tutorial-mnist-mlp"]
    assert mnist.experiment_after(4).dataset == "mnist-seven"
    assert not mnist.step_available(4, stand_in=True)
    assert mnist.experiment_after(4, stand_in=True).dataset == "digits"


def texts(made):
    yield made.title
    yield made.summary
    for step in made.steps:
        yield from (step.title, step.text)
        if step.change_text:
            yield step.change_text
        if step.prediction is not None:
            yield step.prediction.question


@pytest.mark.parametrize("made", TUTORIALS.values(), ids=list(TUTORIALS))
def test_every_text_is_in_english_and_in_chinese(made):
    from playground.i18n import tr

    for text in texts(made):
        assert text.strip()
        with use_language("zh"):
            chinese = tr(text)
        assert chinese != text and any("\u4e00" <= c <= "\u9fff" for c in chinese), text
    with use_language("zh"):
        for step in made.steps:
            if step.check is not None:
                assert any("\u4e00" <= c <= "\u9fff" for c in step.check.describe())
            if step.prediction is not None:
                for choice in step.prediction.choices:
                    assert any("\u4e00" <= c <= "\u9fff"
                               for c in step.prediction.label(choice))


def test_a_goal_check_passes_and_fails_with_its_numbers():
    check = Check("val_accuracy>=0.9")
    passed = verdict(check, {"val_accuracy": [0.6, 0.91, 0.95]})
    assert passed.passed and "epoch 2" in passed.text and "0.95" in passed.text
    failed = verdict(check, {"val_accuracy": [0.6, 0.85, 0.8]})
    assert not failed.passed and "0.85" in failed.text and "epoch 2" in failed.text
    assert not verdict(check, {"loss": [1.0]}).passed
    lower = verdict(Check("val_mae<=0.35"), {"val_mae": [0.6, 0.3]})
    assert lower.passed
    with pytest.raises(Exception, match="Higher"):
        Check("val_accuracy<=0.9")


def overfitting_history(epochs=20):
    loss = [1.0 / (e + 1) for e in range(epochs)]
    val = [0.5 - 0.04 * e if e < 6 else 0.3 + 0.05 * (e - 6) for e in range(epochs)]
    return {"loss": loss, "val_loss": val}


def test_a_doctor_check_passes_only_when_the_doctor_finds_nothing():
    check = Check(doctor_clear="overfitting")
    bad = verdict(check, overfitting_history())
    assert not bad.passed and "overfitting" in bad.text
    healthy = {"loss": [1.0 - 0.03 * e for e in range(20)],
               "val_loss": [1.05 - 0.03 * e for e in range(20)]}
    good = verdict(check, healthy)
    assert good.passed and "20 epochs" in good.text and "0.48" in good.text
    short = verdict(check, {"loss": [1.0, 0.9], "val_loss": [1.0, 0.95]})
    assert not short.passed and "at least 10" in short.text


def test_a_prediction_is_compared_with_what_happened():
    rise = Prediction("How will it move?", "val_accuracy")
    assert rise.choices == ("up", "down", "same")
    seen = outcome(rise, {"val_accuracy": [0.5, 0.9]}, {"val_accuracy": [0.7]})
    assert seen.happened == "up" and seen.right("up") and not seen.right("down")
    assert "0.7" in seen.text and "0.9" in seen.text
    assert outcome(rise, {"val_accuracy": [0.702]}, {"val_accuracy": [0.7]}).happened \
        == "same"
    assert outcome(rise, {"val_accuracy": [0.6]}, {"val_accuracy": [0.7]}).happened \
        == "down"
    alone = outcome(rise, {"val_accuracy": [0.9]})
    assert alone.happened is None and alone.right("up") is None
    line = Prediction("Where will it end?", "val_accuracy", 0.9)
    assert line.choices == ("above", "below")
    assert outcome(line, {"val_accuracy": [0.95]}).happened == "above"
    assert outcome(line, {"val_accuracy": [0.5, float("nan")]}).happened == "below"


def test_progress_keeps_the_runs_of_the_steps_and_reads_back():
    progress = Progress("tutorial-iris-mlp", step=2)
    progress.runs[2] = "run-a"
    progress.go(4)
    assert progress.number == 5 and progress.previous_run() == "run-a"
    progress.go(99)
    assert progress.step == 5
    progress.answers[4], progress.passed[2] = "up", True
    assert Progress.from_dict(progress.to_dict()) == progress
    with pytest.raises(KeyError):
        Progress("tutorial-none")


def test_a_check_on_a_real_short_run():
    from playground.training.loop import run_training

    iris = TUTORIALS["tutorial-iris-mlp"]
    step = iris.steps[2]
    trained = run_training(iris.experiment_after(2).replace(epochs=30))
    assert trained.status == "completed"
    assert verdict(step.check, trained.history).passed
    once = run_training(iris.experiment_after(4).replace(epochs=1))
    judged = verdict(step.check, once.history)
    assert not judged.passed and "Not yet" in judged.text


def test_the_panels_table_gives_four_decimals_and_says_when_figures_are_standardised():
    from playground.lessons.tutorials.judging import comparison_rows

    history = {"val_accuracy": [0.8, 1.0], "accuracy": [0.9, 0.97916]}
    assert comparison_rows(history, None) == [("val_accuracy", "–", "1.0000"),
                                              ("accuracy", "–", "0.9792")]
    regression = {"val_mae": [0.3, 0.2004], "mae": [0.2, 0.1318]}
    rows = comparison_rows(regression, {"val_mae": [0.25], "mae": [0.2]}, standardised=True)
    assert rows[0] == ("val_mae (standardised)", "0.2500", "0.2004")
