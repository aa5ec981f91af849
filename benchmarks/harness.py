"""Reusable benchmark pieces: scratch dirs, gunicorn servers, a load generator, A/B rounds.

A benchmark compares a *candidate* server (opengov) with a *baseline* (the floor of DESIGN.md)
in the same run: both are started side by side on free 127.0.0.1 ports, every request shape is
first checked to return the same features from both, then timed in interleaved rounds
(A, B, B, A, A, B, … so drift and noise of the shared machine hit both sides alike). The report
quotes medians and the paired ratio candidate req/s ÷ baseline req/s (1.00 = as fast as the
baseline, 0.50 = twice the baseline's time per request).

Load comes from ``wrk -t1 -c1`` on a plain URL (no Lua, no Accept-Encoding), or from a Python
keep-alive loop over :mod:`http.client` when ``wrk`` is not installed.

This file is also the server launcher: ``python -m benchmarks.harness serve --factory
module:function --config JSON --bind HOST:PORT --threads N [--worker-class sync]`` runs
``function(config)`` under gunicorn with the options ``opengov serve`` uses (one gthread worker
unless told otherwise).
"""

from __future__ import annotations

import argparse
import http.client
import importlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
WORK_DIR = BENCH_DIR / ".work"

WORKER_CLASSES = ("gthread", "sync")  # as `opengov serve --worker-class` offers them

# The gunicorn options of ``opengov serve`` (opengov/serve.py), minus bind/workers/threads.
GUNICORN_OPTIONS = {
    "worker_class": "gthread",
    "timeout": 300,
    "graceful_timeout": 30,
    "keepalive": 5,
    "accesslog": None,
    "errorlog": "-",
    "loglevel": "warning",
}


# -- scratch data -------------------------------------------------------------------------------
def scratch_dir(name: str, *, fresh: bool = False) -> Path:
    """``benchmarks/.work/<name>`` (gitignored), emptied first when ``fresh``."""
    path = WORK_DIR / name
    if fresh and path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True, exist_ok=True)
    return path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- servers ------------------------------------------------------------------------------------
def factory_command(factory: str, config: dict, port: int, threads: int,
                    workers: int = 1, worker_class: str = "gthread") -> list[str]:
    """The command line that serves ``factory(config)`` like ``opengov serve`` does."""
    return [sys.executable, "-m", "benchmarks.harness", "serve", "--factory", factory,
            "--config", json.dumps(config), "--bind", f"127.0.0.1:{port}",
            "--threads", str(threads), "--workers", str(workers),
            "--worker-class", worker_class]


@dataclass
class Server:
    """A server process on 127.0.0.1:``port``, started in its own session, stopped by pid."""

    label: str
    argv: list[str]
    port: int
    log_path: Path
    env: dict = field(default_factory=dict)
    ready_path: str = "/"
    proc: subprocess.Popen | None = None

    @classmethod
    def for_factory(cls, label: str, factory: str, config: dict, *, threads: int,
                    log_dir: Path, env: dict | None = None, ready_path: str = "/",
                    worker_class: str = "gthread") -> Server:
        """A gunicorn server for an app factory: one worker, gthread with ``threads`` threads
        or ``sync``."""
        port = free_port()
        command = factory_command(factory, config, port, threads, worker_class=worker_class)
        return cls(label, command, port,
                   log_dir / f"{label}.log", env=env or {}, ready_path=ready_path)

    @classmethod
    def for_command(cls, label: str, argv: list[str], port: int, *, log_dir: Path,
                    env: dict | None = None, ready_path: str = "/") -> Server:
        """A server started by any command line that listens on 127.0.0.1:``port``."""
        return cls(label, argv, port, log_dir / f"{label}.log", env=env or {},
                   ready_path=ready_path)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120.0) -> Server:
        """Start the process and wait until ``ready_path`` answers (any HTTP status)."""
        env = {**os.environ, **self.env}
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH"))
                                            if p)
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(self.argv, cwd=REPO_ROOT, env=env, stdout=log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True)
        log.close()
        try:
            self._wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"{self.label} exited with {self.proc.returncode}; "
                                   f"log:\n{self.log_tail()}")
            try:
                get(self.port, self.ready_path, timeout=5)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.label} not ready after {timeout:.0f} s; log:\n"
                           f"{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        """The last lines of the server's log (for error messages)."""
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM the server's process group (ours alone), SIGKILL it if it lingers."""
        if self.proc is None or self.proc.poll() is not None:
            return
        pgid = self.proc.pid  # start_new_session: the group id is our child's pid
        os.killpg(pgid, signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(pgid, signal.SIGKILL)
            self.proc.wait(5)

    def __enter__(self) -> Server:
        return self.start() if self.proc is None else self

    def __exit__(self, *exc) -> None:
        self.stop()


def serve_main(argv: list[str]) -> None:
    """``serve`` subcommand: run an app factory under gunicorn in this process."""
    from gunicorn.app.base import BaseApplication

    parser = argparse.ArgumentParser(prog="harness serve")
    parser.add_argument("--factory", required=True, help="module:function")
    parser.add_argument("--config", default="{}", help="JSON given to the factory")
    parser.add_argument("--bind", required=True)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--worker-class", choices=WORKER_CLASSES, default="gthread")
    args = parser.parse_args(argv)
    module, name = args.factory.split(":")
    config = json.loads(args.config)

    class FactoryServer(BaseApplication):
        def load_config(self):
            sync = args.worker_class == "sync"  # gunicorn makes sync + threads > 1 gthread
            options = {**GUNICORN_OPTIONS, "bind": args.bind, "workers": args.workers,
                       "worker_class": args.worker_class, "threads": 1 if sync else args.threads}
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return getattr(importlib.import_module(module), name)(config)

    FactoryServer().run()


# -- HTTP ---------------------------------------------------------------------------------------
def get(port: int, path: str, timeout: float = 30.0) -> tuple[int, bytes]:
    """One GET to 127.0.0.1 without Accept-Encoding; (status, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def get_json(port: int, path: str) -> dict:
    """GET ``path`` and parse the JSON body; a non-200 answer is an error."""
    status, body = get(port, path)
    if status != 200:
        raise RuntimeError(f"GET {path} on port {port}: HTTP {status}: {body[:300]!r}")
    return json.loads(body)


# -- load generation ----------------------------------------------------------------------------
@dataclass
class Sample:
    """What one timed run of one URL gave."""

    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int = 0
    tool: str = "wrk"


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _latency_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"unparsable wrk latency {text!r}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def parse_wrk(output: str) -> Sample:
    """req/s, p50/p99 latency, request and error counts from ``wrk --latency`` output."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    if not rps or not total:
        raise ValueError(f"unparsable wrk output:\n{output}")
    pct = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)$", output, re.MULTILINE))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                     output)
    errors = int(non2xx.group(1)) if non2xx else 0
    errors += sum(int(g) for g in sock.groups()) if sock else 0
    return Sample(rps=float(rps.group(1)), p50_ms=_latency_ms(pct.get("50", "0ms")),
                  p99_ms=_latency_ms(pct.get("99", "0ms")), requests=int(total.group(1)),
                  errors=errors)


def run_wrk(url: str, duration: float, connections: int = 1) -> Sample:
    """``wrk -t1 -cN -dS --latency URL`` (wrk sends no Accept-Encoding)."""
    seconds = max(1, round(duration))
    argv = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "--latency",
            url]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60,
                          check=True)
    return parse_wrk(done.stdout)


def run_python_loop(url: str, duration: float, connections: int = 1) -> Sample:
    """Fallback load: one keep-alive :mod:`http.client` connection, GET after GET."""
    if connections != 1:
        raise ValueError("the Python load loop drives a single connection; install wrk")
    host_port, _, path = url.removeprefix("http://").partition("/")
    host, _, port = host_port.partition(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    latencies: list[float] = []
    errors = 0
    start = time.perf_counter()
    deadline = start + duration
    try:
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            conn.putrequest("GET", "/" + path, skip_accept_encoding=True)
            conn.endheaders()
            response = conn.getresponse()
            response.read()
            errors += response.status != 200
            latencies.append((time.perf_counter() - t0) * 1000)
    finally:
        conn.close()
    elapsed = time.perf_counter() - start
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return Sample(rps=len(latencies) / elapsed, p50_ms=cuts[49], p99_ms=cuts[98],
                  requests=len(latencies), errors=errors, tool="python")


def timed_gets(port: int, paths: Iterable[str]) -> list[tuple[int, float]]:
    """GET each path once, in order, over one keep-alive connection (no Accept-Encoding):
    (status, milliseconds from sending to the last body byte) per path. For many distinct
    URLs (lookups at many points, tiles), which ``wrk`` without Lua cannot vary."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    timings = []
    try:
        for path in paths:
            t0 = time.perf_counter()
            conn.putrequest("GET", path, skip_accept_encoding=True)
            conn.endheaders()
            response = conn.getresponse()
            response.read()
            timings.append((response.status, (time.perf_counter() - t0) * 1000))
            if response.will_close:
                conn.close()
    finally:
        conn.close()
    return timings


def load(url: str, duration: float, connections: int = 1) -> Sample:
    """Time ``url`` for ``duration`` seconds with wrk, or the Python loop without it."""
    if shutil.which("wrk"):
        return run_wrk(url, duration, connections)
    return run_python_loop(url, duration, connections)


# -- comparing ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Shape:
    """One request shape: a label and the path (with query) sent to both servers, or to the
    baseline only ``baseline_path`` when that differs (the same data under another name)."""

    name: str
    path: str
    baseline_path: str | None = None

    def path_for(self, role: str) -> str:
        """The path sent to the ``"candidate"`` or the ``"baseline"`` server."""
        return (self.baseline_path or self.path) if role == "baseline" else self.path


@dataclass
class Check:
    """What both servers answered for one shape, before timing."""

    shape: Shape
    matched: int | None
    returned: int
    candidate_bytes: int
    baseline_bytes: int


def feature_ids(doc: dict) -> list:
    """The ids of a FeatureCollection's features, in order."""
    return [f.get("id") for f in doc.get("features", [])]


def verify_shape(shape: Shape, candidate: Server, baseline: Server) -> Check:
    """Both servers must return the same features (same ids, same order) for ``shape``."""
    status_c, body_c = get(candidate.port, shape.path_for("candidate"))
    status_b, body_b = get(baseline.port, shape.path_for("baseline"))
    if status_c != 200 or status_b != 200:
        raise RuntimeError(f"{shape.name}: HTTP {status_c} from {candidate.label}, "
                           f"{status_b} from {baseline.label}")
    doc_c, doc_b = json.loads(body_c), json.loads(body_b)
    ids_c, ids_b = feature_ids(doc_c), feature_ids(doc_b)
    if ids_c != ids_b:
        first = next((i for i, (a, b) in enumerate(zip(ids_c, ids_b, strict=False)) if a != b),
                     min(len(ids_c), len(ids_b)))
        raise RuntimeError(f"{shape.name}: {candidate.label} returned {len(ids_c)} features, "
                           f"{baseline.label} {len(ids_b)}; first difference at #{first}")
    if doc_c.get("numberMatched") != doc_b.get("numberMatched"):
        raise RuntimeError(f"{shape.name}: numberMatched {doc_c.get('numberMatched')} vs "
                           f"{doc_b.get('numberMatched')}")
    return Check(shape, doc_c.get("numberMatched"), len(ids_c), len(body_c), len(body_b))


def warm_up(servers: Iterable[Server], shapes: Iterable[Shape], seconds: float) -> None:
    """Load each shape on each server briefly (caches, connections, prepared statements);
    the second server is the baseline."""
    for shape in shapes:
        for number, server in enumerate(servers):
            load(server.base_url + shape.path_for("baseline" if number else "candidate"),
                 seconds)


def interleaved_rounds(shapes: list[Shape], candidate: Server, baseline: Server, *,
                       rounds: int, duration: float, connections: int = 1,
                       echo: Callable[[str], None] = print) -> dict[str, dict[str, list]]:
    """``rounds`` timed runs per shape and side; the side that goes first alternates."""
    results: dict[str, dict[str, list]] = {s.name: {"candidate": [], "baseline": []}
                                           for s in shapes}
    sides = (("candidate", candidate), ("baseline", baseline))
    for rnd in range(rounds):
        order = sides if rnd % 2 == 0 else sides[::-1]
        for shape in shapes:
            for role, server in order:
                sample = load(server.base_url + shape.path_for(role), duration, connections)
                if sample.errors:
                    raise RuntimeError(f"{server.label} {shape.name}: {sample.errors} errors")
                results[shape.name][role].append(sample)
            pair = results[shape.name]
            echo(f"  round {rnd + 1}/{rounds} {shape.name:<22} "
                 f"{candidate.label} {pair['candidate'][-1].rps:8.1f} req/s   "
                 f"{baseline.label} {pair['baseline'][-1].rps:8.1f} req/s")
    return results


def rotating_rounds(cases: dict[str, dict[str, str]], *, rounds: int, duration: float,
                    connections: int = 1, echo: Callable[[str], None] = print,
                    ) -> dict[str, dict[str, list[Sample]]]:
    """Several sides at once: ``cases`` maps a shape name to ``{side: url}``; every round times
    each shape on each of its sides, the order of the sides rotating by one per round."""
    results: dict[str, dict[str, list[Sample]]] = {
        name: {side: [] for side in urls} for name, urls in cases.items()}
    for rnd in range(rounds):
        for name, urls in cases.items():
            sides = list(urls)
            shift = rnd % len(sides)
            for side in sides[shift:] + sides[:shift]:
                sample = load(urls[side], duration, connections)
                if sample.errors:
                    raise RuntimeError(f"{side} {name}: {sample.errors} errors")
                results[name][side].append(sample)
            echo(f"  round {rnd + 1}/{rounds} {name:<28} " + "  ".join(
                f"{side} {results[name][side][-1].rps:7.1f}" for side in sides))
    return results


def round_ratios(ours: list[Sample], theirs: list[Sample]) -> list[float]:
    """The per-round req/s ratios ours ÷ theirs (both timed in the same round)."""
    return [a.rps / b.rps for a, b in zip(ours, theirs, strict=True)]


def paired_ratio(ours: list[Sample], theirs: list[Sample]) -> float:
    """Median of the per-round req/s ratios ours ÷ theirs."""
    return statistics.median(round_ratios(ours, theirs))


def ratio_cell(ours: list[Sample], theirs: list[Sample]) -> str:
    """``median (lowest–highest)`` of the per-round ratios ours ÷ theirs."""
    ratios = round_ratios(ours, theirs)
    return f"{statistics.median(ratios):.2f} ({min(ratios):.2f}–{max(ratios):.2f})"


def format_sides_table(results: dict[str, dict[str, list[Sample]]],
                       ratios: list[tuple[str, str]]) -> str:
    """Markdown: per shape, each side's median req/s and p50 ms, then the paired ratios
    ``a ÷ b`` for each ``(a, b)`` in ``ratios`` as median (range over rounds); blank where a
    shape lacks a side."""
    sides = list(dict.fromkeys(s for by_side in results.values() for s in by_side))
    head = ([f"{s} req/s (p50 ms)" for s in sides] + [f"{a} ÷ {b}" for a, b in ratios])
    lines = ["| shape | " + " | ".join(head) + " |", "|---|" + "---:|" * len(head)]
    for name, by_side in results.items():
        cells = [f"{statistics.median(x.rps for x in by_side[s]):.1f} "
                 f"({statistics.median(x.p50_ms for x in by_side[s]):.2f})"
                 if s in by_side else "" for s in sides]
        cells += [ratio_cell(by_side[a], by_side[b]) if a in by_side and b in by_side else ""
                  for a, b in ratios]
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


# -- reporting ----------------------------------------------------------------------------------
@dataclass
class Row:
    """The medians of one shape, ready to print."""

    shape: str
    candidate_rps: float
    baseline_rps: float
    ratio: float
    ratio_low: float
    ratio_high: float
    candidate_spread: float
    baseline_spread: float
    candidate_p50: float
    baseline_p50: float


def spread(values: list[float]) -> float:
    """(max − min) ÷ median, as a fraction."""
    mid = statistics.median(values)
    return (max(values) - min(values)) / mid if mid else 0.0


def summarise(results: dict[str, dict[str, list]]) -> list[Row]:
    """Per shape: median req/s of each side and the median of the per-round paired ratios."""
    rows = []
    for name, sides in results.items():
        cand = [s.rps for s in sides["candidate"]]
        base = [s.rps for s in sides["baseline"]]
        ratios = [c / b for c, b in zip(cand, base, strict=True)]
        rows.append(Row(name, statistics.median(cand), statistics.median(base),
                        statistics.median(ratios), min(ratios), max(ratios), spread(cand),
                        spread(base), statistics.median(s.p50_ms for s in sides["candidate"]),
                        statistics.median(s.p50_ms for s in sides["baseline"])))
    return rows


def format_table(rows: list[Row], candidate: str, baseline: str) -> str:
    """A Markdown table of medians, ratios and spreads."""
    lines = [
        f"| shape | {candidate} req/s | {baseline} req/s | ratio | time × {baseline} "
        f"| ratio range | spread {candidate} | spread {baseline} | p50 ms {candidate} / "
        f"{baseline} |",
        "|---|---:|---:|---:|---:|---|---:|---:|---|",
    ]
    for r in rows:
        lines.append(
            f"| `{r.shape}` | {r.candidate_rps:.1f} | {r.baseline_rps:.1f} | {r.ratio:.2f} "
            f"| {1 / r.ratio:.2f} | {r.ratio_low:.2f}–{r.ratio_high:.2f} "
            f"| {r.candidate_spread:.0%} | {r.baseline_spread:.0%} "
            f"| {r.candidate_p50:.2f} / {r.baseline_p50:.2f} |")
    return "\n".join(lines)


def samples_json(results: dict[str, dict[str, list]]) -> dict:
    """Every raw sample, for keeping beside a run."""
    return {shape: {role: [s.__dict__ for s in samples] for role, samples in sides.items()}
            for shape, sides in results.items()}


# -- context and profiling ---------------------------------------------------------------------
def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo (or the platform's guess)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def tool_version(argv: list[str]) -> str:
    """The first line a ``--version``-style command prints, or "absent"."""
    if not shutil.which(argv[0]):
        return "absent"
    done = subprocess.run(argv, capture_output=True, text=True, timeout=10, check=False)
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0] if lines else "unknown"


def source_version() -> str:
    """The commit the measured code is at, marked ``+changes`` when ``opengov/`` is modified."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(REPO_ROOT), *args], capture_output=True,
                              text=True, timeout=10, check=False)
        return done.stdout.strip()

    if not shutil.which("git"):
        return "unknown"
    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + (" +changes" if git("status", "--porcelain", "--", "opengov") else "")


def machine_info() -> dict[str, str]:
    """Where and with what a run happened, for RESULTS.md."""
    import gunicorn

    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "opengov commit": source_version(),
        "nproc": str(os.cpu_count()),
        "cpu": cpu_model(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "gunicorn": gunicorn.__version__,
        "load generator": tool_version(["wrk", "-v"]) if shutil.which("wrk") else load_tool(),
    }


def profile_requests(app, path: str, requests: int = 200, top: int = 25,
                     focus: str | None = None) -> str:
    """cProfile ``requests`` GETs of ``path`` through ``app.test_client()``; the top functions.

    Three listings: by own time, by cumulative time, and (with ``focus``, a regular expression
    on file paths such as ``"/opengov/"``) the cumulative time of the matching functions only.

    The body is consumed as a server would (so streamed responses are generated too). The
    socket writes of gunicorn are not in this picture: profile a running worker for those.
    """
    import cProfile
    import io
    import pstats

    client = app.test_client()
    client.get(path).get_data()  # warm caches outside the profile
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _ in range(requests):
        client.get(path).get_data()
    profiler.disable()
    elapsed = time.perf_counter() - started
    out = io.StringIO()
    out.write(f"{requests} × GET {path}: {elapsed / requests * 1000:.2f} ms per request "
              "under cProfile\n")
    for order in ("tottime", "cumulative"):
        stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order)
        stats.print_stats(top)
    if focus:
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(focus, top)
    return out.getvalue()


# -- command line -------------------------------------------------------------------------------
def add_common_args(parser: argparse.ArgumentParser, worker_class: str = "gthread") -> None:
    """Options every benchmark takes: rounds, duration, warm-up, threads, worker class,
    connections, quick (``worker_class`` is the default of ``--worker-class``)."""
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per side and shape")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per timed run")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up per run")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads (both sides)")
    parser.add_argument("--worker-class", choices=WORKER_CLASSES, default=worker_class,
                        help="gunicorn worker type of opengov and the floor (sync: one thread)")
    parser.add_argument("--connections", type=int, default=1, help="concurrent connections")
    parser.add_argument("--quick", action="store_true",
                        help="2 rounds of 1 s, 1 s warm-up: a smoke run, not figures to quote")


def apply_quick(args: argparse.Namespace) -> argparse.Namespace:
    """Shrink rounds and durations when ``--quick`` was given."""
    if args.quick:
        args.rounds, args.duration, args.warmup = 2, 1.0, 1.0
    return args


def load_tool() -> str:
    """Which load generator :func:`load` will use."""
    return "wrk" if shutil.which("wrk") else "python http.client loop"


def main(argv: list[str] | None = None) -> None:
    """Entry point for ``python -m benchmarks.harness serve …``."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] != "serve":
        sys.exit("usage: python -m benchmarks.harness serve --factory mod:fn --bind H:P ...")
    serve_main(argv[1:])


if __name__ == "__main__":
    main()
