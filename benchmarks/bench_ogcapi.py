"""``/ogc/collections/cameras/items`` against ``/cameras``, the floor and pygeoapi, same run.

    python benchmarks/bench_ogcapi.py [--count 100000] [--rounds 5] [--duration 5] [--quick]
                                      [--backend sqlite|postgresql] [--pygeoapi VENV/bin]

The OGC items endpoint goes through the same query and encoding path as the domain endpoint,
so both should serve the same pages at about the same rate; the floor of DESIGN.md is the
third column. With ``--pygeoapi`` (the ``bin`` folder of a virtualenv holding ``pygeoapi`` and
``gunicorn``; PostgreSQL backend only, through pygeoapi's PostgreSQL provider on the same
table, one gthread worker like the others) pygeoapi is the fourth. Reuses the cameras
benchmark's database and servers (``bench_cameras``) and the shared load generator
(``harness.load``), timing all sides in interleaved rounds (the order rotates every round). The
issue's target shape, ``/ogc/collections/parcels/items``, needs the land capability's parcels
(issue 3), which do not exist yet.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from contextlib import ExitStack
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import bench_cameras as cams  # noqa: E402
from benchmarks import harness  # noqa: E402
from benchmarks.pygeoapi import anchor  # noqa: E402


def ogc_path(domain_path: str) -> str:
    """``/cameras?…`` → ``/ogc/collections/cameras/items?…``."""
    path, _, query = domain_path.partition("?")
    return f"/ogc/collections{path}/items" + (f"?{query}" if query else "")


CAMERA_PROPERTIES = ["name_vi", "name_en", "kind", "road", "direction", "commune", "status",
                     "snapshot_url", "stream_url", "stream_type", "refresh_interval_s",
                     "last_seen", "owner"]


def pygeoapi_server(bin_dir: Path, dataset, threads: int) -> harness.Server:
    """pygeoapi under gunicorn (one gthread worker) over the benchmark's PostgreSQL table."""
    provider = anchor.postgresql_provider(dataset.database_url, "c_cameras", CAMERA_PROPERTIES)
    return anchor.server([anchor.Resource("cameras", provider, (102, 8, 110, 24))],
                         dataset.work, worker="gthread", threads=threads, bin_dir=bin_dir)


def pygeoapi_path(domain_path: str) -> str:
    """``/cameras?…`` → ``/collections/cameras/items?f=json&…``."""
    path, _, query = domain_path.partition("?")
    return anchor.items_path(path.strip("/"), query)


def verify(shape: harness.Shape, opengov: harness.Server, floor: harness.Server) -> None:
    """All three answers hold the same features in the same order."""
    ogc = harness.get_json(opengov.port, ogc_path(shape.path))
    domain = harness.get_json(opengov.port, shape.path)
    bare = harness.get_json(floor.port, shape.path)
    ids = [harness.feature_ids(doc) for doc in (ogc, domain, bare)]
    if not ids[0] == ids[1] == ids[2]:
        raise RuntimeError(f"{shape.name}: the three answers differ")
    print(f"  {shape.name}: {len(ids[0])} features, numberMatched {ogc.get('numberMatched')}")


def cursor_path(opengov: harness.Server, first: str, pages: int) -> str:
    """The path reached after following ``pages`` ``next`` links from ``first``."""
    path = first
    for _ in range(pages):
        doc = harness.get_json(opengov.port, path)
        path = next(li["href"] for li in doc["links"] if li["rel"] == "next")
        path = path.replace(opengov.base_url, "")
    return path


def deep_paging(opengov: harness.Server, args: argparse.Namespace, count: int) -> None:
    """Page 2 against the last page (both through a cursor), interleaved: keyset paging
    should cost the same at any depth."""
    first = "/ogc/collections/cameras/items?limit=1000"
    last = max(2, -(-count // 1000))
    shallow, deep = cursor_path(opengov, first, 1), cursor_path(opengov, first, last - 1)
    runs = harness.rotating_rounds(
        {"paging": {"shallow": opengov.base_url + shallow, "deep": opengov.base_url + deep}},
        rounds=args.rounds, duration=args.duration)["paging"]
    print(f"\nkeyset paging, limit=1000: page 2 "
          f"{statistics.median(s.rps for s in runs['shallow']):.1f} req/s, page {last} "
          f"{statistics.median(s.rps for s in runs['deep']):.1f} req/s, page {last} ÷ page 2 "
          f"{harness.paired_ratio(runs['deep'], runs['shallow']):.2f}")


def parse_args(argv: list[str] | None) -> tuple[argparse.Namespace, Path | None]:
    extra = argparse.ArgumentParser(add_help=False)
    extra.add_argument("--pygeoapi", type=Path, default=None,
                       help="bin folder of a virtualenv with pygeoapi and gunicorn")
    known, rest = extra.parse_known_args(argv)
    return cams.parse_args(rest), known.pygeoapi


def main(argv: list[str] | None = None) -> None:
    args, pygeoapi_bin = parse_args(argv)
    if pygeoapi_bin and args.backend != "postgresql":
        raise SystemExit("--pygeoapi needs --backend postgresql (its PostgreSQL provider)")
    dataset = cams.prepare_dataset(args.backend, args.count, args.database_url)
    shapes = cams.camera_shapes(dataset)
    with ExitStack() as stack:
        opengov = stack.enter_context(cams.opengov_server(dataset, args.threads))
        floor = stack.enter_context(cams.floor_server(dataset, args.threads))
        for shape in shapes:
            verify(shape, opengov, floor)
        sides = [("ogc", lambda s: opengov.base_url + ogc_path(s.path)),
                 ("domain", lambda s: opengov.base_url + s.path),
                 ("floor", lambda s: floor.base_url + s.path)]
        if pygeoapi_bin:
            pygeo = stack.enter_context(pygeoapi_server(pygeoapi_bin, dataset, args.threads))
            sides.append(("pygeoapi", lambda s: pygeo.base_url + pygeoapi_path(s.path)))
            for shape in shapes:
                got = harness.get_json(pygeo.port, pygeoapi_path(shape.path))
                print(f"  pygeoapi {shape.name}: {len(got['features'])} features")
        deep_paging(opengov, args, dataset.count)
        cases = {shape.name: {name: url(shape) for name, url in sides} for shape in shapes}
        for urls in cases.values():
            for url in urls.values():
                harness.load(url, args.warmup)
        samples = harness.rotating_rounds(cases, rounds=args.rounds, duration=args.duration,
                                          connections=args.connections)
    print(f"\n- data: {dataset.count:,} cameras, {dataset.backend}; {args.rounds} rounds of "
          f"{args.duration:g} s; load: {harness.load_tool()}\n")
    print(harness.format_sides_table(samples, [("ogc", n) for n, _ in sides if n != "ogc"]))


if __name__ == "__main__":
    main()
