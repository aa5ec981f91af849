"""Synthetic dossiers: consistent with the catalogue, accepted by ingestion, plausibly late."""

from collections import Counter
from datetime import date

from sqlalchemy import func, select

from opengov.dossiers import routes
from opengov.dossiers.aggregates import recompute, stored
from opengov.dossiers.commands import ingest_synthetic
from opengov.dossiers.tables import LEVELS
from opengov.dossiers.workdays import WorkCalendar
from opengov.synth.dossiers import generate
from tests.dossiers.conftest import CATALOGUE

CAL = WorkCalendar(2024, 2027)
BY_CODE = {p["code"]: p for p in CATALOGUE}


def events(count=400, seed=3):
    return list(generate(CATALOGUE, [("sc-city", None), ("sc-1", "20335"), ("sc-2", "20336")],
                         CAL, count=count, start=date(2025, 7, 1), end=date(2026, 6, 30),
                         seed=seed))


def test_the_same_seed_gives_the_same_events():
    assert events(50) == events(50)
    assert events(50) != events(50, seed=4)


def test_channels_follow_the_catalogue():
    received = [e for e in events() if e["kind"] == "received"]
    assert len(received) == 400
    for e in received:
        procedure = BY_CODE[e["procedure"]]
        methods = {m["method"] for m in procedure["methods"]}
        assert not procedure["legacy"]
        if "postal" in (e["channel_in"], e["channel_out"]):
            assert procedure["postal"]
        if e["channel_in"] == "online":
            assert "online" in methods
        assert CAL.is_working(date.fromisoformat(e["at"][:10]))
    channels = Counter(e["channel_in"] for e in received)
    assert set(channels) == {"in_person", "online", "postal"}


def test_postal_returns_carry_a_tracking_code():
    outs = {e["code"]: e["channel_out"] for e in events() if e["kind"] == "received"}
    for e in events():
        if e["kind"] == "result_returned":
            assert bool(e.get("postal_code")) == (outs[e["code"]] == "postal")


def test_ingested_synthetic_dossiers_are_accepted_with_a_realistic_late_share(dossiers_app):
    store = dossiers_app.extensions["opengov"].store
    with dossiers_app.app_context():
        pins = routes.pins()
    stored_events = ingest_synthetic(store, pins, count=600, start=date(2026, 1, 1),
                                     end=date(2026, 4, 30), seed=11)
    assert stored_events > 600 * 3
    d = store.table("dossiers")
    with store.engine.connect() as conn:
        late = conn.execute(select(d.c.on_time, func.count()).where(
            d.c.code.like("000.00.47.H47-%"), d.c.resolved_at.is_not(None))
            .group_by(d.c.on_time)).all()
        for level in LEVELS:
            assert stored(store, conn, level) == recompute(store, conn, level)
    counts = dict(late)
    share = counts.get(False, 0) / (counts.get(False, 0) + counts.get(True, 0))
    assert 0.04 < share < 0.2
