"""The shared list/item views every collection endpoint is built from.

Domain blueprints call :func:`register_feature_endpoints` (spatial),
:func:`register_record_endpoints` (records without geometry) or use
:func:`list_response`/:func:`item_response` directly; no domain repeats paging, formats,
ETags or links.
"""

from __future__ import annotations

from collections.abc import Callable

import marshmallow as ma
from flask import Response, request

from opengov import query as q
from opengov.collections import Collection
from opengov.conditional import version_tag, versioned
from opengov.context import current
from opengov.cursor import CursorError
from opengov.docschemas import (
    example_feature,
    example_properties,
    feature_schema,
    page_schema,
    record_schema,
)
from opengov.encoders import ENCODERS, PageBody, joined
from opengov.encoders import csv as csv_encoder
from opengov.errors import ApiError
from opengov.geo.crs import CRS84 as CRS84_URI
from opengov.geo.crs import content_crs
from opengov.links import link_header, paging_links
from opengov.negotiation import MEDIA_TYPES, negotiate
from opengov.params import item_args_schema, list_args_schema, to_query
from opengov.store.filters import FilterError

SPATIAL_FORMATS = ("geojson", "csv")
RECORD_FORMATS = ("json", "csv")

PAGE_HEADERS = {
    "ETag": {"description": "Version of this answer; send it back in If-None-Match",
             "schema": {"type": "string"}},
    "Link": {"description": "RFC 8288 links: self, next, prev", "schema": {"type": "string"}},
    "X-Total-Count": {"description": "Exact number of matching records",
                      "schema": {"type": "integer"}},
}


def bad_query(exc: Exception) -> ApiError:
    field = "cursor" if isinstance(exc, CursorError) else None
    return ApiError(400, str(exc), errors=[{"location": "query", "field": field,
                                            "messages": [str(exc)]}])


def list_response(collection: Collection, query: q.Query, *,
                  summarise: Callable[[tuple], str] | None = None,
                  summary_columns: list[str] | None = None,
                  encoders: dict | None = None, extra_links: tuple[dict, ...] = (),
                  crs_uri: str = CRS84_URI, count_limit: int | None = None) -> Response:
    """A page of ``collection`` in the negotiated format, with links, counts and an ETag.

    Called from a view decorated with :func:`opengov.conditional.versioned` (the ETag is the
    collection version, format and query text; 304 before the page is read).

    Hooks for other API families: ``encoders`` (format name → encoder, the first is the
    default), ``extra_links`` appended to the paging links, ``crs_uri`` for ``Content-Crs``
    and ``count_limit`` (omit ``numberMatched`` rather than count more rows than this).
    """
    if encoders is None:
        formats = SPATIAL_FORMATS if collection.spatial else RECORD_FORMATS
        encoders = {name: ENCODERS[name] for name in formats}
    formats = tuple(encoders)
    fmt = negotiate(formats, formats[0], spatial=collection.spatial)
    encoder = encoders[fmt]
    store = current().store
    repo = store.repo(collection.id)
    with store.reading() as conn:  # SQLite: one snapshot, the ETag's version is the data's
        state = repo.state(conn)
        version_tag(collection.id, state.version, fmt, request.query_string.decode())
        try:
            page = repo.page(query, state.version, conn=conn, count_limit=count_limit,
                             columns=encoder.columns(collection, summary_columns))
        except (FilterError, CursorError) as exc:
            raise bad_query(exc) from exc
    links = paging_links(page.next, page.prev, MEDIA_TYPES[fmt]) + list(extra_links)
    body = encoder.page(PageBody(collection, page.items, page.number_matched, links, summarise))
    response = Response(joined(body), content_type=encoder.media_type)
    response.headers["Link"] = link_header(links)
    if page.number_matched is not None:
        response.headers["X-Total-Count"] = str(page.number_matched)
    return _finish(response, collection, state, crs_uri)


def _finish(response: Response, collection: Collection, state,
            crs_uri: str = CRS84_URI) -> Response:
    """Last-Modified from the collection version, CRS for spatial bodies (the ETag and
    Cache-Control come from :func:`opengov.conditional.versioned`)."""
    if state.modified is not None:
        response.headers["Last-Modified"] = state.http_modified
    if collection.spatial and response.mimetype not in ("text/csv", "text/html"):
        response.headers["Content-Crs"] = content_crs(crs_uri)
    return response


def item_response(collection: Collection, item_id: str, *,
                  formats: tuple[str, ...] | None = None,
                  render: Callable[[str, str], tuple[str, str]] | None = None,
                  crs_uri: str = CRS84_URI, feature_column: str = "_feature") -> Response:
    """One record (a Feature when spatial) with an ETag, or a 404 problem (from a
    :func:`opengov.conditional.versioned` view, as :func:`list_response`).

    ``render(fmt, stored_json)`` → ``(body, media type)`` lets another API family offer more
    ``formats`` or rewrite the stored record (CSV is always the shared encoder's);
    ``feature_column`` reads another stored serialisation (the native-CRS Feature).
    """
    formats = formats or (SPATIAL_FORMATS if collection.spatial else RECORD_FORMATS)
    fmt = negotiate(formats, formats[0], spatial=collection.spatial)
    store = current().store
    repo = store.repo(collection.id)
    with store.reading() as conn:
        state = repo.state(conn)
        # The query (crs, properties…) selects the representation, so it is part of the tag.
        version_tag(collection.id, state.version, fmt, item_id, request.query_string.decode())
        if fmt == "csv":
            page = repo.page(q.Query(filter=q.Compare("id", "=", item_id), limit=1),
                             state.version, with_count=False, conn=conn,
                             columns=csv_encoder.source_columns(collection))
            body = "".join(csv_encoder.rows(collection, page.items)) if page.items else None
        else:
            body = repo.get(item_id, conn, column=feature_column)
    media_type = ENCODERS[fmt].media_type if fmt in ENCODERS else MEDIA_TYPES[fmt]
    if body is None:
        raise ApiError(404, f"No {collection.id} record with id {item_id!r}.")
    if render is not None and fmt != "csv":
        body, media_type = render(fmt, body)
    return _finish(Response(body, content_type=media_type), collection, state, crs_uri)


def feature_page_docs(blp, collection: Collection, example_feature: dict,
                      noun: str = "features", schema: type | None = None):
    """A FeatureCollection list view: GeoJSON page, CSV alternative, versioned (ETag, 304);
    ``schema`` documents a page other than ``page_schema(collection)``."""
    csv_example = ",".join(csv_encoder.header(collection)[:3]) + ",…"

    def decorate(view):
        view = versioned(blp, max_age=collection.cache_seconds)(view)
        view = blp.alt_response(200, schema={"type": "string"}, content_type="text/csv",
                                example=csv_example)(view)
        return blp.response(
            200, schema or page_schema(collection), content_type="application/geo+json",
            headers=PAGE_HEADERS, description=f"A page of {noun}",
            example={"type": "FeatureCollection", "numberMatched": 1, "numberReturned": 1,
                     "links": [], "features": [example_feature]})(view)

    return decorate


def register_feature_endpoints(blp, collection: Collection, *, noun: str,
                               example_geometry: dict) -> None:
    """``GET /`` (FeatureCollection, CSV) and ``GET /{id}`` (Feature) for a spatial collection."""
    args_schema = list_args_schema(collection, SPATIAL_FORMATS)
    example = example_feature(collection, example_geometry)

    @blp.route("")
    @blp.doc(summary=f"List {noun}",
             description=f"{collection.description['en']}\n\nGeoJSON FeatureCollection (default) "
                         "or CSV (`f=csv` or `Accept: text/csv`). Filters combine with AND; "
                         "comma-separated values of one filter combine with OR. Follow the "
                         "`next` link to page.")
    @blp.arguments(args_schema, location="query", unknown=ma.RAISE, as_kwargs=False)
    @feature_page_docs(blp, collection, example)
    def list_view(args):
        return list_response(collection, to_query(collection, args))

    @blp.route("/<item_id>")
    @blp.doc(summary=f"One of the {noun} by id",
             description="A GeoJSON Feature (or CSV with `f=csv`).")
    @blp.arguments(item_args_schema(collection, SPATIAL_FORMATS), location="query",
                   unknown=ma.RAISE, as_kwargs=False)
    @blp.response(200, feature_schema(collection), content_type="application/geo+json",
                  headers={"ETag": PAGE_HEADERS["ETag"]}, example=example,
                  description="The feature")
    @blp.alt_response(404, response="NOT_FOUND")
    @versioned(blp, max_age=collection.cache_seconds)
    def item_view(_args, item_id):
        return item_response(collection, item_id)


def register_record_endpoints(blp, collection: Collection, *, noun: str) -> None:
    """``GET /`` (``{items: […]}`` page, CSV) and ``GET /{id}`` (one record) for a collection
    without geometry: the non-spatial sibling of :func:`register_feature_endpoints`."""
    args_schema = list_args_schema(collection, RECORD_FORMATS)
    example = example_properties(collection)
    csv_example = ",".join(csv_encoder.header(collection)[:3]) + ",…"

    @blp.route("")
    @blp.doc(summary=f"List {noun}",
             description=f"{collection.description['en']}\n\nJSON `{{items: […]}}` (default) "
                         "or CSV (`f=csv` or `Accept: text/csv`). Filters combine with AND; "
                         "comma-separated values of one filter combine with OR. Follow the "
                         "`next` link to page.")
    @blp.arguments(args_schema, location="query", unknown=ma.RAISE, as_kwargs=False)
    @blp.response(200, page_schema(collection), headers=PAGE_HEADERS,
                  description=f"A page of {noun}",
                  example={"numberMatched": 1, "numberReturned": 1, "links": [],
                           "items": [example]})
    @blp.alt_response(200, schema={"type": "string"}, content_type="text/csv",
                      example=csv_example)
    @versioned(blp, max_age=collection.cache_seconds)
    def list_view(args):
        return list_response(collection, to_query(collection, args))

    @blp.route("/<item_id>")
    @blp.doc(summary=f"One of the {noun} by id", description="A JSON record (or CSV with "
                                                             "`f=csv`).")
    @blp.arguments(item_args_schema(collection, RECORD_FORMATS), location="query",
                   unknown=ma.RAISE, as_kwargs=False)
    @blp.response(200, record_schema(collection), headers={"ETag": PAGE_HEADERS["ETag"]},
                  example=example, description="The record")
    @blp.alt_response(404, response="NOT_FOUND")
    @versioned(blp, max_age=collection.cache_seconds)
    def item_view(_args, item_id):
        return item_response(collection, item_id)
