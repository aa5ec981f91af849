"""Catalogue endpoints: dataset search and records, versions, data packages, DCAT, downloads."""

from __future__ import annotations

import marshmallow as ma
from flask import Response

from opengov.api import Blueprint
from opengov.catalog import dcat
from opengov.catalog.datapackage import data_package
from opengov.catalog.downloads import download
from opengov.catalog.formats import FORMATS
from opengov.catalog.metadata import matches
from opengov.catalog.schemas import (
    EXAMPLE_DATASET,
    DatasetPageSchema,
    DatasetSchema,
    DatasetSearchArgs,
    DownloadArgs,
    VersionsSchema,
)
from opengov.catalog.service import (
    all_datasets,
    collection_or_404,
    distribution_records,
    distributions,
    one_dataset,
)
from opengov.geo.geojson import dumps
from opengov.links import base_url, page_url, url_for_path

blp = Blueprint("catalog", __name__, description="Open-data catalogue and bulk downloads: "
                "dataset metadata, DCAT-AP 3.0, Frictionless data packages, whole-dataset files.")


def _json(body: dict, media_type: str = "application/json") -> Response:
    return Response(dumps(body), mimetype=media_type)


@blp.route("/datasets")
@blp.doc(summary="Search the dataset catalogue",
         description="Every published collection is a dataset. `q` folds case and Vietnamese "
                     "diacritics; theme, keyword and publisher filters combine with AND.")
@blp.arguments(DatasetSearchArgs, location="query", unknown=ma.RAISE, as_kwargs=False)
@blp.response(200, DatasetPageSchema, description="A page of datasets",
              example={"datasets": [EXAMPLE_DATASET], "numberMatched": 1, "numberReturned": 1,
                       "links": []})
def list_datasets(args):
    found = [d for d in all_datasets()
             if matches(d, q=args.get("q"), theme=args.get("theme"),
                        keyword=args.get("keyword"), publisher=args.get("publisher"))]
    start, limit = args["offset"], args["limit"]
    page = found[start:start + limit]
    links = [{"rel": "self", "type": "application/json", "href": page_url()}]
    if start + limit < len(found):
        links.append({"rel": "next", "type": "application/json",
                      "href": page_url(offset=start + limit)})
    return _json({"datasets": page, "numberMatched": len(found), "numberReturned": len(page),
                  "links": links})


@blp.route("/datasets/<dataset_id>")
@blp.doc(summary="One dataset: metadata, fields and distributions")
@blp.response(200, DatasetSchema, description="The dataset", example=EXAMPLE_DATASET)
@blp.alt_response(404, response="NOT_FOUND")
def get_dataset(dataset_id):
    return _json(one_dataset(dataset_id))


@blp.route("/datasets/<dataset_id>/versions")
@blp.doc(summary="Versions of a dataset whose files are kept",
         description="Whole-dataset files are built per version; the last few are kept and "
                     "`download.{format}?version=N` fetches one.")
@blp.response(200, VersionsSchema, description="Kept versions, newest first",
              example={"dataset": "cameras", "keep": 3, "versions": [
                  {"version": 3, "current": True, "formats": []}]})
@blp.alt_response(404, response="NOT_FOUND")
def list_versions(dataset_id):
    collection = collection_or_404(dataset_id)
    dists = distributions()
    current_version = dists.store.repo(collection.id).state().version
    kept = sorted(set(dists.versions(collection.id)) | {current_version}, reverse=True)
    versions = []
    for version in kept:
        built = dists.built_formats(collection.id, version)
        versions.append({"version": version, "current": version == current_version,
                         "formats": [r for r in distribution_records(collection, version)
                                     if r["format"] in built]})
    return _json({"dataset": collection.id, "keep": dists.keep, "versions": versions})


@blp.route("/datasets/<dataset_id>/datapackage.json")
@blp.doc(summary="Frictionless Data Package (v2) of a dataset",
         description="A Table Schema for the CSV distribution, licence, sources, byte size and "
                     "sha256 (the CSV is built on first request).")
@blp.response(200, {"type": "object"}, description="Data package descriptor",
              example={"name": "cameras", "resources": [{"path": "download.csv",
                                                         "hash": "sha256:…"}]})
@blp.alt_response(404, response="NOT_FOUND")
def get_datapackage(dataset_id):
    collection = collection_or_404(dataset_id)
    csv_file = distributions().get(collection, "csv")
    record = one_dataset(dataset_id)
    return _json(data_package(collection, record, csv_file,
                              url_for_path(f"/datasets/{dataset_id}")))


@blp.route("/datasets/<dataset_id>/download.<fmt>")
@blp.doc(summary="Download a dataset (whole, or a filtered subset)",
         description="Formats: " + ", ".join(FORMATS) + ". A whole dataset is a file built "
                     "once per version (reproducible bytes, sha256 in the catalogue) served "
                     "with Content-Length, ETag, Last-Modified and range requests. Filters "
                     "(the dataset's own list filters, `bbox`, `q`, `updated_since`) make a "
                     "streamed subset (csv, geojson, ndjson) without a checksum.")
@blp.arguments(DownloadArgs, location="query", unknown=ma.INCLUDE, as_kwargs=False)
@blp.response(200, {"type": "string", "format": "binary"}, description="The file",
              content_type="application/octet-stream", example="(file bytes)")
@blp.alt_response(206, description="Part of the file (range request)",
                  schema={"type": "string", "format": "binary"})
@blp.alt_response(304, response="NOT_MODIFIED")
@blp.alt_response(404, response="NOT_FOUND")
def get_download(args, dataset_id, fmt):
    return download(dataset_id, fmt, args)


@blp.route("/catalog.jsonld")
@blp.doc(summary="DCAT-AP 3.0 catalogue (JSON-LD, context inlined)")
@blp.response(200, {"type": "object"}, content_type="application/ld+json",
              description="The catalogue graph",
              example={"@context": {"dcat": "http://www.w3.org/ns/dcat#"},
                       "@type": "dcat:Catalog"})
def catalog_jsonld():
    return _json(dcat.catalog_jsonld(all_datasets(), base_url()), "application/ld+json")


@blp.route("/catalog.ttl")
@blp.doc(summary="DCAT-AP 3.0 catalogue (Turtle)")
@blp.response(200, {"type": "string"}, content_type="text/turtle",
              description="The catalogue graph",
              example="@prefix dcat: <http://www.w3.org/ns/dcat#> .")
def catalog_turtle():
    document = dcat.catalog_jsonld(all_datasets(), base_url())
    return Response(dcat.to_turtle(document), mimetype="text/turtle")
