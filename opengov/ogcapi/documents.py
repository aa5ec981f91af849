"""The JSON documents of OGC API – Features: landing page, conformance, collection metadata.

Also :func:`document_response`, which answers any of them as JSON or HTML with an ETag.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, request

from opengov import __version__
from opengov.collections import Collection
from opengov.conditional import version_tag
from opengov.extents import cached_extent
from opengov.geo.crs import CRS84, SUPPORTED, CrsError, parse_crs
from opengov.geo.geojson import dumps
from opengov.links import collection_path, url_for_path
from opengov.negotiation import negotiate
from opengov.ogcapi.html import render

PREFIX = "/ogc"
OPENAPI_MEDIA_TYPE = "application/vnd.oai.openapi+json;version=3.0"
OGC_REL = "http://www.opengis.net/def/rel/ogc/1.0/"
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"

# Conformance classes, from the standards' own conformance sections: OGC 17-069r4 (Part 1),
# OGC 18-058r1 (Part 2), OGC 19-079r2 (Part 3) and OGC 21-065r2 (CQL2).
CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
)


def _link(rel: str, path: str, media_type: str, title: str | None = None, **params) -> dict:
    link = {"rel": rel, "type": media_type, "href": url_for_path(path, params or None)}
    if title:
        link["title"] = title
    return link


def landing_document() -> dict:
    links = [
        _link("self", PREFIX, "application/json", "This document"),
        _link("alternate", PREFIX, "text/html", "This document as HTML", f="html"),
        _link("service-desc", "/openapi.json", OPENAPI_MEDIA_TYPE, "OpenAPI 3.0 document"),
        _link("service-doc", "/docs", "text/html", "API documentation"),
        _link("conformance", PREFIX + "/conformance", "application/json", "Conformance classes"),
        _link(OGC_REL + "conformance", PREFIX + "/conformance", "application/json",
              "Conformance classes"),
        _link("data", PREFIX + "/collections", "application/json", "Collections"),
        _link(OGC_REL + "data", PREFIX + "/collections", "application/json", "Collections"),
        _link("related", "/map", "text/html", "Map viewer"),
    ]
    from opengov.context import current
    from opengov.loader import is_bundled_sample

    settings = current().settings
    sample = " (synthetic sample data)" if is_bundled_sample(settings.datasets_path) else ""
    return {"title": f"opengov – {settings.region_name} – OGC API – Features",
            "description": f"Every spatial collection of opengov{sample} through "
                           "OGC API – Features Parts 1–3.", "version": __version__, "links": links}


def conformance_document() -> dict:
    return {"conformsTo": list(CONFORMANCE)}


def _extent(collection: Collection) -> dict | None:
    """Spatial and temporal extent as OGC API – Features writes it."""
    box, times = cached_extent(collection)
    if box is None:
        return None
    extent: dict = {"spatial": {"bbox": [list(box)], "crs": CRS84}}
    if times is not None:
        extent["temporal"] = {"interval": [[t.isoformat().replace("+00:00", "Z")
                                            for t in times]], "trs": GREGORIAN}
    return extent


def storage_crs(collection: Collection) -> str:
    """The URI of ``collection``'s native CRS (OGC API – Features Part 2 ``storageCrs``):
    items in it come back in the coordinates of the published source; CRS84 when the native
    CRS is not one the API offers."""
    try:
        return parse_crs(collection.native_crs).uri
    except CrsError:
        return CRS84


def collection_document(collection: Collection) -> dict:
    base = f"{PREFIX}/collections/{collection.id}"
    storage = storage_crs(collection)
    doc: dict = {
        "id": collection.id,
        "title": collection.title["en"],
        "description": collection.description["en"],
        "keywords": list(collection.keywords),
        "itemType": "feature",
        "crs": list(dict.fromkeys([*SUPPORTED, storage])),
        "storageCrs": storage,
        "links": [
            _link("self", base, "application/json", "This collection"),
            _link("alternate", base, "text/html", "This collection as HTML", f="html"),
            _link("items", base + "/items", "application/geo+json", "Features (GeoJSON)"),
            _link("items", base + "/items", "text/html", "Features (HTML)", f="html"),
            _link(OGC_REL + "queryables", base + "/queryables", "application/schema+json",
                  "Queryables"),
            _link("describedby", collection_path(collection), "application/geo+json",
                  "The same data through the domain endpoint"),
            _link("related", f"/tiles/{collection.id}.json", "application/json",
                  "Vector tiles (TileJSON 3.0.0, Mapbox Vector Tiles)"),
        ],
    }
    extent = _extent(collection)
    if extent is not None:
        doc["extent"] = extent
    return doc


def collections_document(collections: list[Collection]) -> dict:
    return {"links": [_link("self", PREFIX + "/collections", "application/json", "Collections"),
                      _link("alternate", PREFIX + "/collections", "text/html",
                            "Collections as HTML", f="html")],
            "collections": [collection_document(c) for c in collections]}


def _format() -> str:
    """``f`` decides; else HTML only when the client prefers it (browsers), else JSON."""
    if request.args.get("f"):
        return negotiate(("json", "html"), "json", spatial=False)
    best = request.accept_mimetypes.best_match(["application/json", "text/html"],
                                               default="application/json")
    return "html" if best == "text/html" else "json"


def document_response(doc: dict | Callable[[], dict], *, template: str, title: str,
                      version: object, media_type: str = "application/json",
                      **html_context) -> Response:
    """``doc`` as JSON (``media_type``) or as an HTML page, with an ETag from ``version``
    (from a :func:`opengov.conditional.versioned` view). A ``doc`` given as a function is
    built only when the client does not already have this version (no 304)."""
    fmt = _format()
    version_tag("ogc", request.path, version, fmt, request.query_string.decode())
    if callable(doc):
        doc = doc()
    if fmt == "html":
        response = Response(render(template, doc=doc, title=title, **html_context),
                            content_type="text/html; charset=utf-8")
    else:
        response = Response(dumps(doc), content_type=media_type)
    return response
