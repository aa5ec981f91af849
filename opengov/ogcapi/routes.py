"""The ``/ogc`` blueprint: landing page, conformance and the collections list.

Per-collection paths (``/collections/{id}``, ``…/items``, ``…/queryables``) are registered by
:func:`opengov.ogcapi.items.register_collection` with the collection id written into the path,
so the OpenAPI document states each collection's own ``limit`` default and maximum (GDAL reads
the maximum from there).
"""

from __future__ import annotations

from functools import cache

import flask
import marshmallow as ma

from opengov import __version__
from opengov.api import Blueprint
from opengov.collections import Collection
from opengov.conditional import versioned
from opengov.context import current
from opengov.docschemas import Link
from opengov.ogcapi import documents as docs
from opengov.page_language import label, lang_field, language
from opengov.params import format_field


class OgcLandingSchema(ma.Schema):
    title = ma.fields.String()
    description = ma.fields.String()
    version = ma.fields.String()
    links = ma.fields.List(ma.fields.Nested(Link))


class OgcConformanceSchema(ma.Schema):
    conformsTo = ma.fields.List(ma.fields.String(), metadata={  # noqa: N815 - OGC name
        "description": "URIs of the conformance classes implemented"})


class OgcExtentSchema(ma.Schema):
    spatial = ma.fields.Dict(metadata={"description": "bbox (CRS84) and its crs"})
    temporal = ma.fields.Dict(metadata={"description": "interval of the time field and trs"})


class OgcCollectionSchema(ma.Schema):
    id = ma.fields.String()
    title = ma.fields.String()
    description = ma.fields.String()
    keywords = ma.fields.List(ma.fields.String())
    itemType = ma.fields.String(metadata={"enum": ["feature"]})  # noqa: N815 - OGC name
    crs = ma.fields.List(ma.fields.String(), metadata={"description": "CRSs offered by `crs`"})
    storageCrs = ma.fields.String()  # noqa: N815 - OGC name
    extent = ma.fields.Nested(OgcExtentSchema)
    links = ma.fields.List(ma.fields.Nested(Link))


class OgcCollectionsSchema(ma.Schema):
    links = ma.fields.List(ma.fields.Nested(Link))
    collections = ma.fields.List(ma.fields.Nested(OgcCollectionSchema))


DocArgs = ma.Schema.from_dict({"f": format_field(("json", "html")), "lang": lang_field()},
                              name="OgcDocumentArgs")

HTML_ALT = {"schema": {"type": "string"}, "content_type": "text/html",
            "example": "<!doctype html>…"}
EXAMPLE_LINK = {"rel": "self", "type": "application/json",
                "href": "https://example.org/ogc/collections"}


def _spatial():
    return [c for c in current().registry if c.spatial]


def _versions() -> tuple:
    return tuple(sorted((cid, s.version) for cid, s in current().store.states().items()))


@cache
def build(spatial: tuple[Collection, ...]) -> Blueprint:
    """The blueprint over ``spatial``, an application's spatial collections.

    Built once per distinct set of declarations (a process-wide cache: the declarations are
    immutable, and one blueprint may be registered on several applications).
    """
    from opengov.ogcapi.items import register_collection

    blp = Blueprint("ogcapi", __name__, url_prefix=docs.PREFIX, template_folder="templates",
                    description="OGC API – Features (Parts 1, 2 and 3) over every spatial "
                                "collection")

    @blp.route("")
    @blp.doc(summary="OGC API landing page",
             description="Links to the OpenAPI document (`service-desc`), its documentation, "
                         "the conformance declaration and the collections.")
    @blp.arguments(DocArgs, location="query", unknown=ma.RAISE, as_kwargs=False)
    @blp.response(200, OgcLandingSchema, example={"title": "opengov", "links": [
        {"rel": "service-desc", "type": docs.OPENAPI_MEDIA_TYPE,
         "href": "https://example.org/openapi.json"}]})
    @blp.alt_response(200, **HTML_ALT)
    @versioned(blp)
    def landing(_args):
        return docs.document_response(docs.landing_document(), template="landing.html",
                                      title="opengov – OGC API", version=__version__)

    # ``/ogc/`` answers as ``/ogc`` (no redirect): the abstract test suite's landing-page test
    # requests the root with a slash. Registered on the Flask blueprint only, so the OpenAPI
    # document keeps one landing path.
    flask.Blueprint.add_url_rule(blp, "/", endpoint="landing_slash", view_func=landing)

    @blp.route("/conformance")
    @blp.doc(summary="Conformance declaration",
             description="The OGC conformance classes this API implements.")
    @blp.arguments(DocArgs, location="query", unknown=ma.RAISE, as_kwargs=False)
    @blp.response(200, OgcConformanceSchema, example={"conformsTo": list(docs.CONFORMANCE[:2])})
    @blp.alt_response(200, **HTML_ALT)
    @versioned(blp)
    def conformance(_args):
        return docs.document_response(docs.conformance_document(), template="conformance.html",
                                      title="Conformance", version=__version__)

    @blp.route("/collections")
    @blp.doc(summary="Spatial collections",
             description="Every spatial collection with its extent, CRSs and links.")
    @blp.arguments(DocArgs, location="query", unknown=ma.RAISE, as_kwargs=False)
    @blp.response(200, OgcCollectionsSchema, example={"links": [EXAMPLE_LINK], "collections": [
        {"id": "cameras", "title": "Traffic and public cameras", "itemType": "feature"}]})
    @blp.alt_response(200, **HTML_ALT)
    @versioned(blp)
    def collections(_args):
        spatial = _spatial()
        lang = language()
        return docs.document_response(lambda: docs.collections_document(spatial),
                                      template="collections.html", title="Collections",
                                      version=_versions(),
                                      titles={c.id: label(c.title, lang) for c in spatial})

    for collection in spatial:
        register_collection(blp, collection)
    return blp
