"""The one upstream session: cache, revalidation, retries, timeout, User-Agent, secrets."""

from __future__ import annotations

import time
import uuid

import pytest
import requests

from opengov.settings import load_settings
from opengov.upstream.session import cached_session
from tests.conftest import need_redis


@pytest.fixture
def settings(tmp_path):
    return load_settings({"instance_path": tmp_path, "http_backoff_ms": 10,
                          "http_timeout": 5}, environ={})


def test_within_expiry_answers_from_cache(settings, upstream):
    upstream.route("/a.json", '{"x": 1}')
    session = cached_session(settings, namespace="t", expire_after=60)
    first = session.get(upstream.url + "/a.json")
    second = session.get(upstream.url + "/a.json")
    assert (first.from_cache, second.from_cache, second.json()) == (False, True, {"x": 1})
    assert upstream.count("/a.json") == 1
    assert (settings.instance_path / "http-cache" / "t.sqlite3").is_file()


def test_expired_entry_is_revalidated_with_its_etag(settings, upstream):
    upstream.route("/a.json", '{"x": 1}')
    session = cached_session(settings, namespace="t")  # no expiry: revalidate every time
    session.get(upstream.url + "/a.json")
    again = session.get(upstream.url + "/a.json")
    assert again.from_cache and again.json() == {"x": 1}
    first, second = upstream.seen("/a.json")
    assert first.header("If-None-Match") is None
    assert second.header("If-None-Match") and second.header("If-Modified-Since")
    upstream.route("/a.json", '{"x": 2}')
    changed = session.get(upstream.url + "/a.json")
    assert (changed.from_cache, changed.json()) == (False, {"x": 2})


def test_429_is_retried_after_retry_after(settings, upstream):
    upstream.route("/r", "ok", content_type="text/plain")
    upstream.fail("/r", 429, times=1, headers={"Retry-After": "1"})
    started = time.monotonic()
    response = cached_session(settings, namespace="t").get(upstream.url + "/r")
    assert response.status_code == 200 and response.text == "ok"
    assert upstream.count("/r") == 2
    assert time.monotonic() - started >= 0.9  # waited as told (a fact of the protocol)


def test_5xx_is_retried_then_given_up(settings, upstream):
    upstream.fail("/down", 503)
    response = cached_session(settings, namespace="t", retries=2).get(upstream.url + "/down")
    assert response.status_code == 503 and upstream.count("/down") == 3


def test_slow_upstream_hits_the_timeout(settings, upstream):
    upstream.route("/slow", "late")
    upstream.slow("/slow", 2)
    with pytest.raises(requests.Timeout):
        cached_session(settings, namespace="t", timeout=0.3).get(upstream.url + "/slow")


def test_a_trickling_body_hits_the_timeout_too(settings, upstream):
    upstream.route("/trickle", "x" * 1000)
    upstream.trickle("/trickle", 3.0, chunks=30)  # every read is quick, the whole is not
    session = cached_session(settings, namespace="t", timeout=1)
    with pytest.raises(requests.Timeout, match="within 1 s"):
        session.get(upstream.url + "/trickle")
    upstream.recover("/trickle")
    assert session.get(upstream.url + "/trickle").text == "x" * 1000


def test_user_agent_names_the_service(settings, upstream):
    upstream.route("/ua", "x")
    cached_session(settings, namespace="t").get(upstream.url + "/ua")
    assert upstream.seen("/ua")[0].header("User-Agent").startswith("opengov/")


def test_credentials_stay_out_of_cache_keys_and_storage(settings, upstream):
    upstream.route("/secret.json", '{"ok": true}')
    session = cached_session(settings, namespace="cred", expire_after=60,
                             secrets=["X-City-Token", "token"])
    session.get(upstream.url + "/secret.json", headers={"X-City-Token": "hunter2-header"},
                params={"token": "hunter2-query"})
    again = session.get(upstream.url + "/secret.json", headers={"X-City-Token": "rotated"},
                        params={"token": "rotated"})
    assert again.from_cache  # the credential is not part of the key
    assert upstream.seen("/secret.json")[0].query["token"] == "hunter2-query"  # but was sent
    stored = (settings.instance_path / "http-cache" / "cred.sqlite3").read_bytes()
    for name in ("cred.sqlite3-wal",):
        wal = settings.instance_path / "http-cache" / name
        stored += wal.read_bytes() if wal.exists() else b""
    assert b"hunter2" not in stored and b"rotated" not in stored


def test_redis_cache_when_configured(tmp_path, upstream):
    need_redis()
    settings = load_settings({"instance_path": tmp_path, "http_cache_url":
                              "redis://127.0.0.1:6379/0"}, environ={})
    upstream.route("/r.json", '{"r": 1}')
    namespace = f"test-{uuid.uuid4().hex[:8]}"
    session = cached_session(settings, namespace=namespace, expire_after=60)
    try:
        session.get(upstream.url + "/r.json")
        assert session.get(upstream.url + "/r.json").from_cache
        assert upstream.count("/r.json") == 1
        assert not (tmp_path / "http-cache").exists()
    finally:
        session.cache.clear()
