"""``GET /sources``, ``GET /sources/{id}``, and the staleness headers on collection responses."""

from __future__ import annotations

from flask import Response, request

from opengov.api import Blueprint
from opengov.context import current
from opengov.errors import ApiError
from opengov.gateway import service
from opengov.gateway.errors import SourceError
from opengov.gateway.schemas import (
    EXAMPLE_DETAIL,
    EXAMPLE_SOURCE,
    SourceDetailSchema,
    SourceListSchema,
)
from opengov.geo.geojson import dumps

blp = Blueprint("sources", __name__, description="Upstream sources the gateway harvests: "
                "status, last success and error, record counts and freshness.")

STALE_HEADER, SUCCESS_HEADER = "X-Data-Stale", "X-Data-Last-Success"


def _records(*, detail: bool) -> list[dict]:
    try:
        return service.all_records(current(), detail=detail)
    except SourceError as exc:
        raise ApiError(503, f"The sources file is invalid: {exc}") from exc


@blp.route("/sources")
@blp.doc(summary="Upstream sources and their state",
         description="Every source declared in the sources file: what it feeds, whether the "
                     "data served from it is stale, its last success and error. Credentials "
                     "are never shown.")
@blp.response(200, SourceListSchema, example={"sources": [EXAMPLE_SOURCE]})
@blp.alt_response(503, response="SERVICE_UNAVAILABLE", description="Invalid sources file")
def list_sources():
    return Response(dumps({"sources": _records(detail=False)}), mimetype="application/json")


@blp.route("/sources/<source_id>")
@blp.doc(summary="One upstream source: state, provenance and the last run")
@blp.response(200, SourceDetailSchema, example=EXAMPLE_DETAIL)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(503, response="SERVICE_UNAVAILABLE", description="Invalid sources file")
def get_source(source_id):
    for record in _records(detail=True):
        if record["id"] == source_id:
            return Response(dumps(record), mimetype="application/json")
    raise ApiError(404, f"No source {source_id!r}.")


@blp.after_app_request
def mark_stale(response: Response) -> Response:
    """Responses about a collection whose source is stale say so (the data is still the last
    good harvest)."""
    if request.method not in ("GET", "HEAD") or not (200 <= response.status_code < 400):
        return response
    if request.path.endswith("/snapshot"):  # a live camera image, not harvested data
        return response
    stale = service.stale_collections(current())
    if not stale:
        return response
    segments = {part.split(".")[0] for part in request.path.split("/") if part}
    hits = [stale[c] for c in segments if c in stale]
    if hits:
        response.headers[STALE_HEADER] = "true"
        successes = sorted(h["last_success"] for h in hits if h["last_success"])
        if successes:
            response.headers[SUCCESS_HEADER] = successes[0]
    return response
