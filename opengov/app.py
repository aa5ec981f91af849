"""``create_app(config)``: settings, storage, blueprints, errors, CORS and compression."""

from __future__ import annotations

import logging
from types import FunctionType

from flask import Flask

from opengov import (
    __version__,
    accesslog,
    bodylimit,
    compression,
    cors,
    errors,
    forms,
    jsonbody,
    metrics,
    outages,
    proxy,
    read_routing,
    requestid,
)
from opengov.api import PATH_CONVERTERS, Api
from opengov.context import Context
from opengov.declare.capability import check_paths
from opengov.modules import capabilities_for
from opengov.settings import load_settings
from opengov.store.engine import make_engine
from opengov.store.replica import make_router
from opengov.store.repository import Store
from opengov.store.timeouts import RequestReads

EXPOSED_HEADERS = ["ETag", "Link", "Content-Crs", "X-Total-Count", "Retry-After", "Age", "Warning",
                   "Last-Modified", "X-Data-Stale", "X-Data-Last-Success", "X-Request-Id"]


def make_context(settings, capabilities) -> Context:
    """An application's state without the application: settings, capabilities and the store
    (engine, tables, replica router); ``opengov load --no-build`` needs nothing else."""
    engine = make_engine(settings.resolved_database_url,
                         sqlite_mmap_mb=settings.sqlite_mmap_mb)
    store = Store(engine, capabilities.registry, count_cache_size=settings.count_cache_size,
                  tables=capabilities.table_contributions(),
                  router=make_router(engine, settings.database_read_url,
                                     settings.replica_max_lag_s, settings.replica_check_s,
                                     make_engine))
    return Context(settings, capabilities, store)


class _Flask(Flask):
    """Flask, asking once per function whether it is a coroutine function: Flask asks again
    for the view and every request hook of every request (``inspect`` walks the function's
    wrappers each time), about 3 % of a ``limit=100`` page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._sync: dict = {}

    def ensure_sync(self, func):
        if type(func) is not FunctionType:  # bound methods are new objects on every access
            return super().ensure_sync(func)
        found = self._sync.get(func)
        if found is None:
            found = self._sync[func] = super().ensure_sync(func)
        return found


def create_app(config: dict | None = None) -> Flask:
    """Build an application; ``config`` overrides settings (see :mod:`opengov.settings`)."""
    settings = load_settings(config)
    app = _Flask("opengov", instance_path=str(settings.instance_path.resolve()))
    app.request_class = forms.Request  # form fields with NUL are 422
    app.url_map.converters.update(PATH_CONVERTERS)  # 64-bit integers, no NUL in path parts
    app.json = jsonbody.JSONProvider(app)  # bounded JSON bodies (depth, text, integers)
    logging.getLogger("opengov").setLevel(settings.log_level)
    capabilities = capabilities_for(settings)  # the one registry of this application
    app.config.update(
        API_TITLE="opengov",
        API_VERSION=__version__,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        JSON_SORT_KEYS=False,
        API_SPEC_OPTIONS={
            "info": {
                "description": "Public API over a local government's open data: "
                               + ", ".join(capabilities.summaries())
                               + ". Errors are RFC 9457 problem details.",
                "license": {"name": "Data: CC BY 4.0",
                            "url": "https://creativecommons.org/licenses/by/4.0/"},
            },
            # Paths are relative to the server root (or the configured public base URL).
            "servers": [{"url": settings.base_url.rstrip("/") or "/",
                         "description": "This server"}],
            "components": {"securitySchemes": {"bearerAuth": {
                "type": "http", "scheme": "bearer",
                "description": "API key created with `opengov keys create`"}}},
        },
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["opengov"] = make_context(settings, capabilities)
    bodylimit.install(app, settings)
    api = Api(app)
    errors.install_families(app, capabilities.error_families())
    outages.install(app)
    for blp in capabilities.blueprints():
        api.register_blueprint(blp)
    check_paths(app, capabilities, settings.datasets_path)  # a declared id shadows no path
    # Browser apps on other origins read everything and submit reports / readings; keys are
    # bearer tokens (never cookies), so no credentials mode is needed.
    cors.install(app, settings.cors_origins, methods=["GET", "HEAD", "OPTIONS", "POST", "PATCH"],
                 allow_headers=["Authorization", "Content-Type", "If-Match", "If-None-Match",
                                "Idempotency-Key", "Accept"],
                 expose_headers=EXPOSED_HEADERS, max_age=86400)
    read_routing.install(app, settings)  # request reads on the replica (when configured)
    compression.install(app, settings.compress_min_bytes)
    app.wsgi_app = RequestReads(app.wsgi_app, settings.statement_timeout_ms)  # type: ignore[method-assign]
    metrics.install(app, settings)  # GET /metrics; counts every request
    accesslog.install(app, settings)  # one JSON line per request
    requestid.install(app, settings)  # X-Request-Id on every response and log line
    proxy.install(app, settings)  # outermost: every layer sees the client a trusted proxy names
    return app
