"""TileJSON 3.0.0 documents (https://github.com/mapbox/tilejson-spec/tree/master/3.0.0)."""

from __future__ import annotations

import math

from opengov.catalog.metadata import catalogue_defaults, dataset_states
from opengov.collections import Collection
from opengov.context import current
from opengov.extents import cached_extent
from opengov.links import url_for_path
from opengov.tiles.grid import MAX_LAT, MAX_ZOOM

WORLD = (-180.0, -MAX_LAT, 180.0, MAX_LAT)


def tile_template(collection: Collection) -> str:
    """The absolute tile URL template of ``collection``."""
    return url_for_path(f"/tiles/{collection.id}/") + "{z}/{x}/{y}.mvt"


def _field_description(collection: Collection) -> dict[str, str]:
    out = {}
    for f in collection.fields:
        if f.type in ("array", "object"):
            continue
        unit = f" ({f.unit})" if f.unit else ""
        kind = {"i18n": "string", "date": "string, ISO 8601 date",
                "datetime": "string, ISO 8601 time in UTC", "text": "string"}.get(f.type, f.type)
        for column in f.columns:
            lang = f" [{column.rsplit('_', 1)[1]}]" if f.type == "i18n" else ""
            out[column] = f"{f.en}{unit}{lang}: {kind}"
    return out


def _attribution(collection: Collection) -> str:
    state = dataset_states(current().store).get(collection.id)
    meta = state.metadata if state else {}
    defaults = catalogue_defaults(current().settings)
    publisher = (meta.get("publisher") or defaults["publisher"]).get("name")
    licence = meta.get("license") or defaults["license"] or {}
    text = f"© {publisher}"
    if meta.get("synthetic"):
        text += " (synthetic)"
    if licence.get("id"):
        text += f", {licence['id']}"
    return text


def _centre(bounds: tuple[float, float, float, float], minzoom: int) -> list[float]:
    west, south, east, north = bounds
    span = max(east - west, north - south, 1e-9)
    zoom = min(max(minzoom, int(math.log2(360.0 / span))), MAX_ZOOM)
    return [round((west + east) / 2, 6), round((south + north) / 2, 6), zoom]


def tilejson(collection: Collection) -> dict:
    """The TileJSON of ``collection``'s vector tiles (one layer named after it)."""
    box, _times = cached_extent(collection)
    bounds = tuple(round(v, 6) for v in box) if box else WORLD
    minzoom = collection.min_zoom
    return {
        "tilejson": "3.0.0",
        "name": collection.title["en"],
        "description": collection.description["en"],
        "version": "1.0.0",
        "attribution": _attribution(collection),
        "scheme": "xyz",
        "tiles": [tile_template(collection)],
        "minzoom": minzoom,
        "maxzoom": MAX_ZOOM,
        "bounds": list(bounds),
        "center": _centre(bounds, minzoom),
        "vector_layers": [{
            "id": collection.id,
            "description": collection.title["en"],
            "minzoom": minzoom,
            "maxzoom": MAX_ZOOM,
            "fields": _field_description(collection),
        }],
    }
