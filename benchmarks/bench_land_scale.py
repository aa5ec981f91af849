"""Land at scale: 1,000,000 parcels against 10,000 (bbox), point lookups and z14 tiles.

    python benchmarks/bench_land_scale.py [--small 10000] [--large 1000000] [--rounds 5]
                                          [--duration 5] [--parts bbox,lookup,tiles] [--quick]

Issue 3, *Performance*, on SQLite under ``benchmarks/.work/parcels-sqlite-N`` (built once with
``opengov synth parcels --count N`` and reused):

- **bbox** — ``/land/parcels`` and ``/ogc/collections/parcels/items`` with ``limit=1000`` and a
  box matching about 1,000 parcels on each database, one ``opengov serve`` (one worker) per
  database side by side, ``wrk -c1`` in interleaved rounds; target: the large database's req/s
  ≥ 1 ÷ 1.5 of the small one's (nothing scans). The floor on both databases runs beside them
  as the control: what the larger database alone costs the same SQL.
- **lookup** — ``/land/lookup?lon=&lat=`` at points inside ``--lookups`` random parcels of each
  database (one point on each parcel's surface), one keep-alive connection, every answer
  checked to name its parcel; passes alternate between the databases; target: median ≤ 5 ms on
  the large one. Client time is included, so the figure is an upper bound.
- **tiles** — ``/tiles/parcels/14/x/y.mvt`` for the z14 tiles over the densest town of the large
  database that hold at most 2,000 parcels: the first request of each tile after the
  tile cache (``<instance>/tiles``, files) was emptied (uncached) and three more passes
  (cached); targets: medians ≤ 50 ms and ≤ 5 ms.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import statistics
import sys
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import bench_cameras as cams  # noqa: E402
from benchmarks import harness  # noqa: E402
from benchmarks.bench_land import box_text, centres  # noqa: E402

COLLECTION = "parcels"
BOX_TARGET = 1000
TILE_ZOOM = 14
TILE_MAX_PARCELS = 2000


def dataset(count: int) -> cams.Dataset:
    """The SQLite parcels database of ``count`` parcels (built on first use)."""
    return cams.prepare_dataset("sqlite", count, "", COLLECTION)


def server(data: cams.Dataset, threads: int, label: str,
           worker_class: str = "gthread") -> harness.Server:
    """``opengov serve`` (one worker) on ``data``, logging to ``<label>.log``."""
    srv = cams.opengov_server(data, threads, "/land/parcels?limit=1",
                              worker_class=worker_class)
    srv.label, srv.log_path = label, data.work / f"{label}.log"
    return srv


def label(count: int) -> str:
    return f"{count // 1000}k" if count < 1_000_000 else f"{count / 1e6:g}M"


# -- bbox ---------------------------------------------------------------------------------------
def matched(srv: harness.Server, bbox: str) -> int:
    """Parcels intersecting ``bbox``: ``numberMatched``, or (when the server omits it, as it
    does rather than count on a large table) the features of one page of 10,000."""
    doc = harness.get_json(srv.port, f"/land/parcels?limit=10000&bbox={bbox}")
    return doc.get("numberMatched") or len(doc["features"])


def bbox_part(small: cams.Dataset, large: cams.Dataset, args) -> list[str]:
    """Same-sized bbox matches on both databases, interleaved; the floor on both databases
    as the control (what the data size alone costs the same query)."""
    out = []
    with ExitStack() as stack:
        sides = {}
        for data in (small, large):
            name = label(data.count)
            srv = stack.enter_context(server(data, args.threads, f"opengov-{name}",
                                                  args.worker_class))
            floor = stack.enter_context(cams.floor_server(data, args.threads, exact=True,
                                                         worker_class=args.worker_class))
            floor.label, floor.log_path = f"floor-{name}", data.work / f"floor-{name}.log"
            box, _ = cams.choose_box(centres(data.database_url, COLLECTION), BOX_TARGET)
            n = matched(srv, box_text(box))
            out.append(f"- {name}: bbox {box_text(box)} matches {n} parcels")
            sides[name] = (srv, floor, f"limit=1000&bbox={box_text(box)}")
        paths = {"land": "/land/parcels", "ogc": f"/ogc/collections/{COLLECTION}/items",
                 "floor": f"/{COLLECTION}"}
        cases = {
            f"{path_name} bbox~{BOX_TARGET}": {
                name: f"{(fl if path_name == 'floor' else srv).base_url}{path}?{query}"
                for name, (srv, fl, query) in sides.items()}
            for path_name, path in paths.items()
        }
        for urls in cases.values():
            for url in urls.values():
                harness.load(url, args.warmup)
        results = harness.rotating_rounds(cases, rounds=args.rounds, duration=args.duration)
    big, few = label(large.count), label(small.count)
    out += ["", harness.format_sides_table(results, [(big, few)]), ""]
    for name, by_side in results.items():
        slower = 1 / harness.paired_ratio(by_side[big], by_side[few])
        verdict = "control" if name.startswith("floor") else (
            "met" if slower <= 1.5 else "MISSED") + ": ≤ 1.5"
        out.append(f"- {name}: {big} takes {slower:.2f} × the time of {few} ({verdict})")
    return out


# -- lookup -------------------------------------------------------------------------------------
def inner_points(data: cams.Dataset, n: int, seed: int = 3) -> list[tuple[str, float, float]]:
    """(parcel id, lon, lat) of a point on the surface of ``n`` random parcels."""
    import shapely

    conn = cams.connect(data.database_url)
    try:
        top = conn.execute(f"SELECT max(_rowid) FROM c_{COLLECTION}").fetchone()[0]
        rowids = random.Random(seed).sample(range(1, top + 1), min(n, top))
        rows = []
        for start in range(0, len(rowids), 500):
            chunk = rowids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            rows += conn.execute(f"SELECT id, geom FROM c_{COLLECTION} "
                                 f"WHERE _rowid IN ({marks})", chunk).fetchall()
    finally:
        conn.close()
    points = []
    for pid, wkb in rows:
        p = shapely.point_on_surface(shapely.from_wkb(wkb))
        points.append((pid, p.x, p.y))
    random.Random(seed).shuffle(points)
    return points


def lookup_paths(points) -> list[str]:
    return [f"/land/lookup?lon={x:.7f}&lat={y:.7f}" for _, x, y in points]


def check_lookups(srv: harness.Server, points) -> int:
    """Every lookup answers 200 and names the parcel the point was taken from; the count."""
    for (pid, _, _), path in zip(points, lookup_paths(points), strict=True):
        status, body = harness.get(srv.port, path)
        if status != 200 or pid.encode() not in body:
            raise RuntimeError(f"{path}: HTTP {status}, parcel {pid} not in {body[:200]!r}")
    return len(points)


def lookup_part(small: cams.Dataset, large: cams.Dataset, args) -> list[str]:
    """Lookup latencies on both databases, passes alternating."""
    out = []
    with ExitStack() as stack:
        sides = {}
        for data in (small, large):
            name = label(data.count)
            srv = stack.enter_context(server(data, args.threads, f"opengov-{name}",
                                                  args.worker_class))
            points = inner_points(data, args.lookups)
            out.append(f"- {name}: {check_lookups(srv, points)} lookups checked "
                       "(200, the sampled parcel in the answer)")
            sides[name] = (srv, lookup_paths(points))
        times: dict[str, list[float]] = {name: [] for name in sides}
        medians: dict[str, list[float]] = {name: [] for name in sides}
        order = list(sides)
        for rnd in range(args.rounds):
            for name in order if rnd % 2 == 0 else order[::-1]:
                srv, paths = sides[name]
                got = harness.timed_gets(srv.port, paths)
                if any(status != 200 for status, _ in got):
                    raise RuntimeError(f"lookup on {name}: non-200 answers")
                ms = [t for _, t in got]
                times[name] += ms
                medians[name].append(statistics.median(ms))
            print(f"  round {rnd + 1}/{args.rounds} lookup " + "  ".join(
                f"{n} {medians[n][-1]:.2f} ms" for n in order))
    out += ["", "| database | lookups | median ms | p90 ms | per-pass medians ms |",
            "|---|---:|---:|---:|---|"]
    for name, ms in times.items():
        p90 = statistics.quantiles(ms, n=10)[-1]
        out.append(f"| {name} | {len(ms)} | {statistics.median(ms):.2f} | {p90:.2f} | "
                   + ", ".join(f"{m:.2f}" for m in medians[name]) + " |")
    big = label(large.count)
    med = statistics.median(times[big])
    out.append(f"\n- lookup on {big}: median {med:.2f} ms "
               f"({'met' if med <= 5 else 'MISSED'}: ≤ 5 ms)")
    return out


# -- tiles --------------------------------------------------------------------------------------
def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The XYZ (web mercator) tile holding a point."""
    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def town_tiles(data: cams.Dataset, span: int = 3) -> list[tuple[int, int, int]]:
    """(x, y, parcels) of the z14 tiles within ``span`` of the densest tile that hold at most
    2,000 parcel centres (a town and its outskirts)."""
    counts = Counter(tile_of(x, y, TILE_ZOOM) for x, y in centres(data.database_url, COLLECTION))
    cx, cy = max(counts, key=counts.get)
    return sorted((x, y, counts[(x, y)]) for x in range(cx - span, cx + span + 1)
                  for y in range(cy - span, cy + span + 1)
                  if 0 < counts.get((x, y), 0) <= TILE_MAX_PARCELS)


def tiles_part(large: cams.Dataset, args) -> list[str]:
    """Uncached (first request after the tile cache was emptied) and cached tile latencies."""
    tiles = town_tiles(large)
    if not tiles:
        return ["- tiles: no z14 tile with 1–2,000 parcels near the densest one"]
    paths = [f"/tiles/{COLLECTION}/{TILE_ZOOM}/{x}/{y}.mvt" for x, y, _ in tiles]
    cache = large.work / "tiles"  # the file cache of opengov/tiles/cache.py (<instance>/tiles)
    cold: list[float] = []
    warm: list[float] = []
    with server(large, args.threads, f"opengov-tiles-{label(large.count)}",
                args.worker_class) as srv:
        sizes = [len(harness.get(srv.port, p)[1]) for p in paths]
        for rnd in range(args.rounds):
            shutil.rmtree(cache, ignore_errors=True)
            order = paths if rnd % 2 == 0 else paths[::-1]
            first = harness.timed_gets(srv.port, order)
            bad = [s for s, _ in first if s not in (200, 204)]
            if bad:
                raise RuntimeError(f"tiles answered {bad}; log:\n{srv.log_tail()}")
            cold += [t for _, t in first]
            for _ in range(3):
                warm += [t for _, t in harness.timed_gets(srv.port, order)]
            print(f"  round {rnd + 1}/{args.rounds} tiles uncached median "
                  f"{statistics.median(cold):.1f} ms, cached {statistics.median(warm):.2f} ms")
    cold_med, warm_med = statistics.median(cold), statistics.median(warm)
    parcels = [n for _, _, n in tiles]
    return [
        f"- {len(tiles)} z{TILE_ZOOM} tiles around ({tiles[0][0]}…{tiles[-1][0]}, "
        f"{min(t[1] for t in tiles)}…{max(t[1] for t in tiles)}): parcels per tile "
        f"{min(parcels)}–{max(parcels)} (median {statistics.median(parcels):.0f}), "
        f"tile bytes {min(sizes):,}–{max(sizes):,}",
        f"- uncached: {len(cold)} requests, median {cold_med:.1f} ms, p90 "
        f"{statistics.quantiles(cold, n=10)[-1]:.1f} ms "
        f"({'met' if cold_med <= 50 else 'MISSED'}: ≤ 50 ms)",
        f"- cached: {len(warm)} requests, median {warm_med:.2f} ms, p90 "
        f"{statistics.quantiles(warm, n=10)[-1]:.2f} ms "
        f"({'met' if warm_med <= 5 else 'MISSED'}: ≤ 5 ms)",
    ]


# -- main ---------------------------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=10_000, help="parcels, reference database")
    parser.add_argument("--large", type=int, default=1_000_000, help="parcels, large database")
    parser.add_argument("--lookups", type=int, default=500, help="distinct lookup points")
    parser.add_argument("--parts", default="bbox,lookup,tiles",
                        help="comma-separated: bbox, lookup, tiles")
    harness.add_common_args(parser)
    return harness.apply_quick(parser.parse_args(argv))


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    parts = set(args.parts.split(","))
    small, large = dataset(args.small), dataset(args.large)
    info = harness.machine_info()
    report: dict[str, list[str]] = {}
    if "bbox" in parts:
        report["bbox"] = bbox_part(small, large, args)
    if "lookup" in parts:
        report["lookup"] = lookup_part(small, large, args)
    if "tiles" in parts:
        report["tiles"] = tiles_part(large, args)
    print("\n" + "\n".join(f"- {k}: {v}" for k, v in info.items()))
    print(f"- data: {small.count:,} and {large.count:,} parcels, sqlite; {args.rounds} rounds "
          f"of {args.duration:g} s; load: {harness.load_tool()}")
    for name, lines in report.items():
        print(f"\n### {name}\n\n" + "\n".join(lines))
    raw = large.work / f"scale-results-{time.strftime('%Y%m%d-%H%M%S')}.json"
    raw.write_text(json.dumps({"args": vars(args), "machine": info, "report": report},
                              indent=1))
    print(f"\nreport kept in {raw}")


if __name__ == "__main__":
    main()
