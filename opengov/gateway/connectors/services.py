"""Feature and data services with their own paging: OGC API – Features, ArcGIS REST
FeatureServer, CKAN DataStore and Open311 GeoReport v2."""

from __future__ import annotations

from collections.abc import Iterator

from opengov.gateway.config import Source
from opengov.gateway.connectors.base import (
    PageGuard,
    Upstream,
    feature_record,
    features_of,
    page_size,
)
from opengov.gateway.connectors.files import records_at
from opengov.gateway.errors import HarvestError
from opengov.gateway.fetch import Fetcher

GEOJSON_TYPES = ("application/geo+json", "application/json", None)


def _next_link(body: dict) -> str | None:
    """The ``rel=next`` link of an OGC API page (OGC 17-069r4 §7.15.2), GeoJSON flavour."""
    for link in body.get("links") or []:
        if isinstance(link, dict) and link.get("rel") == "next" \
                and link.get("type") in GEOJSON_TYPES and link.get("href"):
            return link["href"]
    return None


def ogcapi_records(fetcher: Fetcher, source: Source) -> Iterator[Upstream]:
    """``/collections/{id}/items``, following ``next`` links until there are none."""
    guard, url = PageGuard(source), source.url
    params: dict | None = {"limit": page_size(source), **(source.option("params") or {})}
    while url:
        guard.check(url + repr(params))
        body = fetcher.json(url, params)
        for feature in features_of(body, fetcher.responses[-1].url):
            yield feature_record(feature)
        href = _next_link(body)
        url, params = (fetcher.resolve(href, url), None) if href else (None, None)


def _arcgis_error(body: object, url: str) -> None:
    if isinstance(body, dict) and isinstance(body.get("error"), dict):  # errors come as 200
        error = body["error"]
        raise HarvestError(f"ArcGIS error {error.get('code')} from {url}: "
                           f"{error.get('message')}")


def arcgis_records(fetcher: Fetcher, source: Source) -> Iterator[Upstream]:
    """A FeatureServer layer's ``/query`` as GeoJSON in WGS 84, paged with ``resultOffset``
    and ``resultRecordCount`` while the server reports ``exceededTransferLimit`` or fills a
    page (ArcGIS REST API, Query (Feature Service/Layer))."""
    url = source.url.rstrip("/")
    url = url if url.endswith("/query") else url + "/query"
    size, guard, offset = page_size(source), PageGuard(source), 0
    base = {"where": "1=1", "outFields": "*", "returnGeometry": "true", "outSR": 4326,
            "f": "geojson", **(source.option("params") or {})}
    while True:
        guard.check(str(offset))
        body = fetcher.json(url, {**base, "resultOffset": offset, "resultRecordCount": size})
        _arcgis_error(body, fetcher.responses[-1].url)
        features = features_of(body, fetcher.responses[-1].url)
        for feature in features:
            yield feature_record(feature)
        more = body.get("exceededTransferLimit") or \
            (body.get("properties") or {}).get("exceededTransferLimit")
        if not features or (not more and len(features) < size):
            return
        offset += len(features)


def ckan_records(fetcher: Fetcher, source: Source) -> Iterator[Upstream]:
    """CKAN DataStore ``datastore_search`` for ``resource_id``, paged with ``limit`` and
    ``offset`` up to the reported ``total`` (CKAN API, ckanext.datastore.logic.action)."""
    resource = source.option("resource_id")
    if not resource:
        raise HarvestError("the ckan connector needs resource_id")
    size, guard, offset = page_size(source), PageGuard(source), 0
    while True:
        guard.check(str(offset))
        body = fetcher.json(source.url, {"resource_id": resource, "limit": size,
                                         "offset": offset, **(source.option("params") or {})})
        if not isinstance(body, dict) or body.get("success") is not True:
            error = body.get("error") if isinstance(body, dict) else None
            raise HarvestError(f"CKAN error from {fetcher.responses[-1].url}: {error}")
        result = body.get("result") or {}
        records = records_at(result, "records", fetcher.responses[-1].url)
        for record in records:
            yield Upstream(record)
        offset += len(records)
        total = result.get("total")
        if not records or len(records) < size or (isinstance(total, int) and offset >= total):
            return


def open311_records(fetcher: Fetcher, source: Source) -> Iterator[Upstream]:
    """GeoReport v2 ``requests.json`` (a JSON array of service requests). With option
    ``page_param`` (a common extension) pages 1, 2, … are read until one comes back short."""
    page_param, params = source.option("page_param"), dict(source.option("params") or {})
    guard, page = PageGuard(source), 1
    while True:
        if page_param:
            params[page_param] = page
        guard.check(str(page))
        body = fetcher.json(source.url, params)
        records = records_at(body, None, fetcher.responses[-1].url)
        for record in records:
            yield Upstream(record)
        if not page_param or not records or len(records) < page_size(source):
            return
        page += 1
