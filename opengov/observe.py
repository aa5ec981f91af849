"""One measured exchange per request, for the access log and the metrics.

A WSGI middleware times each request until its body has been sent (streamed downloads
included), counts the bytes of the body, and hands an :class:`Exchange` to its listeners when the
request starts and when it ends. The route template (``/reports/<report_id>``, never the raw
path) comes from Flask's matched URL rule; requests that match no rule have route ``None``.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from flask import Flask, request, request_started

from opengov import requestid

log = logging.getLogger(__name__)
ROUTE = "opengov.route"  # environ key: the matched rule's template
EXTENSION = "opengov.observed"


@dataclass
class Exchange:
    """What is known of one request: filled in as it is served."""

    environ: dict
    request_id: str
    arrived: float = field(default_factory=time.time)  # wall clock
    started: float = field(default_factory=time.perf_counter)
    status: int = 0
    bytes: int = 0
    duration: float = 0.0

    @property
    def route(self) -> str | None:
        return self.environ.get(ROUTE)


class Observed:
    """WSGI middleware calling ``listener.start(exchange)`` and ``listener.finish(exchange)``."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        self.listeners: list = []

    def __call__(self, environ, start_response):
        exchange = Exchange(environ, requestid.current())
        self._tell("start", exchange)

        def start(status, headers, exc_info=None):
            exchange.status = int(status[:3])
            return start_response(status, headers, exc_info)

        try:
            body = self.wsgi_app(environ, start)
        except BaseException:
            exchange.status = exchange.status or 500
            self.finish(exchange)
            raise
        return _MeasuredBody(body, exchange, self.finish)

    def finish(self, exchange: Exchange) -> None:
        exchange.duration = time.perf_counter() - exchange.started
        self._tell("finish", exchange)

    def _tell(self, event: str, exchange: Exchange) -> None:
        """Call every listener; a failing log or metric never fails the request."""
        for listener in self.listeners:
            try:
                getattr(listener, event)(exchange)
            except Exception:  # noqa: BLE001
                log.exception("%s of %s failed", event, type(listener).__name__)


class _MeasuredBody:
    """The response body, counted as it is sent; the exchange ends when the server closes it."""

    def __init__(self, body, exchange: Exchange, finish):
        self.body, self.exchange, self.on_finish = body, exchange, finish

    def __iter__(self):
        for chunk in self.body:
            self.exchange.bytes += len(chunk)
            yield chunk

    def close(self) -> None:
        try:
            if hasattr(self.body, "close"):
                self.body.close()
        finally:
            self.on_finish(self.exchange)


def _remember_route(_app, **_extra) -> None:
    rule = request.url_rule
    request.environ[ROUTE] = rule.rule if rule is not None else None


def add_listener(app: Flask, listener) -> None:
    """Measure ``app``'s requests (once) and report them to ``listener``."""
    observed = app.extensions.get(EXTENSION)
    if observed is None:
        observed = app.extensions[EXTENSION] = Observed(app.wsgi_app)
        app.wsgi_app = observed  # type: ignore[method-assign]
        request_started.connect(_remember_route, app)
    observed.listeners.append(listener)
