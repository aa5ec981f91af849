"""Which database each request reads from when a replica is configured
(``OPENGOV_DATABASE_READ_URL``; the mechanism is :mod:`opengov.store.replica`).

- GET and HEAD requests read from the replica while it is healthy.
- Writes (any other method), requests with an API key (``Authorization``: editors and admins
  read what they have just changed) and everything after a ``write_transaction`` in the same
  request read from the primary.
- Read-your-writes for browsers and cookie-keeping clients: a successful write answers with a
  short-lived ``og_primary`` cookie (``OPENGOV_READ_YOUR_WRITES_S``); requests carrying it read
  from the primary until it expires, so a reload right after a change sees the change. Paths
  that show a write's result read the primary themselves whatever the cookie (a report's
  tracking page, the ingest answer).
- A GET/HEAD whose replica connection breaks mid-request (the replica stopped between two
  checks) marks the replica unreachable and is run once more on the primary, so a replica that
  goes away costs no error. A read the replica cancelled because of a conflict with recovery
  (SQLSTATE 40001, e.g. a row it read was vacuumed on the primary) is run once more on the
  primary too, leaving the replica in use.
"""

from __future__ import annotations

from flask import Flask, Response, g, request

from opengov.outages import classify
from opengov.store.replica import ReadRoute, routed

STICKY_COOKIE = "og_primary"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
RETRYABLE_METHODS = ("GET", "HEAD")
RECOVERY_CONFLICT = "40001"  # serialization_failure: on a hot standby, a recovery conflict


def replica_failure(error: BaseException) -> str | None:
    """``"unreachable"`` (connection lost or refused), ``"conflict"`` (a query the replica
    cancelled to go on replaying) or None: how a read on the replica failed, if it did."""
    if getattr(getattr(error, "orig", None), "sqlstate", None) == RECOVERY_CONFLICT:
        return "conflict"  # (psycopg counts it as an OperationalError: test it first)
    if classify(error) == "database-unavailable":
        return "unreachable"
    return None


def wants_primary() -> bool:
    """Whether this request must read from the primary before it has done anything."""
    return (request.method not in SAFE_METHODS or "Authorization" in request.headers
            or STICKY_COOKIE in request.cookies)


def install(app: Flask, settings) -> None:
    """Route request reads (a no-op without a replica)."""
    router = app.extensions["opengov"].store.router
    if router is None:
        return
    dispatch = app.dispatch_request
    window = settings.read_your_writes_s

    def dispatch_request():
        route = g.read_route = ReadRoute(primary=wants_primary())
        with routed(route):
            try:
                return dispatch()
            except Exception as exc:
                failure = replica_failure(exc) if route.used_replica else None
                if failure is None or request.method not in RETRYABLE_METHODS:
                    raise
                if failure == "unreachable":
                    router.mark_unreachable(exc)
                route.primary = True
                return dispatch()

    app.dispatch_request = dispatch_request  # type: ignore[method-assign]

    @app.after_request
    def _sticky(response: Response) -> Response:
        if window > 0 and request.method not in SAFE_METHODS and response.status_code < 400:
            response.set_cookie(STICKY_COOKIE, "1", max_age=window, path="/", httponly=True,
                                samesite="Lax", secure=request.is_secure)
        return response
