"""Loading an experiment from an uploaded JSON file (the sidebar).

The file is read exactly like a link: `Experiment.from_json` checks every
field and returns a whole experiment or raises with each bad field listed,
so a bad file changes nothing.
"""

from __future__ import annotations

import streamlit as st

from playground.config import Experiment
from playground.fields import ConfigError, ConfigErrors, problems
from playground.i18n import tr
from ui import state

MAX_BYTES = 1_000_000  # an experiment JSON is a few kilobytes
KEY = "experiment_upload"


def upload_input() -> None:
    """The uploader; a valid file replaces the experiment as soon as it arrives."""
    st.file_uploader(tr("Load experiment JSON"), type=["json"], key=KEY,
                     on_change=load_upload,
                     help=tr("A file saved with \"Download experiment JSON\"."))


def load_upload() -> None:
    file = st.session_state.get(KEY)
    if file is None:
        return
    name = file.name  # notices escape what they show
    try:
        exp = read_experiment(file.getvalue())
    except (ConfigError, ConfigErrors) as error:
        state.notify(tr("{file} was not loaded; the experiment is unchanged.", file=name),
                     "error",
                     problems(error))
        return
    state.replace_experiment(exp)
    state.notify(tr("Loaded the experiment from {file}.", file=name), "info")


def read_experiment(data: bytes) -> Experiment:
    """Reads an uploaded experiment JSON: all of it, or nothing.

    Raises:
        ConfigError: for a file too large or not UTF-8 text.
        ConfigErrors: listing each bad field.
    """
    if len(data) > MAX_BYTES:
        raise ConfigError(tr("experiment file"),
                          tr("{count} bytes", count=format(len(data), ",")),
                          tr("at most {count} bytes", count=format(MAX_BYTES, ",")),
                          tr("An experiment JSON is a few kilobytes; upload one "
                             "saved by this app."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(tr("experiment file"), tr("bytes that are not UTF-8 text"),
                          tr("a UTF-8 JSON file")) from None
    return Experiment.from_json(text)
