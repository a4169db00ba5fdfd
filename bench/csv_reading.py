"""CSV reading: the app's checked reader against a plain `pandas.read_csv`.

Generates a pixel table like Kaggle's digit-recognizer train file (a label
column and 784 pixel columns of whole numbers 0..255, mostly zeros) of about
100 MB in a temporary folder, then times, interleaved, best of REPEATS:

  plain  `pandas.read_csv(path)`
  app    reading the file's bytes plus
         `playground.datasets.csv_reading.read_csv(data, name)` with the
         default host limits (what an upload goes through: size cap, strict
         UTF-8 decoding, delimiter choice, the line-by-line shape check,
         parsing and tidying)

Target: app ≤ 2× plain. Prints a PASS/FAIL line; always exits 0.
Run from anywhere:  .venv/bin/python bench/csv_reading.py [MEGABYTES]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

REPEATS = 3
TARGET = 2.0
PIXELS = 784


def write_pixel_csv(path: Path, megabytes: float) -> int:
    """Writes a digit-recognizer-like table of about `megabytes`; returns rows."""
    rng = np.random.default_rng(0)
    header = "label," + ",".join(f"pixel{i}" for i in range(PIXELS)) + "\n"
    rows, written = 0, len(header)
    with path.open("w", encoding="utf-8") as handle:
        handle.write(header)
        while written < megabytes * 2**20:
            block = rng.integers(0, 256, (1000, PIXELS))
            block[rng.random(block.shape) < 0.8] = 0  # mostly blank paper
            labels = rng.integers(0, 10, (1000, 1))
            lines = "\n".join(",".join(map(str, row))
                              for row in np.hstack([labels, block]).tolist()) + "\n"
            handle.write(lines)
            rows, written = rows + 1000, written + len(lines)
    return rows


def main() -> None:
    import pandas as pd

    from playground.datasets.csv_reading import read_csv

    megabytes = float(sys.argv[1]) if len(sys.argv) > 1 else 100.0
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pixels.csv"
        rows = write_pixel_csv(path, megabytes)
        size = path.stat().st_size / 2**20
        print(f"file: {rows:,} rows × {PIXELS + 1} columns, {size:.1f} MB")
        times = {"plain": [], "app": []}
        for _ in range(REPEATS):
            start = time.perf_counter()
            plain = pd.read_csv(path)
            times["plain"].append(time.perf_counter() - start)
            del plain
            start = time.perf_counter()
            table = read_csv(path.read_bytes(), path.name)
            times["app"].append(time.perf_counter() - start)
            assert table.shape == (rows, PIXELS + 1), table.shape
            del table
    plain, app = min(times["plain"]), min(times["app"])
    ratio = app / plain
    print(f"plain pandas.read_csv: {plain:.2f} s (runs: "
          + ", ".join(f"{t:.2f}" for t in times["plain"]) + ")")
    print(f"app read_csv:          {app:.2f} s (runs: "
          + ", ".join(f"{t:.2f}" for t in times["app"]) + ")")
    print(f"{'PASS' if ratio <= TARGET else 'FAIL'}: app / plain = {ratio:.2f}× "
          f"(target ≤ {TARGET:g}×)")


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # a benchmark reports, it never fails the caller
        print(f"FAIL: the benchmark could not run: {type(error).__name__}: {error}")
    sys.exit(0)
