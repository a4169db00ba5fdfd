"""TensorBoard event files of a run, written by Keras and zipped for download.

With the experiment's `tensorboard` field on, `keras.callbacks.TensorBoard`
writes the epoch scalars (the same logs the charts show, validation
included, since it runs after `StreamCallback`) and up to `MAX_HISTOGRAMS`
weight histograms, evenly spread, into a temporary folder. When `fit`
returns, the folder is zipped into plain bytes, which travel back with the
`TrainingResult`, and removed. With it off, nothing is written or imported.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from typing import Any, Iterator

from playground.config import Experiment

MAX_HISTOGRAMS = 20
"""Weight histograms written per run, at most: about what the live view's
snapshots (at most twelve a second) give a short run. Each one costs a host
copy of every weight; on the 2-D presets, histograms every epoch cut the
speed to a fifth, scalars alone to about half (`bench/training_speed.py`)."""


@dataclass
class TensorBoardLogs:
    """The callbacks to add to `fit`, and the zip once training is over."""

    callbacks: list[Any] = field(default_factory=list)
    zip_bytes: bytes | None = None


def histogram_every(epochs: int) -> int:
    """Epochs between weight histograms: at most `MAX_HISTOGRAMS` a run."""
    return max(1, math.ceil(epochs / MAX_HISTOGRAMS))


def zip_folder(folder: str) -> bytes:
    """Every file under `folder`, zipped with paths relative to it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for root, _, files in os.walk(folder):
            for name in sorted(files):
                path = os.path.join(root, name)
                archive.write(path, os.path.relpath(path, folder))
    return buffer.getvalue()


@contextlib.contextmanager
def tensorboard_logs(exp: Experiment) -> Iterator[TensorBoardLogs]:
    """Yields the TensorBoard callback to train with; zips its logs on exit."""
    logs = TensorBoardLogs()
    if exp.tensorboard != "on":
        yield logs
        return
    import keras

    with tempfile.TemporaryDirectory(prefix="playground-tb-") as folder:
        board = keras.callbacks.TensorBoard(
            log_dir=folder, histogram_freq=histogram_every(exp.epochs),
            write_graph=False, update_freq="epoch")
        logs.callbacks.append(board)
        yield logs  # `fit` ends with the callback closing its writers
        logs.zip_bytes = zip_folder(folder)
