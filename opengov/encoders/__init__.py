"""The encoder registry: one entry per output format, chosen by content negotiation.

An encoder says which columns it needs from the store and turns a page of them into body
chunks. Views never branch on the format themselves.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from opengov.clock import second_text
from opengov.collections import Collection
from opengov.encoders import csv as csv_encoder
from opengov.encoders.geojson import feature_collection, json_list


@dataclass(frozen=True)
class PageBody:
    """What an encoder needs to write one page."""

    collection: Collection
    items: list
    number_matched: int | None
    links: list[dict]
    summarise: Callable[[tuple], str] | None = None


def _now() -> str:
    """The time to the second, as RFC 3339 UTC text (formatted once per second)."""
    return second_text(int(time.time())) + "Z"


class GeoJSONEncoder:
    media_type = "application/geo+json"

    def columns(self, collection: Collection, summary: list[str] | None) -> list[str] | None:
        return None  # the stored Feature JSON

    def page(self, body: PageBody) -> Iterator[str]:
        return feature_collection(body.items, number_matched=body.number_matched,
                                  number_returned=len(body.items), links=body.links,
                                  time_stamp=_now())


class JSONEncoder:
    media_type = "application/json"

    def columns(self, collection: Collection, summary: list[str] | None) -> list[str] | None:
        return summary

    def page(self, body: PageBody) -> Iterator[str]:
        items = [body.summarise(i) for i in body.items] if body.summarise else body.items
        return json_list(items, number_matched=body.number_matched,
                         number_returned=len(body.items), links=body.links)


class CSVEncoder:
    media_type = "text/csv; charset=utf-8"

    def columns(self, collection: Collection, summary: list[str] | None) -> list[str] | None:
        return csv_encoder.source_columns(collection)

    def page(self, body: PageBody) -> Iterator[str]:
        return csv_encoder.rows(body.collection, body.items)


def buffered(chunks: Iterable[str | bytes], size: int = 1 << 16) -> Iterator[bytes]:
    """Group small chunks (text or UTF-8 bytes) into blocks of about ``size`` bytes.

    A page is many small pieces (one per feature); handing them to the server one by one costs
    a system call each, so they are joined here and sent in large blocks. Stored features
    arrive as bytes and are never decoded.
    """
    parts: list[bytes] = []
    pending = 0
    for chunk in chunks:
        data = chunk.encode() if isinstance(chunk, str) else chunk
        parts.append(data)
        pending += len(data)
        if pending >= size:
            yield b"".join(parts)
            parts, pending = [], 0
    if pending:
        yield b"".join(parts)


def joined(chunks: Iterable[str | bytes]) -> bytes:
    """A whole (bounded) page as one body: sent with a ``Content-Length``, not chunked."""
    return b"".join(c.encode() if isinstance(c, str) else c for c in chunks)


ENCODERS = {"geojson": GeoJSONEncoder(), "json": JSONEncoder(), "csv": CSVEncoder()}
