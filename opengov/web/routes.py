"""``/``, ``/health`` and ``/docs`` (Swagger UI served from the installed package, no CDN)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import flask_swagger_ui
import marshmallow as ma
from flask import Response, render_template, send_from_directory
from sqlalchemy import text

from opengov import __version__
from opengov.api import Blueprint
from opengov.context import current
from opengov.docschemas import Link
from opengov.first_start import sample_status
from opengov.geo.geojson import dumps
from opengov.links import collection_url, url_for_path
from opengov.outages import RETRY_AFTER_UNAVAILABLE_S

blp = Blueprint("service", __name__, template_folder="templates",
                description="Landing page, health and API documentation")

SWAGGER_DIST = Path(flask_swagger_ui.__file__).parent / "dist"
OPENAPI_MEDIA_TYPE = "application/vnd.oai.openapi+json;version=3.0"


class LandingSchema(ma.Schema):
    title = ma.fields.String()
    description = ma.fields.String()
    version = ma.fields.String()
    links = ma.fields.List(ma.fields.Nested(Link))


class HealthSchema(ma.Schema):
    status = ma.fields.String(metadata={"enum": ["ok", "unavailable"]})
    database = ma.fields.String(metadata={"description": "Backend name when reachable"})
    collections = ma.fields.Dict(metadata={"description": "Version and record count per "
                                           "collection"})
    stale_sources = ma.fields.List(ma.fields.Dict(), metadata={
        "description": "Upstream sources whose data is stale (still served; see /sources)"})
    sample = ma.fields.Dict(metadata={
        "description": "Only while the first start loads the bundled sample in the background: "
                       "`{\"state\": \"loading\"}` (or `failed` with an `error`)"})


# Entry points of capabilities that serve more than one collection (shown when enabled).
SERVICE_LINKS = (
    ("ogcapi", {"rel": "data", "type": "application/json", "title": "OGC API – Features",
                "href": "/ogc"}),
    ("catalog", {"rel": "data", "type": "application/json",
                 "title": "Open-data catalogue (datasets)", "href": "/datasets"}),
    ("map", {"rel": "alternate", "type": "text/html", "title": "Map viewer", "href": "/map"}),
)


@blp.route("/")
@blp.doc(summary="Landing page", description="Links to the API description, its documentation "
         "and every collection endpoint.")
@blp.response(200, LandingSchema, example={"title": "opengov", "links": [
    {"rel": "service-desc", "href": "https://example.org/openapi.json"}]})
def landing():
    ctx = current()
    links = [
        {"rel": "self", "type": "application/json", "href": url_for_path("/")},
        {"rel": "service-desc", "type": OPENAPI_MEDIA_TYPE, "title": "OpenAPI 3.0 document",
         "href": url_for_path("/openapi.json")},
        {"rel": "service-doc", "type": "text/html", "title": "API documentation (Swagger UI)",
         "href": url_for_path("/docs")},
        {"rel": "status", "type": "application/json", "href": url_for_path("/health")},
    ]
    links += [{**link, "href": url_for_path(link["href"])} for name, link in SERVICE_LINKS
              if name in ctx.capabilities]
    for collection in ctx.registry:
        links.append({"rel": "data", "type": "application/geo+json" if collection.spatial
                      else "application/json", "title": collection.title["en"],
                      "href": collection_url(collection)})
    return {"title": f"opengov – {ctx.settings.region_name}", "version": __version__,
            "description": "Public data API: " + ", ".join(ctx.capabilities.summaries()) + ".",
            "links": links}


@blp.route("/health")
@blp.doc(summary="Health check", description="200 when the database answers, 503 otherwise.")
@blp.response(200, HealthSchema, example={"status": "ok", "database": "sqlite",
                                          "collections": {"cameras": {"version": 1,
                                                                      "records": 160}}})
@blp.alt_response(503, schema=HealthSchema, description="Database unreachable",
                  example={"status": "unavailable", "database": "postgresql", "collections": {}})
def health():
    ctx = current()
    store = ctx.store
    try:
        with store.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        states = store.states()
    except Exception:  # noqa: BLE001 - any failure means unhealthy
        body = {"status": "unavailable", "database": store.dialect, "collections": {}}
        return Response(dumps(body), status=503, mimetype="application/json",
                        headers={"Retry-After": str(RETRY_AFTER_UNAVAILABLE_S)})
    body = {"status": "ok", "database": store.dialect, "collections": {
        cid: {"version": s.version, "records": s.record_count,
              "modified": s.modified.isoformat() if s.modified else None}
        for cid, s in sorted(states.items()) if cid in ctx.registry}}
    if "gateway" in ctx.capabilities:
        body["stale_sources"] = _stale_sources()
    sample = sample_status(current().settings)
    if sample is not None:
        body["sample"] = sample
    return body


class LiveSchema(ma.Schema):
    status = ma.fields.String(metadata={"enum": ["ok"]})


class ReadySchema(ma.Schema):
    status = ma.fields.String(metadata={"enum": ["ok", "unavailable"]})
    checks = ma.fields.Dict(metadata={
        "description": "`database`: `ok` or `unreachable`; `migrations`: `current`, `behind` "
                       "(run `opengov init`) or `unknown`; `replica` (with "
                       "`OPENGOV_DATABASE_READ_URL`): `ok`, `lagging` or `unreachable` — the "
                       "last two still ready, reads then go to the primary"})
    replica = ma.fields.Dict(metadata={
        "description": "With a replica: `state`, `lag_s` (seconds behind the primary, null "
                       "when unknown), `max_lag_s` and `reads` (`replica` or `primary`)"})


@blp.route("/health/live")
@blp.doc(summary="Liveness", description="200 while the process answers requests (it checks "
         "nothing else: restart the process when this fails).")
@blp.response(200, LiveSchema, example={"status": "ok"})
def health_live():
    return {"status": "ok"}


@cache
def _head_revisions() -> tuple[str, ...]:
    from opengov.store.migrate import head_revisions

    return head_revisions()


@blp.route("/health/ready")
@blp.doc(summary="Readiness", description="200 when this instance can serve: the database "
         "answers and its schema is at the newest migration; 503 otherwise (send no traffic).")
@blp.response(200, ReadySchema, example={"status": "ok", "checks": {
    "database": "ok", "migrations": "current"}})
@blp.alt_response(503, schema=ReadySchema, description="Not ready", example={
    "status": "unavailable", "checks": {"database": "unreachable", "migrations": "unknown"}})
def health_ready():
    from opengov.store.migrate import current_revisions

    try:
        revisions = current_revisions(current().store.engine)
        checks = {"database": "ok",
                  "migrations": "current" if revisions == _head_revisions() else "behind"}
    except Exception:  # noqa: BLE001 - any failure means not ready
        checks = {"database": "unreachable", "migrations": "unknown"}
    ready = checks == {"database": "ok", "migrations": "current"}
    body = {"status": "ok" if ready else "unavailable", "checks": checks}
    router = current().store.router
    if router is not None:  # a lagging or lost replica leaves the service ready (primary reads)
        body["replica"] = router.status()
        checks["replica"] = body["replica"]["state"]
    if ready:
        return body
    return Response(dumps(body), status=503,
                    mimetype="application/json",
                    headers={"Retry-After": str(RETRY_AFTER_UNAVAILABLE_S)})


def _stale_sources() -> list[dict]:
    """Stale upstream sources (gateway); an unreadable sources file must not fail /health."""
    from sqlalchemy.exc import SQLAlchemyError

    from opengov.gateway.errors import SourceError
    from opengov.gateway.service import stale_sources

    try:
        return stale_sources(current())
    except SourceError as exc:
        return [{"id": None, "last_error": {"message": f"invalid sources file: {exc}"}}]
    except SQLAlchemyError:  # gateway tables not migrated yet: nothing harvested
        return []


@blp.route("/docs")
@blp.doc(summary="Interactive API documentation (Swagger UI 5, served locally)")
@blp.response(200, schema={"type": "string"}, content_type="text/html",
              example="<!doctype html>…")
def docs():
    page = render_template("swagger.html", spec_url=url_for_path("/openapi.json"))
    return Response(page, mimetype="text/html")


@blp.route("/docs/static/<path:filename>")
@blp.doc(summary="Swagger UI static files")
@blp.response(200, schema={"type": "string"}, content_type="application/javascript",
              example="/* swagger-ui-bundle.js */")
@blp.alt_response(404, response="NOT_FOUND")
def docs_static(filename):
    return send_from_directory(SWAGGER_DIST, filename, max_age=86400)
