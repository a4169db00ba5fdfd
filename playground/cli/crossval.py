"""`playground crossval`: k-fold cross-validation from the command line.

The k folds train in a pool of worker processes (`--workers`, one by
default) and are saved as runs unless `--no-save`. One line per fold as it
ends, then each final metric as mean ± standard deviation; with `--json`, a
last line with the folds, their final metrics and the summary.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from typing import Any

from playground.evaluation.cross_validation import CrossValidation, FoldError
from playground.i18n import tr, translated
from playground.training.result import COMPLETED

POLL_SECONDS = 0.2


def fold_line(validation: CrossValidation, index: int) -> str:
    """`fold 2/3  completed  val_loss=0.4512  val_accuracy=0.8000  run ID`."""
    handle = validation.handles[index]
    final = validation.finals()[index] or {}
    values = "  ".join(f"{name}={value:.4f}" for name, value in final.items()
                       if name.startswith("val_"))
    line = tr("fold {fold}/{k}  {status}", fold=index + 1, k=validation.k,
              status=tr(handle.status))
    if values:
        line += f"  {values}"
    line += "  " + tr("run {run}", run=handle.id)
    if handle.status != COMPLETED and handle.result is not None:
        line += f"  ({translated(handle.result.message)})"
    return line


def _finite(data: Any) -> Any:
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: _finite(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_finite(value) for value in data]
    return data


def run_crossval(exp, args: Any) -> int:
    """Cross-validates the experiment as the arguments say; returns the exit
    status: 0 when every fold completed, 1 when one did not, 2 for a k the
    data cannot take, 130 after Ctrl-C (the running folds end as stopped runs)."""
    from playground.cli import UsageError
    from playground.cli.on_executor import close_executor, host_executor
    from playground.runs.recorder import submit_and_record

    most = max(1, os.cpu_count() or 1)
    if not 1 <= args.workers <= most:
        raise UsageError(tr("--workers takes a number from 1 to {most} (this "
                            "machine's cores: each worker trains on one); "
                            "received {count}.", most=most, count=args.workers))
    store = None
    if not args.no_save:
        from playground.runs import open_store

        store = open_store()

    def submit(experiment, name: str):
        return submit_and_record(pool, experiment, store=store, name=name)[0]

    try:
        validation = CrossValidation(exp, args.k, submit)
    except FoldError as error:
        raise UsageError(str(error)) from None
    pool = host_executor(args.workers)  # k checked: start the workers
    interrupted = False
    try:
        validation.start()
        said: set[int] = set()
        while len(said) < validation.k:
            for index, handle in enumerate(validation.handles):
                if handle.done and index not in said:
                    said.add(index)
                    print(fold_line(validation, index), flush=True)
            time.sleep(POLL_SECONDS)
    except KeyboardInterrupt:
        interrupted = True
        print("playground: " + tr("stopping the folds; finished ones are kept."),
              file=sys.stderr)
        validation.stop()
        validation.wait()
    finally:
        close_executor(pool)
    if args.json:
        print(json.dumps(_finite(validation.as_dict())))
    else:
        summary = validation.summary()
        width = max((len(s.metric) for s in summary), default=0)
        for s in summary:
            print(f"{s.metric:<{width}}  {s.mean:.4f} ± {s.std:.4f}")
        if summary:
            print(tr("(mean ± standard deviation over {count} of {k} folds)",
                     count=validation.counted(), k=validation.k))
    if interrupted:
        return 130
    return 0 if validation.counted() == validation.k else 1
