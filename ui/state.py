"""Per-browser-session state: the experiment, the training job, messages.

Everything a user owns lives in `st.session_state`, never in module globals
or `st.cache_resource`, so two students on one server never share a model.
The experiment is the single source of truth; widgets are drawn from it and
write back to it through `update`.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from playground.config import Experiment
from playground.datasets import DATASETS
from playground.fields import ConfigError, ConfigErrors
from playground.i18n import tr
from playground.presets import default_experiment
from ui import claims
from ui.user_text import escape_markdown

EXPERIMENT = "experiment"
REVISION = "experiment_revision"
JOB = "training_job"
PREVIOUS_JOB = "previous_job"
NOTICES = "notices"


def experiment() -> Experiment:
    if EXPERIMENT not in st.session_state:
        st.session_state[EXPERIMENT] = default_experiment()
    return st.session_state[EXPERIMENT]


def revision() -> int:
    """Bumped whenever the experiment is replaced from outside its widgets,
    so that widget keys change and the widgets redraw from the experiment."""
    return st.session_state.get(REVISION, 0)


def replace_experiment(exp: Experiment) -> None:
    """Replaces the whole experiment (preset, URL, reset) and resets widgets."""
    st.session_state[EXPERIMENT] = _within_lesson(exp)
    st.session_state[REVISION] = revision() + 1


def _within_lesson(exp: Experiment) -> Experiment:
    """`exp` with the fields a lesson fixes put back (`ui.lesson`): no widget,
    preset or link changes what the teacher locked."""
    lesson = st.session_state.get("lesson")
    if lesson is None:
        return exp
    from playground.lessons import apply_lesson

    return apply_lesson(lesson, exp)[0]


DATA_FIELDS = ("dataset", "target", "task", "upload", "images")
"""Fields whose change can change the task or the input's shape, and so
which losses and which first layers fit."""


def update(**changes: Any) -> bool:
    """Applies widget changes; on a bad value keeps the old experiment,
    resets the widgets to it, and queues the message. A chosen loss that
    no longer fits the task after a data change goes back to auto."""
    try:
        exp = experiment().replace(**changes)
    except (ConfigError, ConfigErrors) as error:
        notify(str(error), "error")
        st.session_state[REVISION] = revision() + 1
        return False
    if set(changes) & set(DATA_FIELDS):
        exp = fitted_to_data(exp)
    st.session_state[EXPERIMENT] = _within_lesson(exp)
    return True


def fitted_to_data(exp: Experiment) -> Experiment:
    """`exp` after a change of data: a loss or a chosen output layer that no
    longer fits the task goes back to auto, data augmentation is switched off
    for data that is not images, and a Dense stack meeting images gets a
    Flatten layer first; each change is announced at the top of the page."""
    from playground.config import AUTO
    from playground.datasets.errors import CsvError, DataUnavailable
    from playground.datasets.source import dataset_info
    from playground.model.image_inputs import with_flatten_for_images
    from playground.registry import LOSSES, task_label

    try:
        info = dataset_info(exp)
    except (DataUnavailable, CsvError):  # not known yet: checked at Train
        return exp
    if exp.loss != AUTO and info.task not in LOSSES[exp.loss].tasks:
        notify(tr("{loss} does not fit a {task} task, so the loss is back on auto (the "
                  "loss that fits the task).", loss=tr(LOSSES[exp.loss].label),
                  task=task_label(info.task)), "info")
        exp = exp.replace(loss=AUTO)
        st.session_state[REVISION] = revision() + 1  # the loss box redraws
    if exp.output is not None and not _output_fits(exp):
        notify(tr("The output layer you chose ({layer}) does not fit the new data, so it "
                  "is back on auto (it follows the task).", layer=exp.output.describe()),
               "info")
        exp = exp.replace(output=None)
        st.session_state[REVISION] = revision() + 1  # the output controls redraw
    if exp.augment and info.input_kind != "image":
        notify(tr("Data augmentation transforms images, and the new data is not "
                  "images, so it was switched off."), "info")
        exp = exp.replace(augment=())
        st.session_state[REVISION] = revision() + 1  # the augmentation box redraws
    flattened = with_flatten_for_images(exp, tuple(info.input_shape))
    if flattened is not None:
        shape = "×".join(map(str, info.input_shape))
        notify(tr("The data is now {shape} images and Dense layers read flat vectors, "
                  "so a Flatten layer was put first (as Keras' MNIST MLP does). For a "
                  "network that sees the pixels' layout, build Conv2D layers on the "
                  "Model page.", shape=shape), "info")
        exp = flattened
        st.session_state[REVISION] = revision() + 1  # the layer editor redraws
    return exp


def _output_fits(exp: Experiment) -> bool:
    """Whether a chosen output layer still fits the data (units, activation)."""
    from playground.model.checks import check_experiment, output_index
    from playground.model.shapes import StackError

    try:
        check_experiment(exp)
    except StackError as error:
        return error.index != output_index(exp)  # the output layer is last
    return True


def notify(message: str, kind: str = "warning", details: tuple[str, ...] = ()) -> None:
    """Queues a message for the top of the page; `details` become bullets."""
    st.session_state.setdefault(NOTICES, []).append((kind, message, tuple(details)))


NOTICE_ICONS = {"warning": ":material/warning:", "error": ":material/error:",
                "success": ":material/check_circle:"}


def show_notices() -> None:
    """Draws and clears the queued messages, escaped so that user text
    (a crafted URL, a file name) cannot render as links or images."""
    for kind, message, details in st.session_state.pop(NOTICES, []):
        text = "\n".join([escape_markdown(message), "",
                          *(f"- {escape_markdown(d)}" for d in details)])
        getattr(st, kind)(text, icon=NOTICE_ICONS.get(kind))


def job():
    """The session's current training job handle, or None."""
    held = st.session_state.get(JOB)
    if held is not None and not held.done:
        claims.keep_claim()  # a polling page keeps its session's jobs alive
    return held


def set_job(value) -> None:
    """Makes `value` the session's job; an ended one before it becomes the
    previous run, which the Train page can draw for comparison."""
    held = st.session_state.get(JOB)
    if held is not None and held.done and held is not value:
        st.session_state[PREVIOUS_JOB] = held
    st.session_state[JOB] = value


def previous_job():
    """The session's run before the current one, once it has ended; or None."""
    return st.session_state.get(PREVIOUS_JOB)


def data_problem(exp: Experiment, load: bool = True) -> str | None:
    """Why the experiment's data cannot be used now (not downloaded, not
    uploaded, a CSV option that does not fit), or None when it can."""
    from playground.datasets.errors import CsvError, DataUnavailable
    from playground.datasets.source import dataset_info, experiment_data

    try:
        dataset_info(exp)
        if load and DATASETS[exp.dataset].source == "keras":
            experiment_data(exp)  # a download can fail; it is cached once it works
    except (DataUnavailable, CsvError) as error:
        return escape_markdown(str(error))
    return None


def data_ready(exp: Experiment) -> bool:
    """True when the experiment's data can be used; else draws the reason and
    where to fix it. Pages draw the rest only when it is True (`st.stop()`
    would also end the router's sidebar and link update after the page)."""
    problem = data_problem(exp)
    if problem is not None:
        st.warning(tr("{problem}\n\nFix the data on the **Data** page first.",
                      problem=problem))
    return problem is None


def key(name: str) -> str:
    """A widget key tied to the current experiment revision."""
    return f"{name}__r{revision()}"


def widget_value(name: str) -> Any:
    return st.session_state[key(name)]


def current(rev: int) -> bool:
    """Whether a widget drawn at revision `rev` still describes the experiment.

    Streamlit may run several widget callbacks in one rerun; once one of
    them has replaced the experiment (a move, a removal, a preset), the
    others would apply to the wrong layer, so they are dropped.
    """
    return rev == revision()
