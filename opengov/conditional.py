"""Conditional requests: ETags derived from versions, 304 for ``If-None-Match``, 412 for a stale
``If-Match``.

Every versioned read is one :func:`versioned` decorator plus one :func:`version_tag` call in the
view, made as soon as the view knows which version of the data it answers from::

    @blp.route("/stats")
    @blp.arguments(StatsArgs, location="query")
    @blp.response(200, StatsSchema)
    @versioned(blp, max_age=PARCELS.cache_seconds)
    def stats_view(args):
        with store.reading() as conn:
            state = repo.state(conn)
            version_tag("land-stats", state.version, args.get("commune"))  # 304 ends here
            body = expensive(state.version, conn)
        return Response(body)  # the decorator adds ETag and Cache-Control

The decorator documents ``304 Not Modified`` (and ``412`` when it checks ``If-Match``) in the
OpenAPI document; at run time it answers 304 when :func:`version_tag` finds the client's
``If-None-Match`` already names that tag (before the body is built), and otherwise stamps the
view's response with the tag and ``Cache-Control``. The tag is called from inside the view, not
computed by the decorator beforehand, so that it comes from the same read (the same SQLite
snapshot) as the body: an ETag never names a version other than the one served.

ETags are hashes of version numbers and query text, never of response bytes; the comparison
ignores the ``W/`` prefix and the ``-gzip``/``;gzip``/``-br`` suffixes that compressing servers
and proxies put on a tag (nginx's gzip makes it weak; Apache's mod_deflate appends ``-gzip``,
its ``DeflateAlterETag``), so transport compression never breaks a revalidation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import wraps

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


def _client_has(etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (or is ``*``)."""
    header = request.environ.get("HTTP_IF_NONE_MATCH")  # not headers.get: a miss raises inside
    return bool(header) and (header.strip() == "*" or etag in _tags(header))


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


class _NotModified(Exception):
    """Raised by :func:`version_tag` to end the view; :func:`versioned` answers its 304."""

    def __init__(self, response: Response):
        super().__init__("not modified")
        self.response = response


@dataclass(slots=True)
class _Tag:
    """The validators of the answer one :func:`versioned` view is building."""

    max_age: int
    if_match: bool
    etag: str | None = None
    cache_control: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)

    def stamp(self, response: Response) -> Response:
        response.headers["ETag"] = self.etag
        response.headers["Cache-Control"] = self.cache_control
        for name, value in self.headers.items():
            response.headers[name] = value
        return response


# The answer the running @versioned view is building (a context variable rather than flask.g:
# it is read on every versioned request, and a ContextVar costs no proxy lookup).
_PENDING: ContextVar[_Tag | None] = ContextVar("opengov_version_tag", default=None)


def version_tag(*parts: object, max_age: int | None = None, cache_control: str | None = None,
                headers: Mapping[str, str] | None = None) -> str:
    """Name the version being served: ``make_etag(*parts)``; 304 now if the client has it.

    Call it once the view knows its version (collection state, row version, digest) and before
    it builds the body. ``max_age`` overrides the decorator's lifetime for this answer (a tile's
    collection is known only from its path); ``cache_control`` replaces the header altogether;
    ``headers`` go on the 304 as on the full answer (they describe the representation, as
    ``Last-Modified`` of a camera image does). Calling it again (a view adding to a shared
    view's answer) replaces the tag.
    """
    pending = _PENDING.get()
    if pending is None:
        raise RuntimeError("version_tag() is called only inside a @versioned view")
    etag = make_etag(*parts)
    pending.etag = etag
    pending.cache_control = cache_control or (
        f"public, max-age={pending.max_age if max_age is None else max_age}")
    pending.headers = headers or {}
    if pending.if_match:
        check_if_match(etag)  # RFC 9110 §13.2.2: If-Match before If-None-Match
    if _client_has(etag):
        raise _NotModified(pending.stamp(Response(status=304)))
    return etag


def if_match_required(blp) -> Callable:
    """Document a change guarded by :func:`check_if_match` with ``required=True``: 412, 428.

    The check itself runs inside the view's write transaction (against the row version it
    locked), so this decorator only documents; it stays next to the check it describes.
    """

    def decorate(view: Callable) -> Callable:
        view = blp.alt_response(428, response="PRECONDITION_REQUIRED")(view)
        return blp.alt_response(412, response="PRECONDITION_FAILED")(view)

    return decorate


def current_tag() -> str | None:
    """The ETag the running :func:`versioned` view has named so far (None: not yet)."""
    pending = _PENDING.get()
    return None if pending is None else pending.etag


def versioned(blp, *, max_age: int = 60, if_match: bool = False) -> Callable:
    """Decorate a GET view that calls :func:`version_tag`: 304, ETag, Cache-Control, docs.

    ``max_age`` is the ``Cache-Control`` lifetime (the collection's ``cache_seconds``);
    ``if_match`` also answers 412 when ``If-Match`` names another version. The 304 (and 412)
    responses are added to the operation in the OpenAPI document. Put it below ``blp.response``
    (next to the view): the view returns a :class:`flask.Response`. A view that never calls
    :func:`version_tag` (a streamed subset, a file served with its own validators) returns its
    response untouched.
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            pending = _Tag(max_age, if_match)
            token = _PENDING.set(pending)
            try:
                response = view(*args, **kwargs)
            except _NotModified as done:
                return done.response
            finally:
                _PENDING.reset(token)
            if pending.etag is not None:
                pending.stamp(response)
            return response

        wrapper = blp.alt_response(304, response="NOT_MODIFIED")(wrapper)
        if if_match:
            wrapper = blp.alt_response(412, response="PRECONDITION_FAILED")(wrapper)
        return wrapper

    return decorate
