"""Abuse limits on submissions: a body size cap and per-client rate limits (flask-limiter).

Counters live by default in a SQLite file in the instance folder that every worker of the host
shares (:mod:`opengov.reports.counters`), so the limit holds with any number of workers; with
``OPENGOV_RATELIMIT_STORAGE_URL`` set to a Redis URL every server shares them, so the limit holds
for the whole service. A client is its API key when it sends one (an Open311 app submitting for
many residents), else its IP address as resolved by :mod:`opengov.proxy` (behind a proxy listed
in ``OPENGOV_TRUSTED_PROXIES``, the address the proxy forwards).

Redis out: every Redis call has the short timeouts of :mod:`opengov.redis_client`; when the
counter storage fails, flask-limiter counts in its fallback storage meanwhile, which here is the
host's SQLite counter file instead of each worker's memory (fail soft: the limit holds per host)
and :data:`OUTAGE_POLICY` is logged once per outage.

Only submissions pay for the limiter: flask-limiter registers its request hooks on the whole
application, so :func:`install` moves the hooks it added onto the submission blueprints and runs
them for POST only. Every other request of the service (reads, officials' PATCHes, other
capabilities) never reaches the limiter or its storage.
"""

from __future__ import annotations

import hashlib
import logging
from functools import wraps
from pathlib import Path

from flask import Flask, request
from flask_limiter import Limiter
from werkzeug.exceptions import RequestEntityTooLarge

from opengov import bodylimit
from opengov.context import current
from opengov.keys import verify_token
from opengov.redis_client import client_options, is_redis
from opengov.reports import counters  # noqa: F401 (registers the sqlite:// counter storage)

log = logging.getLogger(__name__)
# Fail soft: neither open (no limit) nor closed (no submissions) while Redis is out.
OUTAGE_POLICY = ("rate limits: the Redis counter storage is unreachable; this host now counts "
                 "submissions alone in its counter file (the limit holds per host, not across "
                 "hosts) and tries Redis again with backoff")
SUBMISSION_METHOD = "POST"  # the only POSTs of the reports and open311 blueprints are submissions
_HOOKS = ("before_request_funcs", "after_request_funcs", "teardown_request_funcs")


def client_key() -> str:
    """Who a submission counts against: a hash of a valid API key, else the remote address."""
    header = request.headers.get("Authorization", "")
    token = header.partition(" ")[2].strip() if header.lower().startswith("bearer ") else ""
    if not token and request.mimetype == "application/x-www-form-urlencoded":
        try:
            token = request.form.get("api_key", "")
        except RequestEntityTooLarge:  # the view answers 413; raising here would make
            token = ""  # flask-limiter take its storage for dead and count per worker
    if token and verify_token(current().store, token) is not None:  # invented keys don't count
        return "key:" + hashlib.sha256(token.encode()).hexdigest()[:24]
    return "ip:" + (request.remote_addr or "unknown")


def _for_submissions(hook, kind: str):
    """``hook`` run only for submissions; other requests pass through untouched."""
    @wraps(hook)
    def scoped(*args):
        if request.method == SUBMISSION_METHOD:
            return hook(*args)
        return args[0] if kind == "after_request_funcs" else None  # after hooks return the response
    return scoped


def _scope_hooks(app: Flask, install_hooks, blueprint_names) -> None:
    """Run ``install_hooks(app)`` and move the app-wide hooks it adds onto ``blueprint_names``.

    Only Flask's public hook registries are used, so this holds whatever hooks the limiter
    registers (today: its check before the view, its headers after, its context teardown).
    """
    before = {kind: list(getattr(app, kind).get(None, ())) for kind in _HOOKS}
    install_hooks(app)
    for kind in _HOOKS:
        registry = getattr(app, kind)
        added = [f for f in registry.get(None, ()) if f not in before[kind]]
        registry[None] = before[kind]
        for name in blueprint_names:
            registry.setdefault(name, []).extend(_for_submissions(f, kind) for f in added)


class _OutageLine(logging.Handler):
    """Turns flask-limiter's "storage unreachable" warning into one line of ours that says
    what the service does meanwhile (flask-limiter's own logger has no output of its own)."""

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING and "unreachable" in record.getMessage():
            log.warning(OUTAGE_POLICY)


def _report_storage_outages() -> None:
    limiter_log = logging.getLogger("flask-limiter")
    if not any(isinstance(h, _OutageLine) for h in limiter_log.handlers):
        limiter_log.addHandler(_OutageLine())


def storage_url(settings) -> str:
    """The counter storage: the setting, else the host's shared SQLite file."""
    return settings.ratelimit_storage_url or host_counter_url(settings)


def _fall_back_to_host_counters(limiter: Limiter, settings) -> None:
    """While Redis is out, count in the host's shared file rather than in each worker's memory.

    flask-limiter builds its fallback as a ``MemoryStorage`` in ``init_app`` and offers no
    option for another storage, so its two fallback attributes are replaced here;
    ``tests/hostile/test_redis_outage.py`` fails if a flask-limiter release renames them.
    """
    from limits.strategies import FixedWindowRateLimiter

    host = counters.SqliteCounters(host_counter_url(settings))
    limiter._fallback_storage = host
    limiter._fallback_limiter = FixedWindowRateLimiter(host)


def host_counter_url(settings) -> str:
    """The host's shared counter file (the default storage, Redis's fallback)."""
    return f"sqlite:///{Path(settings.instance_path).resolve() / 'ratelimits.sqlite3'}"


def install(app: Flask, blueprints, settings) -> Limiter:
    """Cap write bodies of ``blueprints`` and rate-limit their POSTs (submissions) on ``app``."""
    names = [b.name for b in blueprints]
    for name in names:  # set before any hook, so the limiter's form read is capped too
        bodylimit.allow_larger(app, name, lambda s: s.reports_max_body_bytes)
    shared = is_redis(settings.ratelimit_storage_url)
    limiter = Limiter(client_key, storage_uri=storage_url(settings),
                      storage_options=client_options(settings.redis_timeout_ms) if shared else {},
                      headers_enabled=True, strategy="fixed-window", default_limits=[],
                      key_prefix="opengov-reports",
                      in_memory_fallback_enabled=True)  # Redis down: the host's file, no 500
    if shared:
        _report_storage_outages()
    _scope_hooks(app, limiter.init_app, names)
    if shared:
        _fall_back_to_host_counters(limiter, settings)
    for blp in blueprints:
        limiter.limit(settings.reports_rate_limit, methods=[SUBMISSION_METHOD],
                      error_message="Too many reports from this client; try again later.")(blp)
    return limiter
