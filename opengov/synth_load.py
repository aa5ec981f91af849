"""Generate a large synthetic collection and load it (or write it as GeoJSON)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from opengov.geo.geojson import dumps
from opengov.loader import prepare_rows
from opengov.store.migrate import upgrade
from opengov.store.repository import Store

GENERATORS = {"cameras": ("opengov.synth.cameras", "generate_cameras")}


def _features(kind: str, count: int, seed: int):
    module, name = GENERATORS[kind]
    return getattr(importlib.import_module(module), name)(count=count, seed=seed)


def synth_collection(store: Store | None, kind: str, count: int, seed: int,
                     output: Path | None, echo: Callable[[str], None] = print) -> None:
    """Write ``count`` synthetic ``kind`` features to ``output``, or replace them in ``store``."""
    features = _features(kind, count, seed)
    if output is not None:
        with output.open("w", encoding="utf-8") as fh:
            fh.write('{"type":"FeatureCollection","features":[\n')
            for i, feature in enumerate(features):
                fh.write(("," if i else "") + dumps(feature) + "\n")
            fh.write("]}\n")
        echo(f"wrote {count} {kind} to {output}")
        return
    assert store is not None
    upgrade(store.engine)
    collection = store.registry.get(kind)
    pairs = ((dict(f["properties"], id=f.get("id") or f["properties"].get("id")), f["geometry"])
             for f in features)
    rows = prepare_rows(collection, pairs, source=f"synth:{kind}:seed={seed}", progress=True,
                        total=count)
    result = store.repo(kind).replace_all(rows, source=f"synth:{kind}:seed={seed}")
    echo(f"{kind}: {result.new} new, {result.changed} changed, {result.removed} removed; "
         f"version {result.version}")
