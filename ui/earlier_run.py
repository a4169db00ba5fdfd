"""A run whose settings are no longer the experiment's says so at the top.

After the learner changes the data or the model, the Train, Inspect and
Evaluate pages still show the last run (it is worth comparing), but its
charts and scores must not read as the current experiment's: each page
names the settings that changed (by the sidebar's labels) and how to run the current ones.
"""

from __future__ import annotations

import streamlit as st

from playground.i18n import tr
from playground.runs.compare import differing_fields
from playground.runs.setting_labels import setting_label
from ui import state


def changed_since(job) -> list[str]:
    """The settings that differ between an ended run and the experiment now."""
    if job is None or not job.done:
        return []
    return differing_fields([job.experiment, state.experiment()])


def notice(changed: list[str]) -> None:
    """The warning over an earlier run's results; nothing when none changed."""
    if changed:
        st.warning(tr("These results are from an earlier run: the settings have "
                      "changed since ({changed}). Press **Train** to run the current "
                      "experiment.", changed=", ".join(map(setting_label, changed))),
                   icon=":material/history:")
