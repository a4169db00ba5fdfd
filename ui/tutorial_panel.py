"""The tutorial panel above every page, and the list a newcomer starts from.

Draws what `ui.tutorial` keeps: the steps, the current step's text and
change, the prediction, the run's result against the previous step's run,
the check's verdict, and Back/Next. The judging is
`playground.lessons.tutorials`.
"""

from __future__ import annotations

import streamlit as st

from playground.i18n import mark, tr
from playground.lessons.tutorials.steps import PAGE_TITLES
from ui import lesson, state, tutorial

PAGE_FILES = {"data": "views/data.py", "model": "views/model.py",
              "train": "views/train.py", "inspect": "views/inspect.py",
              "evaluate": "views/evaluate.py"}
COLUMNS = (mark("Metric"), mark("Previous step's run"), mark("This step's run"))


def data_name(name: str) -> str:
    """A dataset's name without its detail: `MNIST`, `Digits`."""
    from playground.datasets import DATASETS

    return tr(DATASETS[name].label.split(" (")[0])


def start_point() -> None:
    """"Follow a tutorial": the five, one line each, with a Start button."""
    if lesson.current() is not None or tutorial.current() is not None:
        return
    with st.expander(tr("Follow a tutorial: five classic Keras tutorials, step by "
                        "step"), icon=":material/school:", expanded=False):
        for made in tutorial.tutorials().values():
            cols = st.columns([5, 1], vertical_alignment="center")
            where = (tr("runs offline") if made.download is None else
                     tr("downloads {dataset}", dataset=data_name(made.download)) +
                     (tr(", or runs offline on {dataset}", dataset=data_name(made.stand_in))
                      if made.stand_in else ""))
            cols[0].markdown(tr("**{title}** — {summary} ({count} steps; {where})",
                                title=tr(made.title), summary=tr(made.summary),
                                count=len(made.steps), where=where))
            cols[1].button(tr("Start"), key=f"tutorial_start_{made.id}",
                           on_click=tutorial.start, args=(made.id,),
                           use_container_width=True)


def panel(page: str) -> None:
    """The current tutorial's step, above the page `page` (`"train"`)."""
    progress = tutorial.current()
    if progress is None:
        return
    made, index = progress.of, progress.step
    step = made.steps[index]
    with st.container(border=True, key="tutorial_panel"):
        st.markdown(tr("**{title}** · step {number} of {count}: **{step}**",
                       title=tr(made.title), number=progress.number,
                       count=len(made.steps), step=tr(step.title)))
        st.caption(" · ".join(_step_label(progress, i) for i in range(len(made.steps))))
        data_notice(progress)
        st.markdown(tr(step.text))
        if step.page != page:
            st.page_link(PAGE_FILES[step.page], icon=":material/arrow_forward:",
                         label=tr("This step happens on the {page} page: open it",
                                  page=tr(PAGE_TITLES[step.page])))
        available = made.step_available(index, progress.stand_in)
        if not available:
            st.info(tr("This step needs {dataset} itself, not the offline stand-in: "
                       "read it, then go on.", dataset=data_name(made.download)))
        if step.change is not None:
            cols = st.columns([1, 3], vertical_alignment="center")
            cols[0].button(tr("Apply again") if index in progress.applied
                           else tr("Apply this step"), key="tutorial_apply",
                           on_click=tutorial.apply_step, disabled=not available,
                           type="primary", use_container_width=True)
            cols[1].caption(tr(step.change_text))
        if step.prediction is not None and available:
            question(progress, step)
        if step.check is not None:
            st.caption(step.check.describe())
        if step.trains and available:
            result(progress, step)
        navigation(progress)


def _step_label(progress, index: int) -> str:
    title = f"{index + 1}\\. {tr(progress.of.steps[index].title)}"  # not a list
    if progress.passed.get(index):
        title += " ✓"
    return f"**{title}**" if index == progress.step else title


def data_notice(progress) -> None:
    """For a tutorial whose data is downloaded: says so at its start, and
    offers the offline stand-in."""
    from playground.datasets.keras_loading import is_cached

    made = progress.of
    if made.download is None:
        return
    if progress.stand_in:
        st.info(tr("Offline: {stand_in} stands in for {dataset}.",
                   stand_in=data_name(made.stand_in), dataset=data_name(made.download)))
        st.button(tr("Use {dataset} again", dataset=data_name(made.download)),
                  key="tutorial_download", on_click=tutorial.use_stand_in, args=(False,))
        return
    if is_cached(made.download):
        if progress.step == 0:
            st.caption(tr("{dataset} is downloaded already.", dataset=data_name(made.download)))
        return
    said = tr("This tutorial's data, {dataset}, comes from keras.datasets: it is "
              "downloaded the first time it is used. Without a network the download "
              "fails, and the Data page says which file to put in which folder.",
              dataset=data_name(made.download))
    if made.stand_in is None:
        st.warning(said + " " + tr("There is no offline stand-in for it; the Model "
                                   "page still builds and summarises the network."))
        return
    st.warning(said + " " + tr("Offline, {stand_in} can stand in for it.",
                               stand_in=data_name(made.stand_in)))
    st.button(tr("Use the offline stand-in: {dataset}", dataset=data_name(made.stand_in)),
              key="tutorial_stand_in", on_click=tutorial.use_stand_in, args=(True,))


def question(progress, step) -> None:
    """The prediction, answered before training; fixed once the step's run
    exists."""
    prediction = step.prediction
    key = f"tutorial_answer_{progress.tutorial}_{progress.step}"
    answer = progress.answers.get(progress.step)
    choices = list(prediction.choices)

    def record() -> None:
        progress.answers[progress.step] = st.session_state[key]

    st.radio(tr("Predict before you train: {question}", question=tr(prediction.question)),
             choices, index=choices.index(answer) if answer in choices else None,
             format_func=prediction.label, key=key, on_change=record,
             disabled=progress.step in progress.runs, horizontal=True)


def result(progress, step) -> None:
    """The step's run against the previous step's, the prediction and the check."""
    from playground.lessons.tutorials import outcome, verdict

    run_id = progress.runs.get(progress.step)
    if run_id is None:
        st.caption(tr("Train this step's experiment on the Train page: its result "
                      "shows here."))
        return
    found = tutorial.run_history(run_id)
    if found is None:
        st.caption(tr("This step's run ({run}) cannot be read now.", run=run_id))
        return
    done, history, snapshots = found
    if not done:
        st.caption(tr("This step's run ({run}) is training: its result shows here "
                      "when it ends.", run=run_id))
        return
    previous_id = progress.previous_run()
    previous = tutorial.run_history(previous_id) if previous_id else None
    before = previous[1] if previous is not None and previous[0] else None
    comparison(history, before)
    if step.prediction is not None:
        seen = outcome(step.prediction, history, before)
        answer = progress.answers.get(progress.step)
        right = seen.right(answer)
        said = seen.text
        if answer is not None:
            said = tr("You predicted: {answer}.", answer=step.prediction.label(answer)) \
                + " " + said
        if right is not None:
            said += " " + (tr("Your prediction was right.") if right
                           else tr("Not what you predicted: why might that be?"))
        st.markdown(said)
    if step.check is not None:
        judged = verdict(step.check, history, snapshots)
        progress.passed[progress.step] = judged.passed
        (st.success if judged.passed else st.info)(judged.text)


def comparison(history, before) -> None:
    """The final values of this run and the previous step's run."""
    import pandas as pd  # not on the first page: pandas takes a while to load

    from playground.lessons.tutorials.judging import comparison_rows
    from playground.runs.units import standardised

    rows = comparison_rows(history, before, standardised(state.experiment()))
    st.dataframe(pd.DataFrame(rows, columns=[tr(c) for c in COLUMNS]), hide_index=True)


def navigation(progress) -> None:
    last = len(progress.of.steps) - 1
    cols = st.columns([1, 1, 3])
    cols[0].button(tr("Back"), key="tutorial_back", disabled=progress.step == 0,
                   on_click=progress.go, args=(progress.step - 1,),
                   use_container_width=True)
    cols[1].button(tr("Next"), key="tutorial_next", disabled=progress.step == last,
                   on_click=progress.go, args=(progress.step + 1,),
                   use_container_width=True)
    cols[2].button(tr("Leave the tutorial"), key="tutorial_leave",
                   on_click=tutorial.leave)
