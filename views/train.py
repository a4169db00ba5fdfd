"""Train page: loss and optimizer, then train with live charts."""

import streamlit as st

from playground.charts.live_figures import COARSE_STEP, LIVE_POINTS, LiveFigures
from playground.datasets.source import experiment_data
from playground.i18n import tr, translated
from playground.inspection.doctor import diagnose
from playground.model.checks import resolve_loss
from playground.registry import LOSSES, OPTIMIZERS
from playground.training.result import COMPLETED, DIVERGED, FAILED, STOPPED
from ui import (
    checkpoints,
    earlier_run,
    live_boundary,
    live_history,
    live_neurons,
    live_polling,
    network_view,
    runs,
    services,
    starting,
    state,
    training_controls,
)
from ui.planned_run import PlannedRun
from ui.widgets import field_input, learning_rate_input

UNITS_SHOWN = 8
MAX_UNITS_SHOWN = 16
OUTCOME_STYLE = {COMPLETED: "success", STOPPED: "info", DIVERGED: "warning",
                 FAILED: "error"}


def start_training() -> None:
    current = state.job()
    if current is not None and not current.done:
        return
    starting.start(state.experiment())


def stop_training() -> None:
    job = state.job()
    if job is not None and runs.may_change(job.creator):  # checked here too: a
        job.stop()                                         # widget can be forged


exp = state.experiment()
st.title(tr("Train"))


def page() -> None:
    """Training settings, buttons and the live view, once the data is known."""
    with st.container(border=True):
        cols = st.columns(3)
        auto_loss = tr(LOSSES[resolve_loss(exp.replace(loss="auto"))].label)
        field_input("loss", tr("Loss"), container=cols[0],
                    format_func=lambda n: tr("auto ({loss})", loss=auto_loss)
                    if n == "auto" else tr(LOSSES[n].label))
        field_input("optimizer", tr("Optimizer"), container=cols[1],
                    format_func=lambda n: tr(OPTIMIZERS[n].label))
        learning_rate_input(cols[2])
        cols = st.columns(3)
        field_input("batch_size", tr("Batch size"), container=cols[0], style="number")
        field_input("epochs", tr("Epochs"), container=cols[1], style="number")
        field_input("momentum", tr("Momentum"), container=cols[2], step=0.05,
                    disabled=not OPTIMIZERS[exp.optimizer].uses_momentum)
    training_controls.controls()

    job = state.job()
    running = job is not None and not job.done
    if not running:  # a worker readies the network while the student reads
        services.prepare(exp)
    polling = live_polling.poll_seconds(job)
    cols = st.columns([1, 1, 4])
    again = job is not None and job.done and job.experiment == exp
    cols[0].button(tr("Train again") if again else tr("Train"), type="primary",
                   on_click=start_training, disabled=running, key="train_button",
                   use_container_width=True,
                   help=tr("Start a new run of these settings; this run stays saved.")
                   if again else None)
    mine = job is None or runs.may_change(job.creator)
    cols[1].button(tr("Stop"), on_click=stop_training, disabled=not running or not mine,
                   key="stop_button", use_container_width=True)
    if not mine:
        cols[2].caption(runs.not_yours_line(job.creator))


    def replay_epoch(slot, job, done: bool) -> int | None:
        """The snapshot epoch to draw: the newest while training, picked after.

        The slider goes into `slot`, an element kept in place while training
        runs, so that nothing below it moves when it appears."""
        epochs = job.snapshots.epochs()
        if not epochs:
            return None
        if done and len(epochs) > 1:
            return slot.select_slider(tr("Replay: epoch"), epochs, value=epochs[-1],
                                      key=f"replay_epoch_{job.id}",
                                      help=tr("Training kept up to 200 snapshots, "
                                              "evenly spread over the run."))
        return epochs[-1]


    def unit_picks(job, snapshot: dict | None) -> dict[str, list[int]]:
        """The units to draw per layer; a picker for layers wider than the grid."""
        neurons = snapshot["neurons"] if snapshot else {}
        picks = {}
        wide = [name for name, maps in neurons.items() if len(maps) > UNITS_SHOWN]
        pick_cols = st.columns(len(wide)) if wide else []
        for col, name in zip(pick_cols, wide):
            picks[name] = col.multiselect(
                tr("Units of {layer}", layer=name), list(range(len(neurons[name]))),
                default=list(range(UNITS_SHOWN)), key=f"units_{name}_{job.id}",
                max_selections=MAX_UNITS_SHOWN,
                help=tr("The first {count} units were recorded.",
                        count=len(neurons[name])),
                placeholder=tr("Choose options"))
        for name, maps in neurons.items():
            picks.setdefault(name, list(range(len(maps))))
        return picks


    def doctor_view(history: dict, snapshots: list[dict]) -> None:
        """The training doctor's findings, or a line saying all looks well."""
        if not history.get("loss"):
            return
        findings = diagnose(history, snapshots)
        with st.container(border=True, key="doctor"):
            st.markdown(tr("**Training doctor**"))
            for finding in findings:
                st.warning(tr("**{title}** {detail}\n\n*Try:* {fix}", title=finding.title,
                              detail=finding.detail, fix=finding.fix))
                training_controls.apply_fix(finding)
            if not findings:
                st.caption(tr("Nothing looks wrong so far: the loss is moving, no "
                              "gradients vanish or explode, and validation follows "
                              "training."))


    def live_figures(job) -> LiveFigures:
        """The job's `LiveFigures`, made once per run and kept in the session
        (for the run Train will start, made afresh: its settings may change)."""
        if isinstance(job, PlannedRun):
            return LiveFigures(job.experiment, experiment_data(job.experiment))
        held = st.session_state.get("live_figures")
        if held is None or held[0] != job.id:
            held = (job.id, LiveFigures(job.experiment, experiment_data(job.experiment)))
            st.session_state["live_figures"] = held
        return held[1]


    @st.fragment(run_every=polling)
    def live_view() -> None:
        """Redraws progress and charts from the job; polls only while it runs.

        Every poll emits the same elements in the same places, whether or
        not a snapshot has arrived: a chart that moved or appeared would be
        remounted, and Streamlit fades what a rerun has not yet replaced."""
        job = state.job()
        if job is None:  # what Train will fill in, drawn empty (`ui.planned_run`)
            with st.container(key="run_results"):
                run_view(PlannedRun(exp))
            return
        if job.done and running:
            # The run ended while polling: the page reruns at once (Train
            # again, no timer) and draws the finished run there, once. Drawn
            # by this poll too, its downloads would get addresses that the
            # rerun withdraws while a user may be clicking them.
            st.rerun()
        changed = earlier_run.changed_since(job)
        earlier_run.notice(changed)  # other settings' results must not read as current
        with st.container(key="earlier_results" if changed else "run_results"):
            run_view(job)


    def run_view(job) -> None:
        """The job's progress, charts, outcome and downloads."""
        p = job.progress()
        fraction = min(p["epoch"] / p["epochs"], 1.0)
        note = tr(" · stopping…") if job.stop_requested and not p["done"] else ""
        if isinstance(job, PlannedRun):
            st.progress(0.0, text=tr("Press **Train** to start. The charts fill in "
                                     "epoch by epoch."))
        else:
            st.progress(fraction, text=tr(
                "Epoch {epoch} / {epochs} · {seconds} s · {message}{note}",
                epoch=p["epoch"], epochs=p["epochs"], seconds=format(p["elapsed"], ".1f"),
                message=translated(p["message"]), note=note))
            checkpoints.parent_line(job)
        figures = live_figures(job)
        kept = job.snapshots.items()
        epoch = snapshot = None
        if figures.plane:
            chart_area, boundary_area = st.columns([3, 2])
            with boundary_area:
                epoch = replay_epoch(st.empty(), job, p["done"])
                snapshot = job.snapshots.get(epoch) if epoch is not None else None
                if p["done"]:
                    st.plotly_chart(figures.boundary(epoch, snapshot, coarse=False),
                                    key="boundary_chart")
                else:  # animated in the browser, between polls too
                    live_boundary.live_boundary(
                        job.id, kept, COARSE_STEP, figures.extent,
                        figures.plane_points(), figures.regression,
                        live_polling.POLL_SECONDS)
        else:
            chart_area = st.container()
        with chart_area:
            previous = state.previous_job()
            compare = previous is not None and chart_area.checkbox(
                tr("Compare with the previous run"), key="compare_previous",
                help=tr("Draws the previous run's curves in grey under this one."))
            curves = {k: v for k, v in p["history"].items() if k != "learning_rate"}
            before = previous.result.history if compare else None
            if p["done"]:
                training_controls.history_chart(figures.history(curves, before),
                                                p["history"], job.result)
            else:  # drawn in the browser: a Plotly chart per poll costs it most
                live_history.live_history(job.id, curves, job.experiment.epochs,
                                          figures.metrics, figures.standardised, before,
                                          LIVE_POINTS)
                training_controls.learning_rate_chart(p["history"])
            doctor_view(p["history"], [shot for _, shot in kept])
        if figures.plane and figures.hidden_layers:
            with st.container(key="neuron_area"):
                picks = unit_picks(job, snapshot)
                if p["done"]:
                    st.plotly_chart(figures.neurons(epoch, snapshot, picks),
                                    key="neuron_chart")
                else:  # drawn in the browser, new maps at every poll
                    live_neurons.live_neurons(figures.neuron_maps(epoch, snapshot, picks))
        network = figures.network_data(epoch, snapshot)
        if figures.plane and job.experiment.graph:
            st.caption(tr("The network view draws a stack's layers side by side; this "
                          "model is a graph (Keras' Functional API), so it is not drawn. "
                          "The maps above show each Dense layer's neurons."))
        if network is not None:
            with st.container(key="network_area"):
                st.markdown(tr("**Network** · each neuron's output over the plane; "
                               "links blue for positive weights, orange for negative, "
                               "thicker for larger"))
                network_view.network_view(network)
        if p["done"]:
            result = job.result
            getattr(st, OUTCOME_STYLE[result.status])(translated(result.message))
            training_controls.test_metrics(
                result.test_metrics, experiment_data(job.experiment).target_scaler)
            training_controls.downloads(job)
            checkpoints.panel(job)
        elif live_polling.slows_down(polling, job):
            # The run has started (or waits): poll at the usual pace, once
            # this poll's news (the first epoch) is on screen; a rerun now
            # would replace it before it is drawn.
            if st.session_state.get("first_epoch_shown") == job.id:
                st.rerun()
            st.session_state["first_epoch_shown"] = job.id


    # Streamlit dims every element of a rerunning fragment until its new
    # copy arrives (after half a second). For a view that polls on a timer
    # that only makes the charts flicker whenever one poll is slow (the
    # server or the machine is busy); the progress line says how fresh the
    # view is.
    # An earlier run's results, kept for reference while the settings have
    # changed, are dimmed under the warning that says so.
    st.html("<style>.st-key-live_view [data-stale=true] "
            "{opacity: 1 !important; transition: none !important;}"
            ".st-key-earlier_results {opacity: 0.45;}</style>")
    with st.container(key="live_view"):
        live_view()


if state.data_ready(exp):
    page()
