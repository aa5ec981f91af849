"""FeatureCollections assembled from pre-serialised Feature JSON, never re-parsed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from opengov.geo.geojson import dumps


def feature_collection(features: Iterable[str | bytes], *, number_matched: int | None,
                       number_returned: int, links: list[dict], time_stamp: str,
                       extra: dict | None = None) -> Iterator[str | bytes]:
    """Chunks of a GeoJSON FeatureCollection; the features are joined as stored."""
    head: dict = {"type": "FeatureCollection"}
    if number_matched is not None:
        head["numberMatched"] = number_matched
    head["numberReturned"] = number_returned
    head["timeStamp"] = time_stamp
    head.update(extra or {})
    head["links"] = links
    yield dumps(head)[:-1] + ',"features":['
    yield from _joined(features)
    yield "]}"


def _joined(items: Iterable[str | bytes]) -> Iterator[str | bytes]:
    """The items with commas between them: a page (a list of one type) in a single join."""
    if isinstance(items, list | tuple) and items and isinstance(items[0], bytes | str):
        try:
            yield (b"," if isinstance(items[0], bytes) else ",").join(items)
            return
        except TypeError:  # mixed types: joined one by one below
            pass
    first = True
    for item in items:
        if not first:
            yield ","
        yield item
        first = False


def json_list(items: Iterable[str], *, number_matched: int | None, number_returned: int,
              links: list[dict], key: str = "items") -> Iterator[str]:
    """Chunks of ``{"numberMatched", "numberReturned", "links", key: [...]}``."""
    head: dict = {}
    if number_matched is not None:
        head["numberMatched"] = number_matched
    head["numberReturned"] = number_returned
    head["links"] = links
    yield dumps(head)[:-1] + f',"{key}":['
    yield from _joined(items)
    yield "]}"
