"""Open311 GeoReport v2 shapes: service list entries, request records and the error array.

Field names and rules follow the GeoReport v2 specification (DOMAIN.md §1): statuses are only
``open``/``closed``, dates carry a time zone, personal fields sent with a POST never appear in a
GET, and errors are an array ``[{"code": …, "description": …}]`` (``<errors><error>…`` under
``.xml`` paths) with HTTP 404 for an unknown resource, 403 for a bad ``api_key`` and 400 for
everything else (the body code may be more specific than the HTTP code).
"""

from __future__ import annotations

import json

from flask import Response, request

from opengov.errors import Problem
from opengov.geo.geojson import dumps
from opengov.reports.categories import Category
from opengov.reports.open311_xml import xml_response
from opengov.reports.workflow import open311_status

# HTTP codes answered as themselves; other client errors are 400 with the exact code in the body.
KEPT_STATUSES = {400, 403, 404, 405, 406, 413, 429, 500, 503}


def error_array(problem: Problem) -> Response:
    """The Open311 rendering of any problem on ``/open311``."""
    code = 403 if problem.status == 401 else problem.status
    http_status = code if code in KEPT_STATUSES or code >= 500 else 400
    description = problem.detail
    if problem.errors:
        description += " " + "; ".join(
            f"{e['field']}: {' '.join(map(str, e['messages']))}" for e in problem.errors
            if e.get("field"))
    errors = [{"code": code, "description": description.strip()}]
    if request.path.endswith(".xml"):
        return xml_response("errors", errors, http_status)
    return Response(dumps(errors), status=http_status,
                    content_type="application/json; charset=utf-8")


_ERROR_EXAMPLE = [{"code": 400, "description": "service_code: Missing data for required field."}]
# How the OpenAPI document shows these errors (opengov.openapi_doc.FAMILY_CONTENT_ATTR).
error_array.openapi_content = {  # type: ignore[attr-defined]
    "application/json": {"schema": {"type": "array", "items": {
        "type": "object", "properties": {"code": {"type": "integer"},
                                         "description": {"type": "string"}}}},
        "example": _ERROR_EXAMPLE},
    "text/xml": {"schema": {"type": "string"},
                 "example": "<errors><error><code>400</code><description>service_code: Missing "
                            "data for required field.</description></error></errors>"}}


def service_entry(c: Category) -> dict:
    return {"service_code": c.code, "service_name": c.name.get("vi"),
            "description": c.description.get("vi"), "metadata": bool(c.attributes),
            "type": "realtime", "keywords": ", ".join(c.keywords), "group": c.group}


def service_definition(c: Category) -> dict:
    attributes = []
    for order, a in enumerate(c.attributes, 1):
        attributes.append({
            "variable": a.get("variable", True), "code": a["code"], "datatype": a["datatype"],
            "required": bool(a.get("required")),
            "datatype_description": a.get("datatype_description"),
            "order": a.get("order", order), "description": a.get("description"),
            "values": list(a.get("values") or [])})
    return {"service_code": c.code, "attributes": attributes}


def service_notice(c: Category) -> str:
    """What to expect: the category's service-level target (POST answers it, GET repeats it)."""
    return f"Expected within {c.target_hours} hours."


def request_record(feature: str, notes: list[dict], base_url: str,
                   categories: dict[str, Category]) -> dict:
    """An Open311 service request from a stored public feature, with ``notes[]``.

    ``categories`` (by code) give the ``service_notice``, the same text the POST answered.
    """
    doc = json.loads(feature)
    p, geometry = doc["properties"], doc.get("geometry")
    lon, lat = geometry["coordinates"] if geometry else (None, None)
    photos = p.get("photos") or []
    return {
        "service_request_id": doc["id"],
        "status": open311_status(p["status"]),
        "status_notes": p.get("status_note"),
        "service_name": (p.get("category_name") or {}).get("vi"),
        "service_code": p["category"],
        "description": p.get("description"),
        "agency_responsible": p.get("agency"),
        "service_notice": (service_notice(categories[p["category"]])
                           if p["category"] in categories else None),
        "requested_datetime": p["requested_at"],
        "updated_datetime": p.get("updated_at"),
        "expected_datetime": p.get("expected_at"),
        "address": p.get("address"),
        "address_id": None,
        "zipcode": None,
        "lat": lat,
        "long": lon,
        "media_url": base_url.rstrip("/") + photos[0] if photos else None,
        "detailed_status": p["status"],
        "attributes": [{"code": code, "value": v}
                       for code, value in (p.get("attributes") or {}).items()
                       for v in (value if isinstance(value, list) else [value])],
        "notes": notes,
    }
