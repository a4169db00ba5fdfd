"""Writes `playground/datasets/files/house_prices.csv`, a made-up price table.

A small regression table in the spirit of the classic house-price tutorials,
but invented from scratch: 500 homes in a fictional town, each with a floor
area, a number of rooms, an age, a distance to the centre, a district and a
garden, and a price in thousands. The price is a nonlinear function of those
plus noise:

- it grows a little less than linearly with the area (`area ** 0.9`);
- each district has its own price level;
- it falls off with the distance to the centre (`exp(-0.045 * km)`);
- it dips for homes of 30 to 60 years and recovers for old ones;
- homes in the old town are older, gardens are commoner further out;
- a garden adds about 8%, each room beyond the area's usual count about 3%;
- lognormal noise of about 8% on top.

About 2% of the ages are left empty, so the missing-value step has something
to show. The same seed gives the same bytes: a test regenerates the file and
compares it with the shipped one.

Usage:
    python scripts/make_house_prices.py [OUTPUT]
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import numpy as np

SEED = 2024
ROWS = 500
OUTPUT = (Path(__file__).resolve().parents[1]
          / "playground" / "datasets" / "files" / "house_prices.csv")
COLUMNS = ("area_m2", "rooms", "age_years", "distance_to_centre_km",
           "district", "has_garden", "price_k")
# District: (share of homes, price level, typical distance to the centre in km)
DISTRICTS = {
    "Old Town": (0.20, 1.30, 1.5),
    "Riverside": (0.25, 1.15, 4.0),
    "Hillside": (0.25, 1.00, 7.0),
    "Northfield": (0.30, 0.80, 11.0),
}


def make_rows(rng: np.random.Generator, n: int = ROWS) -> list[list[str]]:
    """Draws `n` homes and their prices; returns the CSV rows as text."""
    names = list(DISTRICTS)
    shares, levels, distances = (np.array(v) for v in zip(*DISTRICTS.values()))
    district = rng.choice(len(names), size=n, p=shares)
    distance = np.clip(distances[district] * rng.lognormal(0.0, 0.35, n), 0.3, 30.0)
    area = np.clip(rng.lognormal(np.log(85.0), 0.35, n) * (1 + 0.02 * distance),
                   25.0, 320.0)
    usual_rooms = area / 28.0
    rooms = np.clip(np.round(usual_rooms + rng.normal(0.0, 0.7, n)), 1, 9)
    old_town = district == 0
    age = np.clip(np.round(rng.gamma(2.0, 18.0, n) + 30.0 * old_town), 0, 140)
    garden = (rng.random(n) < 0.15 + 0.05 * distance).astype(int)
    age_factor = 1.0 - 0.18 * np.exp(-(((age - 45.0) / 18.0) ** 2)) + 0.0012 * age
    price = (3.1 * area ** 0.9 * levels[district] * np.exp(-0.045 * distance)
             * age_factor * (1.0 + 0.08 * garden)
             * (1.0 + 0.03 * (rooms - usual_rooms))
             * rng.lognormal(0.0, 0.08, n))
    missing_age = rng.random(n) < 0.02
    return [
        [f"{area[i]:.1f}", str(int(rooms[i])),
         "" if missing_age[i] else str(int(age[i])), f"{distance[i]:.1f}",
         names[district[i]], str(garden[i]), f"{price[i]:.1f}"]
        for i in range(n)
    ]


def build_csv(seed: int = SEED, n: int = ROWS) -> str:
    """Returns the whole CSV file as text (UTF-8, `\\n` line endings)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(make_rows(np.random.default_rng(seed), n))
    return buffer.getvalue()


def write_csv(path: Path | str = OUTPUT) -> Path:
    """Writes the CSV file to `path` and returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(build_csv().encode("utf-8"))
    return path


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    path = write_csv(argv[0] if argv else OUTPUT)
    print(f"Wrote {path}")


if __name__ == "__main__":
    main()
