"""Rows written through the driver's executemany read back exactly as SQLAlchemy writes them."""

from datetime import UTC, date, datetime, timedelta, timezone

from sqlalchemy import bindparam, delete, insert, select, update

from opengov.dossiers.bulk import CHUNK, execute_many, fetch_all, insert_many, select_in
from tests.dossiers.conftest import unique

ICT = timezone(timedelta(hours=7))


def _row(code: str, **changes) -> dict:
    moment = datetime(2026, 3, 2, 9, 15, 30, 123456, tzinfo=ICT)
    return {"code": code, "pin_sha256": "0" * 64, "procedure_code": "1.000001",
            "field_code": None, "level": "province", "agency": "so-test", "centre": "hcc",
            "commune": None, "channel_in": "online", "channel_out": "postal",
            "postal_code": None, "received_at": moment, "month": "2026-03",
            "statutory_days": 5, "time_unit": "working_day", "due_date": date(2026, 3, 9),
            "used_days": 0, "clock_from": date(2026, 3, 2), "state": "result_ready",
            "appraisal_at": None, "decided_at": moment, "ready_at": moment,
            "returned_at": None, "resolved_at": moment, "days_taken": 5, "on_time": True,
            "last_event_at": moment, **changes}


def test_insert_many_and_update_match_sqlalchemy(dossiers_app):
    store = dossiers_app.extensions["opengov"].store
    d = store.table("dossiers")
    ours, theirs = unique("BULK"), unique("CORE")
    with store.engine.begin() as conn:
        insert_many(conn, d, [_row(ours)])
        conn.execute(insert(d), [_row(theirs)])
        later = datetime(2026, 3, 10, 8, tzinfo=UTC)
        execute_many(conn, update(d).where(d.c.code == bindparam("k_code"))
                     .values(returned_at=bindparam("v_returned_at"),
                             on_time=bindparam("v_on_time")),
                     [{"k_code": ours, "v_returned_at": later, "v_on_time": False}])
        conn.execute(update(d).where(d.c.code == theirs)
                     .values(returned_at=later, on_time=False))
    try:
        with store.engine.connect() as conn:
            rows = {r.code: dict(r._mapping) for r in conn.execute(
                select(d).where(d.c.code.in_([ours, theirs])))}
            found = fetch_all(conn, select(d.c.code, d.c.days_taken)
                              .where(d.c.code.in_([ours, theirs])).order_by(d.c.code))
            # times compare in order with those SQLAlchemy stored (same text on SQLite)
            earlier = conn.execute(select(d.c.code).where(
                d.c.code.in_([ours, theirs]),
                d.c.received_at < datetime(2026, 3, 2, 2, 15, 31, tzinfo=UTC))).scalars().all()
        assert {k: v for k, v in rows[ours].items() if k != "code"} == \
            {k: v for k, v in rows[theirs].items() if k != "code"}
        assert rows[ours]["received_at"] == datetime(2026, 3, 2, 2, 15, 30, 123456, tzinfo=UTC)
        assert rows[ours]["returned_at"] == later and rows[ours]["on_time"] is False
        assert found == sorted([(ours, 5), (theirs, 5)])
        assert sorted(earlier) == sorted([ours, theirs])
    finally:
        with store.engine.begin() as conn:
            conn.execute(delete(d).where(d.c.code.in_([ours, theirs])))


def test_select_in_reads_back_what_sqlalchemy_reads(dossiers_app):
    """The ingest's reads by key (more keys than one IN (…) holds) give the same Python values
    as SQLAlchemy's own select: aware UTC times, dates, booleans, None."""
    store = dossiers_app.extensions["opengov"].store
    d = store.table("dossiers")
    codes = [unique("SEL") for _ in range(3)]
    rows = [_row(codes[0]), _row(codes[1], on_time=False, due_date=None, commune="x"),
            _row(codes[2], returned_at=datetime(2026, 3, 11, 23, 59, 59, 999999, tzinfo=UTC))]
    with store.engine.begin() as conn:
        insert_many(conn, d, rows)
    try:
        names = [c.name for c in d.columns]
        asked = [*codes, *(f"absent-{i}" for i in range(CHUNK + 5))]
        with store.engine.connect() as conn:
            ours = {r[0]: dict(zip(names, r, strict=True))
                    for r in select_in(conn, d, names, "code", asked)}
            theirs = {r.code: dict(r._mapping)
                      for r in conn.execute(select(d).where(d.c.code.in_(codes)))}
        assert ours == theirs and set(ours) == set(codes)
        assert ours[codes[1]]["on_time"] is False and ours[codes[1]]["due_date"] is None
        assert ours[codes[2]]["returned_at"] == datetime(2026, 3, 11, 23, 59, 59, 999999,
                                                         tzinfo=UTC)
    finally:
        with store.engine.begin() as conn:
            conn.execute(delete(d).where(d.c.code.in_(codes)))
