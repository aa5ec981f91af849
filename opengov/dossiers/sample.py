"""The bundled sample's dossiers: two years of synthetic ones, generated at load time.

Generated deterministically (one seed) from the loaded procedures catalogue by
:mod:`opengov.synth.dossiers` and ingested through the checks of ``POST /dossiers/events``,
then published as the ``dossier-statistics`` dataset. ``full``: :data:`PROFILES` ``full``
dossiers received from 2024-12-01 to 2026-11-30; ``small`` (tests): the same two years with
fewer dossiers. A database that holds dossiers already keeps them (a reload only republishes
the statistics). Never committed as data.
"""

from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy import func, select

from opengov.dossiers.dataset import publish
from opengov.store.repository import LoadResult, Store

SEED = 20
START, END = date(2024, 12, 1), date(2026, 11, 30)  # two years of receipts
PROFILES = {"full": 24_000, "small": 1_500}
SOURCE = f"synth:dossiers:seed={SEED}"


def _pins():
    """The installation's pin hasher inside an application (the sample's codes and pins can
    then be tracked); outside one (a bare ``load_all``), a throwaway secret."""
    from flask import has_app_context

    from opengov.dossiers.pins import Pins, load_secret

    if has_app_context():
        from opengov.context import current

        settings = current().settings
        return Pins(load_secret(settings.dossier_pin_secret, settings.instance_path))
    return Pins(secrets.token_bytes(32))


def _count(store: Store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(store.table("dossiers"))
                            ).scalar_one()


def load_sample_dossiers(store: Store, profile: str) -> list[LoadResult]:
    """Fill an empty dossiers table with the ``profile`` sample, then publish the statistics
    (as of the sample's last day, so the published figures do not depend on the load date)."""
    from opengov.dossiers.commands import ingest_events, synthetic_events

    result = LoadResult("dossiers")
    existing = _count(store)
    if existing:
        result.unchanged = existing
    elif store.repo("procedures").state().record_count:
        count = PROFILES.get(profile, PROFILES["full"])
        events = synthetic_events(store, count=count, start=START, end=END, seed=SEED)
        ingest_events(store, _pins(), events)
        result.new = count
    return [result, publish(store, END, source=SOURCE if result.new else "dossiers")]
