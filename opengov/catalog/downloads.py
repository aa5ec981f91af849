"""``GET /datasets/{id}/download.{fmt}``: built files for whole datasets, streams for subsets."""

from __future__ import annotations

import base64
from functools import cache

import marshmallow as ma
from flask import Response, send_file

from opengov.catalog import formats, rows
from opengov.catalog.distributions import AREA, VersionGone
from opengov.catalog.service import collection_or_404, distributions
from opengov.collections import Collection
from opengov.conditional import make_etag
from opengov.context import current
from opengov.encoders import buffered
from opengov.errors import ApiError
from opengov.params import list_args_schema, to_query
from opengov.store.filters import FilterError

NOT_FILTERS = ("version", "bom")


@cache
def _filter_schema(collection: Collection) -> ma.Schema:
    return list_args_schema(collection, (), paging=False)()


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
    offered = formats.offered(collection)
    if fmt not in {f.name for f in offered}:
        raise ApiError(404, f"{collection.id} is not offered as {fmt!r}; formats: "
                            f"{', '.join(f.name for f in offered)}.")
    return formats.FORMATS[fmt]


def download(dataset_id: str, fmt: str, args: dict) -> Response:
    """The whole dataset as a built file, or a streamed subset when filters are given."""
    collection = collection_or_404(dataset_id)
    spec = _format(collection, fmt)
    filters = _filters(collection, args)
    if filters or args.get("bom"):
        if args.get("version") is not None:
            raise ApiError(400, "Subsets are made from the current version only.")
        return _stream(collection, spec, filters, bom=bool(args.get("bom")))
    try:
        built = distributions().get(collection, fmt, args.get("version"))
    except VersionGone as exc:
        kept = distributions().versions(collection.id)
        raise ApiError(404, f"Version {exc.args[0]} of {collection.id} is not kept; kept: "
                            f"{', '.join(map(str, kept)) or 'none yet'}.") from exc
    response = send_file(built.path, mimetype=spec.media_type, as_attachment=True,
                         download_name=built.filename, conditional=True,
                         etag=make_etag(collection.id, built.version, fmt).strip('"'),
                         last_modified=built.modified, max_age=collection.cache_seconds)
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
    query = to_query(collection, filters)
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
    name = f"{AREA}-{collection.id}-v{state.version}-subset.{spec.extension}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
