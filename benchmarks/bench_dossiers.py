"""Dossiers: ingest vs a bare ``executemany``; track and stats over HTTP on millions of dossiers.

    python benchmarks/bench_dossiers.py [--dossiers 2000] [--rounds 5]
        [--scale 2000000] [--synth 100000] [--requests 200] [--ingest-only]

1. **ingest** (in process, fresh SQLite files under ``benchmarks/.work/dossiers``): the same
   ~10,000 events of ``--dossiers`` synthetic dossiers (as decoded from a JSON body), once
   through :func:`opengov.dossiers.batch.parse` and :func:`opengov.dossiers.ingest.ingest`
   (field checks, state machine, clock, pins, dossiers, aggregates), and against baselines
   that insert the rows the ingest stored into empty tables defined like the real ones (same
   types, primary keys and indexes): (a) the event rows, one SQLAlchemy Core executemany
   (``conn.execute(insert(t), rows)``); (a') the same through the driver's own
   ``cursor.executemany`` (times converted inside the timing); (b) every row the ingest
   stored (events, dossiers, aggregates), one Core executemany per table. Each timing is one
   transaction including its commit, after a ``gc.collect()``; the empty tables are created
   before the ingest runs. Wall and CPU (``process_time``) times: on a shared machine the CPU
   ratio is the steadier one. Ratio = baseline time ÷ ingest
   time, the median of the rounds' ratios (issue 20's target: ≥ 0.5 against (a)).
2. **scale** (``benchmarks/.work/dossiers-scale``): ``--synth`` synthetic dossiers are ingested
   through the synth's path (``opengov synth dossiers``), then the ``dossiers`` table is
   replicated by SQL (copies with new codes) up to ``--scale`` rows and every aggregate is
   multiplied by the same factor; the coarse aggregates are then checked equal to a full
   recomputation over all the rows.
3. **HTTP**: ``opengov serve`` (gunicorn, one worker) on that database; over one keep-alive
   connection, ``GET /dossiers/track`` with ``--requests`` known codes and right pins, the same
   with unknown codes, ``GET /dossiers/stats?by=agency,month`` (targets: track median
   < 5 ms, stats < 300 ms) and ``GET /dossiers/index?by=agency,month`` (same reads).

Medians; the machine is shared, so quote ratios measured in one run.
"""

from __future__ import annotations

import argparse
import gc
import math
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness  # noqa: E402

SECRET = "benchmark pin secret, not for production"


def _app(work: Path):
    from opengov.app import create_app
    from opengov.loader import load_all
    from opengov.store.migrate import upgrade

    app = create_app({"database_url": f"sqlite:///{work / 'db.sqlite3'}",
                      "instance_path": work, "dossier_pin_secret": SECRET})
    store = app.extensions["opengov"].store
    upgrade(store.engine)
    load_all(store, harness.REPO_ROOT / "datasets", only=["procedures"])
    return store


def _bare_copy(store, conn, name: str, source: str):
    """An empty table ``bare_<name>`` defined like ``source`` (same types, key and indexes)."""
    from sqlalchemy import Index, MetaData

    metadata = MetaData()
    table = store.table(source).to_metadata(metadata, name=f"bare_{name}")
    for index in list(table.indexes):  # index names must differ from the source's
        table.indexes.discard(index)
        Index(f"bare_{name}_{index.name or len(table.indexes)}",
              *(table.c[c.name] for c in index.columns))
    metadata.create_all(conn)
    return table


def _stored_rows(store, conn, table: str, batch: str | None = None) -> list[dict]:
    from sqlalchemy import select

    t = store.table(table)
    query = select(t) if batch is None else select(t).where(t.c.batch == batch)
    return [dict(r._mapping) for r in conn.execute(query)]


def bench_ingest(dossiers: int, rounds: int) -> None:
    """Ingest vs bare executemany of (a) the same event rows, (b) every row ingest stored."""
    from sqlalchemy import insert

    from opengov.dossiers.batch import parse
    from opengov.dossiers.bulk import sqlite_time
    from opengov.dossiers.commands import synthetic_events
    from opengov.dossiers.ingest import ingest
    from opengov.dossiers.pins import Pins
    from opengov.dossiers.tables import TABLES
    from opengov.dossiers.workdays import WorkCalendar

    calendar, pins = WorkCalendar(), Pins(SECRET.encode())
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in ("ingest", *BASELINES)}
    for round_ in range(rounds):
        store = _app(harness.scratch_dir("dossiers", fresh=True))
        events = synthetic_events(store, count=dossiers, start=date(2026, 1, 1),
                                  end=date(2026, 10, 31), seed=round_)
        with store.engine.begin() as conn:  # before the ingest: it warms the write path too
            bare = {name: _bare_copy(store, conn, f"all_{name}", name) for name in TABLES}
            core_events = _bare_copy(store, conn, "events_core", "dossier_events")
            driver_events = _bare_copy(store, conn, "events_driver", "dossier_events")

        def ours(events=events, store=store):
            parsed, problems = parse(events)
            return ingest(store, calendar, parsed, problems, total=len(events), pins=pins)

        result = _timed(times["ingest"], ours)
        with store.engine.connect() as conn:
            stored = {name: _stored_rows(store, conn, name) for name in TABLES}
        assert len(stored["dossier_events"]) == len(events), "every event is stored once"
        rows = stored["dossier_events"]

        def core(store=store, rows=rows, table=core_events):
            with store.engine.begin() as conn:
                conn.execute(insert(table), rows)

        def driver(store=store, rows=rows, table=driver_events):
            tuples = [(r["event_id"], r["dossier_code"], r["kind"], sqlite_time(r["at"]),
                       r["batch"], sqlite_time(r["ingested_at"])) for r in rows]
            with store.engine.begin() as conn:
                conn.exec_driver_sql(f"INSERT INTO {table.name} VALUES (?, ?, ?, ?, ?, ?)",
                                     tuples)

        def every(store=store, stored=stored, bare=bare):
            with store.engine.begin() as conn:
                for name in TABLES:
                    if stored[name]:
                        conn.execute(insert(bare[name]), stored[name])

        for label, run in zip(BASELINES, (core, driver, every), strict=True):
            _timed(times[label], run)
        store.engine.dispose()
        print(f"round {round_ + 1}: {len(events)} events ({result.dossiers} dossiers), "
              f"{sum(map(len, stored.values()))} rows stored; wall (CPU) ms: " +
              "; ".join(f"{k} {v[-1][0] * 1000:.0f} ({v[-1][1] * 1000:.0f})"
                        for k, v in times.items()), flush=True)
    ours_ = times["ingest"]
    print(f"ingest median {statistics.median(w for w, _ in ours_) * 1000:.0f} ms wall, "
          f"{statistics.median(c for _, c in ours_) * 1000:.0f} ms CPU")
    for label in BASELINES:
        wall = statistics.median(b[0] / o[0] for b, o in zip(times[label], ours_, strict=True))
        cpu = statistics.median(b[1] / o[1] for b, o in zip(times[label], ours_, strict=True))
        print(f"ratio {label} ÷ ingest (median of rounds): wall {wall:.3f}, CPU {cpu:.3f}"
              " (target ≥ 0.5 on the event rows)")


#: (a) Core executemany of the event rows, (a') the driver's, (b) Core, every stored row.
BASELINES = ("Core executemany, event rows", "driver executemany, event rows",
             "Core executemany, every stored row")


def _timed(into: list, run):
    """Run ``run()`` after a full collection; append (wall, CPU) seconds to ``into``."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    into.append((time.perf_counter() - wall, time.process_time() - cpu))
    return result


def build_scale(scale: int, synth: int) -> tuple[Path, list[dict]]:
    """A database of ``scale`` dossiers; the received events of the ingested ones (for
    track)."""
    from sqlalchemy import text

    from opengov.dossiers import aggregates
    from opengov.dossiers.commands import ingest_events, synthetic_events
    from opengov.dossiers.pins import Pins
    from opengov.dossiers.tables import COUNTS, LEVELS

    work = harness.scratch_dir("dossiers-scale", fresh=True)
    store = _app(work)
    t0 = time.perf_counter()
    events = synthetic_events(store, count=synth, start=date(2024, 12, 1),
                              end=date(2026, 11, 30), seed=20)
    t1 = time.perf_counter()
    ingest_events(store, Pins(SECRET.encode()), events)
    t2 = time.perf_counter()
    print(f"scale: {synth} dossiers ({len(events)} events) generated in {t1 - t0:.0f} s, "
          f"ingested in {t2 - t1:.0f} s ({len(events) / (t2 - t1):.0f} events/s)", flush=True)
    factor = max(1, math.ceil(scale / synth))
    d = store.table("dossiers")
    columns = ", ".join(c.name for c in d.columns if c.name != "code")
    with store.engine.begin() as conn:
        for k in range(1, factor):
            conn.execute(text(f"INSERT INTO dossiers (code, {columns}) SELECT code || '~{k}', "
                              f"{columns} FROM dossiers WHERE code NOT LIKE '%~%'"))
        for level in LEVELS:
            conn.execute(text(f"UPDATE {level.counts} SET " +
                              ", ".join(f"{n} = {n} * {factor}" for n in COUNTS)))
            conn.execute(text(f"UPDATE {level.days} SET dossiers = dossiers * {factor}"))
        total = conn.execute(text("SELECT count(*) FROM dossiers")).scalar_one()
    t3 = time.perf_counter()
    print(f"scale: replicated ×{factor} by SQL to {total} dossiers in {t3 - t2:.0f} s",
          flush=True)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        equal = aggregates.stored(store, conn, LEVELS[1]) == \
            aggregates.recompute(store, conn, LEVELS[1])
    print(f"scale: agency×month aggregates equal to a full recomputation: {equal} "
          f"({time.perf_counter() - t3:.0f} s)", flush=True)
    store.engine.dispose()
    return work, [e for e in events if e["kind"] == "received"]


def bench_http(work: Path, received: list[dict], requests: int) -> None:
    env = {"OPENGOV_DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
           "OPENGOV_INSTANCE_PATH": str(work), "OPENGOV_DOSSIER_PIN_SECRET": SECRET,
           "OPENGOV_DOSSIERS_TRACK_RATE_LIMIT": "1000000/minute"}
    port = harness.free_port()
    argv = [str(Path(sys.executable).parent / "opengov"), "serve", "--port", str(port)]
    picks = random.Random(1).sample(received, min(requests, len(received)))
    known = ["/dossiers/track?" + urlencode({"code": e["code"], "pin": e["pin"]})
             for e in picks]
    unknown = ["/dossiers/track?" + urlencode({"code": f"none-{i}", "pin": "4821"})
               for i in range(len(picks))]
    stats = ["/dossiers/stats?by=agency,month"] * 30
    index = ["/dossiers/index?by=agency,month"] * 30
    with harness.Server.for_command("dossiers", argv, port, log_dir=work, env=env,
                                    ready_path="/dossiers/stats?by=agency"):
        harness.timed_gets(port, known[:20] + unknown[:20] + stats[:3] + index[:3])  # warm up
        for label, paths, want in (("track (known code, right pin)", known, 200),
                                   ("track (unknown code)", unknown, 404),
                                   ("stats by=agency,month", stats, 200),
                                   ("index by=agency,month", index, 200)):
            timings = harness.timed_gets(port, paths)
            statuses = {status for status, _ in timings}
            assert statuses == {want}, (label, statuses)
            ms = [t for _, t in timings]
            print(f"HTTP {label}: median {statistics.median(ms):.2f} ms, "
                  f"p90 {statistics.quantiles(ms, n=10)[-1]:.2f} ms over {len(ms)} requests",
                  flush=True)
        status, body = harness.get(port, stats[0])
        print(f"stats by=agency,month: {len(body)} bytes, status {status}")
        status, body = harness.get(port, index[0])
        print(f"index by=agency,month: {len(body)} bytes, status {status}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=2000, help="per ingest round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--scale", type=int, default=2_000_000)
    parser.add_argument("--synth", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--ingest-only", action="store_true")
    args = parser.parse_args()
    if not args.skip_ingest:
        bench_ingest(args.dossiers, args.rounds)
    if args.ingest_only:
        return
    work, received = build_scale(args.scale, args.synth)
    bench_http(work, received, args.requests)


if __name__ == "__main__":
    main()
