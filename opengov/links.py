"""Absolute links for responses: self/next/prev URLs and the ``Link`` header."""

from __future__ import annotations

import re
from urllib.parse import unquote_plus, urlencode

from flask import request

from opengov.context import current
from opengov.cursor import Cursor


def base_url() -> str:
    """The public base URL (setting, or the request's host) without a trailing slash."""
    configured = current().settings.base_url
    if configured:
        return configured.rstrip("/")
    # Built by hand: ``request.host_url`` re-parses the whole URL (IRI conversion) every time.
    req = request._get_current_object()  # one context lookup, not one per attribute
    return f"{req.scheme}://{req.host}{req.script_root}"


def site_path(path: str) -> str:
    """A URL for ``path`` that never depends on the request's ``Host``: under the configured
    base URL, else relative to this server's root (for pages' scripts, styles and data URLs,
    which a shared cache may keep and serve to everyone)."""
    configured = current().settings.base_url
    if configured:
        return configured.rstrip("/") + path
    return request.script_root + path


def url_for_path(path: str, params: dict | None = None) -> str:
    url = base_url() + path
    return f"{url}?{urlencode(params, doseq=True)}" if params else url


def page_url(**overrides) -> str:
    """This request's URL with some query arguments replaced (None removes one).

    The other arguments stay as the client sent them (order and encoding), so ``self`` is the
    request's own URL; characters a URL may not carry are percent-encoded.
    """
    return _with(*_request_url(), overrides)


def _request_url() -> tuple[str, list[str]]:
    """(absolute URL without the query, the query's ``name=value`` parts).

    A query of plain URL characters is kept as sent; anything else (spaces, quotes, ``<``,
    non-ASCII, a stray ``%``) is re-encoded from the parsed arguments.
    """
    req = request._get_current_object()
    query = req.query_string
    if _PLAIN_QUERY.fullmatch(query):
        parts = [part for part in query.decode().split("&") if part]
    else:
        parts = [urlencode([item]) for item in req.args.items(multi=True)]
    return base_url() + req.path, parts


def _with(url: str, parts: list[str], overrides: dict) -> str:
    kept = [part for part in parts if _name(part) not in overrides] if overrides else parts
    added = {k: v for k, v in overrides.items() if v is not None}
    if added:
        kept = [*kept, urlencode(added, doseq=True)]
    return f"{url}?{'&'.join(kept)}" if kept else url


# RFC 3986 query characters and well-formed percent-escapes.
_PLAIN_QUERY = re.compile(rb"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*")


def _name(part: str) -> str:
    name = part.split("=", 1)[0]
    return unquote_plus(name) if "%" in name or "+" in name else name


def paging_links(next_cursor: Cursor | None, prev_cursor: Cursor | None,
                 media_type: str) -> list[dict]:
    """``self``, ``next`` and ``prev`` links of a list page (``next`` only when there is one)."""
    url, parts = _request_url()
    links = [{"rel": "self", "type": media_type, "href": _with(url, parts, {})}]
    if next_cursor is not None:
        links.append({"rel": "next", "type": media_type, "title": "Next page",
                      "href": _with(url, parts, {"cursor": next_cursor.encode(),
                                                 "offset": None})})
    if prev_cursor is not None:
        links.append({"rel": "prev", "type": media_type, "title": "Previous page",
                      "href": _with(url, parts, {"cursor": prev_cursor.encode(),
                                                 "offset": None})})
    return links


def link_header(links: list[dict]) -> str:
    """The RFC 8288 ``Link`` header of a page's links, each with its media ``type``: OGC API
    clients choose a representation by it and find the queryables there (OGC 19-079r2,
    /conf/queryables/get-queryables-uris)."""
    return ", ".join(
        f'<{link["href"]}>; rel="{link["rel"]}"' + (f'; type="{link["type"]}"'
                                                    if link.get("type") else "")
        for link in links)


def collection_path(collection) -> str:
    """The path of a collection's own list endpoint, built from its declared Flask endpoint;
    its catalogue record ``/datasets/{id}`` when it has none."""
    if collection.endpoint is None:
        return f"/datasets/{collection.id}"
    from flask import url_for

    return url_for(collection.endpoint).removeprefix(request.script_root)


def collection_url(collection) -> str:
    """The absolute URL of :func:`collection_path`."""
    return url_for_path(collection_path(collection))
