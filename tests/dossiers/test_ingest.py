"""POST /dossiers/events: all or nothing, idempotent, ordered, scoped, catalogue rules."""

import pytest
from sqlalchemy import func, select

from tests.dossiers.conftest import DELEGATED, DESK, POSTAL, Dossier, at, post


def count(app, table: str, **where) -> int:
    store = app.extensions["opengov"].store
    t = store.table(table)
    query = select(func.count()).select_from(t)
    for name, value in where.items():
        query = query.where(t.c[name] == value)
    with store.engine.connect() as conn:
        return conn.execute(query).scalar_one()


def state(app, code: str) -> dict:
    store = app.extensions["opengov"].store
    t = store.table("dossiers")
    with store.engine.connect() as conn:
        return dict(conn.execute(select(t).where(t.c.code == code)).one()._mapping)


def test_a_batch_creates_and_advances_dossiers(api, keys, dossiers_app):
    d = Dossier()
    response = post(api, keys["one-stop"], d.resolved(4))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() | {"batch": None} == {
        "batch": None, "received": 4, "stored": 4, "duplicates": 0, "dossiers": 1}
    row = state(dossiers_app, d.code)
    assert row["state"] == "result_ready" and row["on_time"] is True
    assert row["agency"] == POSTAL["agency_code"]
    assert count(dossiers_app, "dossier_events", dossier_code=d.code) == 4


def test_a_resend_stores_nothing_twice(api, keys, dossiers_app):
    d = Dossier()
    events = d.resolved(4)
    assert post(api, keys["one-stop"], events).status_code == 200
    again = post(api, keys["one-stop"], events)
    assert again.status_code == 200
    assert again.get_json()["stored"] == 0 and again.get_json()["duplicates"] == 4
    assert count(dossiers_app, "dossier_events", dossier_code=d.code) == 4


def test_events_out_of_order_within_a_batch_are_sorted(api, keys, dossiers_app):
    d = Dossier()
    events = d.resolved(4)
    response = post(api, keys["one-stop"], list(reversed(events)))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert state(dossiers_app, d.code)["state"] == "result_ready"


def test_events_at_one_time_follow_their_natural_order_whatever_the_offset(api, keys,
                                                                          dossiers_app):
    """Only a dossier whose events arrive out of order is sorted: by time (the same instant
    written with another offset is the same time), then in the events' natural order."""
    in_order, same_time = Dossier(), Dossier()
    utc = at(3, hour=9).replace("+07:00", "+00:00")  # 16:00 in Vietnam, 9:00 UTC
    local = at(3, hour=16)  # the same instant
    events = [in_order.event("received", at(2)), same_time.event("approved", local),
              in_order.event("appraisal_started", at(3)),
              same_time.event("appraisal_started", utc), same_time.event("received", at(2))]
    response = post(api, keys["one-stop"], events)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert state(dossiers_app, in_order.code)["state"] == "in_appraisal"
    row = state(dossiers_app, same_time.code)
    assert row["state"] == "approved" and row["appraisal_at"] == row["decided_at"]


def test_an_event_older_than_an_earlier_batch_is_refused_with_a_reason(api, keys):
    d = Dossier()
    first = [d.event("received", at(2)), d.event("appraisal_started", at(5))]
    assert post(api, keys["one-stop"], first).status_code == 200
    late = post(api, keys["one-stop"], [d.event("supplement_requested", at(4))])
    assert late.status_code == 422
    reason = late.get_json()["errors"][0]["reason"]
    assert "out of order" in reason
    assert "at 2026-03-05T02:00:00+00:00, later than 2026-03-04T02:00:00+00:00" in reason  # UTC


def test_one_bad_event_refuses_the_whole_batch_and_lists_every_bad_one(api, keys,
                                                                       dossiers_app):
    good, bad = Dossier(), Dossier(DESK)
    events = [*good.resolved(4),
              bad.event("received", at(2), channel_in="postal"),      # not a postal procedure
              bad.event("approved", at(3)),                            # after a refused one
              {"event_id": "x", "code": "c", "kind": "lost", "at": at(2)},
              {"event_id": "y", "code": "c", "kind": "received", "at": "2026-03-02T09:00"},
              {"event_id": "z", "code": "c", "kind": "received", "at": at(2),
               "applicant_name": "Nguyễn Văn A"}]
    response = post(api, keys["one-stop"], events)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    errors = {e["index"]: e["reason"] for e in response.get_json()["errors"]}
    assert set(errors) == {4, 5, 6, 7, 8}
    assert "not approved for postal" in errors[4]
    assert "earlier event" in errors[5]
    assert "kind must be one of" in errors[6]
    assert "UTC offset" in errors[7]
    assert "personal data" in errors[8]
    assert count(dossiers_app, "dossiers", code=good.code) == 0
    assert count(dossiers_app, "dossier_events", dossier_code=good.code) == 0


def test_an_event_with_several_problems_is_told_the_first_in_field_order(api, keys):
    """The one-pass reader of well-formed events leaves the reasons as they were: the first
    problem in the order event_id, code, kind, at, then the details."""
    long_code = "c" * 65
    events = [{"event_id": " ", "code": long_code, "kind": "lost", "at": "soon"},
              {"code": long_code, "kind": "received", "at": at(2)},
              {"event_id": "n", "code": 7, "kind": "received", "at": at(2)},
              {"event_id": "k", "code": "c", "kind": "received", "at": at(2), "pin": 1234},
              {"event_id": "m", "code": "c", "kind": "received", "at": at(2),
               "centre": "x" * 101},
              {"event_id": " ok ", "code": " c ", "kind": "received", "at": "2026-03-02"}]
    response = post(api, keys["one-stop"], events)
    assert response.status_code == 422
    reasons = [e["reason"] for e in response.get_json()["errors"]]
    assert reasons == ["event_id must be a non-empty string", "event_id is required",
                       "code must be a non-empty string", "pin must be a non-empty string",
                       "centre is longer than 100 characters",
                       "at needs a UTC offset (e.g. 2026-03-02T09:15:00+07:00)"]


def test_csv_batches(api, keys, dossiers_app):
    d = Dossier()
    lines = ["event_id,code,kind,at,pin,procedure,centre,channel_in,channel_out,postal_code",
             f"{d.code}-1,{d.code},received,{at(2)},4821,{POSTAL['code']},hcc,online,postal,",
             f"{d.code}-2,{d.code},appraisal_started,{at(3)},,,,,,"]
    response = post(api, keys["one-stop"], "\r\n".join(lines) + "\r\n")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert state(dossiers_app, d.code)["channel_out"] == "postal"


def test_delegated_procedures_belong_to_their_department(api, keys, dossiers_app):
    d = Dossier(DELEGATED)
    refused = post(api, keys["one-stop"], [d.event("received", at(2), agency="ubnd-tinh")])
    assert refused.status_code == 422
    assert f"is delegated to {DELEGATED['agency_code']}" in refused.get_json()["errors"][0][
        "reason"]
    assert post(api, keys["one-stop"], [d.event("received", at(2))]).status_code == 200
    assert state(dossiers_app, d.code)["agency"] == DELEGATED["agency_code"]


def test_a_scoped_key_writes_only_its_agency(api, keys):
    mine, other = Dossier(POSTAL), Dossier(DESK)
    assert DESK["agency_code"] != POSTAL["agency_code"]
    assert post(api, keys["scoped"], [mine.event("received", at(2))]).status_code == 200
    response = post(api, keys["scoped"], [other.event("received", at(2))])
    assert response.status_code == 403
    assert response.get_json()["errors"][0]["index"] == 0


@pytest.mark.parametrize(("token", "status"), [(None, 401), ("official", 403)])
def test_keys(api, keys, token, status):
    headers = {"Authorization": f"Bearer {keys[token]}"} if token else {}
    response = api.post("/dossiers/events", json=[], headers=headers)
    assert response.status_code == status


def test_bad_bodies(api, keys):
    assert post(api, keys["one-stop"], []).status_code == 422
    assert post(api, keys["one-stop"], {"events": "no"}).status_code == 422
    response = api.post("/dossiers/events", data="x", content_type="text/plain",
                        headers={"Authorization": f"Bearer {keys['one-stop']}"})
    assert response.status_code == 415
