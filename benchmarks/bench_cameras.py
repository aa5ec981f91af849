"""``/cameras`` on N synthetic cameras: opengov against the floor of DESIGN.md, same run.

    python benchmarks/bench_cameras.py [--count 100000] [--rounds 5] [--duration 5]
                                       [--backend sqlite|postgresql] [--quick] [--profile]

Builds the database once (``opengov init`` + ``opengov synth cameras``) under
``benchmarks/.work/`` (SQLite) or in a PostgreSQL database (``--database-url``) and reuses it
while it holds ``--count`` cameras. Starts opengov (``opengov serve``) and the floor
(:mod:`benchmarks.floor_app`) side by side, one gthread worker each with the same threads,
checks that both return the same features for every shape, then times them in interleaved
rounds and prints medians and ratios (opengov req/s ÷ floor req/s; the target is ≥ 0.50, i.e.
within 2× of the floor's time per request). ``--profile`` instead profiles opengov in-process.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness  # noqa: E402

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/opengov_bench_cameras"
LARGE_BOX_TARGET = 1000
SMALL_BOX_TARGET = 10


@dataclass
class Dataset:
    """A database holding ``count`` records of ``collection``, and how to point opengov at it."""

    backend: str
    database_url: str
    count: int
    work: Path
    collection: str = "cameras"

    @property
    def env(self) -> dict[str, str]:
        """Environment for ``opengov`` commands and servers using this database."""
        return {"OPENGOV_DATABASE_URL": self.database_url,
                "OPENGOV_INSTANCE_PATH": str(self.work)}


# -- data ---------------------------------------------------------------------------------------
def connect(url: str):
    """A DB-API connection to a SQLite or PostgreSQL URL (SQLAlchemy style)."""
    from benchmarks.floor_app import pg_conninfo, sqlite_path

    if url.startswith("sqlite"):
        import sqlite3

        return sqlite3.connect(sqlite_path(url))
    import psycopg

    return psycopg.connect(pg_conninfo(url), autocommit=True)


def record_count(url: str, collection: str = "cameras") -> int | None:
    """Records in the collection's table when its collection state agrees, else None."""
    try:
        conn = connect(url)
    except Exception:  # a missing database simply means "build it"
        return None
    try:
        placeholder = "?" if url.startswith("sqlite") else "%s"
        state = conn.execute("SELECT record_count FROM collection_state "
                             f"WHERE collection_id = {placeholder}", (collection,)).fetchone()
        rows = conn.execute(f"SELECT count(*) FROM c_{collection}").fetchone()[0]
    except Exception:  # no schema yet
        return None
    finally:
        conn.close()
    return rows if state and state[0] == rows else None


def ensure_pg_database(url: str) -> None:
    """Create the PostgreSQL database named in ``url`` when it does not exist."""
    import psycopg

    from benchmarks.floor_app import pg_conninfo

    info = pg_conninfo(url)
    base, _, name = info.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def opengov_command(dataset: Dataset, *args: str) -> None:
    """Run ``opengov ARGS`` against the dataset, output into the work dir's log."""
    log_path = dataset.work / "build.log"
    with log_path.open("ab") as log:
        done = subprocess.run([sys.executable, "-m", "opengov.cli", *args], cwd=harness.REPO_ROOT,
                              env={**os.environ, **dataset.env}, stdout=log,
                              stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, check=False,
                              timeout=1800)
    if done.returncode:
        raise RuntimeError(f"opengov {' '.join(args)} failed; see {log_path}")


def prepare_dataset(backend: str, count: int, pg_url: str,
                    collection: str = "cameras") -> Dataset:
    """The benchmark database, built (init + ``opengov synth COLLECTION``) only when it lacks
    ``count`` records of ``collection``."""
    if backend == "sqlite":
        work = harness.scratch_dir(f"{collection}-sqlite-{count}")
        url = f"sqlite:///{work / 'opengov.sqlite3'}"
    else:
        work = harness.scratch_dir(f"{collection}-postgresql-{count}")
        url = pg_url
        ensure_pg_database(url)
    dataset = Dataset(backend, url, count, work, collection)
    if record_count(url, collection) == count:
        print(f"reusing {count} {collection} in {url}")
        return dataset
    if backend == "sqlite":
        work = harness.scratch_dir(work.name, fresh=True)
    print(f"building {count} synthetic {collection} in {url} (log: {work / 'build.log'}) …")
    started = time.monotonic()
    opengov_command(dataset, "init")
    opengov_command(dataset, "synth", collection, "--count", str(count))
    if record_count(url, collection) != count:
        raise RuntimeError(f"expected {count} {collection} in {url} after synth")
    print(f"built in {time.monotonic() - started:.0f} s")
    return dataset


# -- request shapes -----------------------------------------------------------------------------
def camera_points(url: str) -> list[tuple[float, float]]:
    """Every camera's (lon, lat)."""
    conn = connect(url)
    try:
        return [(r[0], r[1]) for r in conn.execute("SELECT _minx, _miny FROM c_cameras")]
    finally:
        conn.close()


def count_in(points: list[tuple[float, float]], box: tuple[float, ...]) -> int:
    """Points inside the closed box (minx, miny, maxx, maxy)."""
    minx, miny, maxx, maxy = box
    return sum(1 for x, y in points if minx <= x <= maxx and miny <= y <= maxy)


def choose_box(points: list[tuple[float, float]], target: int) -> tuple[tuple, int]:
    """A square around the median camera holding about ``target`` cameras, and its count."""
    xs = sorted(p[0] for p in points)
    ys = sorted(p[1] for p in points)
    cx, cy = xs[len(xs) // 2], ys[len(ys) // 2]
    low, high = 1e-6, 5.0
    for _ in range(40):
        half = (low + high) / 2
        if count_in(points, (cx - half, cy - half, cx + half, cy + half)) < target:
            low = half
        else:
            high = half
    box = tuple(round(v, 5) for v in (cx - high, cy - high, cx + high, cy + high))
    return box, count_in(points, box)


def camera_shapes(dataset: Dataset) -> list[harness.Shape]:
    """The four timed shapes; the bbox ones are chosen from the data."""
    points = camera_points(dataset.database_url)
    large, large_n = choose_box(points, LARGE_BOX_TARGET)
    small, small_n = choose_box(points, SMALL_BOX_TARGET)
    print(f"bbox ~{LARGE_BOX_TARGET}: {large} holds {large_n} cameras; "
          f"bbox ~{SMALL_BOX_TARGET}: {small} holds {small_n}")

    def text(box):
        return ",".join(f"{v:.5f}" for v in box)

    return [
        harness.Shape("limit=1000", "/cameras?limit=1000"),
        harness.Shape("limit=100", "/cameras?limit=100"),
        harness.Shape(f"bbox({large_n}) limit=1000", f"/cameras?limit=1000&bbox={text(large)}"),
        harness.Shape(f"bbox({small_n}) limit=1000", f"/cameras?limit=1000&bbox={text(small)}"),
    ]


# -- servers ------------------------------------------------------------------------------------
def opengov_server(dataset: Dataset, threads: int,
                   ready_path: str = "/cameras?limit=1", *,
                   worker_class: str = "gthread") -> harness.Server:
    """``opengov serve`` on a free port: one worker, gthread with ``threads`` threads or
    ``sync``."""
    port = harness.free_port()
    argv = [sys.executable, "-m", "opengov.cli", "serve", "--host", "127.0.0.1", "--port",
            str(port), "--workers", "1", "--worker-class", worker_class]
    if worker_class == "gthread":
        argv += ["--threads", str(threads)]
    return harness.Server.for_command("opengov", argv, port, log_dir=dataset.work,
                                      env=dataset.env, ready_path=ready_path)


def floor_server(dataset: Dataset, threads: int, exact: bool = False, *,
                 worker_class: str = "gthread") -> harness.Server:
    """The floor app under the same gunicorn model, serving ``dataset.collection``; ``exact``
    adds the exact geometry test for index candidates crossing a bbox's edge (polygons)."""
    config = {"database_url": dataset.database_url, "collections": [dataset.collection],
              "exact_bbox": [dataset.collection] if exact else []}
    return harness.Server.for_factory("floor", "benchmarks.floor_app:create_app", config,
                                      threads=threads, log_dir=dataset.work,
                                      worker_class=worker_class)


# -- reporting ----------------------------------------------------------------------------------
def workers_label(args: argparse.Namespace) -> str:
    """How the servers were run: ``one sync worker`` or ``one gthread worker, 4 threads``."""
    if args.worker_class == "sync":
        return "one sync worker"
    return f"one gthread worker, {args.threads} threads"


def backend_info(dataset: Dataset) -> dict[str, str]:
    """Server versions for PostgreSQL runs (SQLite's is in the machine info)."""
    if dataset.backend != "postgresql":
        return {}
    conn = connect(dataset.database_url)
    try:
        pg = conn.execute("SHOW server_version").fetchone()[0]
        gis = conn.execute("SELECT postgis_lib_version()").fetchone()[0]
    finally:
        conn.close()
    return {"postgresql": pg, "postgis": gis}


def print_checks(checks: list[harness.Check]) -> None:
    """What each shape returns, as verified on both servers."""
    print("\n| shape | path | numberMatched | returned | bytes opengov / floor |")
    print("|---|---|---:|---:|---|")
    for c in checks:
        print(f"| `{c.shape.name}` | `{c.shape.path}` | {c.matched} | {c.returned} "
              f"| {c.candidate_bytes:,} / {c.baseline_bytes:,} |")


def save_raw(dataset: Dataset, args: argparse.Namespace, results: dict, info: dict) -> Path:
    """Keep every sample of this run beside the data, as JSON."""
    path = dataset.work / f"results-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"args": vars(args), "machine": info,
                                "samples": harness.samples_json(results)}, indent=1))
    return path


# -- main ---------------------------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="synthetic cameras")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--database-url", default=DEFAULT_PG_URL,
                        help="PostgreSQL database for --backend postgresql (created if absent)")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile opengov in-process on each shape instead of timing")
    harness.add_common_args(parser)
    return harness.apply_quick(parser.parse_args(argv))


def profile(dataset: Dataset, shapes: list[harness.Shape]) -> None:
    """Print a cProfile of opengov answering each shape (Flask test client, no server)."""
    from opengov.app import create_app

    app = create_app({"database_url": dataset.database_url,
                      "instance_path": str(dataset.work)})
    for shape in shapes:
        print(harness.profile_requests(app, shape.path, requests=100, top=20,
                                     focus=r"/opengov/|flask_smorest|webargs"))


def benchmark(dataset: Dataset, shapes: list[harness.Shape], args: argparse.Namespace) -> None:
    """Start both servers, verify, warm up, time interleaved rounds, print the table."""
    info = {**harness.machine_info(), **backend_info(dataset)}
    with ExitStack() as stack:
        candidate = stack.enter_context(opengov_server(dataset, args.threads,
                                                       worker_class=args.worker_class))
        baseline = stack.enter_context(floor_server(dataset, args.threads,
                                                    worker_class=args.worker_class))
        checks = [harness.verify_shape(s, candidate, baseline) for s in shapes]
        print_checks(checks)
        print(f"\nwarm-up {args.warmup:g} s per shape and side; {args.rounds} rounds of "
              f"{args.duration:g} s, {args.connections} connection(s), {workers_label(args)}")
        harness.warm_up((candidate, baseline), shapes, args.warmup)
        results = harness.interleaved_rounds(shapes, candidate, baseline, rounds=args.rounds,
                                             duration=args.duration,
                                             connections=args.connections)
    print("\n" + "\n".join(f"- {k}: {v}" for k, v in info.items()))
    print(f"- data: {dataset.count:,} cameras, {dataset.backend}\n")
    print(harness.format_table(harness.summarise(results), "opengov", "floor"))
    print(f"\nraw samples: {save_raw(dataset, args, results, info)}")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    dataset = prepare_dataset(args.backend, args.count, args.database_url)
    shapes = camera_shapes(dataset)
    if args.profile:
        profile(dataset, shapes)
    else:
        benchmark(dataset, shapes, args)


if __name__ == "__main__":
    main()
