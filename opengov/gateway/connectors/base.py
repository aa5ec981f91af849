"""What connectors share: the record they yield and paging guards."""

from __future__ import annotations

from dataclasses import dataclass

from opengov.gateway.config import Source
from opengov.gateway.errors import HarvestError

DEFAULT_PAGE_SIZE = 1000
DEFAULT_MAX_PAGES = 10_000


@dataclass(frozen=True)
class Upstream:
    """One upstream record: its attributes and, for feature services, its GeoJSON geometry.
    A feature's own id is available to the mapping as ``$id``; ``problem`` says why a
    record could not even be read (it is rejected with that reason)."""

    properties: object
    geometry: dict | None = None
    problem: str | None = None


def page_size(source: Source) -> int:
    size = source.option("page_size", DEFAULT_PAGE_SIZE)
    if not isinstance(size, int) or size < 1:
        raise HarvestError(f"page_size must be a positive integer, got {size!r}")
    return size


class PageGuard:
    """Stops runaway paging: a page cap and a link seen twice."""

    def __init__(self, source: Source):
        self.limit = int(source.option("max_pages", DEFAULT_MAX_PAGES))
        self.seen: set[str] = set()

    def check(self, key: str) -> None:
        if key in self.seen:
            raise HarvestError(f"upstream paging loops (page {key} requested twice)")
        if len(self.seen) >= self.limit:
            raise HarvestError(f"more than max_pages = {self.limit} pages")
        self.seen.add(key)


def features_of(body: object, url: str) -> list:
    """The ``features`` of a GeoJSON FeatureCollection, checked."""
    if not isinstance(body, dict) or not isinstance(body.get("features"), list):
        raise HarvestError(f"{url}: not a GeoJSON FeatureCollection")
    return body["features"]


def feature_record(feature: object) -> Upstream:
    """A GeoJSON feature as an upstream record (a non-object is kept, to be rejected)."""
    if not isinstance(feature, dict):
        return Upstream(feature)
    props = feature.get("properties")
    props = dict(props) if isinstance(props, dict) else {}
    if "id" in feature:
        props["$id"] = feature["id"]
    geometry = feature.get("geometry")
    return Upstream(props, geometry if isinstance(geometry, dict) else None)
