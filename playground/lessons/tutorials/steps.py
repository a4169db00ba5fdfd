"""What a guided tutorial is made of: steps, predictions and checks.

A `Tutorial` starts from a preset and walks through `Step`s. Each step says,
in the app's own words, what to do and why (`title`, `text`: English marked
for the catalog, shown through `tr`), which page it happens on, and the
change it makes to the experiment: a plain function from one `Experiment`
to the next, written with `Experiment.replace` and `LayerSpec.make` (see the
edit helpers below; each is idempotent, so applying a step twice changes
nothing more). A step where the learner trains may ask for a `Prediction`
before training and carry a `Check` on the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from playground.config import Experiment
from playground.fields import format_number
from playground.i18n import mark, tr
from playground.lessons.goal import METRICS, Goal, parse_goal
from playground.model.layers import LayerSpec
from playground.presets import PRESETS

Change = Callable[[Experiment], Experiment]
"""A step's edit: the experiment before the step to the one after it."""

PAGE_TITLES = {"data": mark("Data"), "model": mark("Model"), "train": mark("Train"),
               "inspect": mark("Inspect"), "evaluate": mark("Evaluate")}
"""The pages a step can happen on, by the name in their address, and their titles."""
PAGES = tuple(PAGE_TITLES)
RULE_NAMES = {"overfitting": mark("overfitting"), "flat": mark("a flat loss"),
              "diverged": mark("a diverging loss"),
              "vanishing": mark("vanishing gradients"),
              "exploding": mark("exploding gradients"), "dead_relu": mark("dead ReLUs")}
"""The training doctor's rules a check can name, as the learner reads them."""
DOCTOR_RULES = tuple(RULE_NAMES)
UP, DOWN, SAME, ABOVE, BELOW = "up", "down", "same", "above", "below"


# -- edits -------------------------------------------------------------------

def use_preset(name: str) -> Change:
    """Starts over from a preset's experiment."""
    start = PRESETS[name].experiment
    return lambda _exp: start


def set_fields(**changes) -> Change:
    """Sets experiment fields (`learning_rate=0.01`), through `replace`."""
    return lambda exp: exp.replace(**changes)


def insert_after(kind: str, layer: LayerSpec) -> Change:
    """Puts `layer` after the first layer of `kind` (`"dense"`); when a layer
    of `layer`'s kind is already there, it is replaced instead, so the edit
    can be applied twice. Without such a layer the stack is left as it is."""
    def edit(exp: Experiment) -> Experiment:
        layers = list(exp.layers)
        where = next((i for i, spec in enumerate(layers) if spec.kind == kind), None)
        if where is None:
            return exp
        after = where + 1
        if after < len(layers) and layers[after].kind == layer.kind:
            layers[after] = layer
        else:
            layers.insert(after, layer)
        return exp.replace(layers=tuple(layers))
    return edit


def set_layers(*layers: LayerSpec) -> Change:
    """Replaces the hidden layers (or a graph) with a stack of these."""
    return lambda exp: exp.replace(layers=tuple(layers), graph=())  # a stack


def both(*changes: Change) -> Change:
    """Several edits, one after the other."""
    def edit(exp: Experiment) -> Experiment:
        for change in changes:
            exp = change(exp)
        return exp
    return edit


# -- predictions and checks --------------------------------------------------

@dataclass(frozen=True)
class Prediction:
    """A question the learner answers before training, compared after.

    Without a `threshold` it asks how `metric` will move from the previous
    step's run (up, down, about the same); with one, which side of the
    threshold the run will end on.

    Attributes:
        question: The question, English marked for the catalog.
        metric: A metric Keras logs per epoch (`val_accuracy`, `val_loss`).
        threshold: The line for an above/below question, or None.
    """

    question: str
    metric: str
    threshold: float | None = None

    def __post_init__(self):
        if self.metric not in METRICS:
            raise ValueError(f"metric {self.metric!r} is not one of {METRICS}")

    @property
    def choices(self) -> tuple[str, ...]:
        return (UP, DOWN, SAME) if self.threshold is None else (ABOVE, BELOW)

    def label(self, choice: str) -> str:
        """A choice as the learner reads it."""
        if choice == ABOVE:
            return tr("{metric} ends at {value} or above", metric=self.metric,
                      value=format_number(self.threshold))
        if choice == BELOW:
            return tr("{metric} ends below {value}", metric=self.metric,
                      value=format_number(self.threshold))
        return {UP: tr("{metric} goes up", metric=self.metric),
                DOWN: tr("{metric} goes down", metric=self.metric),
                SAME: tr("{metric} stays about the same", metric=self.metric)}[choice]


@dataclass(frozen=True)
class Check:
    """What a step's run should show: a metric goal (`val_accuracy>=0.9`,
    read with `parse_goal`), or that the training doctor no longer reports
    a problem (`doctor_clear="overfitting"`)."""

    goal: Goal | str | None = None
    doctor_clear: str | None = None

    def __post_init__(self):
        if isinstance(self.goal, str):
            object.__setattr__(self, "goal", parse_goal(self.goal))
        if (self.goal is None) == (self.doctor_clear is None):
            raise ValueError("a check has either a goal or a doctor rule")
        if self.doctor_clear is not None and self.doctor_clear not in DOCTOR_RULES:
            raise ValueError(f"unknown doctor rule {self.doctor_clear!r}")

    def describe(self) -> str:
        if self.goal is not None:
            return tr("Check: `{goal}` during the run.", goal=str(self.goal))
        return tr("Check: the training doctor does not report {rule}.",
                  rule=self.rule_name)

    @property
    def rule_name(self) -> str:
        """The doctor rule, as the learner reads it ("overfitting")."""
        return tr(RULE_NAMES[self.doctor_clear]) if self.doctor_clear else ""


# -- steps and tutorials -------------------------------------------------------

@dataclass(frozen=True)
class Step:
    """One step of a tutorial.

    Attributes:
        title: A few words, English marked for the catalog.
        text: What to do and why, Markdown, English marked for the catalog.
        page: Where it happens, one of `PAGES`.
        change: The edit it makes to the experiment, or None.
        change_text: The edit in words ("Adds Dropout(0.3) after the first
            Dense layer"), marked for the catalog; needed with `change`.
        prediction: The question to answer before training, or None.
        check: What the step's run should show, or None.
        offline: Whether the step works with the tutorial's offline
            stand-in data (False: it needs the downloaded dataset itself).
    """

    title: str
    text: str
    page: str
    change: Change | None = None
    change_text: str = ""
    prediction: Prediction | None = None
    check: Check | None = None
    offline: bool = True

    def __post_init__(self):
        if self.page not in PAGES:
            raise ValueError(f"page {self.page!r} is not one of {PAGES}")
        if (self.change is None) != (not self.change_text):
            raise ValueError(f"step {self.title!r}: a change needs its text, and "
                             "a text its change")

    @property
    def trains(self) -> bool:
        """Whether the learner trains in this step (it asks or checks)."""
        return self.prediction is not None or self.check is not None


@dataclass(frozen=True)
class Tutorial:
    """A guided walk through one classic Keras tutorial.

    Attributes:
        id: `tutorial-...`, the `tutorial=` value of its links.
        title: Its name, English marked for the catalog.
        summary: One line saying what it teaches.
        steps: Its steps, in order.
        download: The `keras.datasets` set its data comes from, or None
            when it runs offline.
        stand_in: A dataset the app ships that can stand in for the
            download (`"digits"` for MNIST), or None.
    """

    id: str
    title: str
    summary: str
    steps: tuple[Step, ...]
    download: str | None = None
    stand_in: str | None = None

    def __post_init__(self):
        if not self.id.startswith("tutorial-") or not self.steps:
            raise ValueError(f"tutorial {self.id!r}: an id tutorial-... and steps")

    def step_available(self, index: int, stand_in: bool) -> bool:
        """Whether step `index` can be done with the chosen data."""
        return not stand_in or self.steps[index].offline

    def apply(self, index: int, exp: Experiment, stand_in: bool = False) -> Experiment:
        """`exp` after step `index`'s change (unchanged without one); with
        `stand_in`, the downloaded dataset is swapped for the stand-in."""
        step = self.steps[index]
        if step.change is None or not self.step_available(index, stand_in):
            return exp
        changed = step.change(exp)
        if stand_in and self.stand_in and changed.dataset == self.download:
            changed = changed.replace(dataset=self.stand_in)
        return changed

    def experiment_after(self, index: int, stand_in: bool = False) -> Experiment:
        """The tutorial's own experiment once steps 0..`index` are done."""
        exp = self.apply(0, Experiment(), stand_in)
        for number in range(1, index + 1):
            exp = self.apply(number, exp, stand_in)
        return exp

    def experiment_before(self, index: int, stand_in: bool = False) -> Experiment:
        """The tutorial's own experiment where step `index` begins (its
        first step's change already made: that step starts the tutorial)."""
        return self.experiment_after(max(index - 1, 0), stand_in)
