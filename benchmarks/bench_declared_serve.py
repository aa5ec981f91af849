"""A declared collection against the built-in ``cameras`` with the same records, same run.

    python benchmarks/bench_declared_serve.py [--count 100000] [--rounds 5] [--duration 5]
                                              [--quick] [--profile]

The synthetic cameras (``opengov synth cameras``) are written to a GeoJSON file and declared
in a project with ``opengov add`` as ``street-cams`` (the id ``cameras`` belongs to the built-in
collection), then ``opengov load``-ed; the built-in ``cameras`` collection is loaded with the
same records (same seed) into another database (:func:`bench_cameras.prepare_dataset`). Both
are served by ``opengov serve``, one sync worker each (``--worker-class sync``, the default
here), checked to return the same features for every shape, then timed in interleaved rounds:
``limit=1000``, ``limit=100``, a dense viewport (a bbox around the median camera holding about
1,000 cameras, ``limit=1000``) and the whole extent as a bbox (``limit=1000``). The ratio is
declared req/s ÷ built-in req/s; the target (issue 16) is ≥ 0.90 on every shape.
``--profile`` profiles both in-process on each shape instead.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import bench_cameras, harness  # noqa: E402

DECLARED_ID = "street-cams"
DENSE_TARGET = 1000
CLEAN_ENV = ("OPENGOV_DATABASE_URL", "OPENGOV_INSTANCE_PATH", "OPENGOV_DATASETS_PATH",
             "OPENGOV_CAPABILITIES", "OPENGOV_DISABLED_CAPABILITIES", "OPENGOV_CONFIG")


def run(argv: list[str], env: dict, log: Path, cwd: Path = harness.REPO_ROOT) -> None:
    """``opengov ARGV`` with ``env`` (output appended to ``log``); fails loudly."""
    environ = {k: v for k, v in os.environ.items() if k not in CLEAN_ENV} | env
    with log.open("ab") as out:
        done = subprocess.run([sys.executable, "-m", "opengov.cli", *argv], cwd=cwd,
                              env=environ, stdout=out, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, timeout=3600, check=False)
    if done.returncode:
        raise RuntimeError(f"opengov {' '.join(argv)} failed; see {log}")


def declared_count(database: Path) -> int | None:
    """Records of the declared collection in ``database`` (None: not loaded)."""
    if not database.is_file():
        return None
    conn = sqlite3.connect(database)
    try:
        state = conn.execute("SELECT record_count FROM collection_state "
                             "WHERE collection_id = ?", (DECLARED_ID,)).fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return state[0] if state else None


def declared_project(count: int) -> Path:
    """A project with the ``count`` synthetic cameras declared from GeoJSON and loaded
    (rebuilt only when its table lacks them)."""
    work = harness.scratch_dir(f"declared-serve-{count}")
    project = work / "project"
    database = project / "instance" / "opengov.sqlite3"
    if declared_count(database) == count:
        print(f"reusing the declared project {project}")
        return project
    log = work / "build.log"
    geojson = work / "cameras.geojson"
    started = time.monotonic()
    print(f"building the declared project in {project} (log: {log}) …")
    run(["synth", "cameras", "--count", str(count), "-o", str(geojson)], {}, log)
    if project.exists():
        shutil.rmtree(project)
    run(["new", str(project), "--region", "Bench City"], {}, log)
    env = {"OPENGOV_CONFIG": str(project / "opengov.toml")}
    run(["add", str(geojson), "--id", DECLARED_ID, "--title", "Street cameras"], env, log)
    run(["load"], env, log)
    print(f"built in {time.monotonic() - started:.0f} s")
    return project


def shapes(dataset: bench_cameras.Dataset) -> list[harness.Shape]:
    """The four timed shapes, each as ``/street-cams?…`` (declared) and ``/cameras?…``."""
    points = bench_cameras.camera_points(dataset.database_url)
    dense, dense_n = bench_cameras.choose_box(points, DENSE_TARGET)
    whole = (min(p[0] for p in points), min(p[1] for p in points),
             max(p[0] for p in points), max(p[1] for p in points))
    print(f"dense viewport {dense}: {dense_n} cameras; whole extent {whole}: {len(points)}")

    def text(box):
        return ",".join(f"{v:.6f}" for v in box)

    queries = [("limit=1000", "limit=1000"), ("limit=100", "limit=100"),
               (f"bbox dense ({dense_n}) limit=1000", f"limit=1000&bbox={text(dense)}"),
               (f"bbox whole extent ({len(points)}) limit=1000",
                f"limit=1000&bbox={text(whole)}")]
    return [harness.Shape(name, f"/{DECLARED_ID}?{query}", f"/cameras?{query}")
            for name, query in queries]


def server(label: str, env: dict, ready_path: str, log_dir: Path,
           args: argparse.Namespace) -> harness.Server:
    """``opengov serve`` with one worker of ``args.worker_class`` on a free port."""
    port = harness.free_port()
    argv = [sys.executable, "-m", "opengov.cli", "serve", "--host", "127.0.0.1", "--port",
            str(port), "--workers", "1", "--worker-class", args.worker_class]
    if args.worker_class == "gthread":
        argv += ["--threads", str(args.threads)]
    environ = {name: None for name in CLEAN_ENV} | env
    return harness.Server.for_command(label, argv, port, log_dir=log_dir,
                                      env={k: v for k, v in environ.items() if v is not None},
                                      ready_path=ready_path)


def profile(project: Path, dataset: bench_cameras.Dataset,
            timed: list[harness.Shape]) -> None:
    """cProfile of each side answering each shape (Flask test client, no server)."""
    from opengov.app import create_app

    for key in CLEAN_ENV:
        os.environ.pop(key, None)
    declared = create_app({"config_file": str(project / "opengov.toml")})
    builtin = create_app({"database_url": dataset.database_url,
                          "instance_path": str(dataset.work)})
    for shape in timed:
        for role, app in (("candidate", declared), ("baseline", builtin)):
            print(f"== {role} {shape.path_for(role)}")
            print(harness.profile_requests(app, shape.path_for(role), requests=100, top=20,
                                         focus=r"/opengov/|flask_smorest|webargs"))


def benchmark(project: Path, dataset: bench_cameras.Dataset, timed: list[harness.Shape],
              args: argparse.Namespace) -> None:
    info = harness.machine_info()
    with ExitStack() as stack:
        declared = stack.enter_context(server(
            "declared", {"OPENGOV_CONFIG": str(project / "opengov.toml")},
            f"/{DECLARED_ID}?limit=1", project.parent, args))
        builtin = stack.enter_context(server("built-in", dataset.env, "/cameras?limit=1",
                                             dataset.work, args))
        checks = [harness.verify_shape(s, declared, builtin) for s in timed]
        print("\n| shape | numberMatched | returned | bytes declared / built-in |")
        print("|---|---:|---:|---|")
        for c in checks:
            print(f"| `{c.shape.name}` | {c.matched} | {c.returned} "
                  f"| {c.candidate_bytes:,} / {c.baseline_bytes:,} |")
        print(f"\nwarm-up {args.warmup:g} s per shape and side; {args.rounds} rounds of "
              f"{args.duration:g} s, {args.connections} connection(s), "
              f"{bench_cameras.workers_label(args)}")
        harness.warm_up((declared, builtin), timed, args.warmup)
        results = harness.interleaved_rounds(timed, declared, builtin, rounds=args.rounds,
                                             duration=args.duration,
                                             connections=args.connections)
    print("\n" + "\n".join(f"- {k}: {v}" for k, v in info.items()))
    print(f"- data: {dataset.count:,} cameras, sqlite\n")
    print(harness.format_table(harness.summarise(results), "declared", "built-in"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="synthetic cameras")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile both sides in-process on each shape instead of timing")
    harness.add_common_args(parser, worker_class="sync")
    args = harness.apply_quick(parser.parse_args(argv))
    dataset = bench_cameras.prepare_dataset("sqlite", args.count, bench_cameras.DEFAULT_PG_URL)
    project = declared_project(args.count)
    timed = shapes(dataset)
    if args.profile:
        profile(project, dataset, timed)
    else:
        benchmark(project, dataset, timed, args)


if __name__ == "__main__":
    main()
