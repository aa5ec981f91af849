"""Abuse limits: rate limits (memory and shared Redis), body cap, text limits, media types."""

from __future__ import annotations

import uuid

import pytest
import redis

from opengov.keys import create_key
from tests.conftest import need_redis
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


def test_html_markup_is_refused_and_plain_text_kept(api):
    # Descriptions are plain text (issue 17: GeoReport v2 says no HTML; docs/reports.md).
    script = "<script>alert('x')</script> & <b>ổ gà</b>"
    refused = api.post("/reports", json={**BODY, "description": script})
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    text = "ổ gà sâu > 10 cm & rộng < 2 m"
    report_id = api.post("/reports", json={**BODY, "description": text}).get_json()["id"]
    item = api.get(f"/reports/{report_id}")
    assert item.mimetype == "application/geo+json"
    assert item.get_json()["properties"]["description"] == text
    assert text in api.get("/reports?f=csv").get_data(as_text=True)


def test_redis_counters_are_shared_by_every_worker(backend, postgres, tmp_path):
    need_redis()
    first = build_app(backend, postgres, tmp_path, reports_rate_limit="4/minute",
                      ratelimit_storage_url=REDIS_URL, reports_max_body_bytes=5000)
    url = first.extensions["opengov"].settings.database_url
    second = make_app(url, tmp_path, reports_rate_limit="4/minute",
                      ratelimit_storage_url=REDIS_URL)  # another worker, same database
    token = create_key(first.extensions["opengov"].store, "app", label=uuid.uuid4().hex)[1]
    workers = [first.test_client(), second.test_client()]
    for _ in range(2):  # oversized bodies are 413 and must not switch to per-worker counters
        too_big = workers[0].post("/open311/v2/requests.json", data={
            "api_key": token, "service_code": "pothole", "description": "x" * 10_000})
        assert too_big.status_code == 413
    codes = [workers[i % 2].post("/reports", json=BODY, headers=bearer(token)).status_code
             for i in range(6)]
    assert codes == [201, 201, 201, 201, 429, 429]
    for app in (first, second):
        app.extensions["opengov"].store.engine.dispose()


def _limiter_keys(app) -> set[str]:
    """Every counter key in the app's limiter storage (memory or Redis)."""
    [limiter] = app.extensions["limiter"]
    storage = limiter.storage
    if app.extensions["opengov"].settings.ratelimit_storage_url.startswith("redis"):
        client = redis.Redis.from_url(REDIS_URL)
        return {k.decode() for k in client.scan_iter("*opengov-reports*")}
    return set(storage.storage) | set(storage.expirations) | set(storage.locks)


@pytest.mark.parametrize("storage", ["memory://", REDIS_URL])
def test_only_submissions_reach_the_limiter(backend, postgres, tmp_path, storage):
    app = build_app(backend, postgres, tmp_path, reports_rate_limit="2/minute",
                    ratelimit_storage_url=storage)
    store = app.extensions["opengov"].store
    official = create_key(store, "official", scope="so-xay-dung", label="o")[1]
    api = app.test_client()
    me = {"REMOTE_ADDR": f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7"}
    first = api.post("/reports", json=BODY, environ_base=me)
    assert first.status_code == 201 and first.headers["X-RateLimit-Limit"] == "2"
    report_id = first.get_json()["id"]
    before = _limiter_keys(app)
    etag = api.get(f"/reports/{report_id}").headers["ETag"]
    reads = ["/reports", f"/reports/{report_id}", f"/reports/{report_id}/history",
             "/reports/stats", "/open311/v2/services.json", "/open311/v2/requests.json",
             f"/open311/v2/requests/{report_id}.json", "/health", "/openapi.json",
             "/reports/no-such-report"]
    for path in reads * 3:
        response = api.get(path, environ_base=me)
        assert response.status_code < 500 and "X-RateLimit-Limit" not in response.headers, path
    patched = api.patch(f"/reports/{report_id}", json={"note": "Đã xem."}, environ_base=me,
                        headers=bearer(official, **{"If-Match": etag}))
    assert patched.status_code == 200 and "X-RateLimit-Limit" not in patched.headers
    assert _limiter_keys(app) == before  # nothing but submissions touched the storage
    [limiter] = app.extensions["limiter"]
    app_wide = [f for kind in (app.before_request_funcs, app.after_request_funcs,
                               app.teardown_request_funcs) for f in kind.get(None, ())]
    assert not [f for f in app_wide if getattr(f, "__self__", None) is limiter
                or limiter in getattr(f, "args", ())]  # no limiter hook runs for other requests
    # Submissions are still limited: the second one uses the budget, the third is refused.
    assert api.post("/reports", json=BODY, environ_base=me).status_code == 201
    assert api.post("/reports", json=BODY, environ_base=me).status_code == 429
    form = {"api_key": create_key(store, "app", label=uuid.uuid4().hex)[1],
            "service_code": "pothole", "address_string": "x"}
    codes = [api.post("/open311/v2/requests.json", data=form).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert len(_limiter_keys(app)) > len(before)
    store.engine.dispose()
