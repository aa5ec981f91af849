"""Open311 ``attribute[CODE]`` answers: checked against the service definition, then stored.

The sample categories have only optional attributes, so these tests load the sample plus one
category asking every datatype, with required ones.
"""

from __future__ import annotations

import json
import shutil

import pytest

from opengov.loader import load_all
from tests.conftest import DATASETS

V2 = "/open311/v2"
SIGN = {
    "id": "road-sign", "name": {"vi": "Biển báo hư hỏng", "en": "Damaged road sign"},
    "description": {"vi": "Biển báo giao thông bị cong, mất, che khuất.", "en": "Bent, missing "
                    "or hidden road sign."}, "group": "roads", "keywords": ["biển báo", "sign"],
    "agency": "so-xay-dung", "agency_name": {"vi": "Sở Xây dựng (mẫu)", "en": "Department of "
                                                                          "Construction (sample)"},
    "target_hours": 48,
    "attributes": [
        {"code": "kind", "variable": True, "datatype": "singlevaluelist", "required": True,
         "order": 1, "description": "Loại biển / Sign type",
         "values": [{"key": "stop", "name": "Dừng lại"}, {"key": "speed", "name": "Tốc độ"}]},
        {"code": "damage", "variable": True, "datatype": "multivaluelist", "required": False,
         "order": 2, "description": "Hư hỏng / Damage",
         "values": [{"key": "bent", "name": "Cong"}, {"key": "faded", "name": "Mờ"},
                    {"key": "hidden", "name": "Bị che"}]},
        {"code": "height_m", "variable": True, "datatype": "number", "required": False,
         "order": 3, "description": "Chiều cao (m)", "values": []},
        {"code": "seen_at", "variable": True, "datatype": "datetime", "required": False,
         "order": 4, "description": "Thời điểm phát hiện", "values": []},
        {"code": "landmark", "variable": True, "datatype": "string", "required": True,
         "order": 5, "description": "Gần đâu? / Nearest landmark", "values": []},
        {"code": "details", "variable": True, "datatype": "text", "required": False,
         "order": 6, "description": "Chi tiết", "values": []},
        {"code": "notice", "variable": False, "datatype": "text", "required": False,
         "order": 7, "description": "Chỉ để thông tin / For information only", "values": []},
    ],
}
VALID = {"attribute[kind]": "stop", "attribute[damage][]": ["bent", "hidden"],
         "attribute[height_m]": "2.5", "attribute[seen_at]": "2026-01-15T08:00:00+07:00",
         "attribute[landmark]": "Trước trường tiểu học", "attribute[details]": "Dòng 1\nDòng 2"}
STORED = {"kind": "stop", "damage": ["bent", "hidden"], "height_m": 2.5,
          "seen_at": "2026-01-15T01:00:00Z", "landmark": "Trước trường tiểu học",
          "details": "Dòng 1\nDòng 2"}


@pytest.fixture
def sign_app(reports_app, tmp_path):
    """The reports app with the sample categories plus ``road-sign``."""
    root = tmp_path / "datasets"
    shutil.copytree(DATASETS / "report-categories", root / "report-categories")
    with (root / "report-categories" / "report-categories.ndjson").open("a") as f:
        f.write(json.dumps(SIGN, ensure_ascii=False) + "\n")
    load_all(reports_app.extensions["opengov"].store, root, only=["report-categories"])
    return reports_app


def post(api, token, **form):
    base = {"api_key": token, "service_code": "road-sign", "lat": "15.57", "long": "108.47"}
    return api.post(f"{V2}/requests.json", data={**base, **form})


def test_valid_answers_are_stored_and_published(sign_app, tokens):
    api = sign_app.test_client()
    definition = api.get(f"{V2}/services/road-sign.json").get_json()
    assert [a["code"] for a in definition["attributes"]][:2] == ["kind", "damage"]
    created = post(api, tokens["app"], **VALID)
    assert created.status_code == 200, created.get_data(as_text=True)
    report_id = created.get_json()[0]["service_request_id"]
    props = api.get(f"/reports/{report_id}").get_json()["properties"]
    assert props["attributes"] == STORED
    [record] = api.get(f"{V2}/requests/{report_id}.json").get_json()
    assert record["attributes"] == [
        {"code": "kind", "value": "stop"}, {"code": "damage", "value": "bent"},
        {"code": "damage", "value": "hidden"}, {"code": "height_m", "value": 2.5},
        {"code": "seen_at", "value": "2026-01-15T01:00:00Z"},
        {"code": "landmark", "value": "Trước trường tiểu học"},
        {"code": "details", "value": "Dòng 1\nDòng 2"}]
    # Empty optional answers count as not sent; a single multivaluelist value may omit "[]".
    minimal = post(api, tokens["app"], **{"attribute[kind]": "speed", "attribute[damage]":
                                          "faded", "attribute[height_m]": "",
                                          "attribute[landmark]": "Chợ"})
    assert minimal.status_code == 200, minimal.get_data(as_text=True)
    minimal_id = minimal.get_json()[0]["service_request_id"]
    assert api.get(f"/reports/{minimal_id}").get_json()["properties"]["attributes"] == {
        "kind": "speed", "damage": ["faded"], "landmark": "Chợ"}


WRONG = [  # (what changes in a valid form, the attribute named in the error)
    ({"attribute[kind]": None}, "attribute[kind]"),  # required, missing
    ({"attribute[kind]": ""}, "attribute[kind]"),  # required, empty
    ({"attribute[kind]": "yield"}, "attribute[kind]"),  # not an allowed key
    ({"attribute[kind]": ["stop", "speed"]}, "attribute[kind]"),  # one value only
    ({"attribute[damage][]": ["bent", "melted"]}, "attribute[damage]"),
    ({"attribute[height_m]": "tall"}, "attribute[height_m]"),
    ({"attribute[height_m]": "nan"}, "attribute[height_m]"),
    ({"attribute[seen_at]": "2026-01-15T08:00:00"}, "attribute[seen_at]"),  # no offset
    ({"attribute[seen_at]": "yesterday"}, "attribute[seen_at]"),
    ({"attribute[landmark]": "one\ntwo"}, "attribute[landmark]"),  # string: a single line
    ({"attribute[landmark]": "x" * 501}, "attribute[landmark]"),
    ({"attribute[details]": "x" * 4001}, "attribute[details]"),
    ({"attribute[notice]": "hi"}, "attribute[notice]"),  # informational: takes no answer
    ({"attribute[colour]": "red"}, "attribute[colour]"),  # not in the definition
]


def test_wrong_answers_are_400_and_nothing_is_stored(sign_app, tokens):
    api = sign_app.test_client()
    for change, field in WRONG:
        form = {k: v for k, v in {**VALID, **change}.items() if v is not None}
        response = post(api, tokens["app"], **form)
        assert response.status_code == 400, change
        [error] = response.get_json()
        assert error["code"] == 422 and field in error["description"], change
    assert api.get("/reports/stats").get_json()["total"] == 0


def test_errors_name_every_wrong_attribute_without_echoing_values(sign_app, tokens):
    api = sign_app.test_client()
    secret = "ZQ-secret-answer"
    response = post(api, tokens["app"], **{"attribute[kind]": secret,
                                           "attribute[height_m]": secret})
    [error] = response.get_json()
    for name in ("attribute[kind]", "attribute[height_m]", "attribute[landmark]"):
        assert name in error["description"]
    assert secret not in response.get_data(as_text=True)
    huge = post(api, tokens["app"], **VALID, **{f"attribute[{'k' * 5000}]": "x"})
    assert huge.status_code == 400 and len(huge.get_data()) < 1000
    many = post(api, tokens["app"], **VALID, **{f"attribute[extra{i}]": "x" for i in range(50)})
    assert many.status_code == 400 and "At most 50" in many.get_json()[0]["description"]
    assert api.get("/reports/stats").get_json()["total"] == 0


def test_service_without_attributes_refuses_answers(sign_app, tokens):
    api = sign_app.test_client()
    response = api.post(f"{V2}/requests.json", data={
        "api_key": tokens["app"], "service_code": "street-light", "address_string": "x",
        "attribute[size]": "small"})
    assert response.status_code == 400 and "attribute[size]" in response.get_json()[0][
        "description"]


def test_native_submissions_take_the_same_answers(sign_app):
    api = sign_app.test_client()
    body = {"category": "road-sign", "address": "Ngã ba", "attributes": {
        "kind": "stop", "damage": ["bent"], "height_m": 2, "landmark": "Chợ"}}
    created = api.post("/reports", json=body)
    assert created.status_code == 201, created.get_data(as_text=True)
    stored = api.get(f"/reports/{created.get_json()['id']}").get_json()["properties"]
    assert stored["attributes"] == {"kind": "stop", "damage": ["bent"], "height_m": 2,
                                    "landmark": "Chợ"}
    missing = api.post("/reports", json={"category": "road-sign", "address": "Ngã ba"})
    assert missing.status_code == 422 and missing.mimetype == "application/problem+json"
    assert {e["field"] for e in missing.get_json()["errors"]} == {"attribute[kind]",
                                                                 "attribute[landmark]"}
    multipart = api.post("/reports", content_type="multipart/form-data", data={
        "category": "road-sign", "address": "Ngã ba", "attribute[kind]": "speed",
        "attribute[damage][]": ["faded", "bent"], "attribute[landmark]": "Cầu"})
    assert multipart.status_code == 201, multipart.get_data(as_text=True)
    stored = api.get(f"/reports/{multipart.get_json()['id']}").get_json()["properties"]
    assert stored["attributes"]["damage"] == ["faded", "bent"]
    assert api.get("/reports/stats").get_json()["total"] == 2
