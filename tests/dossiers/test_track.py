"""GET /dossiers/track: a resident follows a dossier with the code and pin on the receipt."""

import pytest

from tests.conftest import make_app
from tests.dossiers.conftest import POSTAL, Dossier, at, post


def track(api, code, pin="4821"):
    return api.get("/dossiers/track", query_string={"code": code, "pin": pin})


def steps(body) -> dict:
    return {s["step"]: (s["status"], s["outcome"]) for s in body["timeline"]}


def test_timeline_due_date_and_postal_code(api, keys):
    d = Dossier(POSTAL, channel_out="postal")
    assert post(api, keys["one-stop"], [d.event("received", at(2))]).status_code == 200
    body = track(api, d.code).get_json()
    assert body["state"] == "received" and body["awaiting"] == "agency"
    assert steps(body) == {"reception": ("done", None), "appraisal": ("current", None),
                           "approval": ("pending", None), "result_return": ("pending", None)}
    assert body["due_date"] is not None
    more = [d.event("appraisal_started", at(3)), d.event("approved", at(4)),
            d.event("result_ready", at(4, 15))]
    assert post(api, keys["one-stop"], more).status_code == 200
    body = track(api, d.code).get_json()
    assert body["awaiting"] == "post" and body["on_time"] is True
    assert steps(body)["approval"] == ("done", "approved")
    assert steps(body)["result_return"] == ("current", None)
    post(api, keys["one-stop"], [d.event("result_returned", at(5), postal_code="EB123456VN")])
    body = track(api, d.code).get_json()
    assert body["postal_code"] == "EB123456VN" and body["awaiting"] is None
    assert {s["status"] for s in body["timeline"]} == {"done"}
    assert body["timeline"][3]["at"].startswith("2026-03-05")


def test_a_supplement_is_awaited_from_the_applicant(api, keys):
    d = Dossier()
    post(api, keys["one-stop"], [d.event("received", at(2)),
                                 d.event("supplement_requested", at(3))])
    body = track(api, d.code).get_json()
    assert body["awaiting"] == "supplement" and body["due_date"] is None


def test_the_answer_is_private_and_has_no_pin(api, keys):
    d = Dossier()
    post(api, keys["one-stop"], [d.event("received", at(2))])
    response = track(api, d.code)
    assert response.headers["Cache-Control"] == "private, no-store"
    text = response.get_data(as_text=True)
    assert "4821" not in text and "pin" not in text


def test_wrong_pin_and_unknown_code_are_the_same_404(api, keys):
    d = Dossier()
    post(api, keys["one-stop"], [d.event("received", at(2))])
    wrong, unknown = track(api, d.code, "0000"), track(api, "no-such-code", "4821")
    assert wrong.status_code == unknown.status_code == 404
    assert {k: v for k, v in wrong.get_json().items()} == unknown.get_json() | {
        "instance": wrong.get_json()["instance"]}
    assert wrong.get_json()["detail"] == unknown.get_json()["detail"]


def test_wrong_pin_and_unknown_code_do_the_same_work(api, keys, monkeypatch):
    """Both hash the given pin once and compare it in constant time (no timed assertion: the
    machine is shared; the work done is what makes the time equal)."""
    from opengov.dossiers import pins

    d = Dossier()
    post(api, keys["one-stop"], [d.event("received", at(2))])
    calls = []
    real_hash, real_compare = pins.pin_hash, pins.hmac.compare_digest
    monkeypatch.setattr(pins, "pin_hash", lambda *a: calls.append("hash") or real_hash(*a))
    monkeypatch.setattr(pins.hmac, "compare_digest",
                        lambda *a: calls.append("compare") or real_compare(*a))
    for code in (d.code, "no-such-code"):
        calls.clear()
        assert track(api, code, "9999").status_code == 404
        assert calls == ["hash", "compare"], code


@pytest.fixture
def limited_app(dossiers_app, tmp_path):
    url = dossiers_app.extensions["opengov"].settings.resolved_database_url
    app = make_app(url, tmp_path, dossiers_track_rate_limit="3/minute")
    yield app
    app.extensions["opengov"].store.engine.dispose()


def test_lookups_are_rate_limited_per_client(limited_app):
    client = limited_app.test_client()
    answers = [track(client, "no-such-code").status_code for _ in range(4)]
    assert answers == [404, 404, 404, 429]
    blocked = track(client, "no-such-code")
    assert int(blocked.headers["Retry-After"]) >= 1
    assert blocked.mimetype == "application/problem+json"
    other = client.get("/dossiers/track", query_string={"code": "x", "pin": "1"},
                       environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 404


def test_missing_pin_is_a_client_error(api):
    assert api.get("/dossiers/track", query_string={"code": "x"}).status_code in (400, 422)
