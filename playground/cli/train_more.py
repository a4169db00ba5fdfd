"""`playground train --from RUN_ID [--checkpoint EPOCH] --epochs N`.

Train more from the command line: a stored run, completed or stopped, is
continued from its final weights (or the checkpoint of `--checkpoint`) for
N more epochs, as a new run linked to it, with the run's own settings
(`playground.runs.continuing`). It trains like any `playground train`.
"""

from __future__ import annotations

from playground.config import Experiment
from playground.fields import ConfigError
from playground.i18n import tr


def not_continued(args):
    """`train`'s arguments when not `--from`: CONFIG is needed, and the
    options that only `--from` takes are refused."""
    if args.config is None:
        raise ConfigError("CONFIG", None, tr("a JSON file, share URL, query string or "
                                             "preset"),
                          tr("Give CONFIG, or --from RUN_ID to continue a saved run."))
    for option, value in (("--checkpoint", args.checkpoint), ("--epochs", args.epochs)):
        if value is not None:
            raise ConfigError(option, value, tr("no value without --from"), tr(
                "Set the epochs in CONFIG, or add --from RUN_ID to continue a run."))
    return args


def continued_run(args) -> Experiment:
    """The experiment that continues stored run `--from` (its CONFIG must be
    left out: the run's own settings are trained).

    Raises:
        ConfigError: for a run that cannot be continued, an epoch that is
            not one of its checkpoints, or a missing or bad `--epochs`.
        RunNotFound, StoreUnavailable: from the run store.
    """
    from playground.runs import open_store
    from playground.runs.continuing import continued, starting_points
    from playground.runs.recorder import stored_result

    run_id, checkpoint, epochs = args.from_run, args.checkpoint, args.epochs
    if args.config is not None:
        raise ConfigError("CONFIG", args.config, tr("nothing with --from"), tr(
            "Leave out CONFIG: --from trains the saved run's own settings."))
    record = open_store().load(run_id)
    choices = starting_points(record.experiment, stored_result(record))
    if not choices:
        raise ConfigError("--from", run_id, tr("a completed or stopped run"), tr(
            "Run {run} ended {status}; continue a run that completed or was stopped.",
            run=run_id, status=record.status))
    choice = choices[0]
    if checkpoint is not None:
        kept = [c.epoch for c in choices if c.checkpoint]
        choice = next((c for c in choices if c.checkpoint and c.epoch == checkpoint),
                      None)
        if choice is None:
            raise ConfigError("--checkpoint", checkpoint, tr(
                "one of the run's checkpoint epochs: {epochs}",
                epochs=", ".join(map(str, sorted(kept)))) if kept else tr(
                "a checkpoint epoch, and this run kept none"),
                tr("Leave out --checkpoint to continue from the final weights."))
    if epochs is None or epochs < 1:
        raise ConfigError("--epochs", epochs, tr("the number of more epochs, from 1 up"),
                          tr("Add --epochs N: how many more epochs to train."))
    return continued(record.experiment, record.id, choice, record.history, epochs)
