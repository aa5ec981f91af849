"""The catalogue of the current application: datasets with their distributions and links.

Datasets are the registered collections, then the live tables modules contribute (see
:mod:`opengov.catalog.live`). Live datasets list their monthly extracts among their
distributions.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from flask import current_app

from opengov.catalog import formats, live_catalog
from opengov.catalog.datapackage import package_properties
from opengov.catalog.distributions import Distributions
from opengov.catalog.metadata import (
    DatasetState,
    catalogue_defaults,
    dataset_record,
    dataset_states,
    folder_metadata,
    iso,
)
from opengov.collections import Collection
from opengov.context import current
from opengov.errors import ApiError
from opengov.links import url_for_path

KEEP_VERSIONS = 3  # default of the CATALOG_KEEP_VERSIONS app setting


def distributions() -> Distributions:
    """This application's distribution files (created on first use)."""
    ext = current_app.extensions
    if "catalog" not in ext:
        ctx = current()

        def describe(collection: Collection) -> dict:
            state = _state(collection, dataset_states(ctx.store), ctx.settings.datasets_path)
            return package_properties(dataset_record(collection, state,
                                                     catalogue_defaults(ctx.settings)))

        ext["catalog"] = Distributions(
            ctx.settings.instance_path / "distributions", ctx.store,
            keep=int(current_app.config.get("CATALOG_KEEP_VERSIONS", KEEP_VERSIONS)),
            describe=describe, area=ctx.settings.region_slug)
    return ext["catalog"]


def collection_or_404(dataset_id: str) -> Collection:
    registry = current().registry
    if dataset_id not in registry:
        raise ApiError(404, f"No dataset {dataset_id!r}; GET /datasets lists them.")
    return registry.get(dataset_id)


def download_url(dataset_id: str, fmt: str) -> str:
    return url_for_path(f"/datasets/{dataset_id}/download.{fmt}")


def distribution_records(collection: Collection, version: int,
                         record_count: int = 0) -> list[dict]:
    """One entry per offered format; size and sha256 once the file of this version is built."""
    built = distributions().built_formats(collection.id, version)
    out = []
    for spec in formats.offered(collection, record_count):
        b = built.get(spec.name)
        out.append({"format": spec.name, "media_type": spec.media_type,
                    "url": download_url(collection.id, spec.name),
                    "byte_size": b.byte_size if b else None,
                    "sha256": b.sha256 if b else None})
    return out


def dataset(collection: Collection, state: DatasetState | None) -> dict:
    """A full catalogue entry: metadata, fields, distributions and links."""
    record = dataset_record(collection, state, catalogue_defaults(current().settings))
    live = live_catalog.sources().get(collection.id)
    record["distributions"] = []
    if collection.id in current().registry:
        record["distributions"] = distribution_records(collection, record["version"],
                                                       record["record_count"])
    if live is not None:
        record["distributions"] += live_catalog.extract_records(live)
    base = f"/datasets/{collection.id}"
    record["links"] = [
        {"rel": "self", "type": "application/json", "href": url_for_path(base)},
        {"rel": "describedby", "type": "application/json",
         "href": url_for_path(base + "/datapackage.json"), "title": "Frictionless Data Package"},
    ]
    return record


def _state(collection: Collection, states: dict[str, DatasetState],
           datasets_path: Path | None = None) -> DatasetState:
    """The stored state, with ``metadata.yaml`` from the datasets folder when none was saved."""
    state = states.get(collection.id) or DatasetState(0, None, 0, {})
    if state.metadata:
        return state
    folder = datasets_path or current().settings.datasets_path
    return replace(state, metadata=folder_metadata(folder, collection.id))


INHERITED = ("publisher", "contact_point", "license", "themes", "spatial", "synthetic",
             "sources")
SAMPLE = {"vi": " (dữ liệu mẫu)", "en": " (sample)"}


def _live_state(source: live_catalog.LiveSource, states: dict[str, DatasetState]) -> DatasetState:
    """A live table's extent and size (it has no versions); its publisher, licence and the
    like come from its parent dataset, and a sample says so in its title."""
    stats = live_catalog.extracts().stats(source)
    meta: dict = {}
    if source.parent in current().registry:
        parent = _state(current().registry.get(source.parent), states).metadata
        meta = {k: parent[k] for k in INHERITED if k in parent}
    if meta.get("synthetic"):
        meta["title"] = {lang: text + SAMPLE[lang]
                         for lang, text in source.collection.title.items()}
    if stats.first is not None:
        meta["temporal"] = {"start": iso(stats.first), "end": iso(stats.last)}
    return DatasetState(0, stats.last, stats.count, meta)


def described() -> list[Collection]:
    """Every dataset's collection: the registry's, then the unregistered live tables'."""
    registry = current().registry
    return [*registry, *(s.collection for s in live_catalog.sources().values()
                         if s.id not in registry)]


def _entry(collection: Collection, states: dict[str, DatasetState]) -> dict:
    if collection.id in current().registry:
        return dataset(collection, _state(collection, states))
    return dataset(collection, _live_state(live_catalog.sources()[collection.id], states))


def all_datasets() -> list[dict]:
    """Every dataset: registered collections in registration order, then live tables."""
    states = dataset_states(current().store)
    return [_entry(c, states) for c in described()]


def one_dataset(dataset_id: str) -> dict:
    for collection in described():
        if collection.id == dataset_id:
            return _entry(collection, dataset_states(current().store))
    raise ApiError(404, f"No dataset {dataset_id!r}; GET /datasets lists them.")
