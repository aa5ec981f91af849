"""Absolute links for responses: self/next/prev URLs and the ``Link`` header."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import request

from opengov.context import current
from opengov.cursor import Cursor


def base_url() -> str:
    """The public base URL (setting, or the request's host) without a trailing slash."""
    configured = current().settings.base_url
    if configured:
        return configured.rstrip("/")
    # Built by hand: ``request.host_url`` re-parses the whole URL (IRI conversion) every time.
    return f"{request.scheme}://{request.host}{request.script_root}"


def url_for_path(path: str, params: dict | None = None) -> str:
    url = base_url() + path
    return f"{url}?{urlencode(params, doseq=True)}" if params else url


def page_url(**overrides) -> str:
    """This request's URL with some query arguments replaced (None removes one)."""
    params = {k: v for k, v in request.args.items(multi=False)}
    for key, value in overrides.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return url_for_path(request.path, params)


def paging_links(next_cursor: Cursor | None, prev_cursor: Cursor | None,
                 media_type: str) -> list[dict]:
    """``self``, ``next`` and ``prev`` links of a list page (``next`` only when there is one)."""
    links = [{"rel": "self", "type": media_type, "href": page_url()}]
    if next_cursor is not None:
        links.append({"rel": "next", "type": media_type, "title": "Next page",
                      "href": page_url(cursor=next_cursor.encode(), offset=None)})
    if prev_cursor is not None:
        links.append({"rel": "prev", "type": media_type, "title": "Previous page",
                      "href": page_url(cursor=prev_cursor.encode(), offset=None)})
    return links


def link_header(links: list[dict]) -> str:
    return ", ".join(f'<{link["href"]}>; rel="{link["rel"]}"' for link in links
                     if link["rel"] in ("next", "prev", "self"))
