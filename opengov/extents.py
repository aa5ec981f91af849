"""A collection's spatial and temporal extent, computed once per collection version and app."""

from __future__ import annotations

from flask import current_app

from opengov.collections import Collection
from opengov.context import current


def cached_extent(collection: Collection) -> tuple[tuple | None, tuple | None]:
    """``(bbox, time range)`` of ``collection`` (CRS84 bbox; None for an empty collection),
    kept on the application per collection version (OGC collection documents, TileJSON)."""
    repo = current().store.repo(collection.id)
    state = repo.state()
    cache = current_app.extensions.setdefault("collection_extents", {})
    key = (collection.id, state.version)
    if key not in cache:
        cache[key] = repo.extent()
    return cache[key]
