"""A run's checkpoints on the page: `.keras` downloads, Train more, the parent.

Each checkpoint a run kept (`checkpoint` on) downloads as a `.keras` file,
made in a worker when it is clicked (`playground.keras_work`; the web
server never imports TensorFlow). **Train more** continues a completed or
stopped run from its final weights or a checkpoint for more epochs, as a
new run linked to it (`playground.runs.continuing`): an ordinary job, so it
trains wherever runs train, and its curves go on from the run's. A run
continued from another names it, with a link.
"""

from __future__ import annotations

import streamlit as st

from playground.export.model_files import keras_bytes
from playground.i18n import tr
from playground.keras_work import keras_work
from playground.runs.continuing import (
    continued,
    layers_differ,
    starting_points,
)
from ui import runs, starting, state
from ui.user_text import escape_markdown

MAX_MORE_EPOCHS = 1000


def parent_of(job) -> tuple[str, int] | None:
    """The run `job` continues and the epoch it started from, or None."""
    start = job.experiment.start
    if start is not None:
        return start.parent_id, start.epoch
    stored = getattr(job, "stored", None)
    if stored is not None and stored.parent_id:
        return stored.parent_id, stored.start_epoch or 0
    return None


def parent_line(job) -> None:
    """Says which run this one continues, with a link to it."""
    parent_caption(parent_of(job))


def parent_caption(parent: tuple[str, int] | None) -> None:
    """`Continued from run <link> at epoch e`, for a `(run id, epoch)`."""
    if parent is None:
        return
    run_id, epoch = parent
    st.caption(tr("Continued from run [{run}](/train?run={run_id}) at epoch {epoch}: "
                  "the curves up to epoch {epoch} are that run's.",
                  run=escape_markdown(run_id), run_id=run_id, epoch=epoch))


def downloads(experiment, result, key: str) -> None:
    """One `.keras` download per checkpoint of a run, newest first."""
    points = list(reversed(getattr(result, "checkpoints", None) or []))
    if not points:
        return
    st.markdown(tr("**Checkpoints** · the weights of {count} epoch(s), each a `.keras` "
                   "file", count=len(points)))
    cols = st.columns(min(len(points), 4))
    for index, point in enumerate(points):
        label = tr("Epoch {epoch}", epoch=point["epoch"]) if point.get("value") is None \
            else tr("Epoch {epoch} · {monitor} {value}", epoch=point["epoch"],
                    monitor=point["monitor"], value=format(point["value"], ".4g"))
        cols[index % len(cols)].download_button(
            label, _file_maker(experiment, point["weights"]),
            f"checkpoint-epoch-{point['epoch']}.keras",
            mime="application/octet-stream", on_click="ignore",
            key=f"checkpoint_download_{key}_{point['epoch']}",
            help=tr("Keras' native format, with the weights of this epoch: load it "
                    "with keras.models.load_model(path)."))


def _file_maker(experiment, weights):
    return lambda: keras_work(keras_bytes, experiment, weights, experiment=experiment)


def panel(job) -> None:
    """A finished run's checkpoint downloads, and Train more."""
    experiment = runs.settings_of(job.experiment)
    downloads(experiment, job.result, job.id)
    train_more(job, experiment)


def train_more(job, trained) -> None:
    """Continue the run for N more epochs from a chosen set of its weights."""
    choices = starting_points(trained, job.result)
    if not choices:  # anyone who sees a run may continue it: the new run is theirs
        return
    with st.container(border=True, key="train_more"):
        st.markdown(tr("**Train more**"))
        cols = st.columns([2, 1, 1])
        picked = cols[0].selectbox(tr("Start from"), range(len(choices)),
                                   format_func=lambda i: choices[i].label(),
                                   key=f"train_more_from_{job.id}")
        more = cols[1].number_input(tr("More epochs"), 1, MAX_MORE_EPOCHS, 10,
                                    key=f"train_more_epochs_{job.id}")
        st.caption(tr("A new run, linked to this one: the model starts from the chosen "
                      "weights and trains with the settings above, its epochs numbered "
                      "on from the run's, its curves joined to them. The optimizer "
                      "starts afresh: momentum and Adam's averages are not kept, and a "
                      "learning-rate schedule starts again."))
        if not cols[2].button(tr("Train more"), key=f"train_more_button_{job.id}",
                              use_container_width=True):
            return
    current = state.job()
    if current is not None and not current.done:
        return
    choice = choices[picked]
    exp = state.experiment()
    differ = layers_differ(trained, exp)
    if differ is not None:
        st.error(tr("Train more cannot start from this run's weights: {reason}. Train "
                    "more continues a run with its own layers: put them back (open the "
                    "run), or press Train to start this model afresh.", reason=differ))
        return
    try:
        child = continued(exp, job.id, choice, job.result.history, int(more))
    except ValueError as error:  # over the epochs' maximum
        st.error(tr("Cannot train more: {error}", error=error))
        return
    if starting.start(child):
        state.replace_experiment(runs.settings_of(child))
    st.rerun()
