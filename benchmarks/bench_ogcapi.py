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
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import bench_cameras as cams  # noqa: E402
from benchmarks import harness  # noqa: E402


def ogc_path(domain_path: str) -> str:
    """``/cameras?…`` → ``/ogc/collections/cameras/items?…``."""
    path, _, query = domain_path.partition("?")
    return f"/ogc/collections{path}/items" + (f"?{query}" if query else "")


PYGEOAPI_CONFIG = """\
server:
  bind: {{host: 127.0.0.1, port: {port}}}
  url: http://127.0.0.1:{port}
  mimetype: application/json; charset=UTF-8
  encoding: utf-8
  languages: [en-US]
  limits: {{default_items: 100, max_items: 1000}}
  map: {{url: "https://tile.invalid/{{z}}/{{x}}/{{y}}.png", attribution: none}}
logging: {{level: ERROR}}
metadata:
  identification: {{title: bench, description: bench, keywords: [bench], keywords_type: theme,
                   terms_of_service: none, url: "http://example.org"}}
  license: {{name: CC-BY 4.0, url: "https://creativecommons.org/licenses/by/4.0/"}}
  provider: {{name: bench, url: "http://example.org"}}
  contact: {{name: bench}}
resources:
  cameras:
    type: collection
    title: cameras
    description: cameras
    keywords: [cameras]
    extents:
      spatial: {{bbox: [102, 8, 110, 24], crs: "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}}
    providers:
      - type: feature
        name: PostgreSQL
        data: {{host: {host}, port: {pgport}, dbname: {db}, user: {user}, password: "{password}"}}
        id_field: id
        table: c_cameras
        geom_field: geom
        properties: [name_vi, name_en, kind, road, direction, commune, status, snapshot_url,
                     stream_url, stream_type, refresh_interval_s, last_seen, owner]
"""


def pygeoapi_server(bin_dir: Path, dataset, threads: int) -> harness.Server:
    """pygeoapi under gunicorn (one gthread worker) over the benchmark's PostgreSQL table."""
    from sqlalchemy.engine import make_url

    url = make_url(dataset.database_url)
    port = harness.free_port()
    config, spec = dataset.work / "pygeoapi.yml", dataset.work / "pygeoapi-openapi.yml"
    config.write_text(PYGEOAPI_CONFIG.format(
        port=port, host=url.host, pgport=url.port or 5432, db=url.database,
        user=url.username, password=url.password or ""))
    env = {"PYGEOAPI_CONFIG": str(config), "PYGEOAPI_OPENAPI": str(spec)}
    subprocess.run([str(bin_dir / "pygeoapi"), "openapi", "generate", str(config),
                    "--output-file", str(spec)], env=env, check=True, capture_output=True)
    argv = [str(bin_dir / "gunicorn"), "-b", f"127.0.0.1:{port}", "-w", "1", "-k", "gthread",
            "--threads", str(threads), "pygeoapi.flask_app:APP"]
    return harness.Server.for_command("pygeoapi", argv, port, log_dir=dataset.work, env=env,
                                      ready_path="/collections/cameras/items?f=json&limit=1")


def pygeoapi_path(domain_path: str) -> str:
    """``/cameras?…`` → ``/collections/cameras/items?f=json&…``."""
    path, _, query = domain_path.partition("?")
    return f"/collections{path}/items?f=json" + (f"&{query}" if query else "")


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
    runs: dict[str, list[float]] = {"shallow": [], "deep": []}
    for rnd in range(args.rounds):
        pair = [("shallow", shallow), ("deep", deep)]
        for name, path in pair if rnd % 2 == 0 else pair[::-1]:
            runs[name].append(harness.load(opengov.base_url + path, args.duration).rps)
    print(f"\nkeyset paging, limit=1000: page 2 {statistics.median(runs['shallow']):.1f} "
          f"req/s, page {last} {statistics.median(runs['deep']):.1f} req/s, "
          f"page {last} ÷ page 2 {paired_ratio(runs['deep'], runs['shallow']):.2f}")


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
    samples: dict[str, dict[str, list[float]]] = {s.name: {} for s in shapes}
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
        for shape in shapes:
            for _, url in sides:
                harness.load(url(shape), args.warmup)
        for rnd in range(args.rounds):
            order = sides[rnd % len(sides):] + sides[:rnd % len(sides)]
            for shape in shapes:
                for name, url in order:
                    sample = harness.load(url(shape), args.duration, args.connections)
                    samples[shape.name].setdefault(name, []).append(sample.rps)
                print(f"  round {rnd + 1}/{args.rounds} {shape.name:<22} " + "  ".join(
                    f"{n} {samples[shape.name][n][-1]:8.1f}" for n, _ in sides))
    report(samples, [n for n, _ in sides], dataset, args)


def paired_ratio(ours: list[float], theirs: list[float]) -> float:
    """Median of the per-round ratios (both sides measured in the same round)."""
    return statistics.median(a / b for a, b in zip(ours, theirs, strict=True))


def report(samples: dict, names: list[str], dataset, args) -> None:
    """Medians per side and the per-round paired ratios of ogc to each other side."""
    print(f"\n- data: {dataset.count:,} cameras, {dataset.backend}; {args.rounds} rounds of "
          f"{args.duration:g} s; load: {harness.load_tool()}\n")
    others = [n for n in names if n != "ogc"]
    print("| shape | " + " | ".join(f"{n} req/s" for n in names) + " | "
          + " | ".join(f"ogc ÷ {n}" for n in others) + " |")
    print("|---|" + "---:|" * (len(names) + len(others)))
    for name, by_side in samples.items():
        med = [f"{statistics.median(by_side[n]):.1f}" for n in names]
        paired = [f"{paired_ratio(by_side['ogc'], by_side[n]):.2f}" for n in others]
        print(f"| `{name}` | " + " | ".join(med + paired) + " |")


if __name__ == "__main__":
    main()
