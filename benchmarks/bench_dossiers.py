"""Dossiers, in process (no HTTP server yet): ingest vs a bare ``executemany``, track, stats.

    python benchmarks/bench_dossiers.py [--dossiers 2000] [--rounds 5]

On a fresh SQLite file under ``benchmarks/.work/dossiers`` with the procedures catalogue:

* **ingest**: the same 10,000-ish events of ``--dossiers`` synthetic dossiers, once through
  :func:`opengov.dossiers.ingest.ingest` (all checks, pin hashing, dossiers, aggregates) and
  once as a bare ``executemany`` of the same rows into an empty copy of ``dossier_events``
  (the baseline); the ratio is baseline time ÷ ingest time (issue 20's target: ≥ 0.5);
* **track**: median time of ``GET /dossiers/track`` through the Flask test client (known code,
  right pin; and unknown code), target under 5 ms;
* **stats**: median time of ``GET /dossiers/stats?by=agency,month`` through the test client.

Medians of ``--rounds`` rounds; the machine is shared, so quote ratios measured in one run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness  # noqa: E402


def _median_ms(fn, n: int) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from sqlalchemy import insert, text

    from opengov.app import create_app
    from opengov.dossiers import catalogue
    from opengov.dossiers.batch import parse
    from opengov.dossiers.ingest import ingest
    from opengov.dossiers.pins import Pins
    from opengov.dossiers.workdays import WorkCalendar
    from opengov.loader import load_all
    from opengov.store.migrate import upgrade
    from opengov.synth.dossiers import generate

    calendar = WorkCalendar()
    ingest_ms, bare_ms = [], []
    for round_ in range(args.rounds):
        work = harness.scratch_dir("dossiers", fresh=True)
        app = create_app({"database_url": f"sqlite:///{work / 'db.sqlite3'}",
                          "instance_path": work, "dossiers_track_rate_limit": "1000000/minute"})
        store = app.extensions["opengov"].store
        upgrade(store.engine)
        load_all(store, harness.REPO_ROOT / "datasets", only=["procedures"])
        events = sorted(generate(catalogue.catalogue_records(store), [], calendar,
                                 count=args.dossiers, start=date(2026, 1, 1),
                                 end=date(2026, 10, 31), seed=round_), key=lambda e: e["at"])
        parsed, problems = parse(events)
        start = time.perf_counter()
        ingest(store, calendar, parsed, problems, total=len(events),
               pins=Pins(b"benchmark pin secret"))
        ingest_ms.append((time.perf_counter() - start) * 1000)
        rows = [{"event_id": e.event_id + "#bare", "dossier_code": e.code, "kind": e.kind,
                 "at": e.at, "batch": "bare", "ingested_at": e.at} for _, e in parsed]
        with store.engine.begin() as conn:
            conn.execute(text("CREATE TABLE bare AS SELECT * FROM dossier_events WHERE 0"))
        table = store.table("dossier_events").to_metadata(
            __import__("sqlalchemy").MetaData(), name="bare")
        start = time.perf_counter()
        with store.engine.begin() as conn:
            conn.execute(insert(table), rows)
        bare_ms.append((time.perf_counter() - start) * 1000)
        print(f"round {round_ + 1}: {len(events)} events, ingest {ingest_ms[-1]:.0f} ms, "
              f"bare executemany {bare_ms[-1]:.0f} ms", flush=True)
    received = next(e for e in events if e["kind"] == "received")
    client = app.test_client()
    known = {"code": received["code"], "pin": received["pin"]}
    assert client.get("/dossiers/track", query_string=known).status_code == 200
    track_ms = _median_ms(lambda: client.get("/dossiers/track", query_string=known), 200)
    unknown_ms = _median_ms(lambda: client.get("/dossiers/track", query_string={
        "code": "none", "pin": "x"}), 200)
    stats_ms = _median_ms(lambda: client.get("/dossiers/stats?by=agency,month"), 50)
    ingest_med, bare_med = statistics.median(ingest_ms), statistics.median(bare_ms)
    print(f"ingest median {ingest_med:.0f} ms vs bare executemany {bare_med:.0f} ms: ratio "
          f"{bare_med / ingest_med:.3f} (target ≥ 0.5)")
    print(f"track median {track_ms:.2f} ms (unknown code {unknown_ms:.2f} ms; target < 5 ms)")
    print(f"stats by=agency,month median {stats_ms:.2f} ms over {args.dossiers} dossiers")


if __name__ == "__main__":
    main()
