"""One content-negotiation step: the ``f`` parameter wins, then ``Accept``, then the default."""

from __future__ import annotations

from flask import request

from opengov.errors import ApiError

MEDIA_TYPES = {
    "geojson": "application/geo+json",
    "json": "application/json",
    "csv": "text/csv",
    "html": "text/html",
}
# ``f=json`` on a spatial endpoint means GeoJSON, as OGC clients expect.
ALIASES = {"json": "geojson"}


def negotiate(offered: tuple[str, ...], default: str, *, spatial: bool = True) -> str:
    """The format to answer with, among ``offered`` format names."""
    req = request._get_current_object()  # one context lookup, not one per attribute
    query = req.query_string
    # Parsing the query string only when it may hold an ``f`` (plain or percent-encoded).
    asked = req.args.get("f") if b"f" in query or b"%" in query else None
    if asked:
        name = ALIASES.get(asked, asked) if spatial else asked
        if name not in offered:
            raise ApiError(400, f"Unsupported format f={asked!r}; use one of: "
                           f"{', '.join(sorted(set(offered) | ({'json'} if spatial else set())))}.",
                           errors=[{"location": "query", "field": "f",
                                    "messages": [f"not one of {', '.join(offered)}"]}])
        return name
    if req.environ.get("HTTP_ACCEPT", "*/*").strip() in ("*/*", ""):  # anything goes
        return default
    if not req.accept_mimetypes or req.accept_mimetypes.provided is False:
        return default
    by_type = {MEDIA_TYPES[name]: name for name in offered}
    if spatial and "geojson" in offered:
        by_type.setdefault("application/json", "geojson")
    best = req.accept_mimetypes.best_match(
        [MEDIA_TYPES[default], *by_type], default=None
    )
    if best is None:
        raise ApiError(406, "None of the formats in Accept is available; offered: "
                       + ", ".join(MEDIA_TYPES[n] for n in offered) + ".")
    return by_type.get(best, default)
