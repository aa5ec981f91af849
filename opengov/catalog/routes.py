"""Catalogue endpoints: dataset search and records, versions, data packages, DCAT, downloads."""

from __future__ import annotations

import marshmallow as ma
from flask import Response

from opengov.api import Blueprint
from opengov.catalog import dcat, live_catalog
from opengov.catalog.datapackage import current_csv, data_package
from opengov.catalog.downloads import (
    download,
    download_metadata,
    extract_download,
    extract_metadata,
)
from opengov.catalog.formats import FORMATS
from opengov.catalog.metadata import catalogue_defaults, matches
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
from opengov.conditional import versioned
from opengov.context import current
from opengov.errors import ApiError
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
@blp.doc(summary="Versions of a dataset whose files are kept, or a live dataset's extracts",
         description="Whole-dataset files are built per version; the last few are kept and "
                     "`download.{format}?version=N` fetches one. Live datasets (readings, "
                     "reports) keep no versions: they list one extract per finished month "
                     "(UTC+7), built once and immutable, at `extracts/{YYYY-MM}.csv`.")
@blp.response(200, VersionsSchema, description="Kept versions (newest first), or extracts",
              example={"dataset": "cameras", "kind": "batch", "keep": 3, "versions": [
                  {"version": 3, "current": True, "formats": []}], "extracts": []})
@blp.alt_response(404, response="NOT_FOUND")
def list_versions(dataset_id):
    source = live_catalog.sources().get(dataset_id)
    if source is not None:
        return _json({"dataset": dataset_id, "kind": "live", "keep": None, "versions": [],
                      "extracts": live_catalog.extract_records(source)})
    collection = collection_or_404(dataset_id)
    dists = distributions()
    state = dists.store.repo(collection.id).state()
    kept = sorted(set(dists.versions(collection.id)) | {state.version}, reverse=True)
    versions = []
    for version in kept:
        built = dists.built_formats(collection.id, version)
        records = distribution_records(collection, version, state.record_count)
        versions.append({"version": version, "current": version == state.version,
                         "formats": [r for r in records if r["format"] in built]})
    return _json({"dataset": collection.id, "kind": collection.kind, "keep": dists.keep,
                  "versions": versions, "extracts": []})


@blp.route("/datasets/<dataset_id>/extracts/<period>.<fmt>")
@blp.doc(summary="One month of a live dataset (built once the month is over)",
         description="Months are calendar months in Vietnam's time (UTC+7): `2025-12` holds "
                     "the records of [2025-12-01T00:00+07:00, 2026-01-01T00:00+07:00). A month "
                     "is offered a day after it ends; its file is written once and never "
                     "changes (sha256 and size in `/versions`, the dataset and DCAT). Report "
                     "extracts hold the public fields only.")
@blp.response(200, {"type": "string", "format": "binary"}, description="The CSV file",
              content_type="text/csv", example="station,parameter,time,value,unit,flag")
@blp.alt_response(206, description="Part of the file (range request)",
                  schema={"type": "string", "format": "binary"})
@blp.alt_response(400, response="BAD_REQUEST")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(503, response="SERVICE_UNAVAILABLE",
                  description="Another host has been building the month for a minute: "
                              "retry after `Retry-After` seconds")
@versioned(blp)  # the file carries its own validators: see downloads.serve
def get_extract(dataset_id, period, fmt):
    return extract_download(dataset_id, period, fmt)


@blp.route("/datasets/<dataset_id>/extracts/<period>.csv-metadata.json")
@blp.doc(summary="How to read a monthly extract: its W3C CSVW metadata",
         description="Column names and datatypes of `extracts/{YYYY-MM}.csv`; codes are "
                     "`string` and must be read as text (pandas `dtype=str`, readr "
                     "`col_character()`). The CSV's `Link` header (`rel=describedby`) points "
                     "here.")
@blp.response(200, {"type": "object"}, content_type="application/csvm+json",
              description="CSVW metadata", example={
                  "@context": "http://www.w3.org/ns/csvw", "url": "2025-10.csv",
                  "tableSchema": {"columns": [{"name": "station", "datatype": "string"}]}})
@blp.alt_response(400, response="BAD_REQUEST")
@blp.alt_response(404, response="NOT_FOUND")
def get_extract_metadata(dataset_id, period):
    return extract_metadata(dataset_id, period)


@blp.route("/datasets/<dataset_id>/download.csv-metadata.json")
@blp.doc(summary="How to read the CSV download: its W3C CSVW metadata",
         description="Column names and datatypes of `download.csv` (whole dataset, versions "
                     "and subsets alike); codes are `string` and must be read as text "
                     "(pandas `dtype=str`, readr `col_character()`). CSV downloads carry a "
                     "`Link` header (`rel=describedby`) pointing here and to "
                     "`datapackage.json` (the same types as a Frictionless Table Schema).")
@blp.response(200, {"type": "object"}, content_type="application/csvm+json",
              description="CSVW metadata", example={
                  "@context": "http://www.w3.org/ns/csvw", "url": "download.csv",
                  "tableSchema": {"columns": [{"name": "id", "datatype": "string"}]}})
@blp.alt_response(404, response="NOT_FOUND")
def get_download_metadata(dataset_id):
    return download_metadata(dataset_id)


@blp.route("/datasets/<dataset_id>/datapackage.json")
@blp.doc(summary="Frictionless Data Package (v2) of a dataset",
         description="A Table Schema per CSV resource, licence, sources, byte sizes and "
                     "sha256: the current CSV download (built on first request) and, for live "
                     "datasets, every finished month's extract (`extracts/{YYYY-MM}.csv`).")
@blp.response(200, {"type": "object"}, description="Data package descriptor",
              example={"name": "cameras", "resources": [{"path": "download.csv",
                                                         "hash": "sha256:…"}]})
@blp.alt_response(404, response="NOT_FOUND")
def get_datapackage(dataset_id):
    record = one_dataset(dataset_id)
    source = live_catalog.sources().get(dataset_id)
    resources = []
    if dataset_id in current().registry:
        collection = collection_or_404(dataset_id)
        resources.append(current_csv(collection, distributions().get(collection, "csv")))
    else:
        collection = source.collection
    if source is not None:
        resources += live_catalog.extract_resources(source)
    if not resources:
        raise ApiError(404, f"{dataset_id} has no finished month to describe yet.")
    return _json(data_package(collection, record, resources,
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
@blp.alt_response(404, response="NOT_FOUND")
@versioned(blp)  # the file carries its own validators: see downloads.serve
def get_download(args, dataset_id, fmt):
    return download(dataset_id, fmt, args)


@blp.route("/catalog.jsonld")
@blp.doc(summary="DCAT-AP 3.0 catalogue (JSON-LD, context inlined)")
@blp.response(200, {"type": "object"}, content_type="application/ld+json",
              description="The catalogue graph",
              example={"@context": {"dcat": "http://www.w3.org/ns/dcat#"},
                       "@type": "dcat:Catalog"})
def catalog_jsonld():
    return _json(_catalog_document(), "application/ld+json")


@blp.route("/catalog.ttl")
@blp.doc(summary="DCAT-AP 3.0 catalogue (Turtle)")
@blp.response(200, {"type": "string"}, content_type="text/turtle",
              description="The catalogue graph",
              example="@prefix dcat: <http://www.w3.org/ns/dcat#> .")
def catalog_turtle():
    return Response(dcat.to_turtle(_catalog_document()), mimetype="text/turtle")


def _catalog_document() -> dict:
    """The DCAT catalogue of this application's region, published by its publisher."""
    settings = current().settings
    publisher = catalogue_defaults(settings)["publisher"]
    return dcat.catalog_jsonld(all_datasets(), base_url(), settings.region_name,
                               settings.region_slug, publisher)
