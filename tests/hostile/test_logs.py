"""Logs: no personal data in any line, one line per error with its request id, no parser dumps,
and an unexpected error's trace at most once a minute (issue 14, points 6 and 8).

The log checks run a real ``opengov serve`` (its log file is what an operator keeps) on both
backends and push distinctive contacts through every error path a submission can take.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import quote

import pytest
import requests

from opengov.keys import create_key
from tests.conftest import DATASETS, make_app, new_database_url
from tests.serving import serving

EMAIL = "leak.probe.7f3a@example.org"
PHONE = "0909555731"
NAME = "Probe Leakwood"
PROBES = (EMAIL, "leak.probe.7f3a", PHONE, "0909 555 731", NAME)
CONTACT = {"name": NAME, "email": EMAIL, "phone": PHONE}
REPORT = {"category": "pothole", "description": "Ổ gà", "lon": 108.4745, "lat": 15.5733}
ID_IN_LINE = re.compile(r"\[([A-Za-z0-9._:-]+)\]: ")


@pytest.fixture(scope="module")
def server(backend, postgres, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp(f"logs-{backend}")
    url = new_database_url(backend, postgres, tmp_path)
    env = {"OPENGOV_INSTANCE_PATH": str(tmp_path), "OPENGOV_DATABASE_URL": url,
           "OPENGOV_DATASETS_PATH": str(DATASETS), "OPENGOV_SAMPLE_PROFILE": "small",
           "OPENGOV_REPORTS_RATE_LIMIT": "100000/minute", "OPENGOV_LOG_LEVEL": "INFO",
           # The test client plays a trusted proxy (its X-Request-Id is kept); the access log
           # (one line per request) goes to its own file, checked in tests/production.
           "OPENGOV_TRUSTED_PROXIES": "127.0.0.1",
           "OPENGOV_ACCESS_LOG": str(tmp_path / "access.jsonl")}
    log = tmp_path / "server.log"
    with serving(env, log) as base:
        app = make_app(url, tmp_path)
        store = app.extensions["opengov"].store
        keys = {role: create_key(store, role, label=role)[1] for role in ("app", "admin")}
        store.engine.dispose()
        yield base, log, keys


def raw(base: str, method: str, path: str, text: str, **headers) -> requests.Response:
    return requests.request(method, base + path, data=text.encode("utf-8"), timeout=60,
                            headers={"Content-Type": "application/json", **headers})


def body(**raw_fields) -> str:
    """A report with contacts; ``raw_fields`` are JSON text (escapes json.dumps won't write)."""
    import json

    fields = {**REPORT, "contact": CONTACT}
    parts = [f'"{k}": {json.dumps(v)}' for k, v in fields.items() if k not in raw_fields]
    return "{" + ", ".join(parts + [f'"{k}": {v}' for k, v in raw_fields.items()]) + "}"


def error_paths(base: str, keys: dict) -> list[requests.Response]:
    """Every way a submission carrying contacts can fail (and two that succeed)."""
    import json

    contact_json = json.dumps(CONTACT)
    out = [
        raw(base, "POST", "/reports", body(description='"a\\u0000b"')),
        raw(base, "POST", "/reports", body(contact=contact_json[:-1] + ', "x": "\\u0000"}')),
        raw(base, "POST", "/reports", body(
            contact=f'{{"name": "N\\u0000", "email": "{EMAIL}", "phone": "{PHONE}"}}')),
        raw(base, "POST", "/reports", body(description='"\\ud800"')),
        raw(base, "POST", "/reports", body(extra="[" * 5000 + "]" * 5000)),
        raw(base, "POST", "/reports", body(lon="1e400")),
        raw(base, "POST", "/reports", body(lon="999")),
        raw(base, "POST", "/reports", body(category='"ufo"')),
        raw(base, "POST", "/reports", body(contact='{"email": "not-an-email", "phone": '
                                                    f'"{PHONE}", "name": "{NAME}"}}')),
        raw(base, "POST", "/reports", body()[:-5]),  # truncated JSON
        raw(base, "POST", "/reports", body(), **{"Idempotency-Key": "k" * 300}),
        requests.post(base + "/reports", timeout=60, files={"photos": ("a.png", b"nope")},
                      data={**{k: str(v) for k, v in REPORT.items()}, **CONTACT,
                            "description": "x\x00"}),
        requests.post(base + "/reports", timeout=60, files={"photos": ("a.png", b"not a png")},
                      data={**{k: str(v) for k, v in REPORT.items()}, **CONTACT}),
        requests.post(base + "/open311/v2/requests.json", timeout=60, data={
            "api_key": keys["app"], "service_code": "pothole", "lat": "15.88", "long": "108.33",
            "description": "Ngập\x00", "email": EMAIL, "phone": PHONE, "first_name": NAME}),
        requests.post(base + "/open311/v2/requests.json", timeout=60, data={
            "api_key": "wrong", "service_code": "pothole", "lat": "15.88", "long": "108.33",
            "email": EMAIL, "phone": PHONE, "first_name": NAME}),
        requests.get(base + "/reports", params={"q": EMAIL}, timeout=60),
        requests.get(base + "/reports", params={"q": PHONE + "\x00"}, timeout=60),
        raw(base, "POST", "/api/3/action/package_search", json.dumps({"q": EMAIL, "rows": -1})),
    ]
    created = raw(base, "POST", "/reports", body())
    assert created.status_code == 201, created.text
    report = f"/reports/{created.json()['id']}"
    etag = requests.get(base + report, timeout=60).headers["ETag"]
    staff = {"Authorization": f"Bearer {keys['admin']}", "If-Match": etag}
    out += [
        created,
        raw(base, "PATCH", report, json.dumps({"note": f"call {PHONE} or {EMAIL}\u0000"}),
            **staff),
        raw(base, "PATCH", report, json.dumps({"note": f"{EMAIL}", "status": "bogus"}), **staff),
        raw(base, "PATCH", report, json.dumps({"note": f"{EMAIL}"})),  # no key
        raw(base, "PATCH", report, '{"note": "\\ud800' + EMAIL + '"}', **staff),
    ]
    return out


def test_no_contact_reaches_the_log_and_each_error_is_one_line_with_its_id(server):
    base, log, keys = server
    responses = error_paths(base, keys)
    assert all(r.status_code < 500 for r in responses), [r.status_code for r in responses]
    text = log.read_text(encoding="utf-8", errors="replace")
    leaked = [p for p in PROBES if p in text]
    assert not leaked, f"contacts in the server log: {leaked}"
    access = (log.parent / "access.jsonl").read_text(encoding="utf-8")
    assert access and not [p for p in PROBES if p in access], "contacts in the access log"
    lines_by_id: dict[str, int] = {}
    for line in text.splitlines():
        match = ID_IN_LINE.search(line)
        if match:
            lines_by_id[match.group(1)] = lines_by_id.get(match.group(1), 0) + 1
    for response in responses:
        rid = response.headers["X-Request-Id"]
        expected = 1 if response.status_code >= 400 else 0
        assert lines_by_id.get(rid, 0) == expected, (response.request.method,
                                                     response.url, response.status_code)


def test_bad_filters_log_one_short_line_each_and_no_parser_dump(server):
    base, log, _keys = server
    before = log.stat().st_size
    deep = "refresh_interval_s > 0"
    for i in range(40):
        deep = f"(refresh_interval_s>{i} {'AND' if i % 2 else 'OR'} {deep})"
    filters = ["last_seen < TIMESTAMP('9999-12-31T23:59:59-14:00')",
               "S_INTERSECTS(geometry, BBOX('a', 1, 2, 3))", "refresh_interval_s >>> 1",
               " OR ".join(f"id='{i}'" for i in range(101)), deep,
               "refresh_interval_s > 99999999999999999999999"]
    ids = []
    for i in range(100):
        cql = filters[i % len(filters)]
        response = requests.get(f"{base}/ogc/collections/cameras/items?filter={quote(cql)}",
                                timeout=60)
        assert response.status_code == 400
        ids.append(response.headers["X-Request-Id"])
    with log.open(encoding="utf-8") as fh:
        fh.seek(before)
        # the background first-start process may still be printing its "  sample:" progress
        added = "".join(line for line in fh if not line.startswith("  sample: "))
    assert "STATE STACK DUMP" not in added and "Traceback" not in added
    assert len(added.splitlines()) == 100
    assert all(rid in added for rid in ids)
    assert len(added) < 100 * 300


def test_request_ids_are_unique_and_a_trusted_proxys_safe_id_is_kept(server):
    base, _log, _keys = server
    ids = {requests.get(base + "/health", timeout=10).headers["X-Request-Id"] for _ in range(20)}
    assert len(ids) == 20
    kept = requests.get(base + "/health", headers={"X-Request-Id": "trace-42.a:b"}, timeout=10)
    assert kept.headers["X-Request-Id"] == "trace-42.a:b"
    for unsafe in ("has spaces in it", "x" * 65, "<script>", "ý"):
        answered = requests.get(base + "/health", headers={"X-Request-Id": unsafe.encode()},
                                timeout=10).headers["X-Request-Id"]
        assert answered != unsafe and re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]+", answered)


def test_an_unexpected_errors_trace_is_logged_once_a_minute(empty_app, caplog):
    calls = {"n": 0}

    def broken():
        calls["n"] += 1
        raise RuntimeError(f"boom {EMAIL}" if calls["n"] < 0 else "boom")

    def other():
        raise KeyError("other")

    empty_app.add_url_rule("/test-broken", "test_broken", broken)
    empty_app.add_url_rule("/test-other", "test_other", other)
    client = empty_app.test_client()
    with caplog.at_level(logging.INFO, logger="opengov"):
        answers = [client.get("/test-broken") for _ in range(5)] + [client.get("/test-other")]
    assert [a.status_code for a in answers] == [500] * 6
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 6
    assert [r.exc_info is not None for r in errors] == [True, False, False, False, False, True]
    assert "not repeated" in errors[1].getMessage()
    assert all(a.headers["X-Request-Id"] for a in answers)
    assert len({a.headers["X-Request-Id"] for a in answers}) == 6
