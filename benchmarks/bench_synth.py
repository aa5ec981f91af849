"""How fast the synthetic generators make records (goal: ≥ 50,000 cameras/s).

    python -m benchmarks.bench_synth [--count 100000] [--rounds 5]

Prints the median rate of ``opengov.synth.cameras.generate_cameras`` and, as the baseline of the
same run, the rate of drawing the same number of uniform points inside the region's outline
with shapely alone (what any generator must at least do), and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import shapely

from opengov.synth import cameras, geo_sample

GOAL = 50_000


def _rate(make, count: int) -> float:
    start = time.perf_counter()
    make(count)
    return count / (time.perf_counter() - start)


def _uniform_points_inside(count: int) -> np.ndarray:
    outline = geo_sample.outline(geo_sample.QUANG_NAM)
    minx, miny, maxx, maxy = outline.bounds
    rng, kept = np.random.default_rng(0), []
    while sum(len(k) for k in kept) < count:
        xy = rng.uniform((minx, miny), (maxx, maxy), size=(count, 2))
        kept.append(xy[shapely.contains_xy(outline, xy[:, 0], xy[:, 1])])
    return np.concatenate(kept)[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    next(cameras.generate_cameras(1, 0))  # warm the per-region caches
    ours, floor = [], []
    for rnd in range(args.rounds):
        seed = 2025 + rnd
        ours.append(_rate(lambda n, s=seed: list(cameras.generate_cameras(n, s)), args.count))
        floor.append(_rate(_uniform_points_inside, args.count))
    med, base = statistics.median(ours), statistics.median(floor)
    print(f"cameras: {med:,.0f}/s (median of {args.rounds}; goal ≥ {GOAL:,}/s: "
          f"{'met' if med >= GOAL else 'MISSED'})")
    print(f"uniform points inside the outline (shapely only): {base:,.0f}/s; "
          f"ratio {med / base:.3f}")


if __name__ == "__main__":
    main()
