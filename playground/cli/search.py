"""`playground search`: a hyperparameter search from the command line.

Trials train in a pool of worker processes (`--workers`, one by default) and
are saved as runs unless `--no-save`. One line per trial as it ends; with
`--json`, a last line lists the trials and the best.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

from playground.i18n import tr, tr_lazy, translated
from playground.search.engine import COMPLETED, STOPPED, Search, Trial
from playground.search.space import SearchSpace, SpaceError, describe_values


def read_space(path: str, exp) -> SearchSpace:
    """The space in a JSON file, checked against the experiment."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise SpaceError(tr_lazy(
            "{file} is not valid JSON ({error} at line {line}); write the space as one "
            "JSON object, e.g. {example}.", file=path, error=error.msg,
            line=error.lineno, example='{"learning_rate": [0.01, 0.1]}')) from None
    return SearchSpace.parse(data, exp)


def trial_line(trial: Trial, objective: str) -> str:
    """`trial 3  completed  val_loss=0.1234  learning_rate=0.01 ...  run ID`."""
    score = ("-" if trial.objective is None or not math.isfinite(trial.objective)
             else f"{trial.objective:.4f}")
    line = tr("trial {number}  {status}  {objective}={score}  {values}",
              number=trial.number, status=tr(trial.status), objective=objective,
              score=score, values=describe_values(trial.values))
    if trial.run_id:
        line += "  " + tr("run {run}", run=trial.run_id)
    if trial.status not in (COMPLETED, STOPPED) and trial.message:
        line += f"  ({translated(trial.message)})"
    return line


def run_search(exp, args: Any) -> int:
    """Runs the search the arguments describe; returns the exit status."""
    from playground.cli.on_executor import close_executor, host_executor
    from playground.runs.recorder import submit_and_record

    space = read_space(args.space, exp)
    objective = args.objective or "val_loss"
    store = None
    if not args.no_save:
        from playground.runs import open_store

        store = open_store()

    def submit(experiment, name: str):
        return submit_and_record(pool, experiment, store=store, name=name)[0]

    def said(trial: Trial) -> None:
        print(trial_line(trial, objective), flush=True)

    search = Search(exp, space, submit, strategy=args.strategy, max_trials=args.trials,
                    epochs=args.epochs, objective=objective, seed=args.seed,
                    parallel=args.workers, on_trial_end=said)
    pool = host_executor(args.workers)  # settings checked: start the workers
    if search.grid_size is not None:
        print(tr("search {search}: {strategy}, {points} grid point(s), at most {trials} "
                 "trial(s)", search=search.id, strategy=args.strategy,
                 points=search.grid_size, trials=args.trials), file=sys.stderr)
    interrupted = False
    try:
        search.start()
        while not search.wait(0.2):
            pass
    except KeyboardInterrupt:
        interrupted = True
        print("playground: " + tr("stopping the search; finished trials are kept."),
              file=sys.stderr)
        search.stop()
        search.wait()
    finally:
        close_executor(pool)
    best = search.best()
    aborted = search.message.startswith("The search stopped")
    if aborted:
        print(f"playground: {translated(search.message)}", file=sys.stderr)
    if best is not None and not args.json:
        print(tr("best  trial {number}  {objective}={score}  {values}",
                 number=best.number, objective=objective,
                 score=format(best.objective, ".4f"), values=describe_values(best.values)))
    if args.json:
        print(json.dumps({"search": search.id, "strategy": args.strategy,
                          "objective": objective,
                          "trials": [t.as_dict() for t in search.trials],
                          "best": best.as_dict() if best else None,
                          "message": search.message}))
    return 130 if interrupted else (0 if best is not None and not aborted else 1)
