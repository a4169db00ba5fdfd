"""Lessons without a store: the lesson's checks, locks, limits, goals, tokens
and its text made safe."""

from __future__ import annotations

import json

import pytest

from playground.config import Experiment
from playground.fields import ConfigError, ConfigErrors
from playground.lessons import (
    Lesson,
    Limits,
    apply_lesson,
    goal_met,
    goal_progress,
    limit_problems,
    parse_goal,
    trainable_params,
)
from playground.lessons.students import check_name, free_name
from playground.lessons.errors import NameRefused
from playground.lessons.tokens import new_teacher_token, token_hash, token_matches
from playground.model.layers import LayerSpec

SPIRAL = Experiment(dataset="spiral", learning_rate=0.03, epochs=50)


def dense(*units, activation="tanh"):
    return tuple(LayerSpec.make("dense", units=u, activation=activation) for u in units)


def lesson(**changes):
    fields = dict(title="Spirals", experiment=SPIRAL, text="Find a **small** net.",
                  locked=("learning_rate", "dataset"), hidden=("search", "optimizer"),
                  limits=Limits(epochs=100, layers=4, units=16, params=400),
                  goal="val_accuracy>=0.9")
    return Lesson(**{**fields, **changes})


# -- the lesson itself ---------------------------------------------------------

def test_a_lesson_round_trips_through_plain_json():
    made = lesson(limits=Limits(epochs=100, datasets=("spiral", "xor")))
    data = json.loads(json.dumps(made.to_dict()))
    assert data["goal"] == "val_accuracy>=0.9" and data["limits"] == {
        "epochs": 100, "datasets": ["spiral", "xor"]}
    assert Lesson.from_dict(data) == made
    assert len(made.id) == 22 and made.id != lesson().id


@pytest.mark.parametrize("changes, fragment", [
    (dict(locked=("learning_rate", "speed")), "Invalid `locked`: expected names among"),
    (dict(hidden=("train", "secrets")), "Received: hidden='secrets'"),
    (dict(title="  "), "Invalid `title`"),
    (dict(title="a\nb"), "Invalid `title`"),
    (dict(goal="val_accuracy=0.9"), "Put >= (at least) or <= (at most)"),
    (dict(limits=Limits(layers=1)), "2 layers; this lesson allows at most 1."),
    (dict(experiment=SPIRAL.replace(dataset="csv")), "pick a built-in dataset"),
    (dict(goal="val_mae<=0.3"), "logged for regression tasks only"),
    (dict(text="x" * 20_001), "Shorten the lesson's text."),
])
def test_a_bad_lesson_is_refused_with_the_value_and_the_fix(changes, fragment):
    with pytest.raises((ConfigError, ConfigErrors)) as caught:
        lesson(**changes, **({} if "limits" in changes else {"limits": Limits()}))
    assert fragment in str(caught.value)


def test_a_lesson_file_with_unknown_keys_and_bad_values_lists_them_all():
    data = lesson().to_dict()
    data.update(colour="red", limits={"epochs": 0, "depth": 3})
    with pytest.raises(ConfigErrors) as caught:
        Lesson.from_dict(data)
    text = str(caught.value)
    assert "Received: lesson key='colour'" in text and "'depth'" in text
    with pytest.raises(ConfigErrors, match="Invalid `limit epochs`.*Received: "
                       "limit epochs=0. Pick a whole number from 1 to 2000"):
        Lesson.from_dict({**lesson().to_dict(), "limits": {"epochs": 0}})
    with pytest.raises(ConfigErrors, match="The lesson needs a title"):
        Lesson.from_dict({"experiment": SPIRAL.to_dict()})


def test_hidden_fields_are_fixed_like_locked_ones_and_pages_are_not():
    made = lesson()
    assert made.fixed_fields == ("learning_rate", "dataset", "optimizer")
    assert made.is_hidden("search") and not made.is_hidden("train")
    assert made.is_locked("optimizer") and not made.is_locked("epochs")


# -- locks and limits ----------------------------------------------------------

def test_a_locked_field_in_a_link_is_put_back_with_a_notice():
    asked = SPIRAL.replace(learning_rate=0.1, epochs=80, optimizer="adam")
    applied, notices = apply_lesson(lesson(), asked)
    assert applied == asked.replace(learning_rate=0.03, optimizer="sgd")
    assert applied.epochs == 80  # not locked: the link's value stays
    assert notices == [
        "`learning_rate` is locked by the lesson at 0.03; the link's 0.1 was ignored.",
        "`optimizer` is set by the lesson at sgd; the link's adam was ignored."]
    same, none = apply_lesson(lesson(), SPIRAL.replace(epochs=80))
    assert same == SPIRAL.replace(epochs=80) and none == []


def test_a_link_that_cannot_be_combined_with_the_locks_opens_the_lesson():
    made = lesson(experiment=SPIRAL.replace(val_fraction=0.3, test_fraction=0.3),
                  locked=("val_fraction",))
    applied, notices = apply_lesson(made, SPIRAL.replace(val_fraction=0.1,
                                                         test_fraction=0.4))
    assert applied == made.experiment
    assert notices and "the lesson's own experiment was opened" in notices[0]


def test_each_exceeded_limit_is_named_with_its_value_and_the_limit():
    made = lesson(locked=(), hidden=())
    asked = Experiment(dataset="xor", epochs=300, layers=dense(8, 32, 4, 4, 4),
                       optimizer="adam")
    problems = limit_problems(made, asked)
    assert problems == [
        "300 epochs; this lesson allows at most 100.",
        "5 layers; this lesson allows at most 4.",
        "Layer 2 (Dense) has 32 units; this lesson allows at most 16 per layer.",
        # 2-8-32-4-4-4-1: 24 + 288 + 132 + 20 + 20 + 5
        "489 trainable parameters; this lesson allows at most 400."]
    only = lesson(limits=Limits(datasets=("spiral",)), locked=())
    assert limit_problems(only, SPIRAL.replace(dataset="gauss")) == [
        "The dataset gauss is not one of this lesson's: spiral."]
    assert limit_problems(made, SPIRAL) == []


def test_trainable_parameters_match_keras_counting_without_tensorflow():
    # 2 inputs -> 8 -> 4 -> 1: (2*8+8) + (8*4+4) + (4+1) = 65
    assert trainable_params(Experiment(dataset="xor", layers=dense(8, 4))) == 65
    batchnorm = (LayerSpec.make("dense", units=8, activation="relu"),
                 LayerSpec.make("batchnorm"))
    # BatchNormalization trains gamma and beta (2 x 8), not its moving statistics
    assert trainable_params(Experiment(dataset="xor", layers=batchnorm)) == 24 + 16 + 9
    assert trainable_params(Experiment(dataset="csv", csv_name="x.csv")) is None


@pytest.mark.parametrize("items, fragment", [
    (["epochs=many"], "Received: limit epochs='many'"),
    (["depth=3"], "NAME=MAX with NAME one of epochs, layers, units, params, datasets"),
    (["epochs=5", "epochs=6"], "Give `epochs` only once."),
    (["datasets=spiral,atlantis"], "Invalid `limit datasets`"),
    (["layers=17"], "Pick a whole number from 0 to 16"),
])
def test_limits_written_on_the_command_line_are_checked(items, fragment):
    with pytest.raises((ConfigError, ConfigErrors)) as caught:
        Limits.parse(items)
    assert fragment in str(caught.value)


def test_limits_read_from_the_command_line():
    limits = Limits.parse(["epochs=50", "units = 8".replace(" ", ""),
                           "datasets=spiral, xor"])
    assert (limits.epochs, limits.units, limits.datasets) == (50, 8, ("spiral", "xor"))
    assert not Limits() and limits


# -- goals -----------------------------------------------------------------------

def test_goals_are_read_with_their_direction():
    goal = parse_goal(" val_accuracy >= 0.9 ")
    assert (goal.metric, goal.operator, goal.threshold, goal.test_metric) == (
        "val_accuracy", ">=", 0.9, "accuracy")
    assert goal_met(goal, 0.9) and not goal_met(goal, 0.89)
    loss = parse_goal("val_loss<=0.3")
    assert goal_met(loss, 0.25) and not goal_met(loss, 0.31)
    assert not goal_met(loss, float("nan")) and not goal_met(loss, None)
    assert str(parse_goal("mae ≤ 2.5")) == "mae<=2.5"


@pytest.mark.parametrize("text, fragment", [
    ("val_acuracy>=0.9", "Use one of these metrics: val_accuracy, val_loss"),
    ("val_accuracy 0.9", "Put >= (at least) or <= (at most)"),
    ("val_accuracy>0.9", "Put >= (at least) or <= (at most)"),
    ("val_accuracy>=high", "Write the value as a plain number"),
    ("val_accuracy>=nan", "Write the value as a plain number"),
    ("val_accuracy>=1e999", "Write the value as a plain number"),
    ("val_accuracy<=0.9", "Higher val_accuracy is better: write val_accuracy>=0.9."),
    ("val_loss>=0.3", "Lower val_loss is better: write val_loss<=0.3."),
    ("val_accuracy>=90", "Accuracy is a share"),
    ("loss<=-1", "loss is never below 0"),
    ("0.9<=val_accuracy", "Start with the metric's name"),
    ("", "Start with the metric's name"),
])
def test_a_bad_goal_says_what_a_goal_looks_like_and_the_fix(text, fragment):
    with pytest.raises(ConfigError) as caught:
        parse_goal(text)
    message = str(caught.value)
    assert message.startswith("Invalid `goal`: expected a metric, >= or <=, and a "
                              "number, such as val_accuracy>=0.9. Received: goal=")
    assert fragment in message


def test_goal_progress_follows_the_history():
    goal = parse_goal("val_accuracy>=0.9")
    progress = goal_progress(goal, {"val_accuracy": [0.5, float("nan"), 0.92, 0.95, 0.7]})
    assert (progress.best, progress.best_epoch, progress.met_epoch, progress.fraction) \
        == (0.95, 4, 3, 1.0)
    halfway = goal_progress(parse_goal("val_loss<=0.2"), {"val_loss": [0.8, 0.4]})
    assert (halfway.best, halfway.met, halfway.fraction) == (0.4, False, 0.5)
    assert goal_progress(goal, {}).best is None


# -- names and tokens ----------------------------------------------------------

def test_student_names_are_trimmed_checked_and_given_a_free_alternative():
    assert check_name("  Ana   Lopes ") == "Ana Lopes"
    for bad, fragment in (("   ", "Type a name"), ("a" * 41, "at most 40 characters"),
                          ("Ana\nBob", "one line of plain characters"),
                          ("Ana\u200b", "invisible"), (7, "A name is text")):
        with pytest.raises(NameRefused, match=fragment):
            check_name(bad)
    assert free_name("Ana", ["ana", "ANA 2"]) == "Ana 3"
    assert free_name("Ana 2", ["Ana 2"]) == "Ana 3"
    assert free_name("x" * 40, ["x" * 40]) == "x" * 38 + " 2"


def test_a_teacher_token_matches_only_itself():
    token = new_teacher_token()
    stored = token_hash(token)
    assert len(token) >= 32 and len(stored) == 64 and token not in stored
    assert token_matches(token, stored)
    for wrong in (new_teacher_token(), token[:-1], "", None, 12, token + "x" * 100):
        assert not token_matches(wrong, stored)
