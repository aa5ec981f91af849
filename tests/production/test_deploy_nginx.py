"""deploy/nginx/opengov.conf as shipped, run by a real nginx in front of two ``opengov serve``
hosts (sync workers, separate instance folders, one database) on 127.0.0.1.

Only the values the file tells its reader to replace are replaced (addresses, ports, paths of
certificates, cache and log). Clients connect to nginx from 127.0.0.3; nginx reaches the
applications from 127.0.0.1, their only trusted proxy.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from opengov.loader import load_all
from opengov.store.migrate import upgrade
from opengov.tiles.grid import lonlat_to_tile
from tests.conftest import DATASETS, REPO, make_app
from tests.production.client import access_lines, call
from tests.production.nginx import (
    Nginx,
    certificate,
    check_config,
    main_config,
    need_nginx,
    running,
)
from tests.serving import free_port, serving

pytestmark = pytest.mark.slow
SITE = REPO / "deploy" / "nginx" / "opengov.conf"
CLIENT = "127.0.0.3"


def site_for_test(root: Path, hosts: tuple[str, str], http_port: int, https_port: int) -> str:
    """The shipped site file's directives, their placeholders (each present once) pointed at
    ``root``, the test's application ``hosts`` and ports."""
    text = "\n".join(line for line in SITE.read_text().splitlines()
                     if not line.lstrip().startswith("#"))  # directives only
    replacements = {
        "server 10.0.0.11:8000": f"server {hosts[0]}",
        "server 10.0.0.12:8000": f"server {hosts[1]}",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "/etc/ssl/opengov/fullchain.pem": str(root / "cert.pem"),
        "/etc/ssl/opengov/privkey.pem": str(root / "key.pem"),
        "/var/cache/nginx/opengov-tiles": str(root / "tiles-cache"),
        "/var/log/nginx/opengov.access.log": str(root / "access.log"),
        "/var/www/letsencrypt": str(root / "acme"),
    }
    for old, new in replacements.items():
        assert text.count(old) == 1, f"{old} is not in {SITE.name} exactly once"
        text = text.replace(old, new)
    return text


def test_nginx_accepts_the_site_file(tmp_path):
    need_nginx()
    certificate(tmp_path)
    config = main_config(tmp_path, site_for_test(tmp_path, ("127.0.0.1:1", "127.0.0.1:2"),
                                                 free_port(), free_port()))
    done = check_config(config, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    need_nginx()
    tmp = tmp_path_factory.mktemp("deploy-stack")
    url = f"sqlite:///{tmp / 'opengov.sqlite3'}"
    app = make_app(url, tmp)
    store = app.extensions["opengov"].store
    upgrade(store.engine)
    load_all(store, DATASETS, profile="small", only=["cameras"])
    store.engine.dispose()
    hosts, logs = [], []
    with ExitStack() as outer:
        for name in ("a", "b"):
            instance = tmp / f"host-{name}"
            instance.mkdir()
            env = {"OPENGOV_INSTANCE_PATH": str(instance), "OPENGOV_DATABASE_URL": url,
                   "OPENGOV_DATASETS_PATH": str(DATASETS), "OPENGOV_SAMPLE_PROFILE": "small",
                   "OPENGOV_TRUSTED_PROXIES": "127.0.0.1",
                   "OPENGOV_ACCESS_LOG": str(instance / "access.jsonl")}
            base = outer.enter_context(serving(env, instance / "server.log", workers=2,
                                               worker_class="sync"))
            hosts.append(urlsplit(base).netloc)
            logs.append(instance / "access.jsonl")
        root = tmp / "nginx"
        root.mkdir()
        certificate(root)
        http_port, https_port = free_port(), free_port()
        config = main_config(root, site_for_test(root, tuple(hosts), http_port, https_port))
        outer.enter_context(running(config, root, (http_port, https_port)))
        yield {"http": f"http://127.0.0.1:{http_port}",
               "https": f"https://127.0.0.1:{https_port}", "logs": logs, "hosts": hosts,
               "nginx": Nginx(f"http://127.0.0.1:{http_port}",
                              f"https://127.0.0.1:{https_port}", root)}


def test_plain_http_is_redirected_to_https(stack):
    status, headers, _ = call(stack["http"], "GET", "/ogc/collections?f=json", source=CLIENT)
    assert status == 301
    assert headers["Location"] == "https://127.0.0.1/ogc/collections?f=json"


def test_requests_reach_the_application_with_the_clients_address_and_nginxs_id(stack):
    status, headers, body = call(stack["https"], "GET", "/ogc/collections/cameras",
                                 source=CLIENT, headers={"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"  # compressed once, by the application
    rid = headers["X-Request-Id"]
    entry = access_lines(stack["logs"], rid)[rid]
    assert entry["client"] == CLIENT and entry["path"] == "/ogc/collections/cameras"
    nginx_log = stack["nginx"].access_log(waiting_for=f"rid={rid} ")
    assert f"rid={rid} " in nginx_log and nginx_log.startswith(CLIENT)


def _a_tile_with_cameras(stack) -> str:
    status, _, body = call(stack["https"], "GET", "/ogc/collections/cameras/items?limit=1",
                           source=CLIENT)
    assert status == 200
    lon, lat = json.loads(body)["features"][0]["geometry"]["coordinates"][:2]
    tile = lonlat_to_tile(lon, lat, 13)
    return f"/tiles/cameras/{tile.z}/{tile.x}/{tile.y}.mvt"


def test_tiles_are_kept_by_nginx_as_long_as_the_application_allows(stack):
    path = _a_tile_with_cameras(stack)
    first = call(stack["https"], "GET", path, source=CLIENT)
    second = call(stack["https"], "GET", path, source=CLIENT)
    assert first[0] == second[0] == 200 and len(first[2]) > 0
    assert "max-age=" in first[1]["Cache-Control"]
    assert (first[1]["X-Cache-Status"], second[1]["X-Cache-Status"]) == ("MISS", "HIT")
    assert second[2] == first[2] and second[1]["ETag"] == first[1]["ETag"]
    lines = access_lines(stack["logs"], first[1]["X-Request-Id"])
    assert [e["path"] for e in lines.values()].count(path) == 1  # the app saw it once
    rid = second[1]["X-Request-Id"]  # this request's own id, not the stored answer's
    assert rid != first[1]["X-Request-Id"] and rid not in lines
    assert f"rid={rid} " in stack["nginx"].access_log(waiting_for=f"rid={rid} ")


def server_group(port: int) -> int:
    """The process group of the ``opengov serve`` listening on ``port`` (its master's pid)."""
    for proc in Path("/proc").iterdir():
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError):
            continue
        if b"serve" in argv and b"--port" in argv and str(port).encode() in argv:
            return os.getpgid(int(proc.name))
    raise LookupError(f"no opengov serve on port {port}")


def _items_served(log: Path) -> int:
    return sum(e["path"] == "/ogc/collections/cameras/items" for e in access_lines(log).values())


def test_requests_still_succeed_when_one_application_host_is_killed(stack):
    statuses: list[int | str] = []

    def client():
        for i in range(60):
            try:
                statuses.append(call(stack["https"], "GET",
                                     f"/ogc/collections/cameras/items?limit={1 + i % 10}",
                                     source=CLIENT)[0])
            except OSError as exc:  # a failed request, recorded as such
                statuses.append(repr(exc))

    worker = threading.Thread(target=client)
    worker.start()
    while len(statuses) < 20 and worker.is_alive():
        time.sleep(0.05)
    before = [_items_served(log) for log in stack["logs"]]
    assert min(before) > 0  # nginx spreads requests over both hosts
    # Host a dies at once (SIGKILL to gunicorn and its workers) while the client keeps asking.
    os.killpg(server_group(int(stack["hosts"][0].rsplit(":", 1)[1])), signal.SIGKILL)
    worker.join(timeout=180)
    assert len(statuses) == 60 and set(statuses) == {200}, statuses
    assert _items_served(stack["logs"][1]) > before[1]  # host b took over
