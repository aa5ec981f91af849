"""Live datasets in the catalogue of the current application: sources, extracts, records."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from opengov.catalog.datapackage import csv_resource, table_schema
from opengov.catalog.extracts import EXTENSION, FORMAT, MEDIA_TYPE, WAIT_S, Extracts, Period
from opengov.catalog.live import LiveSource, live_sources
from opengov.context import current
from opengov.links import url_for_path

GRACE_HOURS = 24  # default of the CATALOG_EXTRACT_GRACE_HOURS app setting


def sources() -> dict[str, LiveSource]:
    """This application's live datasets by id (found once)."""
    ext = current_app.extensions
    if "catalog_live" not in ext:
        ctx = current()
        contributed = ctx.capabilities.live_sources(ctx.store)
        ext["catalog_live"] = {s.id: s for s in live_sources(ctx.store, contributed)}
    return ext["catalog_live"]


def extracts() -> Extracts:
    """This application's extract files (beside the versioned distributions)."""
    ext = current_app.extensions
    if "catalog_extracts" not in ext:
        ctx = current()
        hours = float(current_app.config.get("CATALOG_EXTRACT_GRACE_HOURS", GRACE_HOURS))
        wait = float(current_app.config.get("CATALOG_EXTRACT_WAIT_S", WAIT_S))
        ext["catalog_extracts"] = Extracts(ctx.settings.instance_path / "distributions",
                                           ctx.store, grace=timedelta(hours=hours),
                                           area=ctx.settings.region_slug, wait_s=wait)
    return ext["catalog_extracts"]


def extract_url(dataset_id: str, key: str) -> str:
    return url_for_path(f"/datasets/{dataset_id}/extracts/{key}.{EXTENSION}")


def extract_record(source: LiveSource, month: Period) -> dict:
    """A month's distribution: size and sha256 once built."""
    built = extracts().manifest(source.id, month.key)
    return {"format": FORMAT, "media_type": MEDIA_TYPE, "url": extract_url(source.id, month.key),
            "byte_size": built.byte_size if built else None,
            "sha256": built.sha256 if built else None, "period": month.key,
            "temporal": {"start": month.start.isoformat(), "end": month.end.isoformat()}}


def extract_records(source: LiveSource) -> list[dict]:
    """Every finished month of a live dataset, newest first."""
    return [extract_record(source, m) for m in extracts().periods(source)]


def extract_resources(source: LiveSource) -> list[dict]:
    """Data package resources of every finished month (built now if never built), oldest
    first; their paths (``extracts/<YYYY-MM>.csv``) resolve against the descriptor's URL."""
    schema = source.schema or table_schema(source.collection)
    out = []
    for month in reversed(extracts().periods(source)):
        built = extracts().get(source, month.key)
        out.append(csv_resource(f"{source.id}-{month.key}", f"extracts/{month.key}.{EXTENSION}",
                                built.byte_size, built.sha256, schema,
                                f"Records of {month.key} (UTC+7): [{month.start.isoformat()}, "
                                f"{month.end.isoformat()})"))
    return out
