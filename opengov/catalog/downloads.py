"""``GET /datasets/{id}/download.{fmt}``: built files for whole datasets, streams for subsets."""

from __future__ import annotations

import base64
from dataclasses import replace
from functools import cache

import marshmallow as ma
from flask import Response, send_file

from opengov import query as q
from opengov.catalog import csvw, extracts, formats, live_catalog, rows
from opengov.catalog.datapackage import table_schema
from opengov.catalog.distributions import Built, VersionGone
from opengov.catalog.service import collection_or_404, distributions
from opengov.catalog.xlsx import XlsxLimit
from opengov.collections import Collection
from opengov.conditional import make_etag
from opengov.context import current
from opengov.encoders import buffered
from opengov.errors import ApiError
from opengov.geo.geojson import dumps
from opengov.links import url_for_path
from opengov.params import AwareDateTime, list_args_schema, to_query
from opengov.store.filters import FilterError

NOT_FILTERS = ("version", "bom")
RANGE = ("start_date", "end_date")


def _date_range(collection: Collection) -> dict[str, ma.fields.Field]:
    """``start_date``/``end_date`` over the time field (half-open), as the reports API has."""
    if collection.time_field is None:
        return {}
    name = collection.time_field
    return {"start_date": AwareDateTime(metadata={
                "description": f"Subset: {name} at or after this time (ISO 8601 with offset)"}),
            "end_date": AwareDateTime(metadata={
                "description": f"Subset: {name} before this time (ISO 8601 with offset)"})}


@cache
def _filter_schema(collection: Collection) -> ma.Schema:
    return list_args_schema(collection, (), paging=False, extra=_date_range(collection))()


def _query(collection: Collection, filters: dict) -> q.Query:
    query = to_query(collection, filters, special=RANGE)
    if filters.get("start_date") or filters.get("end_date"):
        start, end = filters.get("start_date"), filters.get("end_date")
        if start and end and start >= end:
            raise ApiError(400, "end_date must be after start_date.")
        query = replace(query, interval=q.Interval(start, end))
    return query


def _filters(collection: Collection, args: dict) -> dict:
    """The dataset's own filters among the query arguments (400 on unknown or bad ones)."""
    raw = {k: v for k, v in args.items() if k not in NOT_FILTERS}
    try:
        return _filter_schema(collection).load(raw, unknown=ma.RAISE)
    except ma.ValidationError as exc:
        errors = [{"location": "query", "field": name, "messages": list(msgs)}
                  for name, msgs in exc.normalized_messages().items()]
        names = ", ".join(e["field"] for e in errors)
        raise ApiError(400, f"Invalid value for: {names}.", title="Invalid request",
                       errors=errors, kind="validation") from exc


def _format(collection: Collection, fmt: str) -> formats.Format:
    count = current().store.repo(collection.id).state().record_count
    reason = formats.unavailable(collection, fmt, count)
    if reason is not None:
        offered = ", ".join(f.name for f in formats.offered(collection, count))
        raise ApiError(404, f"{collection.id} is not offered as {fmt!r} ({reason}); "
                            f"formats: {offered}.")
    return formats.FORMATS[fmt]


def _registered(dataset_id: str) -> Collection:
    """The collection behind a download (a live table has only extracts: a 404 says so)."""
    if dataset_id in live_catalog.sources() and dataset_id not in current().registry:
        raise ApiError(404, f"{dataset_id} is published as monthly extracts only; "
                            f"/datasets/{dataset_id}/versions lists them.")
    return collection_or_404(dataset_id)


def download(dataset_id: str, fmt: str, args: dict) -> Response:
    """The whole dataset as a built file, or a streamed subset when filters are given."""
    collection = _registered(dataset_id)
    spec = _format(collection, fmt)
    filters = _filters(collection, args)
    if filters or args.get("bom"):
        if args.get("version") is not None:
            raise ApiError(400, "Subsets are made from the current version only.")
        return _stream(collection, spec, filters, bom=bool(args.get("bom")))
    if args.get("version") is not None and collection.kind == "live":
        raise ApiError(400, f"{collection.id} is live: it keeps no versions but monthly "
                            f"extracts, listed at /datasets/{collection.id}/versions.")
    try:
        built = distributions().get(collection, fmt, args.get("version"))
    except VersionGone as exc:
        kept = distributions().versions(collection.id)
        raise ApiError(404, f"Version {exc.args[0]} of {collection.id} is not kept; kept: "
                            f"{', '.join(map(str, kept)) or 'none yet'}.") from exc
    except XlsxLimit as exc:
        raise ApiError(409, f"{collection.id} does not fit in a spreadsheet: {exc}; "
                            "use csv or parquet.") from exc
    response = serve(built, spec.media_type, make_etag(collection.id, built.version, fmt),
                     collection.cache_seconds)
    return _described(response, collection.id, "download.csv") if fmt == "csv" else response


def extract_download(dataset_id: str, key: str, fmt: str) -> Response:
    """A live dataset's extract of one finished month."""
    source = live_catalog.sources().get(dataset_id)
    if source is None:
        collection_or_404(dataset_id)  # 404 for unknown datasets …
        raise ApiError(404, f"{dataset_id} is not live: it has versions, not monthly extracts; "
                            f"/datasets/{dataset_id}/versions lists them.")
    if fmt != extracts.FORMAT:
        raise ApiError(404, f"Extracts are offered as {extracts.FORMAT}, not {fmt!r}.")
    try:
        built = live_catalog.extracts().get(source, key)
    except ValueError as exc:
        raise ApiError(400, str(exc)) from exc
    except extracts.ExtractUnavailable as exc:
        raise ApiError(404, str(exc)) from exc
    response = serve(built, extracts.MEDIA_TYPE, make_etag(dataset_id, key, fmt, built.sha256),
                     source.collection.cache_seconds)
    return _described(response, dataset_id, f"extracts/{key}.{extracts.EXTENSION}")


def serve(built: Built, media_type: str, etag: str, max_age: int) -> Response:
    """A built file with its length, validators, range support and RFC 9530 digest.

    Unlike the other versioned reads this one does not call
    :func:`opengov.conditional.version_tag` (its view is still ``@versioned``, which documents
    the 304): werkzeug's ``send_file(conditional=True)`` evaluates ``If-None-Match``,
    ``If-Modified-Since``, ``Range`` and ``If-Range`` together against the file, and its 304
    keeps the file's ``Content-Disposition``, ``Expires`` and ``Repr-Digest``. Downloads are
    never compressed (see :mod:`opengov.compression`), so the ETag needs no suffix folding.
    """
    response = send_file(built.path, mimetype=media_type, as_attachment=True,
                         download_name=built.filename, conditional=True,
                         etag=etag.strip('"'), last_modified=built.modified, max_age=max_age)
    response.headers["Content-Type"] = media_type  # as given (send_file adds a charset)
    body = response.response
    if hasattr(body, "close"):  # close the file even when gzip re-wraps the body
        response.call_on_close(body.close)
    # RFC 9530 Repr-Digest: the sha256 of the representation, base64 between colons.
    digest = base64.b64encode(bytes.fromhex(built.sha256)).decode()
    response.headers["Repr-Digest"] = f"sha-256=:{digest}:"
    return response


def _stream(collection: Collection, spec: formats.Format, filters: dict, *,
            bom: bool) -> Response:
    if not spec.streams:
        raise ApiError(400, f"Subsets stream as csv, geojson or ndjson, not {spec.name}; "
                            "download the whole dataset in this format instead.")
    query = _query(collection, filters)
    state = current().store.repo(collection.id).state()
    try:  # compile once now, so a bad filter is a 400 rather than a broken stream
        current().store.repo(collection.id).where(query)
    except FilterError as exc:
        raise ApiError(400, str(exc)) from exc
    store = current().store

    def batches(columns):
        return rows.batches(store, collection, query, columns=columns)

    body = formats.stream(spec.name, collection, batches, bom=bom)
    response = Response(buffered(body), content_type=spec.media_type)
    name = (f"{current().settings.region_slug}-{collection.id}-v{state.version}-subset."
            f"{spec.extension}")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return _described(response, collection.id, "download.csv") if spec.name == "csv" \
        else response


def _described(response: Response, dataset_id: str, csv_path: str) -> Response:
    """Add the ``Link`` to a CSV's CSVW metadata and to the dataset's data package."""
    base = f"/datasets/{dataset_id}/"
    response.headers["Link"] = csvw.link_header(
        url_for_path(base + csv_path + csvw.SUFFIX), url_for_path(base + "datapackage.json"))
    return response


def _csvw(dataset_id: str, csv_path: str, schema: dict, title: str) -> Response:
    body = csvw.metadata(csv_path.rsplit("/", 1)[-1], schema, title)
    response = Response(dumps(body), mimetype=csvw.MEDIA_TYPE)
    response.headers["Link"] = (f'<{url_for_path(f"/datasets/{dataset_id}/{csv_path}")}>; '
                                'rel="describes"; type="text/csv"')
    return response


def download_metadata(dataset_id: str) -> Response:
    """CSVW metadata of ``download.csv`` (whole dataset, any kept version, or a subset)."""
    collection = _registered(dataset_id)
    _format(collection, "csv")
    return _csvw(dataset_id, "download.csv", table_schema(collection),
                 f"{collection.title['en']} (download.csv)")


def extract_metadata(dataset_id: str, key: str) -> Response:
    """CSVW metadata of a live dataset's monthly extract (the month need not be built)."""
    source = live_catalog.sources().get(dataset_id)
    if source is None:
        collection_or_404(dataset_id)
        raise ApiError(404, f"{dataset_id} is not live: it has no monthly extracts.")
    try:
        extracts.period(key)
    except ValueError as exc:
        raise ApiError(400, str(exc)) from exc
    schema = source.schema or table_schema(source.collection)
    return _csvw(dataset_id, f"extracts/{key}.{extracts.EXTENSION}", schema,
                 f"{source.collection.title['en']} ({key})")
