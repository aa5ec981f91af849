"""Load the land sample at load time (``opengov load`` / ``serve``): generated, never committed.

``full``: the Tam Kỳ and Hội An windows (about 25,000 parcels). ``small`` (tests): a smaller
window around Hội An (a few thousand parcels), same generator. Reloading is idempotent: the
generator is deterministic, so unchanged rows keep their version.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import yaml

from opengov.land.collection import PARCELS, PRICES, ZONES
from opengov.land.native import native_row_values
from opengov.land.places import TOWNS
from opengov.land.tessellation import SEED, generate
from opengov.sample import sample_datasets
from opengov.store.repository import LoadResult, Store

SMALL_TOWNS = (replace(TOWNS[1], cols=8, rows=14, urban_m=300, village_m=430),)


def profile_towns(profile: str):
    return SMALL_TOWNS if profile == "small" else TOWNS


def _metadata(collection_id: str, root: Path | None = None) -> dict:
    path = (root or sample_datasets()) / collection_id / "metadata.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}


def load_land_sample(store: Store, profile: str) -> list[LoadResult]:
    """Generate the sample for ``profile`` and make the three land tables hold exactly it."""
    sample = generate(SEED, profile_towns(profile))
    source = f"generator:opengov.land.tessellation:seed={SEED}:{profile}"
    results = []
    for collection, records in ((PARCELS, sample.parcels), (ZONES, sample.zones),
                                (PRICES, sample.prices)):
        props = [{k: v for k, v in r.items() if k != "geometry"} for r in records]
        rows = native_row_values(collection, props, [r["geometry"] for r in records],
                                 coverage=True)
        results.append(store.repo(collection.id).replace_all(rows, source=source))
        store.save_metadata(collection.id, _metadata(collection.id))
    return results
