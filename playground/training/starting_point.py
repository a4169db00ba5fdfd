"""Where a continued run starts: the weights of an earlier run's epoch.

**Train more** continues a stored run from its final weights or one of its
checkpoints as a new run, linked to its parent. The new run's job carries a
`StartingPoint`: the parent's id, the epoch its weights are from, those
weights as `.npz` bytes (never pickle) and the parent's history up to that
epoch, which the new run's history begins with, so that its curves join
the parent's and its epochs are numbered on from there. The optimizer is
made afresh: its slots (momentum, Adam's averages) are not kept with a run.

No TensorFlow here: the web server makes starting points. The training
loop checks the weights against the model it built (`check_fits`) before
it sets them.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from playground.fields import ConfigError
from playground.i18n import tr_lazy


class StartingWeightsMismatch(ValueError):
    """The weights a run would start from do not fit the model it builds."""


def weights_to_npz(weights: Sequence[np.ndarray]) -> bytes:
    """A list of weight arrays as `.npz` bytes (members `w0`, `w1`, ...)."""
    buffer = io.BytesIO()
    np.savez(buffer, **{f"w{i}": np.asarray(w) for i, w in enumerate(weights)})
    return buffer.getvalue()


def weights_from_npz(blob: bytes) -> list[np.ndarray]:
    """The list `weights_to_npz` wrote, read with pickling refused.

    Raises:
        StartingWeightsMismatch: when the bytes are not such an archive.
    """
    try:
        with np.load(io.BytesIO(blob), allow_pickle=False) as archive:
            count = len(archive.files)
            return [archive[f"w{i}"] for i in range(count)]
    except (ValueError, KeyError, OSError, EOFError, zipfile.BadZipFile) as error:
        raise StartingWeightsMismatch(tr_lazy(
            "The starting weights cannot be read ({error}); expected the .npz archive "
            "of a stored run's weights. Pick the run's final weights or a checkpoint "
            "again.", error=error)) from None


@dataclass(frozen=True, eq=False)
class StartingPoint:
    """The weights a continued run starts from, and the history before them.

    Make one with `of`. It travels with the job inside its experiment
    (`Experiment.start`, a field of the job like `fold`, not a setting:
    it is in no link, JSON or stored settings).

    Attributes:
        parent_id: The run whose weights these are.
        epoch: The parent's epoch (1-based) that the weights are from; the
            new run's first epoch is `epoch + 1`.
        weights: The weights as `.npz` bytes (`weights_to_npz`).
        history: The parent's history up to `epoch`, as `(metric, values)`
            pairs (plain tuples, so that the frozen object stays hashable).
    """

    parent_id: str
    epoch: int
    weights: bytes
    history: tuple[tuple[str, tuple[float, ...]], ...] = ()

    @classmethod
    def of(cls, parent_id: str, epoch: int, weights: Sequence[np.ndarray],
           history: dict[str, list[float]]) -> StartingPoint:
        """The starting point at `epoch` of a run with these weights and history."""
        kept = tuple((name, tuple(float(v) for v in values[:epoch]))
                     for name, values in history.items() if values[:epoch])
        return cls(parent_id, int(epoch), weights_to_npz(weights), kept)

    def arrays(self) -> list[np.ndarray]:
        """The weights, as `model.set_weights` takes them."""
        return weights_from_npz(self.weights)

    def epoch_logs(self) -> list[dict[str, float]]:
        """The parent's logs of each epoch up to `epoch`, oldest first."""
        history = dict(self.history)
        count = max((len(v) for v in history.values()), default=0)
        return [{name: values[i] for name, values in history.items() if i < len(values)}
                for i in range(count)]


def check_fits(weights: Sequence[np.ndarray], shapes: Sequence[tuple[int, ...]],
               start: StartingPoint) -> None:
    """Refuses starting weights whose shapes differ from the model's.

    Args:
        weights: The starting weights.
        shapes: The shapes of the built model's weights, in `get_weights` order.
        start: Where the weights come from (named in the message).

    Raises:
        StartingWeightsMismatch: naming the first difference and the fix.
    """
    fix = tr_lazy("Train more continues a run with its own layers: put them back (open "
                  "the run), or press Train to start this model afresh.")
    if len(weights) != len(shapes):
        raise StartingWeightsMismatch(tr_lazy(
            "The weights of run {run} at epoch {epoch} do not fit this model: they are "
            "{received} arrays, and the model has {expected}. {fix}", run=start.parent_id,
            epoch=start.epoch, received=len(weights), expected=len(shapes), fix=fix))
    for index, (array, shape) in enumerate(zip(weights, shapes)):
        if tuple(np.shape(array)) != tuple(shape):
            raise StartingWeightsMismatch(tr_lazy(
                "The weights of run {run} at epoch {epoch} do not fit this model: "
                "array {index} has the shape {received} in the run and {expected} in "
                "the model. {fix}", run=start.parent_id, epoch=start.epoch,
                index=index + 1, received=tuple(np.shape(array)), expected=tuple(shape),
                fix=fix))
        if not np.all(np.isfinite(array)):
            raise StartingWeightsMismatch(tr_lazy(
                "The weights of run {run} at epoch {epoch} are not finite (NaN or "
                "infinite); a run cannot continue from them. Pick a checkpoint from "
                "before the loss diverged.", run=start.parent_id, epoch=start.epoch))


def valid_start(value: Any) -> Any:
    """`value` when it is None or a `StartingPoint` (the experiment's check)."""
    if value is None or isinstance(value, StartingPoint):
        return value
    raise ConfigError("start", type(value).__name__,
                      "None, or a StartingPoint (the weights a continued run starts from)")


