"""Open311 GeoReport v2 under /open311/v2: services, requests, tokens and the error array."""

from __future__ import annotations

from datetime import datetime
from xml.etree import ElementTree as ET

import pytest

from tests.reports.conftest import change, submit

V2 = "/open311/v2"


@pytest.fixture
def app_token(tokens):
    return tokens["app"]


def post(api, **form):
    return api.post(f"{V2}/requests.json", data=form)


def test_services_and_definitions(api):
    services = api.get(f"{V2}/services.json").get_json()
    codes = {s["service_code"] for s in services}
    assert {"pothole", "flooding", "illegal-dumping", "street-light"} <= codes
    pothole = next(s for s in services if s["service_code"] == "pothole")
    assert pothole["metadata"] is True and pothole["type"] == "realtime"
    definition = api.get(f"{V2}/services/pothole.json").get_json()
    assert definition["service_code"] == "pothole"
    assert definition["attributes"][0]["datatype"] == "singlevaluelist"
    missing = api.get(f"{V2}/services/ufo.json")
    assert missing.status_code == 404
    assert missing.get_json() == [{"code": 404, "description": "Unknown service_code 'ufo'."}]


def test_post_form_encoded_with_an_app_key(api, app_token):
    created = post(api, api_key=app_token, service_code="flooding", lat="15.88",
                   long="108.33", description="Ngập 40 cm", email="r@example.invalid")
    assert created.status_code == 200
    [answer] = created.get_json()
    assert set(answer) == {"service_request_id", "service_notice", "account_id"}
    [record] = api.get(f"{V2}/requests/{answer['service_request_id']}.json").get_json()
    assert record["status"] == "open" and record["service_code"] == "flooding"
    assert (record["lat"], record["long"]) == (15.88, 108.33)
    assert record["agency_responsible"] == "so-xay-dung"
    for key in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert datetime.fromisoformat(record[key]).tzinfo is not None  # always with a zone
    assert "email" not in record


@pytest.mark.parametrize("form, status, code", [
    ({"service_code": "pothole", "address_string": "x"}, 403, 403),
    ({"api_key": "og_wrong", "service_code": "pothole", "address_string": "x"}, 403, 403),
    ({"api_key": "APP", "service_code": "ufo", "address_string": "x"}, 404, 404),
    ({"api_key": "APP", "service_code": "pothole"}, 400, 422),
    ({"api_key": "APP", "service_code": "pothole", "lat": "north", "long": "1"}, 400, 422),
], ids=["no-key", "wrong-key", "unknown-service", "no-location", "bad-lat"])
def test_post_errors_use_the_error_array(api, app_token, form, status, code):
    response = post(api, **{k: (app_token if v == "APP" else v) for k, v in form.items()})
    assert response.status_code == status
    [error] = response.get_json()
    assert error["code"] == code and error["description"]
    assert "Traceback" not in error["description"]


def test_official_key_cannot_post_as_an_app(api, tokens):
    response = post(api, api_key=tokens["official"], service_code="pothole", address_string="x")
    assert response.status_code == 403


def test_status_mapping_notes_and_filters(api, tokens):
    closed = submit(api)["id"]
    open_ = submit(api, category="flooding")["id"]
    change(api, tokens["official"], closed, status="rejected", note="Không thuộc phạm vi.")
    [record] = api.get(f"{V2}/requests/{closed}.json").get_json()
    assert record["status"] == "closed" and record["detailed_status"] == "rejected"
    assert record["status_notes"] == "Không thuộc phạm vi."
    assert [n["status"] for n in record["notes"]] == ["received", "rejected"]

    def ids(query):
        return [r["service_request_id"] for r in api.get(f"{V2}/requests.json?{query}")
                .get_json()]

    assert ids("status=closed") == [closed]
    assert ids("status=open") == [open_]
    assert sorted(ids("status=open,closed")) == sorted([closed, open_])
    assert ids("service_code=flooding") == [open_]
    assert sorted(ids(f"service_request_id={open_},{closed}")) == sorted([open_, closed])
    assert ids("start_date=2999-01-01T00:00:00Z") == []
    pages = [ids(f"page_size=1&page={n}") for n in (1, 2, 3)]
    assert sorted(pages[0] + pages[1]) == sorted([closed, open_]) and pages[2] == []


def test_dates_need_a_zone_and_ranges_are_bounded(api):
    naive = api.get(f"{V2}/requests.json?start_date=2026-01-01T00:00:00")
    assert naive.status_code == 400 and naive.get_json()[0]["code"] == 400
    wide = api.get(f"{V2}/requests.json?start_date=2026-01-01T00:00:00Z"
                   "&end_date=2026-06-01T00:00:00Z")
    assert wide.status_code == 400


def test_tokens_and_unknown_requests(api):
    receipt = submit(api)
    found = api.get(f"{V2}/tokens/{receipt['tracking_token']}.json").get_json()
    assert found == [{"service_request_id": receipt["id"], "token": receipt["tracking_token"]}]
    assert api.get(f"{V2}/tokens/nope.json").status_code == 404
    missing = api.get(f"{V2}/requests/nope.json")
    assert missing.status_code == 404 and missing.get_json()[0]["code"] == 404
    wrong_method = api.delete(f"{V2}/requests.json")
    assert wrong_method.status_code == 405 and wrong_method.get_json()[0]["code"] == 405


def xml(response, root: str) -> ET.Element:
    """The parsed GeoReport v2 XML body, after checking its media type and declaration."""
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert response.data.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    document = ET.fromstring(response.data)
    assert document.tag == root
    return document


def test_xml_services_and_definitions(api):
    services = xml(api.get(f"{V2}/services.xml"), "services")
    entries = {s.findtext("service_code"): s for s in services.findall("service")}
    as_json = api.get(f"{V2}/services.json").get_json()
    assert set(entries) == {s["service_code"] for s in as_json}
    pothole = entries["pothole"]
    assert [c.tag for c in pothole] == list(as_json[0])  # the JSON keys, in order
    assert pothole.findtext("metadata") == "true" and pothole.findtext("type") == "realtime"
    assert entries["street-light"].findtext("metadata") == "false"
    definition = xml(api.get(f"{V2}/services/pothole.xml"), "service_definition")
    assert definition.findtext("service_code") == "pothole"
    [attribute] = definition.findall("attributes/attribute")
    assert attribute.findtext("code") == "size" and attribute.findtext("required") == "false"
    assert attribute.find("datatype_description").text is None  # null: an empty element
    assert [v.findtext("key") for v in attribute.findall("values/value")] == ["small", "large"]


def test_xml_requests_round_trip(api, app_token):
    created = api.post(f"{V2}/requests.xml", data={
        "api_key": app_token, "service_code": "pothole", "lat": "15.57", "long": "108.47",
        "description": "Ổ gà sâu > 10 cm & rộng < 2 m", "attribute[size]": "large"})
    assert created.status_code == 200, created.get_data(as_text=True)
    [answer] = xml(created, "service_requests").findall("request")
    assert [c.tag for c in answer] == ["service_request_id", "service_notice", "account_id"]
    report_id = answer.findtext("service_request_id")
    assert answer.find("account_id").text is None
    [one] = xml(api.get(f"{V2}/requests/{report_id}.xml"), "service_requests")
    [record] = api.get(f"{V2}/requests/{report_id}.json").get_json()
    assert [c.tag for c in one] == list(record)
    # "<", ">" and "&" outside markup are text: escaped in XML, read back as typed.
    assert one.findtext("description") == "Ổ gà sâu > 10 cm & rộng < 2 m"
    assert float(one.findtext("lat")) == 15.57 and one.findtext("status") == "open"
    assert datetime.fromisoformat(one.findtext("requested_datetime")).tzinfo is not None
    assert [(a.findtext("code"), a.findtext("value")) for a in
            one.findall("attributes/attribute")] == [("size", "large")]
    [note] = one.findall("notes/note")
    assert note.findtext("status") == "received" and note.findtext("type") == "status_change"
    search = xml(api.get(f"{V2}/requests.xml?status=open&page_size=5"), "service_requests")
    assert [r.findtext("service_request_id") for r in search] == [report_id]
    receipt = submit(api)
    [found] = xml(api.get(f"{V2}/tokens/{receipt['tracking_token']}.xml"), "service_requests")
    assert found.findtext("service_request_id") == receipt["id"]


XML_ERRORS = [  # method, path, form, HTTP status, code in the body
    ("get", "/services/ufo.xml", None, 404, 404),
    ("get", "/requests/nope.xml", None, 404, 404),
    ("get", "/tokens/nope.xml", None, 404, 404),
    ("get", "/requests.xml?start_date=2026-01-01T00:00:00", None, 400, 400),
    ("post", "/requests.xml", {"service_code": "pothole", "address_string": "x"}, 403, 403),
    ("post", "/requests.xml", {"api_key": "APP", "service_code": "pothole",
                               "address_string": "x", "attribute[size]": "huge"}, 400, 422),
    ("delete", "/requests.xml", None, 405, 405),
]


def test_xml_errors_are_the_error_array(api, app_token):
    for method, path, form, status, code in XML_ERRORS:
        data = {k: (app_token if v == "APP" else v) for k, v in (form or {}).items()}
        response = getattr(api, method)(V2 + path, data=data or None)
        assert response.status_code == status, path
        [error] = xml(response, "errors").findall("error")
        assert int(error.findtext("code")) == code and error.findtext("description"), path
    assert api.get("/reports/stats").get_json()["total"] == 0
