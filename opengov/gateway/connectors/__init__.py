"""Connectors: read one upstream dataset as records, following its own paging.

Each connector is a function ``(fetcher, source) -> Iterator[Upstream]``; the harvest reads
every record before writing anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from opengov.gateway.connectors.base import Upstream
from opengov.gateway.connectors.files import csv_records, geojson_records, json_records
from opengov.gateway.connectors.services import (
    arcgis_records,
    ckan_records,
    ogcapi_records,
    open311_records,
)

CONNECTORS: dict[str, Callable[..., Iterator[Upstream]]] = {
    "csv": csv_records,
    "json": json_records,
    "geojson": geojson_records,
    "ogcapi": ogcapi_records,
    "arcgis": arcgis_records,
    "ckan": ckan_records,
    "open311": open311_records,
}

__all__ = ["CONNECTORS", "Upstream"]
