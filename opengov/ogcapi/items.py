"""Per-collection OGC endpoints: metadata, queryables, items and single features.

Items go through the shared :func:`opengov.collection_views.list_response` (the repository's
keyset pages of stored feature bytes, ETags, links); only ``properties``, ``crs`` other than
CRS84 or ``simplify`` make features be re-serialised.
"""

from __future__ import annotations

import marshmallow as ma
import orjson

from opengov import __version__
from opengov.collection_views import PAGE_HEADERS, item_response, list_response
from opengov.collections import Collection
from opengov.conditional import versioned
from opengov.context import current
from opengov.docschemas import example_feature, feature_schema, page_schema
from opengov.encoders import PageBody
from opengov.geo.args import crs_arg, properties_arg
from opengov.geo.crs import CONTENT_CRS_HEADER
from opengov.geo.geojson import dumps
from opengov.geo.stored_features import reading
from opengov.links import page_url, url_for_path
from opengov.ogcapi import documents as docs
from opengov.ogcapi.args import item_args_schema, items_args_schema, items_query
from opengov.ogcapi.encoding import feature_encoders
from opengov.ogcapi.html import label, language, render
from opengov.ogcapi.queryables import queryables_document
from opengov.ogcapi.routes import HTML_ALT, DocArgs, OgcCollectionSchema
from opengov.script_json import script_json

EXAMPLE_GEOMETRIES = {
    "Point": {"type": "Point", "coordinates": [108.2, 16.05]},
    "LineString": {"type": "LineString", "coordinates": [[108.2, 16.05], [108.21, 16.06]]},
    "Polygon": {"type": "Polygon", "coordinates": [[[108.2, 16.05], [108.21, 16.05],
                                                    [108.21, 16.06], [108.2, 16.05]]]},
}
OGC_HEADERS = {**PAGE_HEADERS, **CONTENT_CRS_HEADER}


def _columns(collection: Collection) -> list[str]:
    return [f.name for f in collection.fields
            if f.name != "id" and f.type not in ("array", "object")]


def _features_json(features: list[dict]) -> str:
    """A FeatureCollection safe to embed in a ``<script>`` element."""
    return script_json({"type": "FeatureCollection", "features": features})


def _items_html(collection: Collection, features: list[dict], body: PageBody) -> str:
    return render("items.html", title=label(collection.title, language()), features=features,
                  features_json=_features_json(features), matched=body.number_matched,
                  links=body.links, columns=_columns(collection))


def _feature_links(collection: Collection, feature_id: str) -> list[dict]:
    base = f"{docs.PREFIX}/collections/{collection.id}"
    return [
        {"rel": "self", "type": "application/geo+json", "href": page_url()},
        {"rel": "alternate", "type": "text/html",
         "href": url_for_path(f"{base}/items/{feature_id}", {"f": "html"})},
        {"rel": "collection", "type": "application/json", "href": url_for_path(base)},
    ]


def register_collection(blp, collection: Collection) -> None:
    """Add ``/collections/{id}``, ``…/queryables``, ``…/items`` and ``…/items/{featureId}``."""
    cid = collection.id
    base = f"/collections/{cid}"
    example = example_feature(collection, EXAMPLE_GEOMETRIES.get(
        collection.geometry_type or "", EXAMPLE_GEOMETRIES["Polygon"]))
    title_en = collection.title["en"]

    @blp.route(base, endpoint=f"collection_{cid}")
    @blp.doc(summary=f"Collection {cid}", description=f"{title_en}: extent, CRSs and links.")
    @blp.arguments(DocArgs, location="query", unknown=ma.RAISE, as_kwargs=False)
    @blp.response(200, OgcCollectionSchema, example={"id": cid, "title": title_en,
                                                  "itemType": "feature"})
    @blp.alt_response(200, **HTML_ALT)
    @versioned(blp)
    def collection_view(_args):
        state = current().store.repo(cid).state()
        return docs.document_response(
            lambda: docs.collection_document(collection), template="collection.html",
            title=label(collection.title, language()), version=state.version,
            description=label(collection.description, language()))

    @blp.route(base + "/queryables", endpoint=f"queryables_{cid}")
    @blp.doc(summary=f"Queryables of {cid}",
             description="JSON Schema of the properties a `filter` may use.")
    @blp.arguments(DocArgs, location="query", unknown=ma.RAISE, as_kwargs=False)
    @blp.response(200, schema={"type": "object"}, content_type="application/schema+json",
                  example={"type": "object", "properties": {"id": {"type": "string"}}})
    @blp.alt_response(200, **HTML_ALT)
    @versioned(blp, max_age=collection.cache_seconds)
    def queryables_view(_args):
        url = url_for_path(f"{docs.PREFIX}{base}/queryables")
        return docs.document_response(
            queryables_document(collection, url), template="queryables.html",
            title=f"{cid}: queryables", version=__version__,
            media_type="application/schema+json")

    @blp.route(base + "/items", endpoint=f"items_{cid}")
    @blp.doc(summary=f"Features of {cid}",
             description=f"{collection.description['en']}\n\nGeoJSON (default), HTML or CSV. "
                         f"`limit` defaults to {collection.default_limit}, maximum "
                         f"{collection.max_limit}; follow the `next` link to page (keyset "
                         "cursor). `numberMatched` is exact, or omitted when counting would "
                         "scan a large table.")
    @blp.arguments(items_args_schema(collection), location="query", unknown=ma.RAISE,
                   as_kwargs=False)
    @blp.response(200, page_schema(collection), content_type="application/geo+json",
                  headers=OGC_HEADERS, description="A page of features",
                  example={"type": "FeatureCollection", "numberMatched": 1, "numberReturned": 1,
                           "links": [], "features": [example]})
    @blp.alt_response(200, **HTML_ALT)
    @versioned(blp, max_age=collection.cache_seconds)
    def items_view(args):
        crs = crs_arg(args)
        query = items_query(collection, args)
        read = reading(collection, crs, properties_arg(collection, args.get("properties")),
                       args.get("simplify"))

        def html(features, body):
            return _items_html(collection, features, body)

        links = (
            {"rel": "alternate", "type": "text/html", "href": page_url(f="html")},
            {"rel": "collection", "type": "application/json",
             "href": url_for_path(f"{docs.PREFIX}{base}")},
            {"rel": docs.OGC_REL + "queryables", "type": "application/schema+json",
             "href": url_for_path(f"{docs.PREFIX}{base}/queryables")},
        )
        return list_response(collection, query,
                             encoders=feature_encoders(read, html),
                             extra_links=links, crs_uri=crs.uri,
                             count_limit=collection.count_limit)

    @blp.route(base + "/items/<feature_id>", endpoint=f"item_{cid}")
    @blp.doc(summary=f"One feature of {cid}", description="A GeoJSON Feature or HTML page.")
    @blp.arguments(item_args_schema(collection), location="query", unknown=ma.RAISE,
                   as_kwargs=False)
    @blp.response(200, feature_schema(collection), content_type="application/geo+json",
                  headers={"ETag": PAGE_HEADERS["ETag"], **CONTENT_CRS_HEADER}, example=example,
                  description="The feature")
    @blp.alt_response(200, **HTML_ALT)
    @blp.alt_response(404, response="NOT_FOUND")
    @versioned(blp, max_age=collection.cache_seconds)
    def item_view(args, feature_id):
        crs = crs_arg(args)
        read = reading(collection, crs)

        def rendered(fmt: str, stored: str) -> tuple[str, str]:
            feature = orjson.loads(read.feature(stored))
            if fmt == "html":
                page = render("item.html", title=f"{cid} {feature_id}", features=[feature],
                              features_json=_features_json([orjson.loads(stored)]))
                return page, "text/html; charset=utf-8"
            feature["links"] = _feature_links(collection, feature_id)
            return dumps(feature), "application/geo+json"

        return item_response(collection, feature_id, formats=("geojson", "html"),
                             render=rendered, crs_uri=crs.uri,
                             feature_column=read.feature_column)
