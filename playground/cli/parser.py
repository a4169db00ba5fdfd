"""The `playground` command's arguments (argparse), one sub-command each.

Kept apart from the commands themselves (`playground.cli`) so that either
reads in one sitting; `--help` prints what is written here.
"""

from __future__ import annotations

import argparse

from playground.cli.lessons import add_lesson_parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="playground", description="Keras Playground from the command line.")
    parser.add_argument("--lang", metavar="LANG",
                        help="the messages' language: en or zh (default: from "
                             "LANGUAGE, LC_ALL, LC_MESSAGES or LANG); JSON output "
                             "keeps English keys")
    parser.add_argument("--verbose", action="store_true",
                        help="let TensorFlow's own log lines through to standard error")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("presets", help="list the presets")
    p = sub.add_parser("preset", help="print a preset's experiment JSON")
    p.add_argument("name")
    p = sub.add_parser("train", help="train an experiment")
    p.add_argument("config", help="JSON file, share URL, query string or preset")
    p.add_argument("--json", action="store_true",
                   help="end with one JSON line holding history, test metrics and a "
                        "test report (confusion matrix, per-class F1, ROC AUC; "
                        "MAE, RMSE, R² for regression)")
    p.add_argument("--csv", metavar="FILE", help="train on this CSV file")
    p.add_argument("--save-model", metavar="FILE.keras",
                   help="save the trained model in Keras' format")
    p.add_argument("--target", metavar="COLUMN",
                   help="the CSV column to predict (default: one named like a "
                        "label, such as label, target or class, else the last one)")
    p.add_argument("--no-save", action="store_true",
                   help="do not save the run in the run store")
    p.add_argument("--max-params", type=int, metavar="N",
                   help="refuse a model with more parameters (as a server's "
                        "PLAYGROUND_MAX_PARAMS does; by default no limit)")
    p = sub.add_parser("runs", help="list, show or delete saved runs")
    p.add_argument("--all", action="store_true",
                   help="list every saved run, the browsers' too (by default the "
                        "command line's)")
    actions = p.add_subparsers(dest="action")
    for name, text in (("show", "print a saved run as JSON"),
                       ("delete", "delete a saved run")):
        actions.add_parser(name, help=text).add_argument("run_id", metavar="ID")
    p = sub.add_parser("export", help="write an experiment as a Keras script")
    p.add_argument("config", help="JSON file, share URL, query string or preset")
    p.add_argument("--script", metavar="FILE", required=True,
                   help="the Python file to write")
    p.add_argument("--csv", metavar="FILE", help="the CSV file the script reads")
    p.add_argument("--target", metavar="COLUMN",
                   help="the column to predict (default: one named like a label, "
                        "else the last one)")
    p = sub.add_parser("search", help="search hyperparameters with Keras Tuner")
    p.add_argument("config", help="JSON file, share URL, query string or preset")
    p.add_argument("--space", metavar="SPACE.json", required=True,
                   help="what varies: names mapped to choices or ranges (README)")
    p.add_argument("--strategy", default="random",
                   choices=("random", "grid", "bayesian", "hyperband"))
    p.add_argument("--trials", type=int, default=10, help="the most trials to run")
    p.add_argument("--epochs", type=int, help="epochs per trial (default: the "
                   "experiment's)")
    p.add_argument("--objective", help="val_loss (default), val_accuracy or val_mae")
    p.add_argument("--seed", type=int, default=1, help="makes the choices repeatable")
    p.add_argument("--workers", type=int, default=1, help="trials trained at once")
    p.add_argument("--json", action="store_true",
                   help="end with one JSON line: the trials and the best")
    p.add_argument("--csv", metavar="FILE", help="search on this CSV file")
    p.add_argument("--target", metavar="COLUMN",
                   help="the CSV's target column (default: one named like a "
                        "label, else the last one)")
    p.add_argument("--no-save", action="store_true", help="do not keep the trials' runs")
    p = sub.add_parser("share", help="print an experiment's query string")
    p.add_argument("config")
    p = sub.add_parser("show", help="print the experiment JSON of a share URL")
    p.add_argument("url")
    add_lesson_parser(sub)
    return parser
