"""``GET /metrics``: Prometheus text format (prometheus-client), counted over every worker.

Per process, for every request: ``opengov_http_requests_total`` and
``opengov_http_request_duration_seconds`` by route template (Flask's URL rule such as
``/reports/<report_id>``, never the raw path; ``(unmatched)`` for 404s without a rule), method
and status; ``opengov_http_requests_in_flight``; ``opengov_db_pool_connections_in_use``;
``opengov_count_cache_lookups_total`` by result (hit or miss); ``opengov_ingest_batches_total`` by
outcome (readings batches posted to ``/monitoring/readings``). At scrape time, from the database:
each harvested source's ``opengov_source_age_seconds`` (since its last successful harvest),
``opengov_source_up`` (its last harvest succeeded) and ``opengov_source_records``; with a read
replica (``OPENGOV_DATABASE_READ_URL``), its lag, bound, state and whether request reads go to
it or fell back to the primary, as the answering worker's router last checked them
(:class:`ReplicaCollector`).

Under ``opengov serve`` the metrics of all gunicorn workers are summed: serve points
``PROMETHEUS_MULTIPROC_DIR`` at a fresh folder, each worker writes its values there, the scrape
(answered by any worker) reads them all, and a worker's live gauges are removed when it exits.
prometheus-client is imported on the first request, in the worker, after the folder is set.

Access (``OPENGOV_METRICS``): ``local`` (default) answers loopback clients only (the address
resolved by :mod:`opengov.proxy`, so a public client behind a local proxy is not local; a
request forwarded by a proxy that is not trusted is not local either), ``key``
asks for an API key with role ``metrics`` or ``admin``, ``off`` answers 404.
"""

from __future__ import annotations

import ipaddress
import math
import os
import threading

from flask import Flask, Response, request

from opengov import observe
from opengov.errors import ApiError
from opengov.observe import Exchange
from opengov.proxy import TRUSTED_PEER

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
MODES = ("off", "local", "key")
KEY_ROLES = ("metrics", "admin")
INGEST_ROUTE = ("POST", "/monitoring/readings")
UNMATCHED = "(unmatched)"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED")
REPLICA_STATES = ("ok", "lagging", "unreachable", "unknown")


_created: dict = {}
_creating = threading.Lock()


def instruments() -> dict:
    """The process's metric objects (created once, on first use, after fork)."""
    if not _created:
        with _creating:
            if not _created:
                _created.update(_create())
    return _created


def _create() -> dict:
    from prometheus_client import Counter, Gauge, Histogram

    return {
        "requests": Counter("opengov_http_requests", "HTTP requests answered",
                            ["route", "method", "status"]),
        "duration": Histogram("opengov_http_request_duration_seconds",
                              "Time from a request's arrival to its last byte",
                              ["route", "method", "status"],
                              buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30)),
        "in_flight": Gauge("opengov_http_requests_in_flight", "Requests being served",
                           multiprocess_mode="livesum"),
        "pool": Gauge("opengov_db_pool_connections_in_use",
                      "Database connections checked out of the pools", multiprocess_mode="livesum"),
        "cache": Counter("opengov_count_cache_lookups", "Exact-count cache lookups", ["result"]),
        "ingest": Counter("opengov_ingest_batches", "Readings batches posted, by outcome",
                          ["outcome"]),
    }


def _outcome(status: int) -> str:
    return "accepted" if status < 400 else "rejected" if status < 500 else "failed"


class RequestMetrics:
    """A listener of :mod:`opengov.observe` updating the per-process metrics."""

    def __init__(self, store):
        self.store = store
        self.lock = threading.Lock()
        self.seen = (0, 0)  # count-cache hits and misses already counted
        self.series: dict = {}  # (route, method, status) → (counter, histogram) children

    def start(self, exchange: Exchange) -> None:  # noqa: D102 (listener API)
        instruments()["in_flight"].inc()

    def finish(self, exchange: Exchange) -> None:  # noqa: D102 (listener API)
        m = instruments()
        method = exchange.environ.get("REQUEST_METHOD", "")
        method = method if method in METHODS else "other"  # clients may invent methods
        route = exchange.route or UNMATCHED
        labels = (route, method, exchange.status)
        series = self.series.get(labels)
        if series is None:  # labels() costs more than the update: keep the children
            values = (route, method, str(exchange.status))
            series = self.series[labels] = (m["requests"].labels(*values),
                                            m["duration"].labels(*values))
        series[0].inc()
        series[1].observe(exchange.duration)
        m["in_flight"].dec()
        m["pool"].set(_checked_out(self.store.engine))
        if (method, route) == INGEST_ROUTE:
            m["ingest"].labels(_outcome(exchange.status)).inc()
        self._count_cache(m["cache"])

    def _count_cache(self, counter) -> None:
        counts = self.store._counts
        with self.lock:
            hits, misses = counts.hits, counts.misses
            new_hits, new_misses = hits - self.seen[0], misses - self.seen[1]
            self.seen = (hits, misses)
        if new_hits:
            counter.labels("hit").inc(new_hits)
        if new_misses:
            counter.labels("miss").inc(new_misses)


def _checked_out(engine) -> int:
    checked_out = getattr(engine.pool, "checkedout", None)
    return checked_out() if callable(checked_out) else 0


class ReplicaCollector:
    """The read replica as the answering worker last saw it (a check runs first if due)."""

    def __init__(self, router):
        self.router = router

    def collect(self):  # noqa: D102 (prometheus-client collector API)
        from prometheus_client.core import GaugeMetricFamily

        status = self.router.status()
        lag = GaugeMetricFamily("opengov_replica_lag_seconds",
                                "Replication lag at the last check (NaN: unknown)")
        lag.add_metric([], math.nan if status["lag_s"] is None else status["lag_s"])
        bound = GaugeMetricFamily("opengov_replica_max_lag_seconds",
                                  "Lag beyond which reads fall back to the primary")
        bound.add_metric([], status["max_lag_s"])
        reads = GaugeMetricFamily("opengov_replica_reads_on_replica",
                                  "1: request reads go to the replica; 0: to the primary")
        reads.add_metric([], 1.0 if status["reads"] == "replica" else 0.0)
        state = GaugeMetricFamily("opengov_replica_state", "The replica's state (1 for the "
                                  "current one)", labels=["state"])
        for name in REPLICA_STATES:
            state.add_metric([name], 1.0 if status["state"] == name else 0.0)
        return [lag, bound, reads, state]


def exposition(ctx) -> bytes:
    """The text exposition: every worker's metrics, then what the enabled capabilities collect
    at scrape time (the harvested sources' ages, for the gateway)."""
    from prometheus_client import REGISTRY, CollectorRegistry, generate_latest

    instruments()
    if os.environ.get(MULTIPROC_ENV):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    scraped = CollectorRegistry()
    for collector in ctx.capabilities.metrics_collectors(ctx):
        scraped.register(collector)
    if ctx.store.router is not None:
        scraped.register(ReplicaCollector(ctx.store.router))
    return generate_latest(registry) + generate_latest(scraped)


def _allowed(mode: str) -> None:
    """Raise the problem answering a client not allowed to read the metrics."""
    if mode == "off":
        raise ApiError(404, "Metrics are turned off on this server (OPENGOV_METRICS=off).")
    if mode == "local":
        try:
            local = ipaddress.ip_address(request.remote_addr or "").is_loopback
        except ValueError:
            local = False
        # A proxy on this host that is not listed in OPENGOV_TRUSTED_PROXIES would make every
        # public client look local: a forwarded request from an untrusted peer is not local.
        forwarded = not request.environ.get(TRUSTED_PEER) and any(
            name in request.environ for name in FORWARDING_HEADERS)
        if not local or forwarded:
            raise ApiError(403, "Metrics are answered to local clients only "
                                "(OPENGOV_METRICS=local).")
        return
    from opengov.bearer import bearer_key

    key = bearer_key()
    if key.role not in KEY_ROLES:
        raise ApiError(403, f"Metrics need a key with role {' or '.join(KEY_ROLES)}.")


def worker_exit(_server, worker) -> None:
    """gunicorn ``child_exit`` hook: drop the live gauges of a worker that ended."""
    if os.environ.get(MULTIPROC_ENV):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def install(app: Flask, settings) -> None:
    """Count ``app``'s requests and answer ``GET /metrics`` as ``settings.metrics`` allows."""
    mode = settings.metrics.strip().lower()
    if mode not in MODES:
        raise ValueError(f"OPENGOV_METRICS must be one of {', '.join(MODES)}, got {mode!r}")
    ctx = app.extensions["opengov"]
    if mode != "off":  # off: nothing is counted either
        observe.add_listener(app, RequestMetrics(ctx.store))

    def metrics():
        _allowed(mode)
        from prometheus_client import CONTENT_TYPE_PLAIN_0_0_4

        return Response(exposition(ctx), headers={"Content-Type": CONTENT_TYPE_PLAIN_0_0_4,
                                                  "Cache-Control": "no-store"})

    app.add_url_rule("/metrics", "metrics", metrics, methods=["GET"])
