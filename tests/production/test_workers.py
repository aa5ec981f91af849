"""Several gunicorn workers on one host count as one service: the default rate-limit counters
(a SQLite file in the instance folder, no Redis) and the Prometheus metrics (multiprocess mode)."""

from __future__ import annotations

import os
import re
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from opengov.loader import load_all
from opengov.settings import Settings
from opengov.store.migrate import upgrade
from tests.conftest import DATASETS, make_app
from tests.serving import serving

pytestmark = pytest.mark.slow
ROUTE = "/reports/<report_id>"
REPORT = {"category": "pothole", "address": "12 Phan Chu Trinh"}


def environment(tmp_path, **extra) -> dict:
    url = f"sqlite:///{tmp_path / 'opengov.sqlite3'}"
    app = make_app(url, tmp_path)
    store = app.extensions["opengov"].store
    upgrade(store.engine)
    load_all(store, DATASETS, only=["report-categories"])
    store.engine.dispose()
    return {"OPENGOV_INSTANCE_PATH": str(tmp_path), "OPENGOV_DATABASE_URL": url,
            "OPENGOV_DATASETS_PATH": str(DATASETS), "OPENGOV_SAMPLE_PROFILE": "small",
            "OPENGOV_RATELIMIT_STORAGE_URL": None, "OPENGOV_REPORTS_RATE_LIMIT": None,
            "OPENGOV_ACCESS_LOG": "off", **extra}


def test_the_documented_limit_holds_with_four_workers_without_redis(tmp_path):
    documented = Settings().reports_rate_limit  # 20/minute;200/day, as docs/security.md says
    per_minute = int(re.match(r"(\d+)/minute", documented)[1])
    with serving(environment(tmp_path), tmp_path / "server.log", workers=4) as base:
        def submit(_n):
            return requests.post(base + "/reports", json=REPORT, timeout=60).status_code

        with ThreadPoolExecutor(8) as pool:  # new connections: spread over the workers
            codes = list(pool.map(submit, range(30)))
    assert sorted(codes) == [201] * per_minute + [429] * (30 - per_minute)
    assert (tmp_path / "ratelimits.sqlite3").exists()


def _metric(text: str, name: str, **labels) -> float:
    """The sum of ``name``'s samples whose labels include ``labels``."""
    total = 0.0
    for line in text.splitlines():
        match = re.fullmatch(rf"{name}(?:\{{(.*)\}})? (\S+)", line)
        if match:
            found = dict(re.findall(r'(\w+)="([^"]*)"', match[1] or ""))
            if all(found.get(k) == v for k, v in labels.items()):
                total += float(match[2])
    return total


def test_metrics_count_every_workers_requests_by_route_template(tmp_path):
    with serving(environment(tmp_path), tmp_path / "server.log", workers=2) as base:
        def get(n):
            return requests.get(f"{base}/reports/no-such-report-{n}", timeout=60).status_code

        with ThreadPoolExecutor(6) as pool:
            codes = list(pool.map(get, range(40)))
        assert codes == [404] * 40
        deadline = time.monotonic() + 15  # a request is counted once its response is closed
        while _metric(requests.get(base + "/metrics", timeout=60).text,
                      "opengov_http_requests_total", route=ROUTE) < 40:
            assert time.monotonic() < deadline, "the requests were never all counted"
            time.sleep(0.1)
        scrapes = [requests.get(base + "/metrics", timeout=60) for _ in range(6)]
    for scrape in scrapes:  # whichever worker answers, it counts all of them
        assert scrape.status_code == 200
        assert scrape.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        text = scrape.text
        assert _metric(text, "opengov_http_requests_total", route=ROUTE,
                       method="GET", status="404") == 40
        assert _metric(text, "opengov_http_request_duration_seconds_count",
                       route=ROUTE, status="404") == 40
        assert "no-such-report" not in text  # templates, never raw paths
        assert "opengov_http_requests_in_flight" in text
        assert "opengov_db_pool_connections_in_use" in text


def test_metrics_access_modes(empty_app_factory):
    local = empty_app_factory().test_client()
    assert local.get("/metrics").status_code == 200  # the test client is 127.0.0.1
    remote = local.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.5"})
    assert remote.status_code == 403 and remote.mimetype == "application/problem+json"
    # A local proxy left out of OPENGOV_TRUSTED_PROXIES does not make its clients local.
    proxied = local.get("/metrics", headers={"X-Forwarded-For": "203.0.113.5"})
    assert proxied.status_code == 403
    behind = empty_app_factory(trusted_proxies="127.0.0.1").test_client()
    assert behind.get("/metrics", headers={"X-Forwarded-For": "203.0.113.5"}).status_code == 403
    assert behind.get("/metrics", headers={"X-Forwarded-For": "::1"}).status_code == 200
    off = empty_app_factory(metrics="off").test_client().get("/metrics")
    assert off.status_code == 404 and off.mimetype == "application/problem+json"
    keyed = empty_app_factory(metrics="key")
    from opengov.keys import create_key

    store = keyed.extensions["opengov"].store
    reader = create_key(store, "metrics", label="prometheus")[1]
    other = create_key(store, "app", label="app")[1]
    api = keyed.test_client()
    assert api.get("/metrics").status_code == 401
    assert api.get("/metrics", headers={"Authorization": f"Bearer {other}"}).status_code == 403
    answer = api.get("/metrics", headers={"Authorization": f"Bearer {reader}"},
                     environ_base={"REMOTE_ADDR": "203.0.113.5"})
    assert answer.status_code == 200 and b"opengov_http_requests_total" in answer.data
    with pytest.raises(ValueError, match="OPENGOV_METRICS"):
        empty_app_factory(metrics="public")


def test_a_dead_workers_live_gauges_go_and_the_folder_goes_with_the_server(tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = environment(tmp_path, TMPDIR=str(scratch), PROMETHEUS_MULTIPROC_DIR=None)
    with serving(env, tmp_path / "server.log", workers=2) as base:
        for _ in range(10):
            assert requests.get(base + "/health/live", timeout=30).status_code == 200
        [folder] = scratch.glob("opengov-metrics-*")
        live = sorted(folder.glob("gauge_livesum_*.db"))
        assert live  # the workers that answered keep their in-flight and pool gauges here
        pid = int(live[0].stem.rpartition("_")[2])
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 20
        while live[0].exists():
            assert time.monotonic() < deadline, "the dead worker's gauges were never dropped"
            time.sleep(0.1)
        assert requests.get(base + "/health/live", timeout=30).status_code == 200
        assert "opengov_http_requests_total" in requests.get(base + "/metrics", timeout=30).text
    assert not list(scratch.glob("opengov-metrics-*"))  # removed when the server stopped


def test_invented_methods_and_paths_add_no_series(empty_app_factory):
    api = empty_app_factory().test_client()
    for n in range(5):
        api.open(f"/no-such-{n}", method=f"BREW{n}").close()
    text = api.get("/metrics").get_data(as_text=True)
    assert _metric(text, "opengov_http_requests_total", method="other",
                   route="(unmatched)") >= 5
    assert "BREW" not in text and "no-such" not in text
