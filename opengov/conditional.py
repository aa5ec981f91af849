"""ETags derived from versions, 304 for ``If-None-Match``, 412 for a stale ``If-Match``."""

from __future__ import annotations

import hashlib

from flask import Response, request

from opengov.errors import ApiError


def make_etag(*parts: object) -> str:
    """A strong ETag from version numbers and query text (never from response bytes)."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:20]
    return f'"{digest}"'


def _tags(header: str) -> set[str]:
    """ETags in a header, normalised so transport compression never breaks a comparison."""
    out = set()
    for raw in header.split(","):
        tag = raw.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        for suffix in ('-gzip"', ';gzip"', '-br"'):
            if tag.endswith(suffix):
                tag = tag[: -len(suffix)] + '"'
        if tag:
            out.add(tag)
    return out


def not_modified(etag: str, cache_seconds: int) -> Response | None:
    """A 304 response when the client's ``If-None-Match`` already names ``etag``."""
    header = request.environ.get("HTTP_IF_NONE_MATCH")  # not headers.get: a miss raises inside
    if header and (header.strip() == "*" or etag in _tags(header)):
        response = Response(status=304)
        response.headers["ETag"] = etag
        response.headers["Cache-Control"] = f"public, max-age={cache_seconds}"
        return response
    return None


def check_if_match(etag: str, *, required: bool = False) -> None:
    """412 when ``If-Match`` names another version; 428 when it is required and absent.

    When it is required (a lost-update check), ``If-Match: *`` is 428 too: ``*`` matches any
    version, so it proves nothing about which version the client read.
    """
    header = request.headers.get("If-Match")
    if header is None:
        if required:
            raise ApiError(428, "This change needs an If-Match header with the current ETag.")
        return
    if required and header.strip() == "*":
        raise ApiError(428, "If-Match: * is not accepted here: send the ETag of the version you "
                            "read (GET the resource first), so a change made since is not lost.")
    if header.strip() != "*" and etag not in _tags(header):
        raise ApiError(412, "The resource changed since you read it (ETag mismatch).")


def finish(response: Response, etag: str, cache_seconds: int) -> Response:
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = f"public, max-age={cache_seconds}"
    return response
