"""Whole-dataset exports against a plain geopandas pipeline, and a streaming server's memory.

    python benchmarks/bench_exports.py [--collection parcels] [--count 1000000] [--rounds 3]
                                       [--parts exports,memory]

Issue 7, *Performance*, on ``count`` synthetic records (``opengov synth COLLECTION``) in the
SQLite database the other benchmarks use (``benchmarks/.work/<collection>-sqlite-N``):

1. **exports** — GeoParquet and GeoPackage: ``Distributions.build`` (what ``opengov export``
   and the download's first request run: keyset batches → GeoDataFrame → file) against a plain
   pipeline doing the same job (one ``pandas.read_sql`` of the table's columns → GeoDataFrame →
   file). Rounds are interleaved (A B B A …) so noise hits both sides; medians and the ratio
   ours ÷ baseline (1.00 = as fast; the target is ≤ 1.5).
2. **memory** — peak resident memory (``VmHWM``) of the worker of a real ``opengov serve``
   (one worker, fresh for each download) while a client reads, over HTTP, the CSV and GeoJSON
   subset download covering the whole dataset (``bbox`` of the world: streamed), and the
   whole-dataset download's first request (which builds the file). Target: < 300 MB.
"""

from __future__ import annotations

import argparse
import http.client
import shutil
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import bench_cameras as cams  # noqa: E402
from benchmarks import harness  # noqa: E402

FILES = ("parquet", "gpkg")
MEMORY_TARGET_MB = 300


def open_app(data: cams.Dataset):
    """The opengov application over the benchmark database."""
    from opengov.app import create_app

    return create_app({"database_url": data.database_url, "instance_path": str(data.work)})


def ours(app, out: Path, fmt: str, collection_id: str) -> None:
    """Build the distribution file into ``out`` exactly as the server does."""
    from opengov.catalog.distributions import EPOCH, Distributions
    from opengov.catalog.service import distributions

    ctx = app.extensions["opengov"]
    with app.app_context():
        describe = distributions().describe
    state = ctx.store.repo(collection_id).state()
    Distributions(out, ctx.store, describe=describe).build(
        ctx.registry.get(collection_id), fmt, state.version, state.modified or EPOCH)


def baseline(app, out: Path, fmt: str, collection_id: str) -> None:
    """The plain pipeline: read the rows into a GeoDataFrame, write the file."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    from opengov.encoders.csv import source_columns

    ctx = app.extensions["opengov"]
    collection = ctx.registry.get(collection_id)
    cols = ", ".join(source_columns(collection))
    df = pd.read_sql(f"SELECT {cols} FROM {collection.table_name} ORDER BY id",
                     ctx.store.engine)
    gdf = gpd.GeoDataFrame(df.drop(columns="geom"), geometry=shapely.from_wkb(df["geom"]),
                           crs="OGC:CRS84")
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        gdf.to_parquet(out / f"{collection_id}.parquet", schema_version="1.1.0",
                       write_covering_bbox=True)
    else:
        gdf.to_file(out / f"{collection_id}.gpkg", driver="GPKG", engine="pyogrio")


def compare(app, work: Path, fmt: str, rounds: int, collection_id: str) -> dict:
    """Interleaved rounds (ours, baseline, baseline, ours, …): every time of each side."""
    times: dict[str, list[float]] = {"ours": [], "baseline": []}
    order = ["ours", "baseline", "baseline", "ours"] * ((rounds + 1) // 2)
    for i, side in enumerate(order[: 2 * rounds]):
        out = work / f"export-{side}-{fmt}-{i}"
        shutil.rmtree(out, ignore_errors=True)
        started = time.perf_counter()
        (ours if side == "ours" else baseline)(app, out, fmt, collection_id)
        times[side].append(time.perf_counter() - started)
        print(f"  {fmt} {side}: {times[side][-1]:.1f} s")
        shutil.rmtree(out, ignore_errors=True)
    return times


def exports_part(data: cams.Dataset, rounds: int) -> list[str]:
    app = open_app(data)
    lines = ["| export | ours s (median) | geopandas s (median) | ours ÷ geopandas "
             "| rounds ours / geopandas |", "|---|---:|---:|---:|---|"]
    verdicts = []
    for fmt in FILES:
        times = compare(app, data.work, fmt, rounds, data.collection)
        mine, base = statistics.median(times["ours"]), statistics.median(times["baseline"])
        lines.append(f"| {fmt} | {mine:.1f} | {base:.1f} | {mine / base:.2f} | "
                     + ", ".join(f"{t:.0f}" for t in times["ours"]) + " / "
                     + ", ".join(f"{t:.0f}" for t in times["baseline"]) + " |")
        verdicts.append(f"- {fmt}: {mine / base:.2f} × the geopandas pipeline "
                        f"({'met' if mine / base <= 1.5 else 'MISSED'}: ≤ 1.5)")
    return lines + [""] + verdicts


# -- server memory ------------------------------------------------------------------------------
def worker_pids(master: int) -> list[int]:
    """The child processes of a gunicorn master (its workers)."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def peak_mb(pid: int) -> int:
    """Peak resident memory (VmHWM) of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM"):
            return int(line.split()[1]) // 1024
    raise RuntimeError(f"no VmHWM for pid {pid}")


def download(port: int, path: str) -> tuple[int, int, float]:
    """Read a download to the end without keeping it: (status, bytes, seconds)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1800)
    started = time.perf_counter()
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        conn.endheaders()
        response = conn.getresponse()
        total = 0
        while chunk := response.read(1 << 20):
            total += len(chunk)
        return response.status, total, time.perf_counter() - started
    finally:
        conn.close()


def memory_part(data: cams.Dataset, threads: int) -> list[str]:
    """One fresh server per download; the worker's peak RSS after it."""
    ready = f"/datasets/{data.collection}"
    cases = [("idle (one small request)", ""),
             ("csv subset, bbox of the world", "download.csv?bbox=-180,-90,180,90"),
             ("geojson subset, bbox of the world", "download.geojson?bbox=-180,-90,180,90"),
             ("csv whole dataset, first request (builds the file)", "download.csv"),
             ("geojson whole dataset, first request (builds the file)", "download.geojson")]
    lines = ["| download | status | body MB | seconds | worker peak RSS MB |",
             "|---|---:|---:|---:|---:|"]
    verdicts = []
    for name, tail in cases:
        if "builds the file" in name:  # start from no built file
            shutil.rmtree(data.work / "distributions" / data.collection, ignore_errors=True)
        srv = cams.opengov_server(data, threads, ready)
        with srv:
            status, size, seconds = (download(srv.port, f"{ready}/{tail}") if tail
                                     else (200, 0, 0.0))
            workers = worker_pids(srv.proc.pid)
            peak = max(peak_mb(pid) for pid in workers)
        lines.append(f"| {name} | {status} | {size / 1e6:.1f} | {seconds:.1f} | {peak} |")
        print(f"  {name}: HTTP {status}, {size / 1e6:.1f} MB in {seconds:.1f} s, peak {peak} MB")
        if tail:
            verdicts.append(f"- {name}: peak {peak} MB "
                            f"({'met' if peak < MEMORY_TARGET_MB else 'MISSED'}: < 300 MB)")
    return lines + [""] + verdicts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--collection", default="parcels")
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads")
    parser.add_argument("--parts", default="exports,memory",
                        help="comma-separated: exports, memory")
    args = parser.parse_args(argv)
    parts = set(args.parts.split(","))
    data = cams.prepare_dataset("sqlite", args.count, "", args.collection)
    info = harness.machine_info()
    report = []
    if "exports" in parts:
        report += ["### exports", ""] + exports_part(data, args.rounds) + [""]
    if "memory" in parts:
        report += ["### server memory", ""] + memory_part(data, args.threads)
    print("\n" + "\n".join(f"- {k}: {v}" for k, v in info.items()))
    print(f"- data: {data.count:,} {data.collection}, sqlite; {args.rounds} interleaved "
          "rounds, medians\n")
    print("\n".join(report))


if __name__ == "__main__":
    main()
