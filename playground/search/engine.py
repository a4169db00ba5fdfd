"""A hyperparameter search: Keras Tuner's oracle picks, the app's jobs train.

Keras Tuner's tuners train through their own `fit` loop. Every trial here
must instead be an ordinary run of the app (the same fast validation,
callbacks, live events, worker pool and run store), so `Search` drives the
tuner's oracle directly, as Keras Tuner documents for distributed tuning:
`create_trial` gives a trial's values, the trial trains as a job, its
objective goes back with `update_trial` (one value per epoch) and
`end_trial`. The oracle (random, grid, Bayesian optimisation or Hyperband)
decides what comes next; its working files go into a temporary folder per
search. The oracle lives where TensorFlow may load (`oracle_host`, reached
through `keras_work`): the web server schedules the trials and never imports
Keras Tuner.

Up to `parallel` trials train at once, each on its own worker. A trial whose
values make the model unusable (a stack that no longer fits the data) is a
failed trial with the reason, and the search goes on. `stop()` ends the
search: finished trials are kept and running ones end as stopped runs.
"""

from __future__ import annotations

import math
import threading
import time
import weakref
from dataclasses import dataclass, field
from typing import Any, Callable

from playground.config import Experiment
from playground.fields import ConfigError
from playground.i18n import template, tr, use_language
from playground.keras_work import WorkerCrashed, keras_work
from playground.model.shapes import StackError
from playground.registry import REGRESSION, task_metrics
from playground.runs.record import new_run_id
from playground.search import oracle_host
from playground.search.space import SearchSpace, SpaceError
from playground.training.result import COMPLETED, FAILED, RUNNING, STOPPED

# How a search or a trial ended, in English (the search is stored, and its
# scheduler thread knows no reader); pages and the command line translate them.
SEARCH_STOPPED = template("The search stopped: {error}")
SEARCH_HALTED = template("Stopped: the finished trials are kept.")
SEARCH_FINISHED = template("Finished {count} trial(s).")
TRIAL_SKIPPED = template("Skipped: {error}")

STRATEGIES = ("random", "grid", "bayesian", "hyperband")
MAX_TRIALS = 1000
"""Trials one search may run: each is a run kept in the store."""
# A trial is waiting for its turn, or has a run's status (RUNNING ... FAILED).
WAITING = "waiting"
POLL_SECONDS = 0.05
# The searches of this process by id, while something holds them (a page's
# session): a `search=` link opens a running search live.
LIVE: weakref.WeakValueDictionary[str, Search] = weakref.WeakValueDictionary()


def objectives_for(task: str) -> tuple[str, ...]:
    """The objectives a task allows: `val_loss`, then its metric's."""
    return ("val_loss", f"val_{task_metrics(task)[0]}")


def maximised(objective: str) -> bool:
    return objective.endswith("accuracy")


def best_trial(trials: list[Trial], objective: str) -> Trial | None:
    """The completed or stopped trial with the best finite objective."""
    scored = [t for t in trials if t.status in (COMPLETED, STOPPED)
              and t.objective is not None and math.isfinite(t.objective)]
    if not scored:
        return None
    pick = max if maximised(objective) else min
    return pick(scored, key=lambda t: t.objective)


@dataclass
class Trial:
    """One trial of a search, in plain data.

    Attributes:
        number: 1, 2, ... in the order trials started.
        values: The trial's values, by dimension name.
        status: `waiting`, `running`, `completed`, `stopped` or `failed`
            (a diverged run counts as completed, with its objective).
        objective: The best value of the objective over the trial's epochs.
        run_id: The trial's run (its job id), or None when it never ran.
        message: How the trial ended, e.g. why it failed.
        elapsed: Seconds of training.
        epochs: Epochs the trial trains.
    """

    number: int
    values: dict[str, Any]
    status: str = WAITING
    objective: float | None = None
    run_id: str | None = None
    message: str = ""
    elapsed: float = 0.0
    epochs: int = 0
    handle: Any = field(default=None, repr=False, compare=False)
    oracle_trial: str | None = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {"number": self.number, "values": dict(self.values), "status": self.status,
                "objective": self.objective, "run_id": self.run_id,
                "message": self.message, "elapsed": round(self.elapsed, 3),
                "epochs": self.epochs}


def check_settings(experiment: Experiment, strategy: str, objective: str,
                   max_trials: int, epochs: int | None) -> None:
    """Refuses search settings that cannot work, with the fix, before a search
    starts (`SpaceError`)."""
    from playground.config import FIELDS_BY_NAME
    from playground.model.checks import data_spec_of

    if strategy not in STRATEGIES:
        raise SpaceError(tr("Unknown strategy {strategy}: expected one of {choices}.",
                            strategy=repr(strategy), choices=", ".join(STRATEGIES)))
    task = data_spec_of(experiment).task
    if objective not in objectives_for(task):
        loss, metric = objectives_for(task)
        raise SpaceError(tr(
            "The objective {objective} does not suit a regression task: use {loss} or "
            "{metric}.", objective=repr(objective), loss=loss, metric=metric)
            if task == REGRESSION else tr(
            "The objective {objective} does not suit a classification task: use {loss} "
            "or {metric}.", objective=repr(objective), loss=loss, metric=metric))
    if not experiment.val_fraction:
        raise SpaceError(tr("The objective {objective} is measured on the validation "
                            "split, and this experiment has none: set the validation "
                            "share above 0.", objective=repr(objective)))
    if not 1 <= max_trials <= MAX_TRIALS:
        raise SpaceError(tr("A search runs from 1 to {limit} trials; received {trials}. "
                            "Each trial is a saved run: search in rounds, narrowing the "
                            "space between them.", limit=format(MAX_TRIALS, ","),
                            trials=format(max_trials, ",")))
    if epochs is not None:
        try:
            FIELDS_BY_NAME["epochs"].validate(epochs)
        except ConfigError as error:
            raise SpaceError(tr("Epochs per trial: {error}", error=error)) from None


class Search:
    """A search over `space` from `experiment` (see the module doc).

    Args:
        experiment: What every trial starts from.
        space: The `SearchSpace`.
        submit: Starts one trial's training and returns its `JobHandle`
            (the app's `services.submit`, or a pool's `submit` with a run
            recorder). Called with the experiment and a run name.
        strategy: `random`, `grid`, `bayesian` or `hyperband`.
        max_trials: The most trials to run (a grid runs at most its size).
        epochs: Epochs per trial (Hyperband's largest budget).
        objective: `val_loss` or the task metric's validation value.
        seed: Makes the oracle's choices repeatable.
        parallel: Trials trained at once.
        on_trial_end: Called with each `Trial` once it has ended (on the
            search's thread).
        on_change: Called with the search when it starts, when a trial
            starts or ends, and when it ends (on the search's thread): to
            save it, say.
        owner: Whose search it is (a browser session's token): when the
            executor releases that owner, `stop_searches_of` stops it.
    """

    def __init__(self, experiment: Experiment, space: SearchSpace,
                 submit: Callable[[Experiment, str], Any], strategy: str = "random",
                 max_trials: int = 10, epochs: int | None = None,
                 objective: str = "val_loss", seed: int = 1, parallel: int = 1,
                 on_trial_end: Callable[[Trial], None] | None = None,
                 on_change: Callable[[Search], None] | None = None,
                 owner: str | None = None):
        check_settings(experiment, strategy, objective, max_trials, epochs)
        self.grid_size = space.check_grid() if strategy == "grid" else space.grid_size()
        self.id = new_run_id()
        self.experiment = experiment
        self.space = space
        self.strategy = strategy
        self.max_trials = max_trials
        self.epochs = epochs or experiment.epochs
        self.objective = objective
        self.seed = seed
        self.parallel = max(1, parallel)
        self.trials: list[Trial] = []
        self.started_at = time.time()
        self.finished_at: float | None = None
        self.message = ""
        # Whose search it is (a browser's id; None for the command line's):
        # anyone with its link may watch it, only its creator may stop it.
        self.creator: str | None = None
        self._submit = submit
        self._on_trial_end = on_trial_end
        self._on_change = on_change
        self.owner = owner
        LIVE[self.id] = self
        self._stop = threading.Event()
        self._ended = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    # -- control ---------------------------------------------------------------------

    def start(self) -> Search:
        """Runs the search in a background thread; returns at once."""
        self._thread = threading.Thread(target=self.run, daemon=True,
                                        name=f"search-{self.id}")
        self._thread.start()
        return self

    def stop(self) -> None:
        """Ends the search: no new trials; running ones stop and are kept."""
        self._stop.set()
        for trial in self.snapshot_trials():
            if trial.handle is not None and trial.status == RUNNING:
                trial.handle.stop()

    def wait(self, timeout: float | None = None) -> bool:
        """Waits for the search to end; True once it has.

        Waits on an event rather than joining the thread: a join cut short by
        Ctrl-C marks the thread as finished in Python 3.11.
        """
        if self._thread is not None:
            self._ended.wait(timeout)
        return self.done

    @property
    def done(self) -> bool:
        return self.finished_at is not None

    # -- reading ---------------------------------------------------------------------

    def snapshot_trials(self) -> list[Trial]:
        with self._lock:
            return list(self.trials)

    def best(self) -> Trial | None:
        """The finished trial with the best objective so far."""
        return best_trial(self.snapshot_trials(), self.objective)

    def _changed(self) -> None:
        if self._on_change is not None:
            try:
                self._on_change(self)
            except Exception:  # noqa: BLE001 - saving must never end a search
                pass

    # -- the loop --------------------------------------------------------------------

    def run(self) -> list[Trial]:
        """Runs the search to its end in this thread; returns the trials."""
        try:
            keras_work(oracle_host.open_oracle, self.id, self.strategy, self.space,
                       self.objective, "max" if maximised(self.objective) else "min",
                       self.max_trials, self.epochs, self.seed)
            self._changed()
            self._loop()
        except Exception as error:  # noqa: BLE001 - said on the page, trials kept
            with use_language("en"):  # kept and stored in English, shown translated
                self.message = SEARCH_STOPPED.format(error=error)
            self.stop()
            self._drain()
        finally:
            try:
                keras_work(oracle_host.close_oracle, self.id)
            except WorkerCrashed:
                pass  # the oracle went with its process
        if not self.message:
            self.message = (SEARCH_HALTED if self._stop.is_set()
                            else SEARCH_FINISHED.format(count=len(self.trials)))
        self.finished_at = time.time()
        self._ended.set()
        self._changed()
        return self.trials

    def _loop(self) -> None:
        running: dict[str, Trial] = {}
        exhausted = False
        while not self._stop.is_set():
            while (len(running) < self.parallel and not exhausted
                   and not self._stop.is_set() and len(self.trials) < self.max_trials):
                slot = next(f"slot-{i}" for i in range(self.parallel)
                            if f"slot-{i}" not in running)
                picked = keras_work(oracle_host.create_trial, self.id, slot)
                if picked["status"] == "STOPPED":
                    exhausted = True
                    break
                if picked["status"] != "RUNNING":
                    break  # the oracle waits for running trials (grid, Hyperband)
                trial = self._begin(picked)
                if trial.status == RUNNING:
                    running[slot] = trial
                else:
                    self._report(trial)
            if not running:
                return  # exhausted, the budget spent, or nothing more to give
            for slot, trial in list(running.items()):
                if trial.handle.done:
                    self._finish(trial)
                    self._report(trial)
                    del running[slot]
            time.sleep(POLL_SECONDS)
        self._drain(running.values(), report=True)

    def _begin(self, picked: dict[str, Any]) -> Trial:
        """Makes the trial's experiment and starts its job (or fails it)."""
        from playground.model.checks import check_experiment

        values = picked["values"]
        epochs = int(values.get("tuner/epochs", self.epochs))
        trial = Trial(len(self.trials) + 1, {k: v for k, v in values.items()
                                              if not k.startswith("tuner/")},
                      epochs=epochs, oracle_trial=picked["trial_id"])
        with self._lock:
            self.trials.append(trial)
        try:
            exp = self.space.apply(self.experiment, values).replace(epochs=epochs)
            check_experiment(exp)
            trial.handle = self._submit(exp, f"Search {self.id} · trial {trial.number}")
        except (ConfigError, StackError) as error:  # a submitter may refuse too
            with use_language("en"):
                trial.status, trial.message = FAILED, TRIAL_SKIPPED.format(error=error)
            return trial
        trial.run_id = trial.handle.id
        trial.status = RUNNING
        self._changed()
        return trial

    def _finish(self, trial: Trial) -> None:
        result = trial.handle.result
        trial.elapsed = result.elapsed
        trial.message = result.message
        values = result.history.get(self.objective, [])
        finite = [v for v in values if math.isfinite(v)]
        if finite:
            trial.objective = float(max(finite) if maximised(self.objective)
                                    else min(finite))
        if result.status == FAILED:
            trial.status = FAILED
        elif result.status == STOPPED and self._stop.is_set():
            trial.status = STOPPED
        else:
            trial.status = COMPLETED

    def _report(self, trial: Trial) -> None:
        """Tells the oracle how a trial ended: its objective per epoch."""
        history = [] if trial.handle is None else trial.handle.result.history.get(
            self.objective, [])
        scored = trial.status in (COMPLETED, STOPPED) and trial.objective is not None
        keras_work(oracle_host.end_trial, self.id, trial.oracle_trial,
                   [float(v) for v in history], scored, trial.message)
        if self._on_trial_end is not None:
            self._on_trial_end(trial)
        self._changed()

    def _drain(self, running=None, report: bool = False) -> None:
        """Waits for stopped trials to end, so their runs keep what they did."""
        running = list(running if running is not None else
                       [t for t in self.snapshot_trials() if t.status == RUNNING])
        for trial in running:
            if trial.handle is not None:
                trial.handle.stop()
                trial.handle.wait(120)
                if trial.handle.done:
                    self._finish(trial)
                    if report:
                        self._report(trial)


def stop_searches_of(owner: str) -> None:
    """Stops the running searches of an owner whose session has ended (an
    executor's `on_release` listener): they start no more trials."""
    for search in list(LIVE.values()):
        if search.owner == owner and not search.done:
            search.stop()
