"""Abuse limits on submissions: a body size cap and per-client rate limits (flask-limiter).

Counters live in memory (per worker) by default; with ``OPENGOV_RATELIMIT_STORAGE_URL`` set to
a Redis URL every worker and server shares them, so the limit holds for the whole service. A
client is its API key when it sends one (an Open311 app submitting for many residents), else its
IP address as the server sees it (behind a proxy, configure the proxy to forward it).
"""

from __future__ import annotations

import hashlib

from flask import Flask, request
from flask_limiter import Limiter

from opengov.context import current
from opengov.keys import verify_token

LIMITED_BLUEPRINTS = ("reports", "open311")


def client_key() -> str:
    """Who a submission counts against: a hash of a valid API key, else the remote address."""
    header = request.headers.get("Authorization", "")
    token = header.partition(" ")[2].strip() if header.lower().startswith("bearer ") else ""
    if not token and request.mimetype == "application/x-www-form-urlencoded":
        token = request.form.get("api_key", "")
    if token and verify_token(current().store, token) is not None:  # invented keys don't count
        return "key:" + hashlib.sha256(token.encode()).hexdigest()[:24]
    return "ip:" + (request.remote_addr or "unknown")


def install(app: Flask, blueprints, settings) -> Limiter:
    """Cap write bodies of ``blueprints`` and rate-limit their POSTs on ``app``."""
    names = {b.name for b in blueprints}

    @app.before_request
    def _cap_body():  # runs before the limiter reads a form to find the client
        if request.blueprint in names and request.method in ("POST", "PATCH", "PUT"):
            request.max_content_length = settings.reports_max_body_bytes

    limiter = Limiter(client_key, app=app, storage_uri=settings.ratelimit_storage_url,
                      headers_enabled=True, strategy="fixed-window", default_limits=[],
                      key_prefix="opengov-reports",
                      in_memory_fallback_enabled=True)  # Redis down: per-worker limits, no 500
    for blp in blueprints:
        limiter.limit(settings.reports_rate_limit, methods=["POST"],
                      error_message="Too many reports from this client; try again later.")(blp)
    return limiter
