"""The catalogue of the current application: datasets with their distributions and links."""

from __future__ import annotations

from dataclasses import replace

from flask import current_app

from opengov.catalog import formats
from opengov.catalog.distributions import Distributions
from opengov.catalog.metadata import (
    DatasetState,
    dataset_record,
    dataset_states,
    folder_metadata,
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
        ext["catalog"] = Distributions(
            ctx.settings.instance_path / "distributions", ctx.store,
            keep=int(current_app.config.get("CATALOG_KEEP_VERSIONS", KEEP_VERSIONS)))
    return ext["catalog"]


def collection_or_404(dataset_id: str) -> Collection:
    registry = current().registry
    if dataset_id not in registry:
        raise ApiError(404, f"No dataset {dataset_id!r}; GET /datasets lists them.")
    return registry.get(dataset_id)


def download_url(dataset_id: str, fmt: str) -> str:
    return url_for_path(f"/datasets/{dataset_id}/download.{fmt}")


def distribution_records(collection: Collection, version: int) -> list[dict]:
    """One entry per offered format; size and sha256 once the file of this version is built."""
    built = distributions().built_formats(collection.id, version)
    out = []
    for spec in formats.offered(collection):
        b = built.get(spec.name)
        out.append({"format": spec.name, "media_type": spec.media_type,
                    "url": download_url(collection.id, spec.name),
                    "byte_size": b.byte_size if b else None,
                    "sha256": b.sha256 if b else None})
    return out


def dataset(collection: Collection, state: DatasetState | None) -> dict:
    """A full catalogue entry: metadata, fields, distributions and links."""
    record = dataset_record(collection, state)
    record["distributions"] = distribution_records(collection, record["version"])
    base = f"/datasets/{collection.id}"
    record["links"] = [
        {"rel": "self", "type": "application/json", "href": url_for_path(base)},
        {"rel": "describedby", "type": "application/json",
         "href": url_for_path(base + "/datapackage.json"), "title": "Frictionless Data Package"},
    ]
    return record


def _state(collection: Collection, states: dict[str, DatasetState]) -> DatasetState:
    """The stored state, with ``metadata.yaml`` from the datasets folder when none was saved."""
    state = states.get(collection.id) or DatasetState(0, None, 0, {})
    if state.metadata:
        return state
    return replace(state, metadata=folder_metadata(current().settings.datasets_path,
                                                   collection.id))


def all_datasets() -> list[dict]:
    """Every registered collection as a dataset, in registration order."""
    states = dataset_states(current().store)
    return [dataset(c, _state(c, states)) for c in current().registry]


def one_dataset(dataset_id: str) -> dict:
    collection = collection_or_404(dataset_id)
    return dataset(collection, _state(collection, dataset_states(current().store)))
