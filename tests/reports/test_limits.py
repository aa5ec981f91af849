"""Abuse limits: rate limits (memory and shared Redis), body cap, text limits, media types."""

from __future__ import annotations

import uuid

import pytest
import redis

from opengov.keys import create_key
from tests.reports.conftest import bearer, build_app, make_app

PROBLEM = "application/problem+json"
REDIS_URL = "redis://127.0.0.1:6379/0"
BODY = {"category": "pothole", "address": "12 Phan Chu Trinh"}


@pytest.fixture
def limited(backend, postgres, tmp_path):
    app = build_app(backend, postgres, tmp_path, reports_rate_limit="3/minute",
                    reports_max_body_bytes=2000)
    yield app
    app.extensions["opengov"].store.engine.dispose()


def test_submissions_are_rate_limited_per_client(limited):
    api = limited.test_client()
    me = {"REMOTE_ADDR": "10.1.2.3"}
    codes = [api.post("/reports", json=BODY, environ_base=me).status_code for _ in range(3)]
    assert codes == [201, 201, 201]
    blocked = api.post("/reports", json=BODY, environ_base=me)
    assert blocked.status_code == 429 and blocked.mimetype == PROBLEM
    assert int(blocked.headers["Retry-After"]) > 0
    assert blocked.get_json()["detail"]
    other = api.post("/reports", json=BODY, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert other.status_code == 201  # another client has its own budget
    assert api.get("/reports", environ_base=me).status_code == 200  # reading is not limited
    # An invented bearer token does not buy a fresh budget.
    dodge = api.post("/reports", json=BODY, environ_base=me, headers=bearer("og_invented"))
    assert dodge.status_code == 429


def test_open311_rate_limit_answers_in_the_error_array(limited):
    store = limited.extensions["opengov"].store
    token = create_key(store, "app", label="city app")[1]
    api = limited.test_client()
    form = {"api_key": token, "service_code": "pothole", "address_string": "x"}
    codes = [api.post("/open311/v2/requests.json", data=form).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    blocked = api.post("/open311/v2/requests.json", data=form)
    assert blocked.headers["Retry-After"]
    [error] = blocked.get_json()
    assert error["code"] == 429 and error["description"]


def test_body_text_and_type_limits(limited):
    api = limited.test_client()
    too_big = api.post("/reports", json={**BODY, "description": "x" * 3000})
    assert too_big.status_code == 413 and too_big.mimetype == PROBLEM
    open311 = api.post("/open311/v2/requests.json", data={"service_code": "pothole",
                                                          "description": "x" * 3000})
    assert open311.status_code == 413 and open311.get_json()[0]["code"] == 413
    wrong = api.post("/reports", data="category=pothole", content_type="text/plain")
    assert wrong.status_code == 415 and wrong.mimetype == PROBLEM
    assert api.get("/reports/stats").get_json()["total"] == 0


def test_text_length_and_location_are_checked(api):
    long_text = api.post("/reports", json={**BODY, "description": "x" * 4001})
    assert long_text.status_code == 422
    assert long_text.get_json()["errors"][0]["field"] == "description"
    nowhere = api.post("/reports", json={"category": "pothole"})
    assert nowhere.status_code == 422
    half = api.post("/reports", json={"category": "pothole", "lon": 108.4})
    assert half.status_code == 422
    unknown = api.post("/reports", json={**BODY, "category": "ufo"})
    assert unknown.status_code == 422
    assert api.get("/reports/stats").get_json()["total"] == 0


def test_html_is_kept_as_text_never_interpreted(api):
    script = "<script>alert('x')</script> & <b>ổ gà</b>"
    report_id = api.post("/reports", json={**BODY, "description": script}).get_json()["id"]
    item = api.get(f"/reports/{report_id}")
    assert item.mimetype == "application/geo+json"
    assert item.get_json()["properties"]["description"] == script
    csv = api.get("/reports?f=csv").get_data(as_text=True)
    assert "<script>" in csv and api.get("/reports?f=csv").mimetype == "text/csv"


def test_redis_counters_are_shared_by_every_worker(backend, postgres, tmp_path):
    redis.Redis.from_url(REDIS_URL).ping()
    first = build_app(backend, postgres, tmp_path, reports_rate_limit="4/minute",
                      ratelimit_storage_url=REDIS_URL)
    url = first.extensions["opengov"].settings.database_url
    second = make_app(url, tmp_path, reports_rate_limit="4/minute",
                      ratelimit_storage_url=REDIS_URL)  # another worker, same database
    token = create_key(first.extensions["opengov"].store, "app", label=uuid.uuid4().hex)[1]
    workers = [first.test_client(), second.test_client()]
    codes = [workers[i % 2].post("/reports", json=BODY, headers=bearer(token)).status_code
             for i in range(6)]
    assert codes == [201, 201, 201, 201, 429, 429]
    for app in (first, second):
        app.extensions["opengov"].store.engine.dispose()
