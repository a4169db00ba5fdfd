"""The server's training service: starting it, and submitting this session's runs.

The web server never trains and never imports TensorFlow: `start` hands
Keras work to the worker pool of `playground.jobs` and starts the pool,
whose workers import TensorFlow in the background while the first page
draws. Every run a page starts goes through `submit` (or a search's
`session_submitter`), which is the core's `submit_and_record` with this
session's owner token, browser id and run store.
"""

from __future__ import annotations

import threading

import streamlit as st

from playground import jobs
from playground.i18n import tr
from playground.jobs.executor import (
    default_max_params,
    default_max_weights_mb,
    default_memory_limit_mb,
)
from playground.model.checks import (
    check_experiment,
    check_param_budget,
    check_weight_budget,
)
from playground.model.memory_budget import check_memory_budget
from playground.runs.recorder import submit_and_record
from ui import claims, lesson, runs

WARM_AFTER_SECONDS = 1.0
RECORDERS = "run_recorders"
_warming = threading.Lock()


def start() -> None:
    """Keeps TensorFlow out of this process and warms the worker pool.

    The pool starts a second after the server's first page, in the
    background: its workers import TensorFlow on the same cores that draw
    that page. A Train press before then starts it at once.
    """
    jobs.keep_tensorflow_out()
    if _warming.acquire(blocking=False):  # once per server process
        timer = threading.Timer(WARM_AFTER_SECONDS, jobs.default_executor)
        timer.daemon = True
        timer.start()
    claims.keep_claim()


def check_size(experiment) -> None:
    """Refuses a model over the host's parameter or weight limit, or one estimated to need
    more memory than a worker has for a run (`StackError`)."""
    rows = check_experiment(experiment)  # the shapes, checked once for both
    check_param_budget(experiment, default_max_params(), rows)
    check_weight_budget(experiment, default_max_weights_mb() * 2**20, rows)
    check_memory_budget(experiment, default_memory_limit_mb(), rows)


def prepare(experiment) -> None:
    """Asks an idle worker to build, compile and trace the network the
    student is about to train, while they read the Train page: the first
    epoch then starts at once (`Executor.prepare_network`). A hint, skipped
    before the pool has started or for a model Train would refuse."""
    executor = jobs.default_executor(create=False)
    if executor is None:
        return
    try:
        check_size(experiment)
    except ValueError:  # Train will say why; nothing to prepare
        return
    executor.prepare_network(experiment)


class AlreadyTraining(RuntimeError):
    """This browser already has a run training or waiting: on a shared
    server each browser trains one run at a time, so that one student
    cannot fill the queue ahead of the class.

    Attributes:
        job: The browser's run that is training or waiting.
    """

    def __init__(self, job):
        self.job = job
        super().__init__(job.id)


def submit(experiment, name: str = ""):
    """Queues an experiment for training on behalf of this session, and
    keeps its run in the run store (under `name`, else a name made from
    the experiment).

    Raises:
        StackError: the model does not fit its data, or is over the host's
            weight limit; nothing was queued.
        AlreadyTraining: this browser (in this tab or another) has a run
            training or waiting; nothing was queued.
    """
    check_size(experiment)
    busy = jobs.default_executor().active_jobs(runs.browser_id())
    if busy:
        raise AlreadyTraining(busy[0])
    handle, recorder = submit_and_record(
        jobs.default_executor(), experiment, claims.owner(), store=runs.store(),
        browser=runs.browser_id(), name=name, lesson=lesson.run_tag())
    if recorder is not None:
        if recorder.problem is not None:
            runs.say_store_problem(recorder.problem)
        st.session_state.setdefault(RECORDERS, {})[handle.id] = recorder
    return handle


def session_submitter(in_lesson: bool = False):
    """`submit` for a thread of this session that has no Streamlit context
    (a search's scheduler): the session's owner token, browser id and run
    store are read now, in the page's thread. With `in_lesson`, the runs
    are tagged with the session's lesson and student, as Train's are (a
    cross-validation's folds go on the lesson's board)."""
    token, browser, store = claims.owner(), runs.browser_id(), runs.store()
    tag = lesson.run_tag() if in_lesson else None

    def submit(experiment, name: str = ""):
        check_size(experiment)
        return submit_and_record(jobs.default_executor(), experiment, token,
                                 store=store, browser=browser, name=name,
                                 lesson=tag)[0]

    return submit


def busy_line() -> str | None:
    """One line on how busy this server's training is, when it is busy."""
    executor = jobs.default_executor(create=False)
    if executor is None:
        return None
    stats = executor.stats()
    if not stats["running"] and not stats["queued"]:
        return None
    return tr("Training on this server: {running} running, {queued} waiting (at most "
              "{limit} at once).", running=stats["running"], queued=stats["queued"],
              limit=stats["limit"])
