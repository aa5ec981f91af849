"""Whole-dataset exports against a plain geopandas pipeline, and streaming memory.

    python -m benchmarks.bench_exports --count 200000 --rounds 3

1. GeoParquet and GeoPackage: ``Distributions.build`` (keyset batches → GeoDataFrame → file)
   against a plain pipeline doing the same job (one ``pandas.read_sql`` of the table's columns
   → GeoDataFrame → file). Rounds are interleaved (A B B A …) so noise hits both sides; the
   report gives medians and the ratio ours ÷ baseline (1.00 = as fast; the target is ≤ 1.5).
2. Peak memory (max RSS) of a process that streams the CSV and GeoJSON subset download of the
   whole dataset through the WSGI app, against one that only builds the app and answers one
   small request.

Data: ``count`` synthetic cameras (``opengov synth cameras``) in a scratch SQLite database.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.harness import scratch_dir

STREAM = """
from opengov.app import create_app
app = create_app({{"database_url": "sqlite:///{db}", "instance_path": "{tmp}"}})
client = app.test_client()
total = 0
if "{path}":
    with client.get("{path}") as response:
        for chunk in response.response:
            total += len(chunk)
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the (large) parent process
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(total, int(hwm.split()[1]) // 1024)
"""


def prepare(count: int):
    from opengov.app import create_app
    from opengov.store.migrate import upgrade
    from opengov.synth_load import synth_collection

    tmp = scratch_dir(f"exports-{count}")
    db = tmp / "bench.sqlite3"
    app = create_app({"database_url": f"sqlite:///{db}", "instance_path": tmp})
    store = app.extensions["opengov"].store
    upgrade(store.engine)
    if store.repo("cameras").state().record_count != count:
        synth_collection(store, "cameras", count, 7, None, echo=print)
    return app, tmp, db


def ours(app, out: Path, fmt: str) -> None:
    from opengov.catalog.distributions import Distributions

    ctx = app.extensions["opengov"]
    state = ctx.store.repo("cameras").state()
    Distributions(out, ctx.store).build(ctx.registry.get("cameras"), fmt, state.version,
                                        state.modified)


def baseline(app, out: Path, fmt: str) -> None:
    import geopandas as gpd
    import pandas as pd
    import shapely

    from opengov.encoders.csv import source_columns

    ctx = app.extensions["opengov"]
    cols = ", ".join(source_columns(ctx.registry.get("cameras")))
    df = pd.read_sql(f"SELECT {cols} FROM c_cameras ORDER BY id", ctx.store.engine)
    gdf = gpd.GeoDataFrame(df.drop(columns="geom"), geometry=shapely.from_wkb(df["geom"]),
                           crs="OGC:CRS84")
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        gdf.to_parquet(out / "cameras.parquet", schema_version="1.1.0", write_covering_bbox=True)
    else:
        gdf.to_file(out / "cameras.gpkg", driver="GPKG", engine="pyogrio")


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def compare(app, tmp: Path, fmt: str, rounds: int) -> tuple[float, float]:
    import shutil

    times: dict[str, list[float]] = {"ours": [], "baseline": []}
    order = ["ours", "baseline", "baseline", "ours"] * ((rounds + 1) // 2)
    for i, side in enumerate(order[: 2 * rounds]):
        out = tmp / f"{side}-{fmt}-{i}"
        times[side].append(timed(ours if side == "ours" else baseline, app, out, fmt))
        shutil.rmtree(out, ignore_errors=True)
    return statistics.median(times["ours"]), statistics.median(times["baseline"])


def peak_mb(tmp: Path, db: Path, path: str) -> tuple[int, int]:
    code = STREAM.format(db=db, tmp=tmp, path=path)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    return int(out[0]), int(out[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    app, tmp, db = prepare(args.count)
    print(f"{args.count} cameras, {args.rounds} interleaved rounds, medians")
    print(f"{'export':<12} {'ours s':>8} {'geopandas s':>12} {'ratio':>6}")
    for fmt in ("parquet", "gpkg"):
        mine, base = compare(app, tmp, fmt, args.rounds)
        print(f"{fmt:<12} {mine:>8.2f} {base:>12.2f} {mine / base:>6.2f}")
    _, idle = peak_mb(tmp, db, "")
    print(f"\npeak RSS of an app answering nothing: {idle} MB")
    bbox = "-180,-90,180,90"
    for fmt in ("csv", "geojson"):
        size, peak = peak_mb(tmp, db, f"/datasets/cameras/download.{fmt}?bbox={bbox}")
        print(f"stream {fmt:<8} {size / 1e6:>8.1f} MB body, peak RSS {peak} MB "
              f"(+{peak - idle} MB)")


if __name__ == "__main__":
    main()
