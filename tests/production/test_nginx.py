"""A real nginx in front of a real ``opengov serve`` (two workers) on 127.0.0.1.

Clients connect to nginx from distinct loopback addresses (127.0.0.3, .4, …); nginx connects to
the application from 127.0.0.2, the only trusted proxy. The client's address, scheme, host and
request id must be those nginx saw; a client talking to the application directly, or writing its
own forwarding headers, must gain nothing by it.
"""

from __future__ import annotations

import json
import re
import uuid
from urllib.parse import urlsplit

import pytest

from opengov.keys import create_key
from opengov.loader import load_all
from opengov.store.migrate import upgrade
from tests.conftest import DATASETS, make_app
from tests.production.client import access_lines, call
from tests.production.nginx import PROXY_ADDRESS, need_nginx, nginx_in_front
from tests.serving import serving

pytestmark = pytest.mark.slow
REPORT = {"category": "pothole", "address": "12 Phan Chu Trinh"}


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    need_nginx()
    tmp = tmp_path_factory.mktemp("nginx-stack")
    url = f"sqlite:///{tmp / 'opengov.sqlite3'}"
    app = make_app(url, tmp)
    store = app.extensions["opengov"].store
    upgrade(store.engine)
    load_all(store, DATASETS, only=["report-categories"])
    token = create_key(store, "app", label="city app")[1]
    store.engine.dispose()
    env = {"OPENGOV_INSTANCE_PATH": str(tmp), "OPENGOV_DATABASE_URL": url,
           "OPENGOV_DATASETS_PATH": str(DATASETS), "OPENGOV_SAMPLE_PROFILE": "small",
           "OPENGOV_TRUSTED_PROXIES": PROXY_ADDRESS, "OPENGOV_REPORTS_RATE_LIMIT": "3/minute",
           "OPENGOV_ACCESS_LOG": str(tmp / "access.jsonl")}
    with serving(env, tmp / "server.log", workers=2) as base:
        with nginx_in_front(urlsplit(base).netloc, tmp / "nginx") as proxy:
            yield {"app": base, "proxy": proxy, "log": tmp / "access.jsonl", "token": token}


def test_each_client_behind_nginx_has_its_own_budget_and_cannot_forge_another(stack):
    proxy = stack["proxy"].http
    first = [call(proxy, "POST", "/reports", source="127.0.0.3", body=REPORT)
             for _ in range(4)]
    assert [status for status, _, _ in first] == [201, 201, 201, 429]
    # Writing another address into X-Forwarded-For (or Forwarded) buys no fresh budget:
    # nginx appends the real one, and the walk from the right stops there.
    forged = call(proxy, "POST", "/reports", source="127.0.0.3", body=REPORT,
                  headers={"X-Forwarded-For": "203.0.113.77", "Forwarded": "for=203.0.113.78"})
    assert forged[0] == 429
    other = call(proxy, "POST", "/reports", source="127.0.0.4", body=REPORT)
    assert other[0] == 201  # a second resident is not blocked by the first
    ids = [h["X-Request-Id"] for _, h, _ in first] + [forged[1]["X-Request-Id"]]
    log = access_lines(stack["log"], *ids, other[1]["X-Request-Id"])
    assert [log[i]["client"] for i in ids] == ["127.0.0.3"] * 5
    assert log[other[1]["X-Request-Id"]]["client"] == "127.0.0.4"


def test_tls_ends_at_nginx_and_links_request_ids_follow_it(stack):
    nginx = stack["proxy"]
    status, headers, body = call(nginx.https, "GET", "/", source="127.0.0.5")
    assert status == 200
    links = [link["href"] for link in json.loads(body)["links"]]
    assert links and all(h.startswith(nginx.https + "/") for h in links)  # https, nginx's host
    rid = headers["X-Request-Id"]
    nginx_log = nginx.access_log(waiting_for=rid)
    assert re.search(rf'"GET / HTTP/1.1" 200 {rid}$', nginx_log, re.M)  # nginx's own id
    entry = access_lines(stack["log"], rid)[rid]
    assert entry["client"] == "127.0.0.5" and entry["path"] == "/"
    assert entry["status"] == 200 and entry["bytes"] == len(body)


def test_a_direct_senders_forwarding_headers_and_request_id_are_ignored(stack):
    app = stack["app"]
    forged_id = f"forged-{uuid.uuid4().hex[:8]}"
    status, headers, body = call(app, "GET", "/", headers={
        "X-Forwarded-For": "127.0.0.9", "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "evil.example", "X-Request-Id": forged_id})
    assert status == 200
    assert headers["X-Request-Id"] != forged_id
    assert all(link["href"].startswith(app + "/") for link in json.loads(body)["links"])
    rid = headers["X-Request-Id"]
    assert access_lines(stack["log"], rid)[rid]["client"] == "127.0.0.1"


def test_the_access_log_names_the_key_by_its_id_never_the_token(stack):
    token = stack["token"]
    status, headers, _ = call(stack["proxy"].http, "GET", "/auth/whoami", source="127.0.0.6",
                              headers={"Authorization": f"Bearer {token}"})
    assert status == 200
    entry = access_lines(stack["log"], headers["X-Request-Id"])[headers["X-Request-Id"]]
    assert isinstance(entry["key_id"], int) and entry["method"] == "GET"
    assert set(entry) == {"time", "request_id", "method", "path", "query_length", "status",
                          "bytes", "duration_ms", "client", "key_id"}
    assert token not in stack["log"].read_text() and token[:10] not in stack["log"].read_text()
