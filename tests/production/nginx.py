"""A real nginx in front of a test server: a generated configuration in a temporary folder,
HTTP and HTTPS (a self-signed certificate) on free 127.0.0.1 ports.

nginx connects to the application from ``127.0.0.2`` (``proxy_bind``), so the tests can trust
that address alone: a test client talking to the application directly comes from 127.0.0.1 and
is an untrusted sender. The configuration follows the example of docs/deploy.md.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import need
from tests.serving import free_port

PROXY_ADDRESS = "127.0.0.2"  # nginx's address as the application sees it

MAIN = """
{user}
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections {connections}; }}
http {{
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
{http}
}}
"""

# The lines of a location that hands requests to the ``opengov`` upstream from PROXY_ADDRESS,
# with keep-alive and the forwarded headers the application reads (docs/deploy.md).
PROXY_TO_APP = f"""\
            proxy_pass http://opengov;
            proxy_bind {PROXY_ADDRESS};
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $http_host;
            proxy_set_header X-Request-Id $request_id;"""

SITE = """
    log_format combined_id '$remote_addr [$time_local] "$request" $status $request_id';
    access_log {root}/access.log combined_id;
    client_max_body_size 30m;
    upstream opengov {{ server {upstream}; keepalive 8; }}
    server {{
        listen 127.0.0.1:{http_port};
        listen 127.0.0.1:{https_port} ssl;
        ssl_certificate {root}/cert.pem;
        ssl_certificate_key {root}/key.pem;
        location / {{
{proxy_to_app}
        }}
    }}
"""


def main_config(root: Path, http: str, connections: int = 256) -> Path:
    """Write ``root/nginx.conf``: an unprivileged main configuration (pid, logs and temporary
    folders in ``root``) whose ``http`` block holds ``http`` (e.g. a site file); its path."""
    config = root / "nginx.conf"
    config.write_text(MAIN.format(user="user root;" if os.geteuid() == 0 else "", root=root,
                                  http=http, connections=connections))
    return config


def check_config(config: Path, root: Path) -> subprocess.CompletedProcess:
    """``nginx -t`` on ``config`` with prefix ``root`` (exit status and messages)."""
    return subprocess.run([need_nginx(), "-t", "-p", str(root), "-c", str(config)],
                          capture_output=True, text=True)


@dataclass
class Nginx:
    http: str  # base URLs
    https: str
    root: Path

    def access_log(self, waiting_for: str = "") -> str:
        """nginx's access log, once it holds ``waiting_for`` (nginx writes a line after the
        client has the response, so a fast client can look before it is there)."""
        deadline = time.monotonic() + 15
        while True:
            text = (self.root / "access.log").read_text()
            if waiting_for in text or time.monotonic() > deadline:
                return text
            time.sleep(0.05)


def need_nginx() -> str:
    """The nginx binary (required under CI, see :func:`tests.conftest.need`)."""
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists()
                                       else None)
    need("nginx (apt-get install nginx)", binary is not None)
    return binary


def certificate(root: Path) -> None:
    """A self-signed certificate for 127.0.0.1: ``root/cert.pem`` and ``root/key.pem``."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-keyout", str(root / "key.pem"),
                    "-out", str(root / "cert.pem")], check=True, capture_output=True)


def _wait_for(port: int, proc: subprocess.Popen, root: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    error_log = root / "error.log"
    pytest.fail("nginx did not start: " + (error_log.read_text() if error_log.exists() else ""))


@contextmanager
def running(config: Path, root: Path, ports: tuple[int, ...]) -> Iterator[None]:
    """nginx with ``config`` (prefix ``root``) until exit, once it listens on ``ports``."""
    proc = subprocess.Popen([need_nginx(), "-p", str(root), "-c", str(config),
                             "-g", "daemon off;"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        for port in ports:
            _wait_for(port, proc, root)
        yield
    finally:
        os.killpg(proc.pid, signal.SIGQUIT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@contextmanager
def nginx_in_front(upstream: str, root: Path) -> Iterator[Nginx]:
    """nginx proxying to ``upstream`` (``127.0.0.1:port``); stopped on exit."""
    need_nginx()
    root.mkdir(parents=True, exist_ok=True)
    certificate(root)
    http_port, https_port = free_port(), free_port()
    config = main_config(root, SITE.format(root=root, upstream=upstream, http_port=http_port,
                                           https_port=https_port, proxy_to_app=PROXY_TO_APP))
    with running(config, root, (http_port, https_port)):
        yield Nginx(f"http://127.0.0.1:{http_port}", f"https://127.0.0.1:{https_port}", root)
