"""Render a collection's tile, through the shared cache: query, generalise, encode."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from opengov.collections import Collection
from opengov.context import current
from opengov.store.repository import CollectionState
from opengov.tiles.cache import TileCache
from opengov.tiles.generalise import generalise
from opengov.tiles.grid import BUFFER, Tile
from opengov.tiles.mvt import encode_layer
from opengov.tiles.shared_cache import make_tile_cache
from opengov.tiles.source import TileSource


def version_key(state: CollectionState) -> str:
    """The collection version plus when it was set (distinct across rebuilt databases)."""
    stamp = int(state.modified.timestamp() * 1_000_000) if state.modified else 0
    return f"{state.version}-{stamp}"


@dataclass
class Tiles:
    """Per-application tile state: compiled queries per collection and the file cache."""

    cache: TileCache  # or a shared cache (:mod:`opengov.tiles.shared_cache`)
    sources: dict

    def source(self, collection: Collection) -> TileSource:
        found = self.sources.get(collection.id)
        if found is None:
            found = self.sources[collection.id] = TileSource(current().store, collection)
        return found


def tiles() -> Tiles:
    """This application's :class:`Tiles`, created on first use."""
    found = current_app.extensions.get("opengov_tiles")
    if found is None:
        settings = current().settings
        folder = TileCache(settings.instance_path / "tiles", settings.tile_cache_mb * 1024 * 1024)
        cache = (folder if settings.tile_cache_mb <= 0 else
                 make_tile_cache(settings.tile_cache, settings, current().store,
                                 lambda: folder))
        found = current_app.extensions["opengov_tiles"] = Tiles(cache, {})
    return found


def render(collection: Collection, tile: Tile, state: CollectionState) -> bytes:
    """The tile's MVT bytes (b"" when no feature falls in it), cached per collection version."""
    service = tiles()
    key = version_key(state)
    cached = service.cache.get(collection.id, key, tile)
    if cached is not None:
        return cached
    repo = current().store.repo(collection.id)
    with current().store.reading() as conn:
        rows = service.source(collection).rows(conn, tile.lonlat_bounds(BUFFER))
    if rows.ids:
        shapes = generalise(rows.wkb, tile)
        data = encode_layer(collection.id, shapes.geometries, rows.ids, shapes.rows,
                            rows.columns, rows.values)
    else:
        data = b""
    if repo.state() == state:  # not reloaded meanwhile: the bytes belong to this version
        service.cache.put(collection.id, key, tile, data)
    return data
