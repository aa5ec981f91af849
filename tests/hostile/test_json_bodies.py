"""Bodies: lone surrogates, NUL characters and deep nesting are 422, never 500, and nothing is
stored (issue 14, points 7 and 8). One parser serves every JSON body and one hook every form."""

from __future__ import annotations

import pytest

from tests.monitoring import conftest as monitoring_fixtures
from tests.monitoring.test_ingest import reading
from tests.reports import conftest as reports_fixtures
from tests.reports.conftest import bearer, submit

# The fixtures these tests share with tests/reports and tests/monitoring.
api, tokens = reports_fixtures.api, reports_fixtures.tokens
reports_app = reports_fixtures.reports_app
keys, station_app = monitoring_fixtures.keys, monitoring_fixtures.station_app

REPORT = {"category": "pothole", "description": "Ổ gà trước số 12", "lon": 108.4745,
          "lat": 15.5733}
DEEP = "[" * 100_000 + "]" * 100_000
SURROGATE = '"\\ud800"'


def raw_json(client, method: str, path: str, text: str, **headers):
    return client.open(path, method=method, data=text.encode(), headers=headers,
                       content_type="application/json")


def report_json(**fields) -> str:
    """A report body with raw JSON text for some values (to send what json.dumps cannot)."""
    import json

    parts = [f'"{k}": {json.dumps(v)}' for k, v in REPORT.items() if k not in fields]
    parts += [f'"{k}": {v}' for k, v in fields.items()]
    return "{" + ", ".join(parts) + "}"


def count(api) -> int:
    return len(api.get("/reports?limit=1000").get_json()["features"])


def assert_refused(response, reason: str, status: int = 422):
    assert response.status_code == status, response.get_data(as_text=True)
    assert reason in response.get_data(as_text=True)


@pytest.mark.parametrize("fields, reason", [
    ({"description": SURROGATE}, "surrogate"),
    ({"description": '"\\ud800\\u0041"'}, "surrogate"),
    ({"description": '"a\\u0000b"'}, "NUL"),
    ({"contact": '{"email": "nul\\u0000@example.org", "phone": "0905 111 222"}'}, "NUL"),
    ({"contact": '{"name": "A\\u0000", "email": "a@example.org"}'}, "NUL"),
    ({"address": '"12 Trần Phú\\u0000"'}, "NUL"),
    ({"description": '"x", "extra": [[[[' + "[" * 70 + "]" * 74}, "nests more than 64"),
])
def test_report_json_with_unstorable_text_is_422_and_stores_nothing(api, fields, reason):
    assert_refused(raw_json(api, "POST", "/reports", report_json(**fields)), reason)
    assert count(api) == 0


def test_100000_deep_array_is_422_on_reports(api):
    assert_refused(raw_json(api, "POST", "/reports", DEEP), "nests more than 64")


def test_100000_deep_array_to_patch_without_a_key_is_not_a_500(api):
    report = submit(api)
    response = raw_json(api, "PATCH", f"/reports/{report['id']}", DEEP)
    assert response.status_code in (401, 422)


def test_staff_note_with_a_lone_surrogate_or_nul_is_422(api, tokens):
    report = submit(api)
    before = api.get(f"/reports/{report['id']}")
    for note in (SURROGATE, '"a\\u0000"'):
        response = raw_json(api, "PATCH", f"/reports/{report['id']}", '{"note": ' + note + "}",
                            **bearer(tokens["admin"], **{"If-Match": before.headers["ETag"]}))
        assert response.status_code == 422, response.get_data(as_text=True)
    after = api.get(f"/reports/{report['id']}")
    assert after.headers["ETag"] == before.headers["ETag"]


@pytest.mark.parametrize("path", ["/api/3/action/package_list", "/api/action/package_search",
                                  "/api/3/action/package_show"])
def test_ckan_posts_refuse_deep_and_nul_bodies_in_the_ckan_envelope(api, path):
    for text, reason in ((DEEP, "nests more than 64"), ('{"id": "a\\u0000"}', "NUL"),
                         ('{"q": ' + SURROGATE + "}", "surrogate")):
        response = raw_json(api, "POST", path, text)
        assert response.status_code == 422
        body = response.get_json()
        assert body["success"] is False and reason in body["error"]["message"]


def test_multipart_report_field_with_nul_is_422(api):
    form = {**{k: str(v) for k, v in REPORT.items()}, "description": "a\x00b",
            "email": "form@example.org"}
    response = api.post("/reports", data=form, content_type="multipart/form-data")
    assert_refused(response, "NUL")
    assert count(api) == 0


def test_open311_form_field_with_nul_is_422_in_open311_format(api, tokens):
    response = api.post("/open311/v2/requests.json", data={
        "api_key": tokens["app"], "service_code": "pothole", "lat": "15.88", "long": "108.33",
        "description": "Ngập\x00", "email": "o311@example.org"})
    assert response.status_code == 400  # GeoReport v2 answers 400 with the code in the body
    body = response.get_json()
    assert body[0]["code"] == 422 and "NUL" in body[0]["description"]
    assert count(api) == 0


def test_ingest_with_nul_or_deep_nesting_is_422(station_app, keys):
    client = station_app.test_client()
    for text in ('{"readings": [{"station": "aq-001\\u0000", "parameter": "pm25", '
                 '"time": "2026-01-15T01:00:00+07:00", "value": 1}]}',
                 '{"readings": [' + "[" * 80 + "]" * 80 + "]}"):
        response = raw_json(client, "POST", "/monitoring/readings", text, **keys["ingest"])
        assert response.status_code == 422, response.get_data(as_text=True)
    ok = client.post("/monitoring/readings", json={"readings": [reading(1)]},
                     headers=keys["ingest"])
    assert ok.status_code == 201


def test_valid_unicode_and_64_bit_numbers_still_pass(api):
    body = report_json(description='"Ổ gà 🕳️ \\ud83d\\ude00 ok"', lon="108.4745")
    response = raw_json(api, "POST", "/reports", body)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert count(api) == 1
