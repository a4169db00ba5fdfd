"""The `playground` command's arguments (argparse), one sub-command each.

Kept apart from the commands themselves (`playground.cli`) so that either
reads in one sitting; `--help` prints what is written here.
"""

from __future__ import annotations

import argparse

from playground.cli.lessons import add_lesson_parser
from playground.i18n import mark, tr


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout with its own word, "usage:", translated."""

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups,
                          tr("usage: ") if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """An `ArgumentParser` (and, through `add_subparsers`, each sub-command's)
    whose own headings and `--help` line are in the reader's language, as
    the help texts written here are."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, formatter_class=_Formatter, add_help=False, **kwargs)
        self._positionals.title = tr("positional arguments")
        self._optionals.title = tr("options")
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help=tr("show this help message and exit"))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="playground",
                     description=tr("Keras Playground from the command line."))
    parser.add_argument("--lang", metavar="LANG",
                        help=tr("the messages' language: en or zh (default: from "
                             "LANGUAGE, LC_ALL, LC_MESSAGES or LANG); JSON output "
                             "keeps English keys"))
    parser.add_argument("--verbose", action="store_true",
                        help=tr("let TensorFlow's own log lines through to standard error"))
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("presets", help=tr("list the presets"))
    p = sub.add_parser("preset", help=tr("print a preset's experiment JSON"))
    p.add_argument("name")
    p = sub.add_parser("train", help=tr("train an experiment"))
    p.add_argument("config", nargs="?",
                   help=tr("JSON file, share URL, query string or preset"))
    p.add_argument("--from", dest="from_run", metavar="RUN_ID",
                   help=tr("train more: continue this saved run (completed or stopped) "
                           "as a new run linked to it"))
    p.add_argument("--checkpoint", type=int, metavar="EPOCH",
                   help=tr("with --from: start from this checkpoint's weights (default: "
                           "the run's final weights)"))
    p.add_argument("--epochs", type=int, metavar="N",
                   help=tr("with --from: how many more epochs to train"))
    p.add_argument("--json", action="store_true",
                   help=tr("end with one JSON line holding history, test metrics and a "
                        "test report (confusion matrix, per-class F1, ROC AUC; "
                        "MAE, RMSE, R² for regression)"))
    p.add_argument("--csv", metavar="FILE", help=tr("train on this CSV file"))
    p.add_argument("--save-model", metavar="FILE.keras",
                   help=tr("save the trained model in Keras' format"))
    p.add_argument("--target", metavar="COLUMN",
                   help=tr("the CSV column to predict (default: one named like a "
                        "label, such as label, target or class, else the last one)"))
    p.add_argument("--no-save", action="store_true",
                   help=tr("do not save the run in the run store"))
    p.add_argument("--max-params", type=int, metavar="N",
                   help=tr("refuse a model with more parameters (as a server's "
                        "PLAYGROUND_MAX_PARAMS does; by default no limit)"))
    p = sub.add_parser("runs", help=tr("list, show or delete saved runs"))
    p.add_argument("--all", action="store_true",
                   help=tr("list every saved run, the browsers' too (by default the "
                        "command line's)"))
    actions = p.add_subparsers(dest="action")
    for name, text in (("show", mark("print a saved run as JSON")),
                       ("delete", mark("delete a saved run"))):
        actions.add_parser(name, help=tr(text)).add_argument("run_id", metavar="ID")
    p = sub.add_parser("export", help=tr("write an experiment as a Keras script"))
    p.add_argument("config", help=tr("JSON file, share URL, query string or preset"))
    p.add_argument("--script", metavar="FILE", required=True,
                   help=tr("the Python file to write"))
    p.add_argument("--csv", metavar="FILE", help=tr("the CSV file the script reads"))
    p.add_argument("--target", metavar="COLUMN",
                   help=tr("the column to predict (default: one named like a label, "
                        "else the last one)"))
    p = sub.add_parser("search", help=tr("search hyperparameters with Keras Tuner"))
    p.add_argument("config", help=tr("JSON file, share URL, query string or preset"))
    p.add_argument("--space", metavar="SPACE.json", required=True,
                   help=tr("what varies: names mapped to choices or ranges (README)"))
    p.add_argument("--strategy", default="random",
                   choices=("random", "grid", "bayesian", "hyperband"))
    p.add_argument("--trials", type=int, default=10, help=tr("the most trials to run"))
    p.add_argument("--epochs", type=int, help=tr("epochs per trial (default: the "
                   "experiment's)"))
    p.add_argument("--objective", help=tr("val_loss (default), val_accuracy or val_mae"))
    p.add_argument("--seed", type=int, default=1, help=tr("makes the choices repeatable"))
    p.add_argument("--workers", type=int, default=1, help=tr("trials trained at once"))
    p.add_argument("--json", action="store_true",
                   help=tr("end with one JSON line: the trials and the best"))
    p.add_argument("--csv", metavar="FILE", help=tr("search on this CSV file"))
    p.add_argument("--target", metavar="COLUMN",
                   help=tr("the CSV's target column (default: one named like a "
                        "label, else the last one)"))
    p.add_argument("--no-save", action="store_true", help=tr("do not keep the trials' runs"))
    p = sub.add_parser("crossval", help=tr("k-fold cross-validation of an experiment"))
    p.add_argument("config", help=tr("JSON file, share URL, query string or preset"))
    p.add_argument("--k", type=int, default=5,
                   help=tr("the number of folds, from 2 to 10 (default 5)"))
    p.add_argument("--workers", type=int, default=1, help=tr("folds trained at once"))
    p.add_argument("--json", action="store_true",
                   help=tr("end with one JSON line: each fold's final metrics and the "
                        "mean and standard deviation of each"))
    p.add_argument("--csv", metavar="FILE", help=tr("cross-validate on this CSV file"))
    p.add_argument("--target", metavar="COLUMN",
                   help=tr("the CSV's target column (default: one named like a "
                        "label, else the last one)"))
    p.add_argument("--no-save", action="store_true", help=tr("do not keep the folds' runs"))
    p = sub.add_parser("share", help=tr("print an experiment's query string"))
    p.add_argument("config")
    p = sub.add_parser("show", help=tr("print the experiment JSON of a share URL"))
    p.add_argument("url")
    add_lesson_parser(sub)
    return parser
