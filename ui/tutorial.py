"""A guided tutorial in this browser session: opened from the Data page's
list or by a `tutorial=<id>&step=<n>` link.

The learner's progress (the step, the answers, the run of each step, the
checks passed) is a `Progress` kept in session state, and the tutorial and
step travel in the address bar, so a reload or a shared link reopens the
same step; the runs themselves are ordinary runs in the run store. (The
answers are not kept beyond the session: cookies here hold short tokens
only, and the store would need a table of its own.)
"""

from __future__ import annotations

import streamlit as st

from playground.i18n import tr
from ui import state

PARAMETER = "tutorial"
STEP_PARAMETER = "step"
PROGRESS = "tutorial_progress"
RESULTS = "tutorial_results"


def current():
    """This session's `Progress`, or None outside a tutorial."""
    return st.session_state.get(PROGRESS)


def tutorials():
    from playground.lessons.tutorials import TUTORIALS

    return TUTORIALS


def start(tutorial_id: str, step: int = 0, stand_in: bool = False,
          experiment=None) -> None:
    """Opens a tutorial at `step` (from 0) with its experiment there, or
    with `experiment` (a link's own settings)."""
    from playground.lessons.tutorials import Progress

    progress = Progress(tutorial_id, step, stand_in=stand_in)
    st.session_state[PROGRESS] = progress
    tutorial = progress.of
    if experiment is None:
        experiment = tutorial.experiment_before(progress.step, stand_in)
        progress.applied.update(range(progress.step))
    else:
        progress.stand_in = tutorial.stand_in is not None \
            and experiment.dataset == tutorial.stand_in
    state.replace_experiment(experiment)


def open_from_link(names: list[str] | None, steps: list[str] | None) -> bool:
    """Opens the tutorial of a `tutorial=` link at its `step=` (from 1);
    says why when it cannot. The caller sets the experiment (`start_at_link`)."""
    if not names:
        return False
    name, number = names[-1], (steps or ["1"])[-1]
    if name not in tutorials():
        state.notify(tr("There is no tutorial {name}: pick one on the Data page.",
                        name=name), "warning")
        return False
    count = len(tutorials()[name].steps)
    if not number.isdigit() or not 1 <= int(number) <= count:
        state.notify(tr("The link's step {step} is not a step of this tutorial (1 to "
                        "{count}), so it opens at its first step.", step=number,
                        count=count), "warning")
        number = "1"
    st.session_state[PROGRESS + "_link"] = (name, int(number) - 1)
    return True


def start_at_link(experiment=None) -> None:
    """Starts the tutorial `open_from_link` accepted, with the link's own
    experiment when it had one."""
    name, step = st.session_state.pop(PROGRESS + "_link")
    start(name, step, experiment=experiment)


def leave() -> None:
    st.session_state.pop(PROGRESS, None)


def link_parameters() -> dict[str, str]:
    """`tutorial=<id>&step=<n>` for the address bar, in a tutorial."""
    progress = current()
    if progress is None:
        return {}
    return {PARAMETER: progress.tutorial, STEP_PARAMETER: str(progress.number)}


def note_run(job) -> None:
    """Keeps a run the learner started as the current step's run."""
    progress = current()
    if progress is not None and job is not None:
        progress.runs[progress.step] = job.id
        progress.passed.pop(progress.step, None)


def apply_step() -> None:
    """Applies the current step's change to the experiment (the step's own
    experiment when the learner's cannot take it)."""
    from playground.fields import ConfigError, ConfigErrors
    from playground.model.checks import check_experiment
    from playground.model.shapes import StackError

    progress = current()
    tutorial, index = progress.of, progress.step
    try:
        changed = tutorial.apply(index, state.experiment(), progress.stand_in)
        check_experiment(changed)
    except (ConfigError, ConfigErrors, StackError):
        changed = tutorial.experiment_after(index, progress.stand_in)
        state.notify(tr("Your experiment has moved away from the tutorial's, so the "
                        "step was applied to the tutorial's own experiment."), "info")
    state.replace_experiment(changed)
    progress.applied.add(index)
    state.notify(tr("Step {number} applied: {change}", number=progress.number,
                    change=tr(tutorial.steps[index].change_text)), "success")


def use_stand_in(on: bool) -> None:
    """Switches the tutorial to its offline stand-in data (or back), at the
    current step."""
    progress = current()
    progress.stand_in = on
    tutorial, index = progress.of, progress.step
    state.replace_experiment(tutorial.experiment_after(index, on)
                             if index in progress.applied
                             else tutorial.experiment_before(index, on))


def run_history(run_id: str):
    """`(done, history, snapshots)` of a run, or None when it cannot be read;
    a finished run's is kept for the session."""
    kept = st.session_state.setdefault(RESULTS, {})
    if run_id in kept:
        return kept[run_id]
    job = state.job()
    handle = job if job is not None and job.id == run_id else None
    if handle is None:
        from playground.runs.errors import RunNotFound, StoreUnavailable
        from ui import runs

        try:
            handle = runs.open_run(run_id)
        except (RunNotFound, StoreUnavailable):
            return None
    done = handle.done
    history = handle.result.history if done and handle.result else handle.history()
    found = (done, history, [shot for _, shot in handle.snapshots.items()])
    if done:
        kept[run_id] = found
    return found
