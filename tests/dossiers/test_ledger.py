"""Applying events to a dossier: catalogue rules, due dates, pauses, on time or late."""

from datetime import date, datetime, timedelta, timezone

import pytest

from opengov.dossiers.ledger import Event, EventError, Procedure, apply
from opengov.dossiers.pins import Pins
from opengov.dossiers.workdays import WorkCalendar

CAL = WorkCalendar(2025, 2027)
PINS = Pins(b"a secret for the ledger tests")
ICT = timezone(timedelta(hours=7))
POSTAL = Procedure("1.900001", "so-xay-dung", "xay-dung", "province", True, False,
                   times={"direct": (5, "working_day"), "postal": (5, "working_day"),
                    "online": (5, "working_day")})
DESK_ONLY = Procedure("1.900002", "so-tu-phap", "tu-phap", "province", False, True,
                      times={"direct": (3, "working_day")})


def at(day: int, month: int = 3, hour: int = 9) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=ICT)


def receive(entry=POSTAL, **fields) -> dict:
    values = {"event_id": "e1", "code": "D1", "kind": "received", "at": at(2), "pin": "4821",
              "procedure": entry.code, "centre": "hcc-tinh", "channel_in": "in_person"}
    return apply(None, Event(**{**values, **fields}), entry, CAL, PINS)


def step(d, kind, when, **fields):
    return apply(d, Event(f"e-{kind}-{when.isoformat()}", d["code"], kind, when, **fields),
                 None, CAL, PINS)


def test_received_dossier_keeps_only_a_hash_of_the_pin_and_no_personal_data():
    d = receive()
    assert d["state"] == "received" and d["agency"] == "so-xay-dung"
    assert d["due_date"] == date(2026, 3, 9)  # Mon 2 Mar + 5 working days
    assert "4821" not in d.values() and PINS.matches("D1", "4821", d["pin_sha256"])
    assert not PINS.matches("D1", "4822", d["pin_sha256"])


def test_on_time_and_late():
    d = step(step(step(receive(), "appraisal_started", at(3)), "approved", at(6)),
             "result_ready", at(9))
    assert d["on_time"] is True and d["days_taken"] == 5
    late = step(step(step(receive(), "appraisal_started", at(3)), "approved", at(6)),
                "result_ready", at(10))
    assert late["on_time"] is False and late["days_taken"] == 6


def test_a_supplement_request_stops_the_clock():
    d = step(step(receive(), "appraisal_started", at(3)), "supplement_requested", at(4))
    assert d["due_date"] is None and d["used_days"] == 2
    d = step(d, "supplement_supplied", at(16))  # Monday, two weeks later
    assert d["due_date"] == date(2026, 3, 19)  # 3 working days left after Mon 16
    d = step(step(d, "approved", at(18)), "result_ready", at(19))
    assert d["on_time"] is True and d["days_taken"] == 5


@pytest.mark.parametrize(("fields", "reason"), [
    ({"channel_in": "postal"}, "not approved for postal"),
    ({"channel_out": "postal"}, "not approved for postal"),
    ({"agency": "ubnd-tinh"}, "is delegated to so-tu-phap"),
    ({"channel_in": "online"}, "cannot be submitted online"),
    ({"pin": "12"}, "pin"),
    ({"centre": None}, "centre"),
    ({"channel_in": "fax"}, "channel_in must be one of"),
])
def test_catalogue_rules(fields, reason):
    with pytest.raises(EventError, match=reason):
        receive(DESK_ONLY, **fields)


def test_legacy_district_procedures_are_closed_after_the_reform():
    legacy = Procedure("1.900003", "ubnd-cap-huyen", "dat-dai", "district_legacy", False,
                       False, True, {"direct": (10, "working_day")})
    with pytest.raises(EventError, match="former district-level"):
        receive(legacy)
    assert receive(legacy, at=datetime(2025, 6, 30, 9, tzinfo=ICT))["state"] == "received"


def test_unknown_procedure():
    with pytest.raises(EventError, match="unknown procedure"):
        apply(None, Event("e", "D", "received", at(2), pin="1234", procedure="9.9",
                          centre="c", channel_in="online"), None, CAL, PINS)


def test_postal_return_needs_its_tracking_code_and_others_refuse_one():
    by_post = step(step(step(receive(channel_out="postal"), "appraisal_started", at(3)),
                        "approved", at(4)), "result_ready", at(5))
    with pytest.raises(EventError, match="postal tracking code"):
        step(by_post, "result_returned", at(6))
    assert step(by_post, "result_returned", at(6), postal_code="EB123VN")["postal_code"] \
        == "EB123VN"
    at_desk = {**by_post, "channel_out": "in_person"}
    with pytest.raises(EventError, match="only for results returned by post"):
        step(at_desk, "result_returned", at(6), postal_code="EB123VN")


def test_an_event_older_than_the_last_one_is_refused():
    d = step(receive(), "appraisal_started", at(5))
    with pytest.raises(EventError, match="out of order"):
        step(d, "approved", at(4))
