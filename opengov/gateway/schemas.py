"""Marshmallow schemas documenting ``/sources`` in OpenAPI."""

from __future__ import annotations

import marshmallow as ma

EXAMPLE_SOURCE = {
    "id": "city-cameras", "title": "City traffic cameras", "collection": "cameras",
    "connector": "arcgis", "url": "https://gis.example.org/arcgis/rest/services/Cameras/"
    "FeatureServer/0", "authenticated": True, "interval_s": 900.0, "status": "ok",
    "stale": False, "last_attempt": "2026-11-27T08:00:00Z",
    "last_success": "2026-11-27T08:00:00Z", "last_error": None, "records": 160,
    "freshness": {"age_s": 42.0, "stale_after_s": 1800.0, "expire_after_s": 300.0},
}
EXAMPLE_DETAIL = {
    **EXAMPLE_SOURCE,
    "provenance": {"url": "https://gis.example.org/arcgis/rest/services/Cameras/FeatureServer/"
                   "0/query?where=1%3D1&f=geojson&resultOffset=0&resultRecordCount=1000",
                   "etag": '"5f1c…"', "last_modified": "Fri, 27 Nov 2026 07:59:00 GMT",
                   "checksum": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                   "version": 4},
    "last_run": {"at": "2026-11-27T08:00:00Z", "status": "ok", "fetched": 161, "new": 2,
                 "changed": 3, "removed": 0, "rejected": 1, "from_cache": 0, "requests": 1,
                 "error": None, "rejects": [{"record": 17, "id": "cam-17",
                                             "reason": "kind: 'drone' is not one of traffic, "
                                                       "flood, tourism, security"}]},
}


class LastError(ma.Schema):
    at = ma.fields.String(metadata={"description": "When it failed (UTC)"})
    message = ma.fields.String(metadata={"description": "What failed (credentials masked)"})


class Freshness(ma.Schema):
    age_s = ma.fields.Float(allow_none=True,
                            metadata={"description": "Seconds since the last success"})
    stale_after_s = ma.fields.Float(metadata={"description": "Older than this is stale"})
    expire_after_s = ma.fields.Float(metadata={"description": "HTTP cache lifetime of the "
                                               "upstream's responses"})


class SourceSchema(ma.Schema):
    id = ma.fields.String(metadata={"description": "Source id"})
    title = ma.fields.String()
    collection = ma.fields.String(metadata={"description": "Collection (dataset) it feeds; "
                                            "`dossiers` for a dossier event feed"})
    connector = ma.fields.String(metadata={"description": "csv, json, geojson, ogcapi, "
                                           "arcgis, ckan or open311"})
    url = ma.fields.String(metadata={"description": "Upstream URL (credentials masked)"})
    authenticated = ma.fields.Boolean(metadata={"description": "Whether a credential is sent "
                                                "(never shown)"})
    interval_s = ma.fields.Float(metadata={"description": "Harvest interval (seconds)"})
    status = ma.fields.String(metadata={"enum": ["ok", "failed", "never"],
                                        "description": "Outcome of the last attempt"})
    stale = ma.fields.Boolean(metadata={"description": "The data served from it is stale: "
                                        "the last attempt failed, or the last success is too "
                                        "old"})
    last_attempt = ma.fields.String(allow_none=True)
    last_success = ma.fields.String(allow_none=True)
    last_error = ma.fields.Nested(LastError, allow_none=True)
    records = ma.fields.Integer(allow_none=True,
                                metadata={"description": "Records after the last success"})
    freshness = ma.fields.Nested(Freshness)


class Provenance(ma.Schema):
    url = ma.fields.String(allow_none=True, metadata={"description": "First URL read"})
    etag = ma.fields.String(allow_none=True, metadata={"description": "Its ETag"})
    last_modified = ma.fields.String(allow_none=True)
    checksum = ma.fields.String(allow_none=True,
                                metadata={"description": "SHA-256 of every body read"})
    version = ma.fields.Integer(allow_none=True,
                                metadata={"description": "Dataset version it produced"})


class SourceDetailSchema(SourceSchema):
    provenance = ma.fields.Nested(Provenance)
    last_run = ma.fields.Dict(allow_none=True, metadata={
        "description": "Counts of the last run (fetched, new, changed, removed, rejected, "
                       "from_cache, requests) and up to 20 rejected records with reasons; a "
                       "feed adds `feed` (cursor, since, pages, events, stored, duplicates)"})


class SourceListSchema(ma.Schema):
    sources = ma.fields.List(ma.fields.Nested(SourceSchema))
