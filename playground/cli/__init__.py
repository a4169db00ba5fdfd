"""The `playground` command: presets, sharing and headless training.

    playground presets                 list the presets
    playground preset NAME             print a preset's experiment JSON
    playground train CONFIG [--json]   train, printing one line per epoch; --json
                                       ends with history, test metrics and a
                                       test report (confusion matrix, F1, ROC AUC)
    playground train CONFIG --csv FILE [--target COLUMN]
                                       train CONFIG's model on a CSV file
    playground train CONFIG --no-save  train without saving the run
    playground runs                    list the saved runs
    playground runs show ID            print a saved run as JSON (no arrays)
    playground runs delete ID          delete a saved run
    playground train CONFIG --save-model FILE.keras
                                       also save the trained model (Keras format)
    playground export CONFIG --script FILE [--csv FILE --target COLUMN]
                                       write the experiment as a Keras script
    playground crossval CONFIG [--k K] [--json]
                                       k-fold cross-validation (`playground.cli.crossval`)
    playground share CONFIG            print the experiment's query string
    playground show URL                print the experiment JSON of a URL
    playground lesson create|list|show|board|export|close ...
                                       classroom lessons (`playground.cli.lessons`)

CONFIG is a JSON file, a share URL, a query string or a preset name.
`train` saves its run in the run store (`PLAYGROUND_STORE`, else a file in
the user's data folder) and says `playground: saved run ID` on standard
error; a store that cannot be used never fails the run: one line says it
was not saved, and why. It trains in its own process, or, with
`PLAYGROUND_EXECUTOR=ray` and `RAY_ADDRESS`, as a job on that Ray cluster
(`playground.cli.on_executor`); `runs show ID` names which (`executor`,
`worker`).

Exit status: 0 when the command did its work (a training run that finished);
2 for bad input (an unreadable CONFIG, a setting out of range, a model that
does not fit the data, a bad CSV file); 1 when a training run failed (its
data could not be loaded, or Keras stopped with an error); 3 when a run
diverged (the loss became NaN or infinite; the last finite weights were
evaluated); 130 when it was stopped with Ctrl-C (the epochs run so far are
kept and evaluated; a second Ctrl-C quits at once). `runs` and `lesson`: 2
for an unknown run or lesson id, 1 when the run store cannot be used. Every problem is one
line on standard error, starting with `playground:`.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import signal
import sys
import threading
import time
from urllib.parse import parse_qs, urlsplit

from playground.config import Experiment
from playground.datasets.errors import CsvError, DataUnavailable
from playground.evaluation.test_metric_lines import test_metrics_line
from playground.export.script import ExportError
from playground.fields import ConfigError, ConfigErrors
from playground.i18n import LANGUAGES, normalise, template, tr, translated, use_language
from playground.lessons.errors import LessonNotFound
from playground.model.checks import check_experiment, check_param_budget
from playground.model.shapes import StackError
from playground.presets import PRESETS
from playground.runs.errors import RunNotFound, StoreUnavailable
from playground.search.space import SpaceError
from playground.training.result import TRAINING_FAILED

MAX_CONFIG_BYTES = 1_000_000

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_DIVERGED = 3
EXIT_STOPPED = 130  # the shell's code for a command ended by Ctrl-C (SIGINT)


class UsageError(Exception):
    """Bad command-line input; reported in one line with exit status 2."""


def parse_query(text: str) -> Experiment:
    """Reads a share URL or a bare query string (`dataset=spiral&lr=0.1`)."""
    query = urlsplit(text).query if "://" in text or text.startswith("?") else text
    try:
        params = parse_qs(query, keep_blank_values=True, strict_parsing=bool(query),
                          max_num_fields=100)
    except ValueError as error:
        raise UsageError(tr("cannot read the query string {query}: {error}",
                            query=repr(text[:60]), error=error))
    return Experiment.from_query(params)


def load_config(text: str) -> Experiment:
    """Reads CONFIG: a preset name, a JSON file, a share URL or a query string."""
    if text in PRESETS:
        return PRESETS[text].experiment
    if os.path.isfile(text):
        if os.path.getsize(text) > MAX_CONFIG_BYTES:
            raise UsageError(tr("{file} is larger than {limit} bytes; an experiment "
                                "JSON is a few kilobytes.", file=text,
                                limit=MAX_CONFIG_BYTES))
        with open(text, encoding="utf-8") as handle:
            return Experiment.from_json(handle.read())
    if "=" in text or "?" in text:
        return parse_query(text)
    raise UsageError(tr("{config} is not a preset, a file, a URL or a query string. "
                        "Presets: {presets}.", config=repr(text),
                        presets=", ".join(PRESETS)))


def _format_logs(logs: dict[str, float]) -> str:
    return "  ".join(f"{k}={v:.4f}" for k, v in logs.items())


def _finite(value):
    """NaN and infinity become null, so strict JSON readers accept the line."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


NO_REASON = template("Training failed without a reason.")


def without_class_name(message: str) -> str:
    """`Training failed: ValueError: x` as `Training failed: x`.

    A run's failure message names the Python exception class; a person at
    the command line needs the reason only.
    """
    match = re.fullmatch(r"Training failed: [A-Za-z_][\w.]*(?::\s*(.*))?", message,
                         re.DOTALL)
    if match is None:
        return message
    return TRAINING_FAILED.format(error=match[1]) if match[1] else NO_REASON


def _say(message: str) -> None:
    """Writes one line for a person on standard error."""
    print(f"playground: {' '.join(message.split())}", file=sys.stderr, flush=True)


class _CtrlC:
    """While active, a first Ctrl-C asks the run to stop after the current
    batch (its epochs are kept and evaluated); a second one quits at once.

    Python lets only the main thread handle signals; called from another
    thread, Ctrl-C keeps its usual meaning."""

    def __init__(self, stop):
        self.stop = stop
        self.previous = None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc):
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)

    def _handle(self, signum, frame):
        if self.stop.requested:
            raise KeyboardInterrupt
        self.stop.request()
        _say(tr("stopping after the current batch (press Ctrl-C again to quit now)"))


def _print_epoch(event: dict) -> None:
    if event["type"] == "epoch":
        print(tr("epoch {epoch}/{epochs}  {logs}  ({seconds} s)", epoch=event["epoch"],
                 epochs=event["epochs"], logs=_format_logs(event["logs"]),
                 seconds=format(event["elapsed"], ".1f")), flush=True)


def _save_run(exp: Experiment, result, data, started_at: float) -> str | None:
    """Saves a run in the store and says so; returns its id, or None when
    the store cannot take it (said in one line: the run itself is fine)."""
    from playground.jobs.worker import describe
    from playground.runs import RunRecord, open_store
    from playground.runs.kept_data import kept_arrays

    arrays = kept_arrays(exp, data)  # as the app keeps it: opens without the file
    try:
        record = RunRecord.from_result(exp, result, arrays=arrays,
                                       started_at=started_at, executor="local",
                                       worker=describe())
        open_store().save(record)
    except (StoreUnavailable, ValueError) as error:
        _say(tr("the run was not saved: {error}", error=error))
        return None
    _say(tr("saved run {run}", run=record.id))
    return record.id


def _train(exp: Experiment, as_json: bool, save: bool = True,
           save_model: str | None = None, max_params: int = 0) -> int:
    from playground.cli.on_executor import on_cluster, train_on_cluster
    from playground.datasets.source import experiment_data
    from playground.training.loop import StopSignal, run_training
    from playground.training.result import (
        COMPLETED,
        DIVERGED,
        FAILED,
        STOPPED,
        TrainingResult,
    )

    check_param_budget(exp, max_params, check_experiment(exp))  # 0: no limit
    run_id = data = shown = None
    started_at = time.time()
    try:
        # Keras reports its downloads on standard output; they are not results.
        with contextlib.redirect_stdout(sys.stderr):
            data = experiment_data(exp)
    except (DataUnavailable, CsvError) as error:
        with use_language("en"):  # the JSON line keeps English messages
            result = TrainingResult(FAILED, TRAINING_FAILED.format(error=error))
        message = result.message
        shown = tr(TRAINING_FAILED, error=error)
    else:
        if on_cluster():  # the job records its own run
            result, run_id = train_on_cluster(exp, _print_epoch, save, _CtrlC, _say)
            save = False
        else:
            stop = StopSignal()
            with _CtrlC(stop):
                result = run_training(exp, _print_epoch, stop=stop, dataset=data)
        message = without_class_name(result.message)
    if result.status != COMPLETED:
        _say(shown or translated(message))
    elif not as_json:
        print(translated(message))
    if save and data is not None:  # a run that trained, however it ended
        run_id = _save_run(exp, result, data, started_at)
    if result.test_metrics and not as_json:
        print(tr("test  {metrics}",
                 metrics=test_metrics_line(result.test_metrics, data.target_scaler)))
    if save_model and result.weights and result.status != FAILED:
        from playground.export.model_files import save_model as write_model

        write_model(exp, result.weights, save_model)
        if not as_json:
            print(tr("model saved to {file}", file=save_model))
    if as_json:
        summary = {"experiment": exp.to_dict(), **result.to_dict(), "message": message,
                   "run_id": run_id}
        if result.weights:
            from playground.evaluation.test_report import test_report

            summary["report"] = test_report(exp, result.weights, data,
                                            result.test_outputs)
        print(json.dumps(_finite(summary)))
    return {COMPLETED: EXIT_OK, DIVERGED: EXIT_DIVERGED,
            STOPPED: EXIT_STOPPED}.get(result.status, EXIT_FAILED)


def with_csv(exp: Experiment, path: str, target: str | None) -> Experiment:
    """The experiment trained on a CSV file instead of its dataset.

    Unlike an upload in the app, the file is read without size, row or column
    limits: only the machine's memory bounds it.
    """
    from pathlib import Path

    from playground.datasets import uploads
    from playground.datasets.csv_limits import NO_LIMITS
    from playground.datasets.table_target import choose_target

    file = Path(path)
    try:
        token = uploads.register(file.read_bytes(), file.name, NO_LIMITS)
    except MemoryError:
        size = file.stat().st_size / 2**20
        raise UsageError(tr(
            "{file} ({size} MB) does not fit in this machine's memory once read. The "
            "command line has no size limit, only memory: free some memory, use a "
            "machine with more, or train on a sample of the rows or the columns you "
            "need.", file=file.name, size=format(size, ",.1f"))) from None
    column = target if target is not None else choose_target(uploads.get(token).columns)
    return exp.replace(dataset="csv", csv_name=file.name[:100], target=column,
                       upload=token)


def _runs(action: str | None, run_id: str | None, every: bool = False) -> None:
    """`playground runs [--all] [show|delete ID]`."""
    from playground.runs import open_store
    from playground.runs.details import run_details, runs_table
    from playground.runs.store import EVERY_OWNER, MAX_LIST

    store = open_store()
    if action is None:
        summaries = store.list(owner=EVERY_OWNER if every else None)
        if summaries:
            print(runs_table(summaries))
        # Without --all, say what is left out and how to see it.
        others = 0 if every else (
            len(store.list(owner=EVERY_OWNER, limit=MAX_LIST)) - len(summaries))
        if others > 0:
            print(tr("(The command line's runs. {count} more were trained in a "
                     "browser: playground runs --all lists them too.)",
                     count=format(others, ",")))
        elif not summaries:
            _say(tr("no saved runs in {store}.", store=store.where))
    elif action == "show":
        print(json.dumps(_finite(run_details(store.load(run_id))), indent=2))
    else:
        store.delete(run_id)
        _say(tr("deleted run {run}", run=run_id))


def _with_data(args) -> Experiment:
    """CONFIG's experiment, on the CSV file of `--csv` when one is given."""
    exp = load_config(args.config)
    if args.csv:
        return with_csv(exp, args.csv, args.target)
    if args.target:
        raise UsageError(tr("--target needs --csv FILE."))
    return exp


def _asked_language(argv: list[str]) -> str | None:
    """The `--lang` of the command line before it is parsed (`--help` prints
    while parsing), when it names a known language; else None."""
    for index, word in enumerate(argv):
        if word.startswith("--lang="):
            return normalise(word.partition("=")[2])
        if word == "--lang" and index + 1 < len(argv):
            return normalise(argv[index + 1])
    return None


def main(argv: list[str] | None = None) -> int:
    from playground.cli.parser import build_parser

    asked = _asked_language(sys.argv[1:] if argv is None else argv)
    with use_language(asked) if asked else contextlib.nullcontext():
        parser = build_parser()  # its help in the language asked for, if known
        args = parser.parse_args(argv)
    if args.lang is None:
        return _command(args)
    if normalise(args.lang) is None:
        _say(tr("error: --lang {value}: expected one of {languages}.", value=args.lang,
                languages=", ".join(LANGUAGES)))  # in the environment's language
        return EXIT_BAD_INPUT
    with use_language(args.lang):
        return _command(args)


def _command(args) -> int:
    """Runs the parsed command; errors become one `playground:` line."""
    if not args.verbose:
        from playground.cli.quiet_logs import quiet_tensorflow_logs

        quiet_tensorflow_logs()
    try:
        if args.command == "presets":
            width = max(map(len, PRESETS))
            for preset in PRESETS.values():
                print(f"{preset.name:<{width}}  {tr(preset.description)}")
        elif args.command == "preset":
            if args.name not in PRESETS:
                raise UsageError(tr("no preset {name}; expected one of {presets}.",
                                    name=repr(args.name), presets=", ".join(PRESETS)))
            print(PRESETS[args.name].experiment.to_json())
        elif args.command == "train":
            if args.save_model and not args.save_model.endswith(".keras"):
                raise UsageError(tr("--save-model {file}: a Keras model file must end "
                                    "in .keras.", file=args.save_model))
            if args.max_params is not None and args.max_params < 1:
                raise UsageError(tr("--max-params takes a number from 1 up; received "
                                    "{count}.", count=args.max_params))
            from playground.cli.train_more import continued_run, not_continued

            exp = continued_run(args) if args.from_run else _with_data(not_continued(args))
            return _train(exp, args.json, save=not args.no_save,
                          save_model=args.save_model, max_params=args.max_params or 0)
        elif args.command == "runs":
            _runs(args.action, getattr(args, "run_id", None), args.all)
        elif args.command == "export":
            from playground.export.script import experiment_script

            exp = _with_data(args)
            check_experiment(exp)
            with open(args.script, "w", encoding="utf-8") as handle:
                handle.write(experiment_script(exp))
            print(tr("wrote {file}", file=args.script))
        elif args.command == "search":
            from playground.cli.search import run_search

            most = max(1, os.cpu_count() or 1)
            if not 1 <= args.workers <= most:
                raise UsageError(tr("--workers takes a number from 1 to {most} (this "
                                    "machine's cores: each worker trains on one); "
                                    "received {count}.", most=most, count=args.workers))
            if args.trials < 1:
                raise UsageError(tr("--trials takes a number from 1 up; received "
                                    "{count}.", count=args.trials))
            exp = _with_data(args)
            check_experiment(exp)
            return run_search(exp, args)
        elif args.command == "crossval":
            from playground.cli.crossval import run_crossval

            exp = _with_data(args)
            check_experiment(exp)
            return run_crossval(exp, args)
        elif args.command == "share":
            print(load_config(args.config).to_query_string())
        elif args.command == "show":
            print(load_config(args.url).to_json())
        elif args.command == "lesson":
            from playground.cli.lessons import run_lesson

            return run_lesson(args)
    except (UsageError, ConfigError, ConfigErrors, StackError, OSError,
            UnicodeDecodeError, CsvError, DataUnavailable, ExportError,
            SpaceError) as error:
        _say(tr("error: {error}", error=error))
        return EXIT_BAD_INPUT
    except (RunNotFound, LessonNotFound) as error:
        _say(tr("error: {error}", error=error))
        return EXIT_BAD_INPUT
    except StoreUnavailable as error:
        _say(tr("error: {error}", error=error))
        return EXIT_FAILED
    except KeyboardInterrupt:
        _say(tr("interrupted."))
        return EXIT_STOPPED
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
