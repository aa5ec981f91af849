"""``/land/parcels`` and ``/ogc/collections/parcels/items`` against the floor and pygeoapi.

    python benchmarks/bench_land.py [--count 10000 | --sample] [--rounds 5] [--duration 5]
                                    [--quick] [--backend sqlite|postgresql] [--no-pygeoapi]

Issue 3 (and issue 4 for the OGC path): on the same parcels, one worker each, ``wrk -c1``, no
``Accept-Encoding``, interleaved rounds (the order of the sides rotates every round), medians
and paired ratios from one run. Every side runs one *sync* gunicorn worker, the anchor's model
(the issue puts the floor on the same one); ``--worker-class gthread`` runs opengov and the floor
on one threaded worker instead, ``opengov serve``'s default:

- **land** — ``opengov serve --workers 1``, ``/land/parcels``;
- **ogc** — the same server, ``/ogc/collections/parcels/items``;
- **floor** — :mod:`benchmarks.floor_app`: the same R*Tree query with the
  exact test for candidates crossing the box's edge, joining the stored feature JSON;
- **pygeoapi** — pygeoapi 0.21 in its own virtualenv (:mod:`benchmarks.pygeoapi.anchor`), one
  *sync* gunicorn worker, SQLiteGPKG provider over ``opengov export parcels --format gpkg``.

Shapes ``limit=100``, ``limit=1000`` and ``limit=1000&bbox=<box matching ~1,000>`` run on all
sides after checking that all return the same features (ids in order, ``numberMatched``,
first feature's properties and geometry). ``properties=``, ``simplify=`` (5 m: ``5`` on
``/land``, which takes metres; ``0.0000449`` degrees on the OGC path) and ``crs=EPSG:5899``
run separately on opengov and are reported against the floor's plain page and
against opengov's own plain page (the cost of the option); pygeoapi joins for ``crs``.
Targets: land and ogc ≥ 0.50 × the floor's req/s (within 2×) and ≥ 10 × pygeoapi's.

``--count N`` serves ``opengov synth parcels --count N``; ``--sample`` serves the bundled sample
instead (``opengov load --profile full``: 24,979 parcels of two towns), the data of issue 18's
table. The two differ where it matters for bbox pages: the sample's densest 0.02° cell holds
about 10,000 parcels, the synthetic set's of the same size under 2,000.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import bench_cameras as cams  # noqa: E402
from benchmarks import harness  # noqa: E402
from benchmarks.pygeoapi import anchor  # noqa: E402

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/opengov_bench_parcels"
BOX_TARGET = 1000
EPSG5899_URI = "http://www.opengis.net/def/crs/EPSG/0/5899"


@dataclass(frozen=True)
class Subject:
    """What a run measures: a collection, its domain endpoint and the options it is tried with."""

    collection: str
    domain: str
    properties: str
    simplify_m: float = 5.0  # /land/* takes metres, the OGC path degrees (÷ 111,320)
    exact: bool = True  # polygons: the floor runs the exact edge test too


SUBJECTS = {
    "parcels": Subject("parcels", "/land/parcels", "landuse,area_m2"),
    # Cameras only to try the script without the land capability (points, so no edge test).
    "cameras": Subject("cameras", "/cameras", "kind,road", exact=False),
}


@dataclass
class Case:
    """One timed shape: its name, the query, and the query each side is sent."""

    name: str
    query: str
    plain: str  # the plain shape a variant is compared with ("" for a plain shape)
    ogc_query: str = ""  # when the OGC path spells the option differently
    urls: dict[str, str] = field(default_factory=dict)
    # bbox pages: opengov serves them in grid order (issue 18), the others by id; a page of a
    # box matching more than the limit holds other features on each side (same count).
    ordered: bool = True


# -- data ---------------------------------------------------------------------------------------
def centres(url: str, collection: str) -> list[tuple[float, float]]:
    """The centre of every feature's bounds (CRS84)."""
    conn = cams.connect(url)
    try:
        return [((r[0] + r[2]) / 2, (r[1] + r[3]) / 2) for r in conn.execute(
            f"SELECT _minx, _miny, _maxx, _maxy FROM c_{collection}")]
    finally:
        conn.close()


def densest_cell(points: list[tuple[float, float]], size: float = 0.02) -> tuple[tuple, int]:
    """The ``size``° grid cell holding the most feature centres, and how many it holds."""
    cells = Counter((math.floor(x / size), math.floor(y / size)) for x, y in points)
    (i, j), n = cells.most_common(1)[0]
    return (round(i * size, 5), round(j * size, 5), round((i + 1) * size, 5),
            round((j + 1) * size, 5)), n


def whole_extent(points: list[tuple[float, float]], margin: float = 0.1) -> tuple:
    """A box around every feature centre with ``margin``° to spare (a client's full extent)."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return (round(min(xs) - margin, 2), round(min(ys) - margin, 2),
            round(max(xs) + margin, 2), round(max(ys) + margin, 2))


def box_text(box: tuple[float, ...]) -> str:
    return ",".join(f"{v:.5f}" for v in box)


def gpkg_table(path: Path) -> tuple[str, int] | None:
    """The features table of a GeoPackage and its row count (None when unreadable)."""
    import sqlite3

    if not path.exists():
        return None
    conn = sqlite3.connect(path)
    try:
        table = conn.execute("SELECT table_name FROM gpkg_contents "
                             "WHERE data_type = 'features'").fetchone()[0]
        return table, conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    except (sqlite3.Error, TypeError):
        return None
    finally:
        conn.close()


def geopackage(dataset: cams.Dataset) -> tuple[Path, str]:
    """``opengov export COLLECTION --format gpkg`` of the dataset (kept beside it and reused
    while it holds the dataset's count), and the GeoPackage table holding the features."""
    path = dataset.work / f"{dataset.collection}.gpkg"
    found = gpkg_table(path)
    if found is None or found[1] != dataset.count:
        print(f"exporting {dataset.collection} to {path} …")
        path.unlink(missing_ok=True)
        cams.opengov_command(dataset, "export", dataset.collection, "--format", "gpkg",
                             "-o", str(path), "--quiet")
        found = gpkg_table(path)
    if found is None or found[1] != dataset.count:
        raise RuntimeError(f"{path} does not hold the {dataset.count} features")
    return path, found[0]


# -- shapes -------------------------------------------------------------------------------------
def cases(subject: Subject, dataset: cams.Dataset) -> list[Case]:
    """Three plain shapes (all sides) and three variants (opengov, with the floor's plain page
    as reference; pygeoapi for ``crs``)."""
    points = centres(dataset.database_url, subject.collection)
    box, n = cams.choose_box(points, BOX_TARGET)
    print(f"bbox ~{BOX_TARGET}: {box} holds {n} feature centres")
    bbox = f"limit=1000&bbox={box_text(box)}"
    dense, dense_n = densest_cell(points)
    print(f"densest 0.02° cell: {dense} holds {dense_n} feature centres")
    extent = whole_extent(points)
    return [
        Case("limit=100", "limit=100", ""),
        Case("limit=1000", "limit=1000", ""),
        Case("limit=1000&bbox", bbox, "", ordered=False),
        Case("limit=100&bbox dense", f"limit=100&bbox={box_text(dense)}", "", ordered=False),
        Case("limit=1000&bbox dense", f"limit=1000&bbox={box_text(dense)}", "",
             ordered=False),
        Case("limit=100&bbox extent", f"limit=100&bbox={box_text(extent)}", "",
             ordered=False),
        Case(f"properties={subject.properties}", f"limit=1000&properties={subject.properties}",
             "limit=1000"),
        Case(f"simplify {subject.simplify_m:g} m", f"limit=1000&simplify={subject.simplify_m:g}",
             "limit=1000", f"limit=1000&simplify={subject.simplify_m / 111_320:.7f}"),
        Case("crs=EPSG:5899", "limit=1000&crs=EPSG:5899", "limit=1000",
             f"limit=1000&crs={EPSG5899_URI}"),
    ]


def side_urls(case: Case, subject: Subject, servers: dict[str, harness.Server]) -> dict:
    """The URL each side is sent for ``case``."""
    og = servers["opengov"].base_url
    ogc_query = case.ogc_query or case.query
    urls = {"land": f"{og}{subject.domain}?{case.query}",
            "ogc": f"{og}/ogc/collections/{subject.collection}/items?{ogc_query}",
            "floor": f"{servers['floor'].base_url}/{subject.collection}?{case.plain or case.query}"}
    if "pygeoapi" in servers and (not case.plain or "crs=" in case.query):
        urls["pygeoapi"] = servers["pygeoapi"].base_url + anchor.items_path(
            subject.collection, ogc_query)
    return urls


# -- checks -------------------------------------------------------------------------------------
def fetch(url: str) -> tuple[int, bytes]:
    """GET an absolute 127.0.0.1 URL: (status, body)."""
    host_port, _, path = url.removeprefix("http://").partition("/")
    return harness.get(int(host_port.rsplit(":", 1)[1]), "/" + path)


def first_point(feature: dict) -> tuple[float, float]:
    """The first coordinate pair of a feature's geometry."""
    coords = feature["geometry"]["coordinates"]
    while isinstance(coords[0], list):
        coords = coords[0]
    return coords[0], coords[1]


def verify(case: Case, plain_ids: dict[str, list]) -> str:
    """All sides return the same features; a one-line description of what they returned.

    A variant that a side rejects (4xx: it does not offer the option) is dropped from that
    side's timing and said so; a plain shape must be answered by every side.
    """
    answers = {side: fetch(url) for side, url in case.urls.items()}
    refused = {side: status for side, (status, _) in answers.items() if status != 200}
    if refused and (not case.plain or any(status >= 500 for status in refused.values())):
        raise RuntimeError(f"{case.name}: HTTP {refused}")
    for side in refused:
        print(f"  {case.name}: {side} answers HTTP {refused[side]}; not timed there")
        del case.urls[side], answers[side]
    docs = {side: json.loads(body) for side, (_, body) in answers.items()}
    ids = {side: harness.feature_ids(doc) for side, doc in docs.items()}
    reference = plain_ids[case.plain] if case.plain else ids["land"]
    whole = docs["land"].get("numberMatched") == len(reference) if "land" in docs else True
    for side, got in ids.items():
        if not case.ordered:  # the same features when the page holds every match, else as many
            got, expected = (sorted(got), sorted(reference)) if whole else (len(got),
                                                                            len(reference))
            if got != expected:
                raise RuntimeError(f"{case.name}: {side} returned other features than land")
        elif got != reference:
            raise RuntimeError(f"{case.name}: {side} returned {len(got)} features, "
                               f"not the {len(reference)} of the others (or another order)")
    matched = {s: d.get("numberMatched") for s, d in docs.items() if s != "pygeoapi"}
    if not case.plain and len(set(matched.values())) != 1:
        raise RuntimeError(f"{case.name}: numberMatched differs: {matched}")
    note = ""
    mine = next(side for side in ("land", "ogc") if side in docs)
    if "pygeoapi" in docs and reference and set(ids[mine]) & set(ids["pygeoapi"]):
        common_id = next(i for i in ids["pygeoapi"] if i in set(ids[mine]))
        ours = next(f for f in docs[mine]["features"] if f.get("id") == common_id)
        theirs = next(f for f in docs["pygeoapi"]["features"] if f.get("id") == common_id)
        dx = max(abs(a - b) for a, b in zip(first_point(ours), first_point(theirs),
                                            strict=True))
        common = sorted(ours["properties"].keys() & theirs["properties"].keys())
        differ = [k for k in common if ours["properties"][k] != theirs["properties"][k]]
        if not case.plain and (not common or differ or dx > 1e-6):
            raise RuntimeError(f"{case.name}: pygeoapi's first feature differs from ours "
                               f"(first vertex {dx:g} apart; properties {differ} differ, "
                               f"{len(common)} compared)")
        note = f"; first vertex pygeoapi − {mine} {dx:.2g}"
    if not case.plain:
        plain_ids[case.query] = reference
    return (f"| `{case.name}` | {len(reference)} | {matched.get(mine)} | "
            + " / ".join(f"{side} {len(body):,}" for side, (_, body) in answers.items())
            + note + " |")


# -- report -------------------------------------------------------------------------------------
def option_costs(results: dict, run_cases: list[Case]) -> str:
    """Per variant: opengov's req/s with the option ÷ without it (paired per round)."""
    lines = ["| option | land ÷ land plain | ogc ÷ ogc plain |", "|---|---:|---:|"]
    plain_of = {c.query: c.name for c in run_cases if not c.plain}
    for case in run_cases:
        if not case.plain:
            continue
        base = results[plain_of[case.plain]]
        cells = [harness.ratio_cell(results[case.name][s], base[s])
                 if s in results[case.name] else "not offered" for s in ("land", "ogc")]
        lines.append(f"| `{case.name}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def targets(results: dict, run_cases: list[Case]) -> list[str]:
    """Each plain shape's targets, met or missed, with the paired ratio."""
    lines = []
    for case in run_cases:
        if case.plain:
            continue
        by_side = results[case.name]
        for side in ("land", "ogc"):
            floor = harness.paired_ratio(by_side[side], by_side["floor"])
            lines.append(f"- {case.name} {side}: {floor:.2f} × floor req/s "
                         f"({'met' if floor >= 0.5 else 'MISSED'}: ≥ 0.50)")
            if "pygeoapi" in by_side:
                anchor_ratio = harness.paired_ratio(by_side[side], by_side["pygeoapi"])
                lines.append(f"- {case.name} {side}: {anchor_ratio:.1f} × pygeoapi req/s "
                             f"({'met' if anchor_ratio >= 10 else 'MISSED'}: ≥ 10)")
    return lines


def prepare_sample(backend: str, pg_url: str, collection: str) -> cams.Dataset:
    """The bundled sample (full profile) in its own database, loaded only when it is not."""
    work = harness.scratch_dir(f"{collection}-{backend}-sample")
    if backend == "sqlite":
        url = f"sqlite:///{work / 'opengov.sqlite3'}"
    else:
        url = pg_url.rsplit("/", 1)[0] + "/opengov_bench_sample"
        cams.ensure_pg_database(url)
    count = cams.record_count(url, collection)
    dataset = cams.Dataset(backend, url, count or 0, work, collection)
    if count:
        print(f"reusing the sample's {count} {collection} in {url}")
        return dataset
    print(f"loading the bundled sample into {url} (log: {work / 'build.log'}) …")
    cams.opengov_command(dataset, "init")
    cams.opengov_command(dataset, "load", "--profile", "full", "--no-build")
    dataset.count = cams.record_count(url, collection) or 0
    if not dataset.count:
        raise RuntimeError(f"no {collection} in {url} after loading the sample")
    return dataset


# -- main ---------------------------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="synthetic parcels")
    parser.add_argument("--sample", action="store_true",
                        help="the bundled sample's parcels instead of synthetic ones")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--database-url", default=DEFAULT_PG_URL,
                        help="PostgreSQL database for --backend postgresql (created if absent)")
    parser.add_argument("--collection", choices=sorted(SUBJECTS), default="parcels",
                        help="cameras: try the script without the land capability")
    parser.add_argument("--no-pygeoapi", action="store_true", help="leave pygeoapi out")
    parser.add_argument("--shapes", help="only these shapes (comma-separated names, e.g. "
                        "'limit=100,limit=1000'); default: all six")
    # pygeoapi runs on one sync worker, and the issue puts the floor on the same model.
    harness.add_common_args(parser, worker_class="sync")
    return harness.apply_quick(parser.parse_args(argv))


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    subject = SUBJECTS[args.collection]
    if args.sample:
        dataset = prepare_sample(args.backend, args.database_url, subject.collection)
    else:
        dataset = cams.prepare_dataset(args.backend, args.count, args.database_url,
                                       subject.collection)
    run_cases = cases(subject, dataset)
    if args.shapes:
        wanted = set(args.shapes.split(","))
        run_cases = [c for c in run_cases if c.name in wanted]
    info = {**harness.machine_info(), **cams.backend_info(dataset)}
    with ExitStack() as stack:
        servers = {
            "opengov": stack.enter_context(cams.opengov_server(
                dataset, args.threads, f"{subject.domain}?limit=1",
                worker_class=args.worker_class)),
            "floor": stack.enter_context(cams.floor_server(
                dataset, args.threads, subject.exact, worker_class=args.worker_class)),
        }
        if not args.no_pygeoapi:
            gpkg, table = geopackage(dataset)
            resource = anchor.Resource(subject.collection, anchor.gpkg_provider(gpkg, table))
            servers["pygeoapi"] = stack.enter_context(anchor.server([resource], dataset.work))
            info["pygeoapi"] = "0.21 (SQLiteGPKG provider, gunicorn 1 sync worker)"
        for case in run_cases:
            case.urls = side_urls(case, subject, servers)
        print("\n| shape | returned | numberMatched | bytes |\n|---|---:|---:|---|")
        plain_ids: dict[str, list] = {}
        for case in run_cases:
            print(verify(case, plain_ids))
        print(f"\nwarm-up {args.warmup:g} s per shape and side; {args.rounds} rounds of "
              f"{args.duration:g} s, {args.connections} connection(s), {cams.workers_label(args)}")
        for case in run_cases:
            for url in case.urls.values():
                harness.load(url, args.warmup)
        results = harness.rotating_rounds({c.name: c.urls for c in run_cases},
                                          rounds=args.rounds, duration=args.duration,
                                          connections=args.connections)
    print("\n" + "\n".join(f"- {k}: {v}" for k, v in info.items()))
    print(f"- data: {dataset.count:,} {subject.collection}, {dataset.backend}; load: "
          f"{harness.load_tool()}\n")
    print(harness.format_sides_table(results, [("land", "floor"), ("ogc", "floor"),
                                               ("land", "pygeoapi"), ("ogc", "pygeoapi")]))
    print("\nThe cost of each option (paired with the plain `limit=1000` of the same round):\n")
    print(option_costs(results, run_cases))
    print("\nTargets:\n" + "\n".join(targets(results, run_cases)))
    raw = dataset.work / f"land-results-{time.strftime('%Y%m%d-%H%M%S')}.json"
    raw.write_text(json.dumps({"args": vars(args), "machine": info,
                               "samples": harness.samples_json(results)}, indent=1))
    print(f"\nraw samples: {raw}")


if __name__ == "__main__":
    main()
