"""Search page: choose what varies, let Keras Tuner pick trials, keep the best."""

import json

import pandas as pd
import streamlit as st

from playground import charts
from playground.i18n import mark, tr, tr_n, translated
from playground.jobs import default_executor
from playground.model.checks import check_experiment, data_spec_of
from playground.model.shapes import StackError
from playground.registry import task_metrics
from playground.runs import RunNotFound, StoreUnavailable
from playground.search import (
    STRATEGIES,
    Search,
    SearchSpace,
    SpaceError,
    objectives_for,
)
from playground.search.engine import RUNNING, check_settings, stop_searches_of
from playground.search.figures import objective_map, parallel_coordinates
from playground.search.space import describe_values
from playground.training.result import FAILED
from ui import claims, runs, search_links, search_space, services, state

POLL_SECONDS = 1.0
SEARCH = search_links.SEARCH
STRATEGY_LABELS = {"random": mark("Random search"), "grid": mark("Grid search"),
                   "bayesian": mark("Bayesian optimisation"), "hyperband": mark("Hyperband")}

st.title(tr("Search"))
RUN_COLUMN = tr("Run")  # the trial table's link column, in the reader's language
st.caption(tr("Vary some settings of the current experiment and let Keras Tuner pick the "
              "trials. Each trial is an ordinary run: it is saved, and can be opened, "
              "inspected and compared."))

exp = state.experiment()


def start(space: SearchSpace, options: dict) -> None:
    executor = default_executor()
    executor.on_release(stop_searches_of)  # a closed tab's search ends with its jobs
    search = Search(exp, space, services.session_submitter(),
                    parallel=executor.limit, on_change=search_links.saver(),
                    owner=claims.owner(), **options)
    search.creator = runs.browser_id()
    st.session_state[SEARCH] = search.start()


def stop_search(search: Search) -> None:
    if runs.may_change(search.creator):  # a widget can be forged
        search.stop()


def settings() -> None:
    """The space editor, the strategy and budget, and Start."""
    task = data_spec_of(exp).task
    with st.container(border=True):
        cols = st.columns(5)
        strategy = cols[0].selectbox(tr("Strategy"), STRATEGIES, key="search_strategy",
                                     format_func=lambda key: tr(STRATEGY_LABELS[key]))
        trials = cols[1].number_input(tr("Most trials"), 1, 200, 8, key="search_trials")
        epochs = cols[2].number_input(tr("Epochs per trial"), 1, 2000, min(exp.epochs, 50),
                                      key="search_epochs",
                                      help=tr("Hyperband's largest budget; it also runs "
                                              "shorter trials."))
        objective = cols[3].selectbox(tr("Objective"), objectives_for(task),
                                      key="search_objective",
                                      help=tr("Measured on the validation split; the "
                                              "best epoch of a trial counts."))
        seed = cols[4].number_input(tr("Seed"), 0, 10**6, 1, key="search_seed",
                                    help=tr("The same seed picks the same trials."))
        raw = search_space.space_editor(exp, grid=strategy == "grid")
    try:
        space = SearchSpace.parse(raw, exp)
        size = space.check_grid() if strategy == "grid" else space.grid_size()
        check_experiment(exp)
        check_settings(exp, strategy, objective, int(trials), int(epochs))
    except (SpaceError, StackError) as error:
        st.error(str(error))
        return
    if size is not None:
        st.caption(tr_n("The space has {points} grid point.",
                        "The space has {points} grid points.", size, points=format(size, ","))
                   + (" " + tr("The grid runs {count} of them.", count=min(size, trials))
                      if strategy == "grid" else ""))
    if strategy == "hyperband":
        st.caption(tr("Hyperband trains many short trials first and the best of them "
                      "longer: with few trials it may stop before any trial reaches the "
                      "full epochs per trial."))
    with st.expander(tr("This space as SPACE.json for `playground search`")):
        st.code(json.dumps(raw, indent=2), language="json")
    running = SEARCH in st.session_state and not st.session_state[SEARCH].done
    st.button(tr("Start the search"), type="primary", disabled=running, key="search_start",
              on_click=start, args=(space, dict(strategy=strategy, max_trials=int(trials),
                                                epochs=int(epochs), objective=objective,
                                                seed=int(seed))))


def trial_table(search: Search) -> pd.DataFrame:
    """One row per trial: its values, objective, status (in the reader's
    language), time, run link and, for a failed one, why."""
    rows = []
    for t in search.snapshot_trials():
        rows.append({"#": t.number, **{k: t.values.get(k) for k in search.space.names},
                     search.objective: t.objective, tr("Status"): tr(t.status),
                     tr("Seconds"): round(t.elapsed, 1),
                     RUN_COLUMN: f"/train?run={t.run_id}" if t.run_id else None,
                     tr("Message"): translated(t.message) if t.status == FAILED else ""})
    return pd.DataFrame(rows)


def trial_history(trial) -> dict:
    """A trial's curves: from its job, or from its run in the store."""
    if trial.handle is not None and trial.handle.result is not None:
        return trial.handle.result.history
    store = runs.store()
    try:
        return store.load(trial.run_id).history if store and trial.run_id else {}
    except (RunNotFound, StoreUnavailable):
        return {}


def use_best(search: Search) -> None:
    best = search.best()
    chosen = search.space.apply(search.experiment, best.values).replace(epochs=best.epochs)
    state.replace_experiment(chosen)
    state.notify(tr("Loaded trial {number}: {values}.", number=best.number,
                    values=describe_values(best.values)), "success")


def results(search: Search) -> None:
    """The trials so far: progress, table, charts and the best trial."""
    trials = search.snapshot_trials()
    running = sum(t.status == RUNNING for t in trials)
    best = search.best()
    line = tr_n("{done} of at most {count} trial", "{done} of at most {count} trials",
                search.max_trials, done=len(trials))
    line += " · " + tr("{count} running", count=running) + " · " + (
        tr("best {objective} {value} (trial {number})", objective=search.objective,
           value=format(best.objective, ".4f"), number=best.number)
        if best else tr("no trial scored yet"))
    st.progress(min(len(trials) / search.max_trials, 1.0), text=line)
    if search.done:
        st.info(translated(search.message))
    if not search.done:
        mine = runs.may_change(search.creator)
        st.button(tr("Stop the search"), key="search_stop", disabled=not mine,
                  on_click=stop_search, args=(search,))
        if not mine:
            st.caption(tr("This search was started by another browser: you can watch "
                          "it and open its trials, but only its owner can stop it."))
    floats = [d.name for d in search.space.dimensions
              if not d.integer and (not d.choices or any(isinstance(c, float)
                                                         for c in d.choices))]
    st.dataframe(trial_table(search), hide_index=True, key="search_table",
                 column_config={
                     RUN_COLUMN: st.column_config.LinkColumn(
                         RUN_COLUMN, display_text=tr("open"),
                         help=tr("Opens the trial's run on Train.")),
                     search.objective: st.column_config.NumberColumn(format="%.4f"),
                     **{name: st.column_config.NumberColumn(format="%.4g")
                        for name in floats}})
    st.plotly_chart(parallel_coordinates(trials, search.space, search.objective),
                    key="search_parcoords")
    numeric = [d.name for d in search.space.dimensions
               if not d.choices or all(isinstance(c, (int, float)) for c in d.choices)]
    if len(numeric) >= 2:
        cols = st.columns(2)
        x = cols[0].selectbox(tr("Map: across"), numeric, 0, key="search_map_x")
        y = cols[1].selectbox(tr("Map: up"), [n for n in numeric if n != x], 0,
                              key="search_map_y")
        st.plotly_chart(objective_map(trials, x, y, search.objective), key="search_map")
    if best is not None:
        st.subheader(tr("Best so far: trial {number}", number=best.number))
        st.caption(describe_values(best.values))
        metrics = ("loss", task_metrics(data_spec_of(search.experiment).task)[0])
        history = trial_history(best)
        st.plotly_chart(charts.history_figure(
            {k: v for k, v in history.items() if k != "learning_rate"}, best.epochs,
            metrics), key="search_best_history")
        if st.button(tr("Use the best"), key="search_use_best",
                     help=tr("Loads the best trial's experiment into the editors.")):
            use_best(search)
            st.rerun(scope="app")  # the button is in a fragment: redraw the editors too


def live() -> None:
    search = st.session_state.get(SEARCH)
    if search is None:
        return

    @st.fragment(run_every=None if search.done else POLL_SECONDS)
    def view() -> None:
        results(search)
        if search.done and st.session_state.get("search_polling"):
            st.session_state["search_polling"] = False
            st.rerun()
        st.session_state["search_polling"] = not search.done

    view()


if state.data_ready(exp):
    settings()
    live()
