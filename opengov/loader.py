"""Load dataset folders (``datasets/<collection-id>/``) into the store, idempotently.

A folder holds ``metadata.yaml`` and one data file: ``*.geojson`` (a FeatureCollection) for
spatial collections, ``*.ndjson`` (one record per line) otherwise. Every record is checked
before anything is written; a bad record aborts the load of its collection with its reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml
from tqdm import tqdm

from opengov.collections import Collection
from opengov.store.records import RecordError, row_values
from opengov.store.repository import LoadResult, Store

# The "small" profile keeps every n-th record (deterministic) so tests stay fast.
SMALL_PROFILE_STEP = {"cameras": 4}


class LoadError(ValueError):
    """A dataset folder or one of its records cannot be loaded."""


@dataclass(frozen=True)
class DatasetFiles:
    metadata: dict
    data: Path


def find_dataset(root: Path, collection: Collection) -> DatasetFiles | None:
    folder = root / collection.id
    if not folder.is_dir():
        return None
    meta_path = folder / "metadata.yaml"
    metadata = yaml.safe_load(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    candidates = sorted(folder.glob("*.geojson")) + sorted(folder.glob("*.ndjson"))
    if not candidates:
        raise LoadError(f"{folder}: no .geojson or .ndjson data file")
    return DatasetFiles(metadata or {}, candidates[0])


def read_records(path: Path) -> Iterator[tuple[dict, dict | None]]:
    """(record, geometry) pairs from a GeoJSON FeatureCollection or an NDJSON file."""
    if path.suffix == ".geojson":
        with path.open(encoding="utf-8") as fh:
            doc = json.load(fh)
        if doc.get("type") != "FeatureCollection":
            raise LoadError(f"{path}: not a GeoJSON FeatureCollection")
        for feature in doc["features"]:
            props = dict(feature.get("properties") or {})
            props.setdefault("id", feature.get("id"))
            yield props, feature.get("geometry")
    else:
        with path.open(encoding="utf-8") as fh:
            for number, line in enumerate(fh, 1):
                if line.strip():
                    try:
                        yield json.loads(line), None
                    except json.JSONDecodeError as exc:
                        raise LoadError(f"{path}:{number}: {exc}") from exc


def prepare_rows(collection: Collection, records: Iterable[tuple[dict, dict | None]],
                 *, source: str, progress: bool = False, total: int | None = None) -> list[dict]:
    """Validate and serialise every record; raise on the first bad one, writing nothing."""
    rows = []
    bar = tqdm(records, total=total, desc=collection.id, unit=" rec", disable=not progress,
               leave=False)
    for index, (record, geometry) in enumerate(bar):
        try:
            rows.append(row_values(collection, record, geometry))
        except (RecordError, ValueError, TypeError) as exc:
            raise LoadError(f"{source}: record #{index + 1} ({record.get('id')}): {exc}") from exc
    return rows


def _subset(collection: Collection, records: Iterable, profile: str) -> Iterable:
    step = SMALL_PROFILE_STEP.get(collection.id, 1) if profile == "small" else 1
    return (r for i, r in enumerate(records) if i % step == 0)


def load_collection(store: Store, collection: Collection, files: DatasetFiles, *,
                    profile: str = "full", progress: bool = False) -> LoadResult:
    source = f"file:{files.data.name}"
    records = _subset(collection, read_records(files.data), profile)
    rows = prepare_rows(collection, records, source=source, progress=progress)
    result = store.repo(collection.id).replace_all(rows, source=source)
    store.save_metadata(collection.id, files.metadata)
    return result


def load_all(store: Store, root: Path, *, profile: str = "full", only: Iterable[str] = (),
             progress: bool = False) -> list[LoadResult]:
    """Load every collection that has a folder under ``root`` (or just ``only``)."""
    wanted = set(only)
    results = []
    for collection in store.registry:
        if wanted and collection.id not in wanted:
            continue
        if collection.kind == "live":
            continue  # written continuously by its service; a load must never replace it
        files = find_dataset(root, collection)
        if files is None:
            if wanted:
                raise LoadError(f"no dataset folder {root / collection.id}")
            continue
        results.append(load_collection(store, collection, files, profile=profile,
                                       progress=progress))
    results.extend(load_generated(store, profile, wanted))
    return results


def load_generated(store: Store, profile: str, wanted: set[str]) -> list[LoadResult]:
    """Live sample data a capability generates at load time (``load_sample(store, profile)``)."""
    from opengov.modules import loaded

    if wanted:  # a partial load (``--only``) leaves generated data alone
        return []
    return [m.load_sample(store, profile) for m in loaded()
            if callable(getattr(m, "load_sample", None))]
