"""Issue 19, faults and load: the several-hosts deployment on 127.0.0.1 under a mixed load,
with faults injected one at a time, then scaling with workers and an optional soak.

    python -m benchmarks.bench_production                       # 60 s, 50 clients, all faults
    python -m benchmarks.bench_production --soak 600            # … and a 10-minute soak
    python -m benchmarks.bench_production --duration 5 --clients 4 --faults kill-app --no-scaling

What runs (see :mod:`benchmarks.production_stack`): a PostgreSQL + PostGIS primary and its
streaming replica, a private Redis, two ``opengov serve --workers 2`` hosts (own instance
folders and ports; both on the primary, ``OPENGOV_DATABASE_READ_URL`` on the replica, rate
limits and tile cache in Redis) and nginx in front of both. The small sample is loaded into the
primary first (``--profile full`` for the whole one).

1. Mixed load (:mod:`benchmarks.production_load`) for ``--duration`` seconds without faults:
   req/s and p50/p95/p99 per kind.
2. The load goes on while each fault is injected, one at a time, each followed by a recovery
   window: ``kill-app`` (kill -9 one host, restart it), ``redis`` (stopped 20 s), ``replica``
   (stopped 15 s), ``primary`` (``pg_ctl restart -m fast``). After each: every acknowledged
   write is in the primary exactly once, integrity queries find nothing, every kind has 10
   consecutive first-attempt successes within 10 s of the fault clearing, and no request
   failed (after the clients' retries) except those the fault itself caught in flight.
3. Scaling: one host with 1 worker, one with 2, the same cached page in interleaved rounds.
4. ``--soak S``: S seconds of mixed load, every worker's RSS sampled each 10 s.

Prints a Markdown report with every verdict and writes it with the raw figures to
``benchmarks/.work/production/`` (``report.md``, ``result.json``). Exit status 0 when every
verdict passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path

from benchmarks.harness import machine_info, run_python_loop, run_wrk, scratch_dir
from benchmarks.production_checks import (
    check_writes,
    figures,
    figures_table,
    integrity,
    memory_growth,
    recovery_seconds,
    rss_kib,
)
from benchmarks.production_load import KINDS, Client, Ledger, Requests
from benchmarks.production_stack import (
    AppHost,
    Balancer,
    RedisServer,
    opengov_command,
    pg_pair,
)
from tests.production.nginx import PROXY_ADDRESS
from tests.production.pgcluster import ReplicatedPair

FAULTS = ("kill-app", "redis", "replica", "primary")
RECOVERY_LIMIT_S = 10.0
SCALING_GOAL = 1.7
MEMORY_GROWTH_LIMIT = 0.10
SCALING_PAGE = "/land/parcels?bbox=108.330,15.876,108.336,15.881&limit=100"


def load_averages() -> str:
    """The 1, 5 and 15-minute load averages (``uptime``)."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# -- the deployment -------------------------------------------------------------------------------
@dataclass
class Stack:
    """Everything of the deployment, started in order and stopped in reverse."""

    root: Path
    profile: str
    workers: int = 2
    next_upstream: str = "error timeout"
    max_fails: int = 1
    pg: ReplicatedPair = field(init=False)
    redis: RedisServer = field(init=False)
    hosts: list[AppHost] = field(default_factory=list)
    nginx: Balancer | None = None
    token: str = ""
    batch_numbers: itertools.count = field(default_factory=itertools.count)
    parcels: int = 0
    exits: ExitStack = field(default_factory=ExitStack)

    def env(self) -> dict:
        """The settings both hosts share."""
        return {"OPENGOV_DATABASE_URL": self.pg.primary.url(),
                "OPENGOV_DATABASE_READ_URL": self.pg.replica.url(),
                "OPENGOV_REPLICA_MAX_LAG_S": "5",
                "OPENGOV_RATELIMIT_STORAGE_URL": self.redis.url,
                "OPENGOV_TILE_CACHE": self.redis.url,
                "OPENGOV_REPORTS_RATE_LIMIT": "100000/minute",
                "OPENGOV_TRUSTED_PROXIES": PROXY_ADDRESS,
                "OPENGOV_SAMPLE_PROFILE": self.profile}

    def start(self) -> Stack:
        self.pg = pg_pair()
        say(f"PostgreSQL primary and replica (in {self.pg.root}), Redis (in {self.root})")
        self.exits.callback(self.pg.close)
        self.pg.start()
        self.redis = RedisServer(self.root / "redis")
        self.exits.callback(lambda: self.redis.stop())
        self.redis.start()
        url = self.pg.primary.url()
        started = time.monotonic()
        opengov_command(url, "init")
        opengov_command(url, "load", "--profile", self.profile, "--no-build",
                        env={"OPENGOV_INSTANCE_PATH": str(self.root / "loader")})
        say(f"schema and sample ({self.profile}) loaded into the primary in "
            f"{time.monotonic() - started:.0f} s")
        self.token = opengov_command(url, "keys", "create", "--role", "ingest", "--label",
                                     "bench").split()[-1]
        self.parcels = int(self.pg.primary.sql("SELECT count(*) FROM c_parcels")[0][0])
        for name in ("host-a", "host-b"):
            self.hosts.append(AppHost(name, self.root / name, self.env(), workers=self.workers))
            self.exits.callback(self.hosts[-1].stop)
        start_together(self.hosts)
        self.nginx = Balancer(self.root / "nginx", [h.port for h in self.hosts],
                              next_upstream=self.next_upstream, max_fails=self.max_fails)
        self.exits.callback(lambda: self.nginx.stop())
        self.nginx.start()
        say(f"nginx {self.nginx.base_url} → hosts {[h.port for h in self.hosts]}")
        return self

    def close(self) -> None:
        self.exits.close()


def start_together(hosts: list[AppHost]) -> None:
    """Start the hosts side by side (each takes seconds to import and fork); wait for all."""
    with ThreadPoolExecutor(len(hosts)) as pool:
        for started in [pool.submit(host.start) for host in hosts]:
            started.result()


def say(line: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {line}", file=sys.stderr, flush=True)


# -- the load -------------------------------------------------------------------------------------
class Load:
    """``clients`` client threads through nginx until :meth:`stop`."""

    def __init__(self, stack: Stack, clients: int, ledger: Ledger):
        self.outcomes: list = []
        self.ledger = ledger
        self.halt = threading.Event()
        base = stack.nginx.base_url
        build = Requests(stack.token, stack.batch_numbers)
        self.threads = [Client(base, build, ledger, self.outcomes, self.halt, seed=i)
                        for i in range(clients)]

    def start(self) -> Load:
        self.started = time.monotonic()
        for thread in self.threads:
            thread.start()
        return self

    def stop(self) -> None:
        self.halt.set()
        for thread in self.threads:
            thread.join(60)
        self.stopped = time.monotonic()

    def between(self, start: float, end: float) -> list:
        return [o for o in list(self.outcomes) if start <= o.start < end]


# -- faults ---------------------------------------------------------------------------------------
def inject(name: str, stack: Stack, args) -> tuple[float, float, str]:
    """Inject fault ``name`` and clear it; (injected at, cleared at, what was done)."""
    injected = time.monotonic()
    if name == "kill-app":
        host = stack.hosts[0]
        host.kill()
        time.sleep(args.kill_hold)
        host.start()
        return injected, time.monotonic(), (f"kill -9 of {host.name} (master and workers), "
                                            f"restarted after {args.kill_hold:.0f} s")
    if name == "redis":
        stack.redis.stop()
        time.sleep(args.redis_down)
        stack.redis.start()
        return injected, time.monotonic(), f"Redis stopped for {args.redis_down:.0f} s"
    if name == "replica":
        stack.pg.replica.stop()
        time.sleep(args.replica_down)
        stack.pg.replica.start()
        return injected, time.monotonic(), f"replica stopped for {args.replica_down:.0f} s"
    if name == "primary":
        stack.pg.primary.restart()
        cleared = time.monotonic()
        return injected, cleared, (f"pg_ctl restart -m fast of the primary "
                                   f"({cleared - injected:.1f} s)")
    raise ValueError(name)


def allowed_failure(name: str, outcome, injected: float, cleared: float) -> bool:
    """A failure the fault itself explains: a request in flight on the killed host, or sent
    while the primary was restarting."""
    if name == "kill-app":
        return outcome.start < injected + 0.5
    if name == "primary":
        return outcome.start < cleared + 0.5
    return False


def judge_fault(name: str, what: str, injected: float, cleared: float, load: Load,
                stack: Stack, window: float) -> dict:
    """Figures and verdicts of one fault, read after its recovery window."""
    outcomes = load.between(injected, cleared + window)
    failed = [o for o in outcomes if not o.ok]
    unexpected = [o for o in failed if not allowed_failure(name, o, injected, cleared)]
    recovery = recovery_seconds(load.outcomes, cleared, list(KINDS))
    writes = check_writes(stack.pg.primary, *load.ledger.snapshot())
    bad = integrity(stack.pg.primary, stack.parcels)
    slowest = max((v for v in recovery.values() if v is not None), default=0.0)
    verdicts = {
        "no failed request except those the fault caught": not unexpected,
        "every acknowledged write in the primary exactly once": writes.ok,
        "no corrupted data": not any(bad.values()),
        f"recovered within {RECOVERY_LIMIT_S:.0f} s": (
            None not in recovery.values() and slowest <= RECOVERY_LIMIT_S),
    }
    return {"fault": name, "what": what, "fault_seconds": cleared - injected,
            "requests": len(outcomes), "failed": len(failed), "unexpected_failures":
            len(unexpected), "retried": sum(not o.first_ok for o in outcomes),
            "failed_statuses": sorted({o.status for o in failed}),
            "unexpected": [{"kind": o.kind, "status": o.status, "attempts": o.attempts,
                            "started_s": round(o.start - injected, 2),
                            "ended_s": round(o.end - injected, 2)} for o in unexpected[:20]],
            "recovery_s": recovery, "writes": asdict(writes), "integrity": bad,
            "verdicts": verdicts}


def wait_recovered(load: Load, cleared: float, window: float, patience: float = 30) -> None:
    """At least ``window`` seconds of load after the fault cleared, longer (up to
    ``patience`` more) until every kind has its run of successes to measure (a rare kind such
    as downloads needs a while for ten requests with few clients)."""
    while True:
        time.sleep(0.5)
        waited = time.monotonic() - cleared
        done = None not in recovery_seconds(load.outcomes, cleared, list(KINDS)).values()
        if waited >= window and (done or waited >= window + patience):
            return


def run_load_and_faults(stack: Stack, args) -> dict:
    """Phase 1 and 2: the clean window, then each fault with its recovery window."""
    load = Load(stack, args.clients, Ledger()).start()
    say(f"mixed load: {args.clients} clients for {args.duration:.0f} s")
    before = load_averages()
    time.sleep(args.duration)
    clean_end = time.monotonic()
    clean = figures(load.between(load.started, clean_end), clean_end - load.started)
    faults = []
    for name in args.faults:
        say(f"fault: {name}")
        injected, cleared, what = inject(name, stack, args)
        wait_recovered(load, cleared, args.recovery_window)
        faults.append(judge_fault(name, what, injected, cleared, load, stack,
                                  time.monotonic() - cleared))
        say(f"  {what}: " + ", ".join(f"{k}: {'PASS' if v else 'FAIL'}"
                                      for k, v in faults[-1]["verdicts"].items()))
    load.stop()
    total = figures(load.outcomes, load.stopped - load.started)
    writes = check_writes(stack.pg.primary, *load.ledger.snapshot())
    bad = integrity(stack.pg.primary, stack.parcels)
    replica = replica_agrees(stack)
    verdicts = {"every acknowledged write in the primary exactly once (end)": writes.ok,
                "no corrupted data (end)": not any(bad.values()),
                "replica caught up and holds the same writes": replica["same"]}
    return {"clients": args.clients, "duration_s": args.duration,
            "load_averages_before": before, "load_averages_after": load_averages(),
            "clean": clean, "total": total, "total_seconds": load.stopped - load.started,
            "faults": faults, "writes": asdict(writes), "integrity": bad, "replica": replica,
            "verdicts": verdicts}


def replica_agrees(stack: Stack, timeout: float = 60) -> dict:
    """Once the replica has replayed everything: the same report and readings counts."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lag = stack.pg.replay_lag_bytes()
        if lag is not None and lag <= 0:
            break
        time.sleep(0.5)
    counts = "SELECT (SELECT count(*) FROM c_reports), (SELECT count(*) FROM monitoring_readings)"
    primary = stack.pg.primary.sql(counts)[0]
    try:
        replica = stack.pg.replica.sql(counts)[0]
    except Exception as exc:  # noqa: BLE001 - a replica that does not answer fails the check
        return {"same": False, "error": str(exc)}
    return {"same": primary == replica, "primary": list(primary), "replica": list(replica)}


# -- scaling --------------------------------------------------------------------------------------
def _loop(url: str, seconds: float) -> tuple[int, int]:
    sample = run_python_loop(url, seconds)
    return sample.requests, sample.errors


def measure_rps(url: str, seconds: float, connections: int) -> tuple[float, int]:
    """req/s and errors of ``connections`` connections GETting ``url`` for ``seconds``: one
    ``wrk`` thread when installed (the load generator then takes little of the two cores the
    workers need), else as many Python client processes."""
    if shutil.which("wrk"):
        sample = run_wrk(url, seconds, connections)
        return sample.rps, sample.errors
    with ProcessPoolExecutor(connections) as pool:
        done = list(pool.map(_loop, [url] * connections, [seconds] * connections))
    return sum(r for r, _ in done) / seconds, sum(e for _, e in done)


def run_scaling(stack: Stack, args) -> dict:
    """1 and 2 workers on one host each, the same cached page, interleaved rounds."""
    hosts = {workers: AppHost(f"scale-{workers}w", stack.root / f"scale-{workers}w",
                              stack.env(), workers=workers) for workers in (1, 2)}
    for host in hosts.values():
        stack.exits.callback(host.stop)
    start_together(list(hosts.values()))
    say(f"scaling: {SCALING_PAGE}, {args.scaling_rounds} rounds × {args.scaling_seconds:.0f} s")
    before = load_averages()
    for host in hosts.values():  # warm every worker's caches
        measure_rps(host.base_url + SCALING_PAGE, 2, args.scaling_connections)
    rps: dict[int, list[float]] = {1: [], 2: []}
    errors = 0
    for rnd in range(args.scaling_rounds):
        for workers in ((1, 2) if rnd % 2 == 0 else (2, 1)):
            value, err = measure_rps(hosts[workers].base_url + SCALING_PAGE,
                                     args.scaling_seconds, args.scaling_connections)
            rps[workers].append(value)
            errors += err
    for host in hosts.values():
        host.stop()
    ratios = [b / a for a, b in zip(rps[1], rps[2], strict=True)]
    ratio = statistics.median(ratios)
    return {"page": SCALING_PAGE, "connections": args.scaling_connections,
            "client": "wrk" if shutil.which("wrk") else "Python client processes",
            "rps_1_worker": rps[1], "rps_2_workers": rps[2], "ratios": ratios,
            "ratio": ratio, "errors": errors, "load_averages_before": before,
            "load_averages_after": load_averages(),
            "verdicts": {f"2 workers ÷ 1 worker ≥ {SCALING_GOAL}": ratio >= SCALING_GOAL,
                         "no failed request": errors == 0}}


# -- soak -----------------------------------------------------------------------------------------
def run_soak(stack: Stack, args) -> dict:
    """Mixed load for ``--soak`` seconds; each worker's RSS every ``--soak-sample`` s."""
    warmup = min(120.0, args.soak / 5)
    say(f"soak: {args.soak:.0f} s ({warmup:.0f} s warm-up), {args.clients} clients")
    before = load_averages()
    load = Load(stack, args.clients, Ledger()).start()
    samples = []
    while time.monotonic() - load.started < args.soak:
        pids = [pid for host in stack.hosts for pid in host.worker_pids()]
        sizes = {pid: kib for pid in pids if (kib := rss_kib(pid)) is not None}
        samples.append((time.monotonic() - load.started, sizes))
        time.sleep(args.soak_sample)
    load.stop()
    growth = memory_growth(samples, warmup)
    writes = check_writes(stack.pg.primary, *load.ledger.snapshot())
    total = figures(load.outcomes, load.stopped - load.started)
    limit = MEMORY_GROWTH_LIMIT
    return {"seconds": args.soak, "warmup_s": warmup, "samples": samples, "memory": growth,
            "writes": asdict(writes),
            "figures": total, "load_averages_before": before,
            "load_averages_after": load_averages(),
            "verdicts": {f"worker memory grows ≤ {limit:.0%} after warm-up": (
                growth["max_growth"] is not None and growth["max_growth"] <= limit),
                "no failed request": total["all"]["errors"] == 0,
                "every acknowledged write in the primary exactly once": writes.ok}}


# -- report ---------------------------------------------------------------------------------------
def verdict_lines(verdicts: dict[str, bool]) -> list[str]:
    return [f"- {'PASS' if ok else 'FAIL'}: {name}" for name, ok in verdicts.items()]


def report(result: dict) -> str:
    """The Markdown section for RESULTS.md."""
    info = result["machine"]
    out = [f"Run {info['date']} at `{info['opengov commit']}`, {info['nproc']} cores "
           f"({info['cpu']}), sample profile `{result['profile']}`, nginx "
           f"`proxy_next_upstream {result['next_upstream']}`, command "
           f"`{result['command']}`.", ""]
    load = result.get("load")
    if load:
        out += [f"**Mixed load**, {load['clients']} clients through nginx, "
                f"{load['duration_s']:.0f} s without faults (load averages "
                f"{load['load_averages_before']} before, {load['load_averages_after']} after "
                "the whole run):", "", figures_table(load["clean"]), ""]
        out += ["**Faults**, each during the same load, then a recovery window:", "",
                "| fault | requests | failed (unexpected) | retried | failed statuses "
                "| slowest recovery s | writes checked | verdicts |",
                "|---|---:|---:|---:|---|---:|---|---|"]
        for f in load["faults"]:
            recovery = [v for v in f["recovery_s"].values() if v is not None]
            missing = [k for k, v in f["recovery_s"].items() if v is None]
            slowest = f"{max(recovery):.1f}" if recovery else "–"
            slowest += f" (not recovered: {', '.join(missing)})" if missing else ""
            w = f["writes"]
            checked = (f"{w['reports_acknowledged']} reports, {w['batches_acknowledged']} "
                       f"batches")
            passed = sum(f["verdicts"].values())
            out.append(f"| {f['what']} | {f['requests']} | {f['failed']} "
                       f"({f['unexpected_failures']}) | {f['retried']} "
                       f"| {f['failed_statuses']} | {slowest} | {checked} "
                       f"| {passed}/{len(f['verdicts'])} |")
        out += ["", "Whole run including the faults "
                f"({load['total_seconds']:.0f} s):", "", figures_table(load["total"]), ""]
    if result.get("scaling"):
        s = result["scaling"]
        out += [f"**Scaling** on `{s['page']}` ({s['connections']} connections, {s['client']}): "
                f"1 worker {statistics.median(s['rps_1_worker']):.0f} req/s, 2 workers "
                f"{statistics.median(s['rps_2_workers']):.0f} req/s, ratio {s['ratio']:.2f} "
                f"(rounds: {', '.join(f'{r:.2f}' for r in s['ratios'])}); load averages "
                f"{s['load_averages_before']} before, {s['load_averages_after']} after.", ""]
    if result.get("soak"):
        s = result["soak"]
        growth = s["memory"]["max_growth"]
        out += [f"**Soak** {s['seconds']:.0f} s ({s['warmup_s']:.0f} s warm-up): "
                f"{s['figures']['all']['requests']} requests, "
                f"{s['figures']['all']['errors']} errors; largest worker RSS growth after "
                f"warm-up {'–' if growth is None else f'{growth:+.1%}'} "
                f"({len(s['memory']['workers'])} workers; load averages "
                f"{s['load_averages_before']} before, {s['load_averages_after']} after).", ""]
    out += ["**Verdicts**", ""] + verdict_lines(all_verdicts(result))
    return "\n".join(out)


def all_verdicts(result: dict) -> dict[str, bool]:
    """Every verdict of the run, prefixed by its phase."""
    verdicts = {}
    load = result.get("load")
    if load:
        for f in load["faults"]:
            verdicts.update({f"{f['fault']}: {k}": v for k, v in f["verdicts"].items()})
        verdicts.update({f"load: {k}": v for k, v in load["verdicts"].items()})
    for phase in ("scaling", "soak"):
        if result.get(phase):
            verdicts.update({f"{phase}: {k}": v for k, v in result[phase]["verdicts"].items()})
    return verdicts


# -- command line ---------------------------------------------------------------------------------
def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_production",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds of load before "
                        "the faults (figures without faults)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
    parser.add_argument("--faults", default=",".join(FAULTS),
                        help=f"comma-separated, in order, of {', '.join(FAULTS)}; or none")
    parser.add_argument("--recovery-window", type=float, default=12,
                        help="seconds of load after each fault clears")
    parser.add_argument("--kill-hold", type=float, default=5,
                        help="seconds the killed host stays down")
    parser.add_argument("--redis-down", type=float, default=20)
    parser.add_argument("--replica-down", type=float, default=15)
    parser.add_argument("--no-scaling", dest="scaling", action="store_false")
    parser.add_argument("--scaling-rounds", type=int, default=3)
    parser.add_argument("--scaling-seconds", type=float, default=8)
    parser.add_argument("--scaling-connections", type=int, default=8)
    parser.add_argument("--soak", type=float, default=0, help="seconds of soak (0: none)")
    parser.add_argument("--soak-sample", type=float, default=10)
    parser.add_argument("--profile", choices=("small", "full"), default="small",
                        help="sample profile loaded into the primary")
    parser.add_argument("--next-upstream", default="error timeout",
                        help="nginx proxy_next_upstream (e.g. 'error timeout http_502 "
                             "http_503' to see what retrying on 503 does)")
    parser.add_argument("--max-fails", type=int, default=1, help="nginx max_fails per host")
    parser.add_argument("--work", type=Path, default=None,
                        help="scratch folder (default benchmarks/.work/production)")
    args = parser.parse_args(argv)
    args.faults = [] if args.faults == "none" else args.faults.split(",")
    unknown = set(args.faults) - set(FAULTS)
    if unknown:
        parser.error(f"unknown faults: {', '.join(sorted(unknown))}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    root = args.work or scratch_dir("production", fresh=True)
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o755)
    result = {"machine": machine_info(), "profile": args.profile,
              "next_upstream": f"{args.next_upstream}; max_fails={args.max_fails}",
              "command": "python -m benchmarks.bench_production " +
                         " ".join(sys.argv[1:] if argv is None else argv)}
    stack = Stack(root, args.profile, next_upstream=args.next_upstream,
                  max_fails=args.max_fails)
    try:
        stack.start()
        result["load"] = run_load_and_faults(stack, args)
        if args.scaling:
            result["scaling"] = run_scaling(stack, args)
        if args.soak:
            result["soak"] = run_soak(stack, args)
    finally:
        stack.close()
    text = report(result)
    (root / "report.md").write_text(text + "\n")
    (root / "result.json").write_text(json.dumps({**result, "verdicts": all_verdicts(result)},
                                                 indent=1, default=str))
    print(text)
    return 0 if all(all_verdicts(result).values()) else 1


if __name__ == "__main__":
    sys.exit(main())
