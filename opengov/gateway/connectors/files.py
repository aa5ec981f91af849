"""Plain files over HTTP: CSV, JSON and GeoJSON."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from opengov.gateway.config import Source
from opengov.gateway.connectors.base import Upstream, feature_record, features_of
from opengov.gateway.errors import HarvestError
from opengov.gateway.fetch import Fetcher
from opengov.gateway.mapping import lookup


def csv_records(fetcher: Fetcher, source: Source) -> Iterator[Upstream]:
    """Rows of a CSV file (options ``delimiter``, ``encoding``; header row required)."""
    response = fetcher.get(source.url, source.option("params"))
    encoding = source.option("encoding", "utf-8-sig")
    try:
        text = response.content.decode(encoding)
        if "\x00" in text:
            raise HarvestError(f"{fetcher.responses[-1].url}: NUL byte in CSV")
        rows = list(csv.DictReader(io.StringIO(text),
                                   delimiter=source.option("delimiter", ",")))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise HarvestError(f"malformed CSV from {fetcher.responses[-1].url}: {exc}") from None
    for row in rows:
        if None in row:
            yield Upstream(row, problem=f"row has {len(row) - 1 + len(row[None])} values "
                           f"for {len(row) - 1} columns")
        else:
            yield Upstream(row)


def records_at(body: object, path: str | None, url: str) -> list:
    """The list of records in a JSON document: the body itself or at a dotted path."""
    found = lookup(body, path) if path and isinstance(body, dict) else body
    if not isinstance(found, list):
        where = f" at {path!r}" if path else ""
        raise HarvestError(f"{url}: no list of records{where}")
    return found


def json_records(fetcher: Fetcher, source: Source) -> Iterator[Upstream]:
    """Objects of a JSON array (or the array at option ``records_path``)."""
    body = fetcher.json(source.url, source.option("params"))
    for item in records_at(body, source.option("records_path"), fetcher.responses[-1].url):
        yield Upstream(item)


def geojson_records(fetcher: Fetcher, source: Source) -> Iterator[Upstream]:
    """Features of a GeoJSON FeatureCollection file."""
    body = fetcher.json(source.url, source.option("params"))
    for feature in features_of(body, fetcher.responses[-1].url):
        yield feature_record(feature)
