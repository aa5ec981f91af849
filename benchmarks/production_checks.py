"""What the faults-and-load benchmark measures and judges: latency figures per kind, every
acknowledged write found exactly once in the primary, integrity queries, the time the service
took to recover after a fault cleared, and the workers' memory over a soak.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from benchmarks.production_load import REPORT_MARK, Outcome
from tests.production.pgcluster import Cluster

RECOVERY_STREAK = 10  # consecutive successes of a kind that count as "recovered"


# -- figures --------------------------------------------------------------------------------------
def percentile(values: list[float], pct: int) -> float:
    """The ``pct``-th percentile (inclusive method); 0 for no values."""
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def figures(outcomes: list[Outcome], seconds: float) -> dict[str, dict]:
    """Per kind and in total: requests, req/s, p50/p95/p99 ms, final errors, first-attempt
    failures (retried)."""
    by_kind: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_kind[outcome.kind].append(outcome)
    by_kind["all"] = list(outcomes)
    table = {}
    for kind, items in by_kind.items():
        ms = [o.ms for o in items]
        table[kind] = {"requests": len(items), "rps": len(items) / seconds if seconds else 0.0,
                       "p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95),
                       "p99_ms": percentile(ms, 99),
                       "errors": sum(not o.ok for o in items),
                       "retried": sum(not o.first_ok for o in items),
                       "statuses": dict(sorted(_statuses(items).items()))}
    return table


def _statuses(items: list[Outcome]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for o in items:
        counts[str(o.status)] += 1
    return counts


def figures_table(table: dict[str, dict]) -> str:
    """Markdown: one row per kind."""
    lines = ["| kind | requests | req/s | p50 ms | p95 ms | p99 ms | errors | retried |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for kind, row in table.items():
        lines.append(f"| {kind} | {row['requests']} | {row['rps']:.1f} | {row['p50_ms']:.0f} "
                     f"| {row['p95_ms']:.0f} | {row['p99_ms']:.0f} | {row['errors']} "
                     f"| {row['retried']} |")
    return "\n".join(lines)


# -- recovery -------------------------------------------------------------------------------------
def recovery_seconds(outcomes: list[Outcome], cleared: float, kinds: list[str]) -> dict:
    """Per kind, seconds from ``cleared`` to the start of the first run of
    :data:`RECOVERY_STREAK` consecutive requests (by start time, started after ``cleared``)
    that all succeeded at their first attempt; None when no such run happened."""
    result = {}
    for kind in kinds:
        items = sorted((o for o in outcomes if o.kind == kind and o.start >= cleared),
                       key=lambda o: o.start)
        streak_start, streak = None, 0
        for o in items:
            if o.first_ok:
                streak_start = o.start if streak == 0 else streak_start
                streak += 1
                if streak >= RECOVERY_STREAK:
                    break
            else:
                streak = 0
        result[kind] = (max(0.0, streak_start - cleared)
                        if streak >= RECOVERY_STREAK else None)
    return result


# -- acknowledged writes and integrity ------------------------------------------------------------
@dataclass
class WriteCheck:
    """Acknowledged writes compared with the primary."""

    reports_acknowledged: int
    reports_missing: list[str]
    reports_duplicated: list[str]  # idempotency keys with more than one report
    batches_acknowledged: int
    readings_missing: int
    readings_changed: int

    @property
    def ok(self) -> bool:
        return not (self.reports_missing or self.reports_duplicated or self.readings_missing
                    or self.readings_changed)


def check_writes(primary: Cluster, reports: dict[str, str], batches: list[dict]) -> WriteCheck:
    """Every acknowledged report (its id) is in the primary once, no idempotency key made two
    reports, and every reading of every acknowledged batch is stored with the value sent."""
    rows = primary.sql("SELECT id, description FROM c_reports WHERE description LIKE :mark",
                         mark=f"{REPORT_MARK} %")
    ids = {row[0] for row in rows}
    per_key: dict[str, int] = defaultdict(int)
    for _, description in rows:
        per_key[description.split(" ", 1)[1]] += 1
    missing = sorted(key for key, report_id in reports.items() if report_id not in ids)
    duplicated = sorted(key for key, n in per_key.items() if n > 1)
    stored = {}
    for station, parameter, at, value in primary.sql(
            "SELECT station_id, parameter, time, value FROM monitoring_readings "
            "WHERE time < :before", before=_ingest_ceiling()):
        stored[(station, parameter, int(at))] = value
    readings_missing = readings_changed = 0
    for batch in batches:
        for at, value in zip(batch["times"], batch["values"], strict=True):
            got = stored.get((batch["station"], batch["parameter"], at))
            if got is None:
                readings_missing += 1
            elif abs(float(got) - value) > 1e-6:
                readings_changed += 1
    return WriteCheck(len(reports), missing, duplicated, len(batches), readings_missing,
                      readings_changed)


def _ingest_ceiling() -> int:
    """Readings of the benchmark lie before the sample's first reading (2025-03-01)."""
    return 1740787200


INTEGRITY_QUERIES = {
    # each benchmark report has its private row and its history started with `received`
    "reports without private row": (
        "SELECT count(*) FROM c_reports r LEFT JOIN report_private p ON p.report_id = r.id "
        "WHERE r.description LIKE :mark AND p.report_id IS NULL"),
    "reports without history": (
        "SELECT count(*) FROM c_reports r WHERE r.description LIKE :mark AND NOT EXISTS "
        "(SELECT 1 FROM report_history h WHERE h.report_id = r.id)"),
    "reports with an invalid geometry": (
        "SELECT count(*) FROM c_reports WHERE geom IS NOT NULL AND NOT ST_IsValid(geom)"),
    "reports whose stored feature lost its id": (
        "SELECT count(*) FROM c_reports WHERE _feature NOT LIKE '%' || id || '%'"),
    "idempotency keys pointing to no report": (
        "SELECT count(*) FROM report_idempotency i LEFT JOIN c_reports r "
        "ON r.id = i.report_id WHERE r.id IS NULL"),
    "readings outside their parameter's valid range": (
        "SELECT count(*) FROM monitoring_readings m JOIN c_monitoring_parameters p "
        "ON p.id = m.parameter WHERE m.value < p.valid_min OR m.value > p.valid_max"),
}


def integrity(primary: Cluster, parcels_before: int) -> dict[str, int]:
    """Counts of rows that break an invariant (all must be 0), and the parcels count change."""
    found = {name: int(primary.sql(sql, mark=f"{REPORT_MARK} %")[0][0])
             for name, sql in INTEGRITY_QUERIES.items()}
    found["parcels changed by the load"] = abs(
        int(primary.sql("SELECT count(*) FROM c_parcels")[0][0]) - parcels_before)
    return found


# -- memory ---------------------------------------------------------------------------------------
def rss_kib(pid: int) -> int | None:
    """VmRSS of a process (KiB) from /proc, None once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def memory_growth(samples: list[tuple[float, dict[int, int]]], warmup: float) -> dict:
    """Per worker alive from the end of warm-up to the end: RSS right after warm-up, at the
    end, and the growth in between (the largest decides the verdict)."""
    after = [(t, s) for t, s in samples if t >= warmup]
    if len(after) < 2:
        return {"workers": {}, "max_growth": None}
    first, last = after[0][1], after[-1][1]
    workers = {pid: {"after_warmup_mib": first[pid] / 1024, "end_mib": last[pid] / 1024,
                     "growth": (last[pid] - first[pid]) / first[pid]}
               for pid in first if pid in last}
    growth = max((w["growth"] for w in workers.values()), default=None)
    return {"workers": workers, "max_growth": growth}
