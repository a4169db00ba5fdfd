"""Keeps TensorFlow's own log lines off the command line's standard error.

TensorFlow's C++ side writes straight to file descriptor 2 (`cuInit` failing
on a machine without a GPU, CUDA drivers not found, CPU instructions), some
of it before its log level is read. The command line promises that every
problem on standard error starts with `playground:`, so unless `--verbose`
is given:

- `TF_CPP_MIN_LOG_LEVEL=3` and TensorFlow's Python logger at ERROR quiet what
  can be quieted by settings;
- descriptor 2 becomes a pipe read by a thread that drops TensorFlow's log
  lines and passes everything else on, while Python's `sys.stderr` (the
  command's own messages) writes to the real standard error directly, so
  nothing of ours waits in the pipe when the command exits. Worker
  processes inherit the pipe: their TensorFlow lines are dropped too.
"""

from __future__ import annotations

import os
import re
import sys
import threading

NATIVE_LOG_LINE = re.compile(
    rb"^(?:[IWEF]\d{4} \d\d:\d\d:\d+\.\d+ +\d+ [\w.]+:\d+\] "  # absl / TF C++
    rb"|WARNING: All log messages before absl::InitializeLog\(\) is called"
    rb"|To enable the following instructions: .* rebuild TensorFlow"
    rb"|WARNING:absl:)")
"""A line TensorFlow (or absl) wrote, not the command line."""


_filtering = False


def quiet_tensorflow_logs() -> None:
    """Filters TensorFlow's log lines out of this process's standard error
    (and its children's). Call before TensorFlow is imported.

    Only the command's own process is changed: where `sys.stderr` was
    already replaced (`main()` called from Python, a test capturing it),
    descriptor 2 is left alone, and a second call does nothing.
    """
    global _filtering
    import logging

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if _filtering or sys.stderr is not sys.__stderr__:
        return
    _filtering = True
    for name in ("tensorflow", "absl"):
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        sys.stderr.flush()
        real = os.dup(2)
        read, write = os.pipe()
    except OSError:  # no descriptor 2 to filter: nothing is printed anyway
        return
    sys.stderr = open(real, "w", buffering=1, encoding=sys.stderr.encoding or "utf-8",
                      errors="backslashreplace", closefd=False)
    os.dup2(write, 2)
    os.close(write)
    threading.Thread(target=_forward, args=(read, real), daemon=True,
                     name="tensorflow-log-filter").start()


def _forward(read: int, real: int) -> None:
    with open(read, "rb", buffering=0) as source:
        for line in iter(source.readline, b""):
            if not NATIVE_LOG_LINE.match(line):
                os.write(real, line)
