"""The formats of an OGC items page: GeoJSON (through :mod:`opengov.geo.stored_features`), HTML
pages rendered on the server, and the shared CSV."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import orjson

from opengov.encoders import ENCODERS, PageBody
from opengov.encoders.stored import geojson_encoder
from opengov.geo.stored_features import Reading


class HTMLEncoder:
    """A server-rendered page of features; ``render(features, body)`` returns the HTML."""

    media_type = "text/html; charset=utf-8"

    def __init__(self, render: Callable[[list[dict], PageBody], str]):
        self.render = render

    def columns(self, collection, summary) -> None:
        return None  # the stored Feature JSON

    def page(self, body: PageBody) -> Iterator[str]:
        # Rendered now, inside the request (templates need it), not while streaming.
        return iter([self.render([orjson.loads(i) for i in body.items], body)])


def feature_encoders(read: Reading, html: Callable[[list[dict], PageBody], str]) -> dict:
    """The formats of an OGC items page, GeoJSON first (the default)."""
    return {"geojson": geojson_encoder(read), "html": HTMLEncoder(html), "csv": ENCODERS["csv"]}
