"""Monitoring: ingest throughput and read latency, each against a baseline timed in the same run.

    python benchmarks/bench_monitoring.py ingest [--backend sqlite|postgresql] [--rounds 5]
    python benchmarks/bench_monitoring.py reads [--rounds 7]      # needs the 10M set, see below
    python benchmarks/bench_monitoring.py csv                     # peak memory of a 1M CSV

``ingest``: batches of 50,000 readings (16 air stations × 8 parameters, consecutive hours) go
through ``POST /monitoring/readings`` of a real server (one gthread worker, an ``ingest`` key)
into one fresh database, and the same rows go by a bare ``executemany`` (SQLite) or ``COPY`` +
``INSERT … ON CONFLICT DO NOTHING`` (PostgreSQL) into another fresh database with the same table
and primary key; candidate and baseline alternate batch by batch. Reported: medians of rows/s
and of the paired ratio candidate ÷ baseline (target ≥ 0.30). opengov writes a batch in
primary-key order, so the same bare insert of the rows sorted by key is timed too and its ratio
reported alongside (a stricter baseline than the issue's).

``reads`` and ``csv`` use the 10-million-reading set built by ``opengov synth readings`` into
``benchmarks/.work/monitoring/bench.sqlite3`` (about 5 minutes)::

    opengov --database-url sqlite:///benchmarks/.work/monitoring/bench.sqlite3 synth readings

``reads`` times, through HTTP, one station-year of hourly means of one parameter (target
≤ 50 ms) and the daily VN_AQI of every station over a year (target ≤ 2 s), interleaved with the
bare SQL that reads the same rows (the baseline). ``csv`` downloads ≥ 1 million raw readings as
CSV and reports the worker's peak resident memory (VmHWM) before and after (target < 300 MB).
"""

from __future__ import annotations

import argparse
import http.client
import json
import sqlite3
import statistics
import sys
import time
from pathlib import Path

import orjson

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness  # noqa: E402

BENCH_DB = harness.WORK_DIR / "monitoring" / "bench.sqlite3"
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BATCH = 50_000
YEAR = ("2025-01-01T00:00:00%2B07:00", "2026-01-01T00:00:00%2B07:00")


# -- databases ----------------------------------------------------------------------------------
def fresh_database(backend: str, name: str) -> str:
    """An empty, migrated database holding the monitoring stations and parameters."""
    from opengov.app import create_app
    from opengov.loader import load_all
    from opengov.store.migrate import upgrade

    if backend == "sqlite":
        path = harness.scratch_dir(f"monitoring/{name}", fresh=True) / "db.sqlite3"
        url = f"sqlite:///{path}"
    else:
        from sqlalchemy import create_engine, text

        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "bench_{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "bench_{name}"'))
        admin.dispose()
        url = PG_ADMIN.rsplit("/", 1)[0] + f"/bench_{name}"
    app = create_app({"database_url": url, "instance_path": str(harness.WORK_DIR)})
    store = app.extensions["opengov"].store
    upgrade(store.engine)
    load_all(store, harness.REPO_ROOT / "datasets",
             only=("monitoring-stations", "monitoring-parameters"))
    store.engine.dispose()
    return url


def batches(count: int) -> list[list[tuple]]:
    """``count`` batches of 50,000 generated readings of the 16 sample air stations."""
    from opengov.monitoring.synth_readings import generate
    from opengov.monitoring.synth_stations import station_features

    stations = [(f["id"], tuple(f["properties"]["parameters"])) for f in station_features()
                if f["properties"]["kind"] == "air"]
    hours = count * BATCH // (len(stations) * 8) + 200
    rows = []
    for block in generate(stations, 1735664400, hours, seed=11):
        rows += zip([block.station_id] * len(block.time), block.parameter.tolist(),
                    block.time.tolist(), block.value.tolist(), block.flag.tolist(), strict=True)
    rows.sort(key=lambda r: (r[2], r[0], r[1]))  # batches of consecutive hours, like a feed
    return [rows[i * BATCH:(i + 1) * BATCH] for i in range(count)]


def json_body(rows: list[tuple]) -> bytes:
    times = [time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(r[2])) for r in rows]
    return orjson.dumps({"readings": [
        {"station": r[0], "parameter": r[1], "time": t, "value": r[3], "flag": r[4]}
        for r, t in zip(rows, times, strict=True)]})


def baseline_insert(url: str, rows: list[tuple]) -> float:
    """Seconds for the bare bulk insert of ``rows`` (same table, key and conflict rule)."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO monitoring_readings (station_id, parameter, time, value, "
                         "flag) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", rows)
        conn.execute("COMMIT")
        elapsed = time.perf_counter() - start
        conn.close()
        return elapsed
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as conn:
        start = time.perf_counter()
        with conn.cursor() as cur:
            cur.execute("CREATE TEMP TABLE _incoming (LIKE monitoring_readings) ON COMMIT DROP")
            with cur.copy("COPY _incoming (station_id, parameter, time, value, flag) "
                          "FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cur.execute("INSERT INTO monitoring_readings SELECT * FROM _incoming "
                        "ON CONFLICT DO NOTHING")
        conn.commit()
        return time.perf_counter() - start


def post(port: int, body: bytes, token: str) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    start = time.perf_counter()
    conn.request("POST", "/monitoring/readings", body=body, headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    response = conn.getresponse()
    answer = response.read()
    elapsed = time.perf_counter() - start
    conn.close()
    if response.status != 201:
        raise RuntimeError(f"ingest answered {response.status}: {answer[:300]!r}")
    return elapsed


def bench_ingest(args) -> None:
    from opengov.app import create_app
    from opengov.keys import create_key

    candidate_url = fresh_database(args.backend, "ingest_candidate")
    baseline_url = fresh_database(args.backend, "ingest_baseline")
    sorted_url = fresh_database(args.backend, "ingest_sorted")
    app = create_app({"database_url": candidate_url, "instance_path": str(harness.WORK_DIR)})
    token = create_key(app.extensions["opengov"].store, "ingest", label="bench")[1]
    app.extensions["opengov"].store.engine.dispose()
    work = harness.scratch_dir("monitoring")
    data = batches(args.rounds + 1)
    bodies = [json_body(rows) for rows in data]
    server = harness.Server.for_factory(
        "opengov-monitoring", "opengov.app:create_app",
        {"database_url": candidate_url, "instance_path": str(work)}, threads=4, log_dir=work,
        ready_path="/monitoring/parameters")
    # c: opengov over HTTP; b: the bare bulk insert of the rows in arrival order (the issue's
    # baseline); s: the same bare insert of the rows sorted by primary key, as opengov writes
    # them (a stricter baseline, reported alongside).
    sides = {"c": lambda i: post(server.port, bodies[i], token),
             "b": lambda i: baseline_insert(baseline_url, data[i]),
             "s": lambda i: baseline_insert(sorted_url, sorted(data[i]))}
    times: dict[str, list[float]] = {side: [] for side in sides}
    with server:
        for run in sides.values():
            run(0)  # warm-up batch (imports, first connection)
        for i in range(1, args.rounds + 1):
            order = "cbs" if i % 2 else "sbc"
            for side in order:
                times[side].append(sides[side](i))
            print(f"round {i}: opengov {BATCH / times['c'][-1]:,.0f} rows/s, bare "
                  f"{BATCH / times['b'][-1]:,.0f} rows/s (key order {BATCH / times['s'][-1]:,.0f}"
                  f"), ratio {times['b'][-1] / times['c'][-1]:.2f} "
                  f"({times['s'][-1] / times['c'][-1]:.2f})")

    def median_rate(side: str) -> float:
        return statistics.median(BATCH / t for t in times[side])

    def median_ratio(side: str) -> float:
        return statistics.median(b / c for b, c in zip(times[side], times["c"], strict=True))

    print(f"\ningest ({args.backend}, {args.rounds} batches of {BATCH:,}): median opengov "
          f"{median_rate('c'):,.0f} rows/s, bare {median_rate('b'):,.0f} rows/s, ratio "
          f"{median_ratio('b'):.2f} (target ≥ 0.30); bare in key order "
          f"{median_rate('s'):,.0f} rows/s, ratio {median_ratio('s'):.2f}")


# -- reads on the 10M set -----------------------------------------------------------------------
def bench_server() -> harness.Server:
    if not BENCH_DB.exists():
        raise SystemExit(f"{BENCH_DB} is missing: run `opengov --database-url "
                         f"sqlite:///{BENCH_DB} synth readings` first")
    work = harness.scratch_dir("monitoring")
    return harness.Server.for_factory(
        "opengov-monitoring-reads", "opengov.app:create_app",
        {"database_url": f"sqlite:///{BENCH_DB}", "instance_path": str(work)}, threads=4,
        log_dir=work, ready_path="/monitoring/parameters")


def timed_get(port: int, path: str) -> tuple[float, bytes]:
    start = time.perf_counter()
    status, body = harness.get(port, path, timeout=300)
    elapsed = time.perf_counter() - start
    if status != 200:
        raise RuntimeError(f"GET {path}: {status} {body[:200]!r}")
    return elapsed, body


def bare_sql(sql: str, params: tuple) -> float:
    conn = sqlite3.connect(BENCH_DB)
    start = time.perf_counter()
    conn.execute(sql, params).fetchall()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def bench_reads(args) -> None:
    year = (1735664400, 1767200400)
    hourly = (f"/monitoring/readings?station=aq-007&parameter=pm25&resolution=hour"
              f"&from={YEAR[0]}&to={YEAR[1]}")
    aqi = f"/monitoring/aqi?resolution=day&from={YEAR[0]}&to={YEAR[1]}"
    shapes = {
        "station-year hourly means": (hourly, (
            "SELECT time, value FROM monitoring_readings WHERE station_id = ? AND parameter = ? "
            "AND time >= ? AND time < ? AND flag = 'valid'", ("aq-007", "pm25", *year))),
        "daily AQI, all stations, a year": (aqi, (
            "SELECT station_id, parameter, time, value FROM monitoring_readings "
            "WHERE parameter IN ('pm25','pm10','o3','co','so2','no2') AND time >= ? "
            "AND time < ? AND flag = 'valid'", year)),
    }
    results: dict[str, dict[str, list[float]]] = {k: {"http": [], "sql": []} for k in shapes}
    with bench_server() as server:
        for path, _ in shapes.values():
            _, body = timed_get(server.port, path)  # warm the page cache
        print(f"hourly rows: {len(json.loads(body)['stations'])} stations in the AQI answer")
        for i in range(args.rounds):
            for name, (path, (sql, params)) in shapes.items():
                pair = [("http", lambda p=path: timed_get(server.port, p)[0]),
                        ("sql", lambda s=sql, q=params: bare_sql(s, q))]
                for side, run in (pair if i % 2 == 0 else pair[::-1]):
                    results[name][side].append(run())
    for name, sides in results.items():
        http_ms = statistics.median(sides["http"]) * 1000
        sql_ms = statistics.median(sides["sql"]) * 1000
        print(f"{name}: median {http_ms:,.1f} ms over HTTP; bare SQL reading the raw rows "
              f"{sql_ms:,.1f} ms; ratio {http_ms / sql_ms:.2f}")


def worker_peak_kb(server: harness.Server) -> int:
    """VmHWM (peak resident set) of the gunicorn worker, the child of the server process."""
    children = Path(f"/proc/{server.proc.pid}/task/{server.proc.pid}/children").read_text()
    pid = int(children.split()[0])
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def bench_csv(args) -> None:
    stations = ",".join(f"aq-{i:03d}" for i in range(1, 8))
    path = f"/monitoring/readings?station={stations}&f=csv"
    with bench_server() as server:
        timed_get(server.port, "/monitoring/readings?station=aq-001&limit=10")
        before = worker_peak_kb(server)
        elapsed, body = timed_get(server.port, path)
        after = worker_peak_kb(server)
    rows = body.count(b"\n") - 1
    print(f"raw CSV: {rows:,} readings, {len(body) / 1e6:,.0f} MB in {elapsed:,.1f} s "
          f"({rows / elapsed:,.0f} rows/s); worker peak RSS {before / 1024:,.0f} MB before, "
          f"{after / 1024:,.0f} MB after (target < 300 MB)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=("ingest", "reads", "csv"))
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    print(json.dumps(harness.machine_info()))
    {"ingest": bench_ingest, "reads": bench_reads, "csv": bench_csv}[args.what](args)


if __name__ == "__main__":
    main()
