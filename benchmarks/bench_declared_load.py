"""``opengov load`` of a declared GeoParquet file against a plain geopandas pipeline, same run.

    python benchmarks/bench_declared_load.py [--count 1000000] [--rounds 3] [--keep]
                                             [--baseline SRC]

Writes ``--count`` synthetic points (an id, a name, an enum, an integer, a number) to a
GeoParquet file under ``benchmarks/.work/declared-load/``, declares it (``metadata.yaml``
written here, as ``opengov add`` would infer it), then times in alternating rounds, each in a
child process whose peak RSS is measured:

- (a) ``opengov load`` of the declared folder into a fresh SQLite database (``--no-build``:
  the download files are another step), then ``opengov load`` again (the same file: its
  digest matches, nothing is read or rebuilt, the version stays);
- (b) geopandas: ``read_parquet`` + ``to_file`` of the same frame to a GeoPackage (pyogrio,
  with its spatial index) — the baseline of issue 16.

Prints the medians, the ratio (a) ÷ (b) (target ≤ 2) of wall and of CPU time (user + system:
less bent by other processes on a shared machine) and the peak RSS (target < 1 GB).
``--baseline SRC``: also time (a) with the ``opengov`` package of another source tree (e.g.
``git archive <commit> opengov | tar -x -C SRC``) first on ``PYTHONPATH``, in the same rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
WORK = BENCH_DIR / ".work" / "declared-load"

# Runs a command and prints its wall time, its CPU time (user + system) and its peak RSS (MiB)
# as JSON.
MEASURE = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
elapsed = time.perf_counter() - started
if done.returncode:
    sys.exit(done.stdout + done.stderr)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": elapsed, "peak_mib": usage.ru_maxrss / 1024,
                  "cpu": usage.ru_utime + usage.ru_stime, "output": done.stdout}))
"""

GEOPANDAS = """
import sys, geopandas
geopandas.read_parquet(sys.argv[1]).to_file(sys.argv[2], driver="GPKG")
"""

DECLARATION = """\
id: points
title: {vi: Điểm thử, en: Benchmark points}
geometry_type: Point
native_crs: OGC:CRS84
id_field: point_id
source:
  file: points.parquet
fields:
- name: point_id
  type: string
  required: true
- name: name
  type: string
  required: true
  searchable: true
  sortable: true
- name: kind
  type: string
  enum: [bus, tram, ferry, taxi, bike]
  filterable: true
- name: capacity
  type: integer
  sortable: true
- name: score
  type: number
  sortable: true
"""


def write_points(path: Path, count: int) -> None:
    """``count`` points around Quảng Nam / Đà Nẵng as GeoParquet (EPSG:4326)."""
    import geopandas as gpd
    import numpy as np

    rng = np.random.default_rng(7)
    kinds = np.array(["bus", "tram", "ferry", "taxi", "bike"])
    frame = gpd.GeoDataFrame({
        "point_id": [f"P{i:07d}" for i in range(count)],
        "name": [f"Điểm {i}" for i in range(count)],
        "kind": kinds[rng.integers(0, 5, count)],
        "capacity": rng.integers(1, 500, count),
        "score": rng.random(count).round(3),
    }, geometry=gpd.points_from_xy(rng.uniform(107.5, 108.8, count),
                                   rng.uniform(15.0, 16.2, count)), crs="EPSG:4326")
    frame.to_parquet(path)


def measure(command: list[str], pythonpath: str | None = None) -> dict:
    """Wall time and peak RSS of ``command`` run as a child process."""
    env = dict(os.environ, PYTHONPATH=pythonpath) if pythonpath else None
    done = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True,
                          text=True, check=False, env=env)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="Reuse the GeoParquet file.")
    parser.add_argument("--baseline", help="Source tree of the opengov to compare with.")
    args = parser.parse_args()

    folder = WORK / "datasets" / "points"
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "points.parquet"
    if not (args.keep and data.exists()):
        started = time.perf_counter()
        write_points(data, args.count)
        print(f"wrote {args.count:,} points to {data} in {time.perf_counter() - started:.1f} s")
    (folder / "metadata.yaml").write_text(DECLARATION, encoding="utf-8")
    database, gpkg = WORK / "points.sqlite", WORK / "points.gpkg"
    opengov = [str(Path(sys.executable).with_name("opengov")), "--database-url",
               f"sqlite:///{database}", "load", str(WORK / "datasets"), "--no-build"]
    os.environ["OPENGOV_INSTANCE_PATH"] = str(WORK / "instance")
    os.environ["OPENGOV_DATASETS_PATH"] = str(WORK / "datasets")
    times: dict[str, list[float]] = {"opengov load": [], "opengov reload": [], "geopandas": []}
    sides = ["opengov", "geopandas"]
    if args.baseline:
        times.update({"baseline load": [], "baseline reload": []})
        sides.append("baseline")
    peaks: dict[str, list[float]] = {k: [] for k in times}
    cpus: dict[str, list[float]] = {k: [] for k in times}
    for round_ in range(args.rounds):
        for side in (sides if round_ % 2 == 0 else sides[::-1]):
            if side == "geopandas":
                gpkg.unlink(missing_ok=True)
                run = {"geopandas": measure([sys.executable, "-c", GEOPANDAS, str(data),
                                             str(gpkg)])}
            else:
                source = args.baseline if side == "baseline" else None
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{database}{suffix}").unlink(missing_ok=True)
                first = measure(opengov, source)
                again = measure(opengov, source)
                assert " new " in first["output"] and f"unchanged {args.count:>7}" in (
                    again["output"]), again["output"]
                run = {f"{side} load": first, f"{side} reload": again}
            for name, result in run.items():
                times[name].append(result["seconds"])
                peaks[name].append(result["peak_mib"])
                cpus[name].append(result["cpu"])
                print(f"round {round_ + 1} {name:<15} {result['seconds']:7.1f} s  CPU "
                      f"{result['cpu']:6.1f} s  peak "
                      f"{result['peak_mib']:6.0f} MiB  load average "
                      f"{os.getloadavg()[0]:.1f}", flush=True)
    median = {k: statistics.median(v) for k, v in times.items()}
    print(f"\n{args.count:,} points, {args.rounds} rounds, medians:")
    cpu = {k: statistics.median(v) for k, v in cpus.items()}
    for name in times:
        print(f"  {name:<15} {median[name]:7.1f} s   CPU {cpu[name]:6.1f} s   peak RSS max "
              f"{max(peaks[name]):6.0f} MiB")
    print(f"  opengov load ÷ geopandas: {median['opengov load'] / median['geopandas']:.2f} "
          f"(target ≤ 2); CPU time {cpu['opengov load'] / cpu['geopandas']:.2f}")
    if args.baseline:
        print(f"  baseline load ÷ geopandas: "
              f"{median['baseline load'] / median['geopandas']:.2f}; CPU time "
              f"{cpu['baseline load'] / cpu['geopandas']:.2f}")
    if not args.keep:
        shutil.rmtree(WORK / "datasets", ignore_errors=True)


if __name__ == "__main__":
    main()
