"""Dataset records: a collection's declaration + its state + its ``metadata.yaml``.

The loader keeps each dataset's ``metadata.yaml`` in ``collection_state.metadata``
(:meth:`opengov.store.repository.Store.save_metadata`); this module joins it with the registry
so that every registered collection is a dataset, with or without metadata.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import yaml
from sqlalchemy import select

from opengov.collections import Collection
from opengov.store.repository import Store
from opengov.text import fold

PUBLISHER = {"name": "opengov sample data"}  # the bundled sample's, and only its
SAMPLE_DEFAULTS = {"publisher": PUBLISHER, "contact_point": PUBLISHER, "license": None}


@dataclass(frozen=True)
class DatasetState:
    """What the store knows about one dataset."""

    version: int
    modified: datetime | None
    record_count: int
    metadata: dict


def dataset_states(store: Store) -> dict[str, DatasetState]:
    """Version, change time, row count and descriptive metadata of every loaded dataset."""
    t = store.table("collection_state")
    with store.engine.connect() as conn:
        rows = conn.execute(select(t.c.collection_id, t.c.version, t.c.modified,
                                   t.c.record_count, t.c.metadata)).all()
    return {r[0]: DatasetState(r[1], r[2], r[3], r[4] or {}) for r in rows}


@lru_cache(maxsize=256)
def _yaml(path: Path, mtime: float) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def folder_metadata(datasets_path: Path, dataset_id: str) -> dict:
    """``datasets/<id>/metadata.yaml`` for datasets the loader does not load (live ones)."""
    path = Path(datasets_path) / dataset_id / "metadata.yaml"
    return _yaml(path, path.stat().st_mtime) if path.is_file() else {}


def iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def field_records(collection: Collection) -> list[dict]:
    """The public fields: name, type, unit and bilingual description."""
    return [{"name": f.name, "type": f.type, "unit": f.unit,
             "description": {"vi": f.vi, "en": f.en}} for f in collection.fields]


def _keywords(collection: Collection, meta: dict) -> dict[str, list[str]]:
    declared = meta.get("keywords")
    if isinstance(declared, dict):
        return {"vi": list(declared.get("vi") or []), "en": list(declared.get("en") or [])}
    return {"vi": [], "en": list(collection.keywords)}


def catalogue_defaults(settings) -> dict:
    """Publisher, contact point and licence of a dataset whose metadata names none: the
    sample's ("opengov sample data") when serving the bundled sample, else the project's
    (``opengov.toml``: ``publisher``, ``contact_email``, ``licence``)."""
    from opengov.loader import is_bundled_sample
    from opengov.project import catalogue_defaults as project_defaults

    if settings.datasets_path is None or is_bundled_sample(Path(settings.datasets_path)):
        return SAMPLE_DEFAULTS
    return project_defaults(settings)


def dataset_record(collection: Collection, state: DatasetState | None,
                   defaults: dict = SAMPLE_DEFAULTS) -> dict:
    """The catalogue's description of one dataset (without distributions); ``defaults``
    (:func:`catalogue_defaults`) fill the publisher, contact and licence its metadata omits."""
    meta = state.metadata if state else {}
    return {
        "id": collection.id,
        "title": meta.get("title") or collection.title,
        "description": meta.get("description") or collection.description,
        "publisher": meta.get("publisher") or defaults["publisher"],
        "contact_point": meta.get("contact_point") or defaults["contact_point"],
        "license": meta.get("license") or defaults["license"],
        "keywords": _keywords(collection, meta),
        "themes": list(meta.get("themes") or []),
        "spatial": meta.get("spatial"),
        "temporal": meta.get("temporal"),
        "update_frequency": meta.get("update_frequency") or collection.update_frequency or
        ("continuous" if collection.kind == "live" else "irregular"),
        "kind": collection.kind,
        "synthetic": bool(meta.get("synthetic", False)),
        "sources": list(meta.get("sources") or []),
        "version": state.version if state else 0,
        "created": meta.get("created") or (iso(state.modified) if state else None),
        "modified": iso(state.modified) if state else None,
        "record_count": state.record_count if state else 0,
        "fields": field_records(collection),
    }


def matches(record: dict, *, q: str | None = None, theme: str | None = None,
            keyword: str | None = None, publisher: str | None = None) -> bool:
    """Catalogue search: every folded word of ``q`` in the texts; exact theme/keyword."""
    if theme and theme.upper() not in {t.upper() for t in record["themes"]}:
        return False
    words = [*record["keywords"]["vi"], *record["keywords"]["en"]]
    if keyword and fold(keyword) not in {fold(w) for w in words}:
        return False
    if publisher and fold(publisher) not in fold(record["publisher"].get("name")):
        return False
    if q:
        text = fold(" ".join([record["id"], *record["title"].values(),
                              *record["description"].values(), *words]))
        return all(word in text for word in fold(q).split())
    return True
