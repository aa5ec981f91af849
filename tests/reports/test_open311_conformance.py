"""GeoReport v2 conformance (issue 17): paging, discovery, empty optional arguments,
``address_id``, ``service_notice``, no HTML in descriptions and JSON's charset.

Each test quotes the rule of the GeoReport v2 specification it checks (DOMAIN.md §1).
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest

from opengov.reports import service
from tests.reports.conftest import submit

V2 = "/open311/v2"
JSON_UTF8 = "application/json; charset=utf-8"


def post(api, **form):
    return api.post(f"{V2}/requests.json", data=form)


def ids(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [r["service_request_id"] for r in response.get_json()]


def test_default_listing_is_up_to_1000_requests_with_a_next_link(reports_app, api):
    # "a span of 90 days or first 1000 requests, whichever is smallest"
    store = reports_app.extensions["opengov"].store
    for n in range(101):
        service.submit(store, service.Submission(category="pothole", address=f"Số {n}"),
                       idempotency_key=None, idempotency_hours=24)
    everything = api.get(f"{V2}/requests.json")
    assert len(ids(everything)) == 101 and "Link" not in everything.headers
    first = api.get(f"{V2}/requests.json?page_size=100")
    link = first.headers["Link"]
    assert link.endswith('>; rel="next"') and "page=2" in link
    url = link[1:link.index(">")]
    second = api.get(url[url.index("/open311"):])
    assert "Link" not in second.headers
    assert ids(first) + ids(second) == ids(everything)
    in_xml = api.get(f"{V2}/requests.xml?page_size=100")
    assert in_xml.headers["Link"] == link.replace("requests.json", "requests.xml")


@pytest.mark.parametrize("empty", ["status=", "service_code=", "start_date=", "end_date=",
                                   "service_request_id=", "page_size=", "page=",
                                   "status=&service_code=&start_date=&end_date="])
def test_empty_query_parameters_are_absent(api, empty):
    # "Optional" means the response is the same whether a parameter is passed empty or not.
    made = [submit(api)["id"], submit(api, category="flooding")["id"]]
    assert sorted(ids(api.get(f"{V2}/requests.json?{empty}"))) == sorted(made)


def test_the_document_says_empty_optional_arguments_are_allowed(api):
    # A client generated from the OpenAPI document may send `status=`: the document must say
    # so (`allowEmptyValue`), or contract checkers count the 200 as an accepted invalid value.
    operation = api.get("/openapi.json").get_json()["paths"][f"{V2}/requests.{{format}}"]["get"]
    query = {p["name"]: p for p in operation["parameters"] if p["in"] == "query"}
    assert {"status", "service_code", "start_date", "end_date", "page_size"} <= set(query)
    assert all(p.get("allowEmptyValue") is True for p in query.values())


def test_empty_unknown_parameters_are_still_refused(api):
    response = api.get(f"{V2}/requests.json?colour=")
    assert response.status_code == 400 and "colour" in response.get_json()[0]["description"]


def test_empty_post_fields_are_absent(api, tokens):
    created = post(api, api_key=tokens["app"], service_code="pothole", email="", phone="",
                   lat="", long="", address_string="12 Phan Chu Trinh", first_name="")
    assert created.status_code == 200, created.get_data(as_text=True)
    [answer] = created.get_json()
    [record] = api.get(f"{V2}/requests/{answer['service_request_id']}.json").get_json()
    assert record["address"] == "12 Phan Chu Trinh" and record["lat"] is None


def test_a_location_given_only_as_address_id(api, tokens):
    # "lat & long, address_string or address_id": any one of them locates the request.
    created = post(api, api_key=tokens["app"], service_code="pothole", address_id="QN-TK-0412")
    assert created.status_code == 200, created.get_data(as_text=True)
    [answer] = created.get_json()
    [record] = api.get(f"{V2}/requests/{answer['service_request_id']}.json").get_json()
    assert record["address"] == "QN-TK-0412"
    nowhere = post(api, api_key=tokens["app"], service_code="pothole", address_id="")
    assert nowhere.status_code == 400 and nowhere.get_json()[0]["code"] == 422


def test_service_notice_reads_back_as_posted(api, tokens):
    [answer] = post(api, api_key=tokens["app"], service_code="flooding",
                    address_string="Cầu Vĩnh Điện").get_json()
    assert answer["service_notice"]
    url = f"{V2}/requests/{answer['service_request_id']}"
    [record] = api.get(f"{url}.json").get_json()
    assert record["service_notice"] == answer["service_notice"]
    [listed] = [r for r in api.get(f"{V2}/requests.json").get_json()
                if r["service_request_id"] == answer["service_request_id"]]
    assert listed["service_notice"] == answer["service_notice"]
    document = ET.fromstring(api.get(f"{url}.xml").data)
    assert document.findtext("request/service_notice") == answer["service_notice"]


HTML = "Ổ gà <b>sâu</b><script>alert(1)</script>"


@pytest.mark.parametrize("text", [HTML, "</p>", "<!-- x -->", "<img src=x onerror=1>"])
def test_html_in_descriptions_is_refused_by_both_apis(api, tokens, text):
    # GeoReport v2: descriptions carry no HTML. The native API follows the same rule.
    open311 = post(api, api_key=tokens["app"], service_code="pothole", description=text,
                   address_string="x")
    assert open311.status_code == 400
    [error] = open311.get_json()
    assert error["code"] == 422 and "HTML" in error["description"]
    in_xml = api.post(f"{V2}/requests.xml", data={
        "api_key": tokens["app"], "service_code": "pothole", "description": text,
        "address_string": "x"})
    assert in_xml.status_code == 400 and ET.fromstring(in_xml.data).tag == "errors"
    native = api.post("/reports", json={"category": "pothole", "description": text,
                                         "address": "x"})
    assert native.status_code == 422 and native.mimetype == "application/problem+json"
    assert native.get_json()["errors"][0]["field"] == "description"
    multipart = api.post("/reports", data={"category": "pothole", "description": text,
                                           "address": "x"}, content_type="multipart/form-data")
    assert multipart.status_code == 422
    assert api.get("/reports/stats").get_json()["total"] == 0  # nothing stored


def test_angle_brackets_outside_markup_are_text(api, tokens):
    text = "Ổ gà sâu > 10 cm, rộng < 2 m & đọng nước"
    [answer] = post(api, api_key=tokens["app"], service_code="pothole", description=text,
                    address_string="x").get_json()
    [record] = api.get(f"{V2}/requests/{answer['service_request_id']}.json").get_json()
    assert record["description"] == text
    native = submit(api, description=text)
    assert api.get(f"/reports/{native['id']}").get_json()["properties"]["description"] == text


def test_json_is_utf8_labelled(api):
    # "Format Support": Content-Type: application/json; charset=utf-8
    for path in ("/services.json", "/services/pothole.json", "/requests.json",
                 "/services/ufo.json", "/requests.json?status=shut"):
        assert api.get(V2 + path).headers["Content-Type"] == JSON_UTF8, path
    assert api.get("/open311/discovery.json").headers["Content-Type"] == JSON_UTF8


def test_service_discovery_in_json_and_xml(api):
    body = api.get("/open311/discovery.json").get_json()
    assert {"changeset", "contact", "key_service", "endpoints"} <= set(body)
    [endpoint] = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2") and endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    services = endpoint["url"][endpoint["url"].index("/open311"):] + "/services.xml"
    assert api.get(services).status_code == 200  # the advertised endpoint answers
    response = api.get("/open311/discovery.xml")
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    document = ET.fromstring(response.data)
    assert document.tag == "discovery"
    assert [f.text for f in document.findall("endpoints/endpoint/formats/format")] == [
        "text/xml", "application/json"]
    assert document.findtext("endpoints/endpoint/url") == endpoint["url"]
    assert api.get("/open311/discovery.html").status_code == 404
