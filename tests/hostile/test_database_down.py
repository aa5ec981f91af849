"""Database down: every endpoint answers 503 problem+json with ``Retry-After``, never 500,
and the service recovers by itself once the database is back (issue 14, point 10).

PostgreSQL goes down for real, for this app only: the app reaches the shared server through a
TCP forwarder that the test cuts (connections refused, open ones dropped) and restores. SQLite:
the database file is replaced by something that cannot be opened, then put back.
"""

from __future__ import annotations

import os
import re
import shutil

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import make_app
from tests.hostile.tcp_proxy import TcpProxy

# Values for path parameters: enough to reach each view (most then need the database).
PATH_VALUES = {"fmt": "csv", "format": "json", "period": "2025-01", "z": "10", "x": "816",
               "y": "477", "collection_id": "cameras", "dataset_id": "cameras",
               "photo_id": "1"}
# Each of these reads the database on every request: 503 when it is down.
NEEDS_DATABASE = [
    "/procedures?q=dang+ky", "/procedures/x", "/procedures/stats", "/cameras",
    "/cameras/cam-00001", "/admin-units", "/service-centres", "/land/parcels", "/land/codes",
    "/land/lookup?lon=108.3&lat=15.6", "/monitoring/stations", "/monitoring/latest",
    "/monitoring/readings?station=aq-001&parameter=pm25", "/reports", "/reports/stats",
    "/ogc/collections/cameras/items",
    "/ogc/collections/cameras/items/cam-00001", "/datasets/cameras/download.csv?q=camera",
    "/tiles/cameras/10/816/477.mvt", "/api/3/action/package_list", "/open311/v2/requests.json",
    "/sources", "/health",
]


def _get_paths(app) -> list[str]:
    """Every GET route of the app with its path parameters filled in."""
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or "static" in rule.rule:
            continue
        path = rule.rule
        for name in re.findall(r"<(?:[^:<>]+:)?([^<>:]+)>", path):
            value = PATH_VALUES.get(name, "x")
            path = re.sub(rf"<(?:[^<>]+:)?{name}>", value, path)
        path = re.sub(r"<any\([^)]*\):format>", "json", path)
        paths.append(path)
    return sorted(set(paths))


def _assert_down(app) -> None:
    client = app.test_client()
    for path in NEEDS_DATABASE:
        response = client.get(path)
        assert response.status_code == 503, (path, response.status_code, response.data[:300])
        assert int(response.headers["Retry-After"]) > 0, path
        if not path.startswith(("/api/", "/open311/", "/health")):  # their own error formats
            assert response.mimetype == "application/problem+json", path
            assert response.get_json()["type"].endswith("database-unavailable"), path
    for path in _get_paths(app):
        response = client.get(path)
        assert response.status_code != 500, (path, response.data[:300])
        if response.status_code == 503:
            assert "Retry-After" in response.headers, path


def _assert_up(app) -> None:
    client = app.test_client()
    for path in ("/procedures?q=dang+ky", "/cameras?limit=2", "/health",
                 "/ogc/collections/cameras/items?limit=2"):
        assert client.get(path).status_code == 200, path


def _url(loaded_app) -> str:
    return loaded_app.extensions["opengov"].store.engine.url.render_as_string(
        hide_password=False)


@pytest.fixture
def proxy():
    proxy = TcpProxy(("127.0.0.1", 5432))
    proxy.restore()
    yield proxy
    proxy.cut()


def test_postgresql_down_answers_503_everywhere_and_recovers(loaded_app, backend, proxy,
                                                              tmp_path):
    if backend != "postgresql":
        pytest.skip("the PostgreSQL case")
    url = make_url(_url(loaded_app))
    via_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    app = make_app(via_proxy, tmp_path)
    try:
        _assert_up(app)  # pooled connections now open through the forwarder
        proxy.cut()  # open connections dropped, new ones refused
        _assert_down(app)
        proxy.restore()
        _assert_up(app)
    finally:
        app.extensions["opengov"].store.engine.dispose()


def test_postgresql_never_reached_answers_503(loaded_app, backend, tmp_path):
    """An app started while the server is down (a closed port) answers 503, not 500."""
    if backend != "postgresql":
        pytest.skip("the PostgreSQL case")
    closed = TcpProxy(("127.0.0.1", 5432))  # a free port nobody listens on
    url = make_url(_url(loaded_app)).set(host="127.0.0.1", port=closed.port)
    app = make_app(url.render_as_string(hide_password=False), tmp_path)
    try:
        _assert_down(app)
    finally:
        app.extensions["opengov"].store.engine.dispose()


def test_sqlite_file_that_cannot_be_opened_answers_503_and_recovers(loaded_app, backend,
                                                                   tmp_path):
    if backend != "sqlite":
        pytest.skip("the SQLite case")
    source = make_url(_url(loaded_app)).database
    path = tmp_path / "copy.sqlite3"
    with loaded_app.extensions["opengov"].store.engine.connect() as conn:
        conn.connection.dbapi_connection.execute(f"VACUUM INTO '{path}'")
    assert os.path.getsize(path) > 0 and source != str(path)
    app = make_app(f"sqlite:///{path}", tmp_path)
    engine = app.extensions["opengov"].store.engine
    try:
        _assert_up(app)
        aside = tmp_path / "aside.sqlite3"
        shutil.move(path, aside)
        path.mkdir()  # a directory where the file was: it cannot be opened
        engine.dispose()  # connections open on the old file go; new ones must open the path
        _assert_down(app)
        path.rmdir()
        shutil.move(aside, path)
        _assert_up(app)
    finally:
        engine.dispose()
