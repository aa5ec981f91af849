"""Fixtures for dossiers: one migrated database per backend with the procedures catalogue,
keys of the one-stop role, and helpers to build and send events.

Tests share the database: each one uses its own dossier codes and commune (:func:`unique`), so
their dossiers and statistics never mix.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from opengov.keys import create_key
from opengov.loader import load_all
from opengov.store.migrate import upgrade
from tests.conftest import DATASETS, make_app, new_database_url

ICT = timezone(timedelta(hours=7))
CATALOGUE = [json.loads(line) for line in
             (DATASETS / "procedures" / "procedures.ndjson").read_text("utf-8").splitlines()]


def _pick(**wanted) -> dict:
    def fits(p):
        times = {m["method"]: m["processing_time_unit"] for m in p["methods"]}
        return all(p[k] == v for k, v in wanted.items()) and not p["legacy"] and \
            set(times.values()) == {"working_day"} and "online" in times
    return next(p for p in CATALOGUE if fits(p))


POSTAL = _pick(postal=True, delegated=False, level="province")
DESK = _pick(postal=False, delegated=False, level="province")
DELEGATED = _pick(delegated=True)


def days(procedure: dict, method: str = "direct") -> int:
    return next(m["processing_time"] for m in procedure["methods"] if m["method"] == method)


@pytest.fixture(scope="session")
def dossiers_app(backend, postgres, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"dossiers-{backend}")
    app = make_app(new_database_url(backend, postgres, tmp), tmp,
                   dossiers_track_rate_limit="10000/minute")
    store = app.extensions["opengov"].store
    upgrade(store.engine)
    load_all(store, DATASETS, only=["procedures"])
    yield app
    store.engine.dispose()


@pytest.fixture
def api(dossiers_app):
    return dossiers_app.test_client()


@pytest.fixture(scope="session")
def keys(dossiers_app):
    store = dossiers_app.extensions["opengov"].store
    return {"one-stop": create_key(store, "one-stop")[1],
            "scoped": create_key(store, "one-stop", scope=POSTAL["agency_code"])[1],
            "official": create_key(store, "official")[1]}


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def unique(prefix: str = "T") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def at(day: int, hour: int = 9, month: int = 3, year: int = 2026) -> str:
    return datetime(year, month, day, hour, tzinfo=ICT).isoformat()


class Dossier:
    """Builds the events of one dossier with fresh ids."""

    def __init__(self, procedure: dict = POSTAL, commune: str | None = None, **received):
        self.code = unique("D")
        self.procedure = procedure
        self.commune = commune
        self.received = received
        self.n = 0

    def event(self, kind: str, when: str, **fields) -> dict:
        self.n += 1
        body = {"event_id": f"{self.code}-{self.n}", "code": self.code, "kind": kind, "at": when}
        if kind == "received":
            body.update({"pin": "4821", "procedure": self.procedure["code"], "centre": "hcc",
                         "channel_in": "in_person", **({"commune": self.commune}
                                                       if self.commune else {}),
                         **self.received})
        return {**body, **fields}

    def resolved(self, ready_day: int, start: int = 2) -> list[dict]:
        """Received on March ``start``, decided and ready on March ``ready_day`` (2026)."""
        return [self.event("received", at(start)),
                self.event("appraisal_started", at(start, 14)),
                self.event("approved", at(ready_day, 10)),
                self.event("result_ready", at(ready_day, 11))]


def post(api, token: str, events, **kwargs):
    if isinstance(events, str):
        return api.post("/dossiers/events", data=events, content_type="text/csv",
                        headers=bearer(token), **kwargs)
    return api.post("/dossiers/events", json=events, headers=bearer(token), **kwargs)
