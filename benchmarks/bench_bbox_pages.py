"""Bbox pages cost what the page costs (issue 18): bbox pages against the same page without bbox.

    python benchmarks/bench_bbox_pages.py [--count 1000000] [--backend sqlite|postgresql]
        [--database-url URL] [--rounds 3] [--duration 3] [--shares 0.1,1,10,50,100]
        [--limits 100,1000] [--walk-share 50] [--no-walk] [--quick]
        [--predicate bbox|intersects]

On ``--count`` synthetic parcels (``opengov synth parcels``, built once under
``benchmarks/.work`` and reused), one ``opengov serve`` (one sync worker):

- **pages** — boxes around the middle of the parcels holding about 0.1 %, 1 %, 10 %, 50 % and
  100 % of the parcel centres (100 %: the collection's extent), ``limit=100`` and
  ``limit=1000``, the first page and the tenth (reached through ``next`` links), each timed
  with ``wrk -c1`` beside the same page without bbox (first or tenth page of the id order),
  in interleaved rounds (the order of the two rotates each round). Target: every bbox page
  within 2× the time of its plain page (``time ratio`` ≤ 2).
- **walk** — every page of the ``--walk-share`` % box with ``limit=1000``, following ``next``
  links on one keep-alive connection, each page timed; target: the last tenth of the pages
  cost no more than the first tenth (linear total).
- **floor** — the dense (1 %) box at ``limit=100`` and ``limit=1000`` against
  :mod:`benchmarks.floor_app` (R*Tree/GiST candidates joined to the stored JSON, ordered by id,
  its count cached per query) on the same data; target ≥ 0.5 × the floor's req/s.

``--predicate intersects`` asks the same pages through the OGC API with a CQL2 filter instead of
``bbox``: ``S_INTERSECTS(geometry, POLYGON(…))`` with the diamond inscribed in each box (a
district-like polygon, half the box's area, so candidates near its four slanted edges need the
exact test), against ``/ogc/collections/parcels/items?limit=N``; the floor has no CQL2 and is
left out.

Medians of the rounds are printed as Markdown tables for ``benchmarks/RESULTS.md``; every
sample is kept as JSON beside the data.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import quote, urlsplit

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import bench_cameras as cams  # noqa: E402
from benchmarks import harness  # noqa: E402
from benchmarks.bench_land import box_text  # noqa: E402

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/opengov_bench_parcels_1m"
ENDPOINT = "/land/parcels"
OGC_ENDPOINT = "/ogc/collections/parcels/items"


# -- boxes --------------------------------------------------------------------------------------
def bounds(url: str) -> tuple[list[float], list[float], tuple[float, float, float, float]]:
    """Every parcel's centre (xs, ys) and the extent of all parcels."""
    conn = cams.connect(url)
    try:
        rows = conn.execute("SELECT _minx, _miny, _maxx, _maxy FROM c_parcels").fetchall()
    finally:
        conn.close()
    xs = [(r[0] + r[2]) / 2 for r in rows]
    ys = [(r[1] + r[3]) / 2 for r in rows]
    extent = (min(r[0] for r in rows), min(r[1] for r in rows),
              max(r[2] for r in rows), max(r[3] for r in rows))
    return xs, ys, extent


def box_for_share(xs, ys, extent, share: float) -> tuple[tuple[float, ...], int]:
    """A box around the middle of the centres holding about ``share`` of them (its width and
    height in the proportions of the extent), and how many it holds."""
    if share >= 1.0:
        return extent, len(xs)
    cx, cy = statistics.median(xs), statistics.median(ys)
    w, h = extent[2] - extent[0], extent[3] - extent[1]
    target = share * len(xs)
    lo, hi = 0.0, 1.0
    for _ in range(30):  # bisect the fraction of the extent's size
        mid = (lo + hi) / 2
        box = (cx - mid * w / 2, cy - mid * h / 2, cx + mid * w / 2, cy + mid * h / 2)
        n = sum(1 for x, y in zip(xs, ys, strict=True)
                if box[0] <= x <= box[2] and box[1] <= y <= box[3])
        if abs(n - target) <= 0.02 * target:
            return box, n
        lo, hi = (mid, hi) if n < target else (lo, mid)
    return box, n


# -- paths --------------------------------------------------------------------------------------
def diamond_wkt(box) -> str:
    """The diamond inscribed in ``box`` (its edges' midpoints), as WKT."""
    x0, y0, x1, y1 = box
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    ring = [(cx, y0), (x1, cy), (cx, y1), (x0, cy), (cx, y0)]
    return "POLYGON((" + ",".join(f"{x:.6f} {y:.6f}" for x, y in ring) + "))"


def page_paths(predicate: str, limit: int, box) -> tuple[str, str]:
    """(the first page selecting ``box`` by ``predicate``, the same page without it)."""
    if predicate == "intersects":
        cql = quote(f"S_INTERSECTS(geometry,{diamond_wkt(box)})")
        return (f"{OGC_ENDPOINT}?limit={limit}&filter-lang=cql2-text&filter={cql}",
                f"{OGC_ENDPOINT}?limit={limit}")
    return f"{ENDPOINT}?limit={limit}&bbox={box_text(box)}", f"{ENDPOINT}?limit={limit}"


def next_path(port: int, path: str) -> str | None:
    """The path of the ``next`` link of the page at ``path``."""
    doc = harness.get_json(port, path)
    for link in doc.get("links", []):
        if link.get("rel") == "next":
            parts = urlsplit(link["href"])
            return parts.path + ("?" + parts.query if parts.query else "")
    return None


def tenth_page(port: int, path: str) -> str | None:
    """The path of the tenth page, reached through nine ``next`` links (None when the box
    has fewer than ten pages)."""
    for _ in range(9):
        found = next_path(port, path)
        if found is None:
            return None
        path = found
    return path


# -- the walk -----------------------------------------------------------------------------------
def walk(port: int, path: str) -> list[float]:
    """Milliseconds of every page of ``path`` followed through ``next`` links (one keep-alive
    connection, the time from sending to the last byte, parsing excluded)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    times: list[float] = []
    try:
        while path:
            t0 = time.perf_counter()
            conn.putrequest("GET", path, skip_accept_encoding=True)
            conn.endheaders()
            response = conn.getresponse()
            body = response.read()
            times.append((time.perf_counter() - t0) * 1000)
            if response.status != 200:
                raise RuntimeError(f"GET {path}: HTTP {response.status}")
            links = json.loads(body).get("links", [])
            nxt = [link["href"] for link in links if link.get("rel") == "next"]
            path = ""
            if nxt:
                parts = urlsplit(nxt[0])
                path = parts.path + "?" + parts.query
    finally:
        conn.close()
    return times


def walk_report(times: list[float], share: float, matched: int) -> str:
    tenth = max(1, len(times) // 10)
    first, last = sum(times[:tenth]), sum(times[-tenth:])
    return "\n".join([
        f"\n### Walking every page of the {share:g} % box, limit=1000 "
        f"({'count omitted' if matched is None else f'{matched:,} parcels'})\n",
        "| pages | total s | median page ms | first tenth ms | last tenth ms | last ÷ first |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {len(times)} | {sum(times) / 1000:.2f} | {statistics.median(times):.1f} "
        f"| {first:.0f} | {last:.0f} | {last / first:.2f} |",
    ])


# -- tables -------------------------------------------------------------------------------------
def median_ms(samples: list[harness.Sample]) -> float:
    return statistics.median(1000.0 / s.rps for s in samples)


def pages_table(results: dict, meta: dict) -> str:
    lines = ["| bbox share (matched) | limit | page | bbox ms | plain ms | time ratio "
             "(rounds) |", "|---|---:|---|---:|---:|---|"]
    for name, sides in results.items():
        share, matched, limit, page = meta[name]
        ratios = [b.rps and p.rps / b.rps for b, p in zip(sides["bbox"], sides["plain"],
                                                          strict=True)]
        count = "count omitted" if matched is None else f"{matched:,}"
        lines.append(
            f"| {share:g} % ({count}) | {limit} | {page} | {median_ms(sides['bbox']):.2f} "
            f"| {median_ms(sides['plain']):.2f} | {statistics.median(ratios):.2f} "
            f"({min(ratios):.2f}–{max(ratios):.2f}) |")
    return "\n".join(lines)


def floor_table(results: dict) -> str:
    lines = ["| shape | opengov req/s | floor req/s | ratio (rounds) |", "|---|---:|---:|---|"]
    for name, sides in results.items():
        lines.append(f"| `{name}` | {statistics.median(s.rps for s in sides['opengov']):.1f} "
                     f"| {statistics.median(s.rps for s in sides['floor']):.1f} "
                     f"| {harness.ratio_cell(sides['opengov'], sides['floor'])} |")
    return "\n".join(lines)


def matched(port: int, predicate: str, path: str, in_box: int) -> int | None:
    """The parcels a first page selects: the box's centre count for ``bbox`` (as before),
    the page's ``numberMatched`` for ``intersects`` (the diamond holds about half; None when
    the server omits it rather than count a large match)."""
    if predicate == "bbox":
        return in_box
    return harness.get_json(port, path).get("numberMatched")


def page_cases(srv, predicate: str, boxes: dict, shares: list[float],
               limits: list[int]) -> tuple[dict, dict]:
    """The timed cases (first and tenth page of every share and limit, each beside the same
    page without the predicate) and their (share, matched, limit, page)."""
    cases, meta = {}, {}
    for share in shares:
        box, in_box = boxes[share]
        for limit in limits:
            first, plain = page_paths(predicate, limit, box)
            n = matched(srv.port, predicate, first, in_box)
            for page, bpath, ppath in (
                    ("first", first, plain),
                    ("tenth", tenth_page(srv.port, first), tenth_page(srv.port, plain))):
                if bpath is None:
                    print(f"{share:g} % limit={limit}: fewer than ten pages")
                    continue
                name = f"{share:g}% limit={limit} {page}"
                cases[name] = {"bbox": srv.base_url + bpath, "plain": srv.base_url + ppath}
                meta[name] = (share, n, limit, page)
    return cases, meta


# -- main ---------------------------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000, help="synthetic parcels")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--database-url", default=DEFAULT_PG_URL,
                        help="PostgreSQL database for --backend postgresql (created if absent)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per sample")
    parser.add_argument("--shares", default="0.1,1,10,50,100", help="bbox shares, percent")
    parser.add_argument("--limits", default="100,1000")
    parser.add_argument("--walk-share", type=float, default=50.0)
    parser.add_argument("--no-walk", action="store_true")
    parser.add_argument("--no-floor", action="store_true")
    parser.add_argument("--quick", action="store_true", help="one round of one second")
    parser.add_argument("--predicate", choices=("bbox", "intersects"), default="bbox",
                        help="select by bbox, or by CQL2 S_INTERSECTS with a polygon")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.duration = 1, 1.0
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    data = cams.prepare_dataset(args.backend, args.count, args.database_url, "parcels")
    xs, ys, extent = bounds(data.database_url)
    shares = [float(s) for s in args.shares.split(",")]
    limits = [int(n) for n in args.limits.split(",")]
    boxes = {share: box_for_share(xs, ys, extent, share / 100) for share in
             sorted({*shares, args.walk_share, 1.0})}
    for share, (box, n) in boxes.items():
        print(f"{share:g} %: bbox={box_text(box)} holds {n:,} parcel centres")
    info = {**harness.machine_info(), **cams.backend_info(data)}
    with ExitStack() as stack:
        srv = stack.enter_context(cams.opengov_server(data, 1, f"{ENDPOINT}?limit=1",
                                                      worker_class="sync"))
        cases, meta = page_cases(srv, args.predicate, boxes, shares, limits)
        for urls in cases.values():  # counts, statistics, prepared statements, page cache
            for url in urls.values():
                harness.load(url, 0.5)
        results = harness.rotating_rounds(cases, rounds=args.rounds, duration=args.duration)
        print(f"\n## {args.predicate} pages on {args.count:,} parcels, {args.backend}, one sync "
              f"worker ({time.strftime('%Y-%m-%d')}, {args.rounds} rounds × {args.duration:g} s, "
              f"{results[next(iter(results))]['bbox'][0].tool})\n")
        print(pages_table(results, meta))
        raw = {"pages": harness.samples_json(results)}
        if not args.no_walk:
            box, n = boxes[args.walk_share]
            first = page_paths(args.predicate, 1000, box)[0]
            n = matched(srv.port, args.predicate, first, n)
            times = walk(srv.port, first)
            print(walk_report(times, args.walk_share, n))
            raw["walk_ms"] = times
        if not args.no_floor and args.predicate == "bbox":  # the floor has no CQL2
            floor = stack.enter_context(cams.floor_server(data, 1, exact=True,
                                                          worker_class="sync"))
            box, _ = boxes[1.0]
            fcases = {f"limit={limit}&bbox (1 %)": {
                "opengov": f"{srv.base_url}{ENDPOINT}?limit={limit}&bbox={box_text(box)}",
                "floor": f"{floor.base_url}/parcels?limit={limit}&bbox={box_text(box)}"}
                for limit in limits}
            for urls in fcases.values():
                for url in urls.values():
                    harness.load(url, 0.5)
            fres = harness.rotating_rounds(fcases, rounds=args.rounds, duration=args.duration)
            print("\n### Against the floor, the dense (1 %) box\n")
            print(floor_table(fres))
            raw["floor"] = harness.samples_json(fres)
    path = data.work / f"bbox-pages-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"args": vars(args), "machine": info, **raw}, indent=1))
    print(f"\nsamples: {path}")


if __name__ == "__main__":
    main()
