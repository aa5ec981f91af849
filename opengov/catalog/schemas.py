"""Marshmallow schemas documenting the catalogue in OpenAPI, and its query arguments."""

from __future__ import annotations

import marshmallow as ma

from opengov.docschemas import I18nText, Link

EXAMPLE_DATASET = {
    "id": "cameras",
    "title": {"vi": "Camera công cộng (dữ liệu mẫu)", "en": "Public cameras (sample)"},
    "description": {"vi": "Danh sách camera TỔNG HỢP…", "en": "SYNTHETIC list of cameras…"},
    "publisher": {"name": "opengov sample data"},
    "contact_point": {"name": "opengov sample data", "email": "sample-data@opengov.invalid"},
    "license": {"id": "CC-BY-4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
    "keywords": {"vi": ["camera"], "en": ["cameras"]}, "themes": ["TRAN"],
    "spatial": {"bbox": [107.51, 15.1, 108.67, 15.96]},
    "temporal": {"start": "2025-09-05T01:08:01Z", "end": "2025-10-01T00:00:00Z"},
    "update_frequency": "irregular", "kind": "batch", "synthetic": True, "sources": [],
    "version": 3, "created": "2026-01-01T00:00:00Z", "modified": "2026-01-05T00:00:00Z",
    "record_count": 200,
    "fields": [{"name": "id", "type": "string", "unit": None,
                "description": {"vi": "Mã camera", "en": "Camera id"}}],
    "distributions": [{"format": "gpkg", "media_type": "application/geopackage+sqlite3",
                       "url": "https://example.org/datasets/cameras/download.gpkg",
                       "byte_size": 98304, "sha256": "9f86d081884c7d65…"}],
    "links": [],
}


class FieldInfo(ma.Schema):
    name = ma.fields.String(metadata={"description": "Field name"})
    type = ma.fields.String(metadata={"description": "Field type"})
    unit = ma.fields.String(allow_none=True, metadata={"description": "Unit of measure"})
    description = ma.fields.Nested(I18nText)


class DistributionInfo(ma.Schema):
    format = ma.fields.String(metadata={"description": "Format name, as in download.{format}"})
    media_type = ma.fields.String(metadata={"description": "IANA media type"})
    url = ma.fields.String(metadata={"description": "Download URL of the whole dataset"})
    byte_size = ma.fields.Integer(allow_none=True,
                                  metadata={"description": "Bytes (null until built)"})
    sha256 = ma.fields.String(allow_none=True,
                              metadata={"description": "SHA-256 of the file (null until built)"})
    period = ma.fields.String(metadata={
        "description": "Extracts of live datasets only: the month (YYYY-MM, UTC+7)"})
    temporal = ma.fields.Dict(metadata={
        "description": "Extracts only: the month's start and end (half-open, ISO 8601)"})


class DatasetSchema(ma.Schema):
    id = ma.fields.String(metadata={"description": "Dataset id (also the collection id)"})
    title = ma.fields.Nested(I18nText)
    description = ma.fields.Nested(I18nText)
    publisher = ma.fields.Dict(metadata={"description": "Publisher (name)"})
    contact_point = ma.fields.Dict(metadata={"description": "Contact point (name, email)"})
    license = ma.fields.Dict(allow_none=True, metadata={"description": "Licence (id, url)"})
    keywords = ma.fields.Dict(metadata={"description": "Keywords by language"})
    themes = ma.fields.List(ma.fields.String(), metadata={"description": "EU data themes"})
    spatial = ma.fields.Dict(allow_none=True, metadata={"description": "Bounding box"})
    temporal = ma.fields.Dict(allow_none=True, metadata={"description": "Time coverage"})
    update_frequency = ma.fields.String(metadata={"description": "How often it changes"})
    kind = ma.fields.String(metadata={"description": "batch (loaded) or live (continuous)"})
    synthetic = ma.fields.Boolean(metadata={"description": "True for generated sample data"})
    sources = ma.fields.List(ma.fields.Dict(), metadata={"description": "Provenance"})
    version = ma.fields.Integer(metadata={"description": "Current dataset version"})
    created = ma.fields.String(allow_none=True, metadata={"description": "Issued (ISO 8601)"})
    modified = ma.fields.String(allow_none=True, metadata={"description": "Last change"})
    record_count = ma.fields.Integer(metadata={"description": "Records in this version"})
    fields = ma.fields.List(ma.fields.Nested(FieldInfo))
    distributions = ma.fields.List(ma.fields.Nested(DistributionInfo))
    links = ma.fields.List(ma.fields.Nested(Link))


class DatasetPageSchema(ma.Schema):
    datasets = ma.fields.List(ma.fields.Nested(DatasetSchema))
    numberMatched = ma.fields.Integer(metadata={"description": "Datasets matching the search"})
    numberReturned = ma.fields.Integer(metadata={"description": "Datasets on this page"})
    links = ma.fields.List(ma.fields.Nested(Link))


class DatasetSearchArgs(ma.Schema):
    q = ma.fields.String(validate=ma.validate.Length(1, 200), metadata={
        "description": "Words to find in titles, descriptions and keywords (case and "
                       "diacritics folded: `camera giao thong` finds `giao thông`)."})
    theme = ma.fields.String(metadata={"description": "EU data theme code, e.g. TRAN"})
    keyword = ma.fields.String(metadata={"description": "One keyword (vi or en), folded"})
    publisher = ma.fields.String(metadata={"description": "Part of the publisher's name"})
    limit = ma.fields.Integer(load_default=100, validate=ma.validate.Range(1, 1000),
                              metadata={"description": "Page size (default 100, max 1000)"})
    offset = ma.fields.Integer(load_default=0, validate=ma.validate.Range(0, 100_000),
                               metadata={"description": "Datasets to skip"})


class VersionInfo(ma.Schema):
    version = ma.fields.Integer(metadata={"description": "Dataset version"})
    current = ma.fields.Boolean(metadata={"description": "Whether it is the current version"})
    formats = ma.fields.List(ma.fields.Nested(DistributionInfo),
                             metadata={"description": "Files built for this version"})


class VersionsSchema(ma.Schema):
    dataset = ma.fields.String(metadata={"description": "Dataset id"})
    kind = ma.fields.String(metadata={"description": "batch (versions) or live (extracts)"})
    keep = ma.fields.Integer(allow_none=True, metadata={
        "description": "How many versions are kept (null for live datasets)"})
    versions = ma.fields.List(ma.fields.Nested(VersionInfo), metadata={
        "description": "Kept versions, newest first (empty for live datasets)"})
    extracts = ma.fields.List(ma.fields.Nested(DistributionInfo), metadata={
        "description": "Live datasets: one extract per finished month, newest first"})


class DownloadArgs(ma.Schema):
    """Documented download arguments; the dataset's own filters are accepted too."""

    version = ma.fields.Integer(validate=ma.validate.Range(1), metadata={
        "description": "A kept earlier version (see /datasets/{id}/versions); default current."})
    bom = ma.fields.Boolean(load_default=False, metadata={
        "description": "CSV only: start with a UTF-8 byte-order mark so Excel reads accents."})
    bbox = ma.fields.String(metadata={
        "description": "Subset: minLon,minLat,maxLon,maxLat (WGS 84). Any filter of the "
                       "dataset's list endpoint (fields, commune, q, updated_since, and "
                       "`start_date`/`end_date` over its time field when it has one) is "
                       "accepted too; subsets stream as csv, geojson or ndjson without a "
                       "checksum."})
