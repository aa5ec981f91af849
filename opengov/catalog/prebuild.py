"""Whole-dataset files built ahead of requests, so the catalogue knows their sizes and checksums.

After a load, ``opengov load`` (and the first start's background sample load) builds every
offered file of each loaded dataset's current version. CKAN, DCAT and ``/datasets`` only read
the manifests of files that exist (a file not built yet has no size or checksum); they never
build one inside a request. Each file is built once per version: a file whose manifest exists
is left alone (:meth:`Distributions.get`), so loading unchanged data builds nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from opengov.catalog import formats
from opengov.catalog.service import distributions
from opengov.catalog.xlsx import XlsxLimit


def build_current(app, dataset_ids: Iterable[str] | None = None,
                  echo: Callable[[str], object] = lambda line: None) -> int:
    """Build the missing files of the current version of ``dataset_ids`` (default: every
    registered dataset); return how many were built now. ``echo`` gets one line per file."""
    ctx = app.extensions["opengov"]
    wanted = None if dataset_ids is None else set(dataset_ids)
    count = 0
    with app.app_context():
        files = distributions()
        for collection in ctx.registry:
            if wanted is not None and collection.id not in wanted:
                continue
            state = ctx.store.repo(collection.id).state()
            for spec in formats.offered(collection, state.record_count):
                if files.manifest(collection.id, state.version, spec.name) is not None:
                    continue
                try:
                    built = files.get(collection, spec.name)
                except (XlsxLimit, RuntimeError) as exc:  # too long for Excel; data changed
                    echo(f"{collection.id} {spec.name}: not built ({exc})")
                    continue
                count += 1
                echo(f"{collection.id} v{built.version} {spec.name}: {built.byte_size} bytes "
                     f"sha256 {built.sha256}")
    return count


SHARED = {"shared": "published", "already": "kept",
          "differs": "kept, DIFFERS from the published file (remove this host's copy)"}


def build_extracts(app, dataset_ids: Iterable[str] = (),
                   echo: Callable[[str], object] = lambda line: None) -> int:
    """Make sure this host has every finished month's extract of the live ``dataset_ids``
    (default: all), oldest first: copied from the database when another host built it, else
    built here under a claim (:meth:`Extracts.obtain`); return how many this host built. One
    line per month says ``built``, ``copied``, ``kept`` or ``busy`` (after a ``waiting`` line
    when another host was building it). Unknown ids raise KeyError."""
    from opengov.catalog.extracts import ExtractBusy
    from opengov.catalog.live_catalog import extracts, sources

    count = 0
    with app.app_context():
        live, files = sources(), extracts()
        unknown = sorted(set(dataset_ids) - set(live))
        if unknown:
            raise KeyError(f"not live datasets: {', '.join(unknown)}; live: {', '.join(live)}")
        for dataset_id in dataset_ids or live:
            source = live[dataset_id]
            for month in reversed(files.periods(source)):
                built = files.manifest(dataset_id, month.key)
                if built is None:
                    try:
                        line = f"{dataset_id} {month.key} waiting: another host is building it"
                        built, how = files.obtain(source, month,
                                                  waiting=lambda line=line: echo(line))
                    except ExtractBusy:
                        echo(f"{dataset_id} {month.key} busy: another host is building it")
                        continue
                    count += how == "built"
                else:  # built here before extracts were kept in the database: publish it
                    how = SHARED[files.share(dataset_id, month)]
                echo(f"{dataset_id} {month.key} {how} {built.byte_size} bytes "
                     f"sha256 {built.sha256}")
    return count
