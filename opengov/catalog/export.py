"""``opengov export``: a whole dataset to a file, the same bytes its download serves."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from opengov.catalog import formats
from opengov.catalog.distributions import EPOCH
from opengov.catalog.service import distributions
from opengov.progress import progress as progress_reporter


def export_dataset(app, dataset_id: str, fmt: str, output: Path, *,
                   progress: bool = True) -> str:
    """Build (or reuse) the current version's file and copy it to ``output``; its sha256."""
    ctx = app.extensions["opengov"]
    if dataset_id not in ctx.registry:
        raise click.ClickException(f"no dataset {dataset_id!r}; datasets: "
                                   f"{', '.join(c.id for c in ctx.registry)}")
    collection = ctx.registry.get(dataset_id)
    state = ctx.store.repo(dataset_id).state()
    reason = formats.unavailable(collection, fmt, state.record_count)
    if reason is not None:
        offered = ", ".join(f.name for f in formats.offered(collection, state.record_count))
        raise click.ClickException(f"{dataset_id} is not offered as {fmt!r} ({reason}); "
                                   f"formats: {offered}")
    with app.app_context():
        dists = distributions()  # the server's own distribution folder
    built = dists.manifest(dataset_id, state.version, fmt)
    if built is None:
        total = state.record_count * formats.FORMATS[fmt].passes
        with progress_reporter(f"{dataset_id} → {fmt}", total, enabled=progress) as bar:
            built = dists.build(collection, fmt, state.version, state.modified or EPOCH,
                                progress=bar.update)
    shutil.copyfile(built.path, output)
    return built.sha256
