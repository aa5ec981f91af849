"""The several-hosts deployment of issue 19, started on 127.0.0.1 for the faults-and-load
benchmark: a PostgreSQL + PostGIS primary and its streaming replica, a private Redis, two
``opengov serve`` instances ("hosts", each with its own instance folder and port) and nginx in
front of both.

Every process is ours: started in its own session (or, for PostgreSQL, by ``pg_ctl`` on a data
folder of ours) and stopped by its pid or data folder, never by name. PostgreSQL refuses to run
as root, so its commands run as the ``postgres`` OS user (``runuser``) when we are root.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from benchmarks.harness import Server, free_port
from tests.production.nginx import PROXY_TO_APP, main_config, need_nginx
from tests.production.pgcluster import ReplicatedPair

DATABASE = "opengov"


def wait_port(port: int, timeout: float, *, proc: subprocess.Popen | None = None) -> None:
    """Until something accepts connections on 127.0.0.1:``port`` (or ``proc`` exits)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process {proc.args[0]} exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


# -- PostgreSQL: the tests' throwaway primary + streaming replica ---------------------------------
def pg_pair() -> ReplicatedPair:
    """A primary and replica (not started) with the benchmark's database and settings."""
    return ReplicatedPair(DATABASE, settings="max_connections = 200\nhot_standby_feedback = on\n")


# -- Redis ----------------------------------------------------------------------------------------
@dataclass
class RedisServer:
    """A private ``redis-server`` (no persistence) on a free port; stop/start keep the port."""

    root: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server not found (apt-get install redis-server)")
        self.root.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.root)],
            stdout=(self.root / "redis.log").open("ab"), stderr=subprocess.STDOUT,
            start_new_session=True)
        wait_port(self.port, 20, proc=self.proc)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(15)


# -- nginx ----------------------------------------------------------------------------------------
BALANCER_SITE = """
    access_log off;
    client_max_body_size 30m;
    upstream opengov {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
{proxy_to_app}
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
            # another host when this one refuses or times out (a POST only if it was not
            # sent yet). Not on its 502/503: with max_fails=1 a database blip answered 503 by
            # every host would mark them all down, and nginx answers 502 for fail_timeout.
            proxy_next_upstream {next_upstream};
            proxy_next_upstream_tries 2;
        }}
    }}
"""


@dataclass
class Balancer:
    """nginx on a free port with every app host in one upstream (``max_fails=1``: a host that
    refuses connections is left out for 5 s, then tried again)."""

    root: Path
    upstreams: list[int]
    next_upstream: str = "error timeout"  # when to try another host
    max_fails: int = 1
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Balancer:
        binary = need_nginx()
        self.root.mkdir(parents=True, exist_ok=True)
        servers = "\n".join(f"        server 127.0.0.1:{p} max_fails={self.max_fails} "
                            "fail_timeout=5s;" for p in self.upstreams)
        config = main_config(self.root, BALANCER_SITE.format(
            servers=servers, port=self.port, proxy_to_app=PROXY_TO_APP,
            next_upstream=self.next_upstream), connections=1024)
        self.proc = subprocess.Popen([binary, "-p", str(self.root), "-c", str(config),
                                      "-g", "daemon off;"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        wait_port(self.port, 20, proc=self.proc)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGQUIT)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


# -- application hosts ----------------------------------------------------------------------------
@dataclass
class AppHost:
    """``opengov serve`` as one host: its own instance folder and port, the shared databases
    and Redis. ``kill`` is ``kill -9`` of its whole process group (master and workers)."""

    name: str
    folder: Path
    env: dict
    workers: int = 2
    port: int = field(default_factory=free_port)
    server: Server | None = None

    def start(self) -> AppHost:
        self.folder.mkdir(parents=True, exist_ok=True)
        argv = [sys.executable, "-m", "opengov.cli", "serve", "--port", str(self.port),
                "--workers", str(self.workers)]
        env = {**self.env, "OPENGOV_INSTANCE_PATH": str(self.folder),
               "OPENGOV_ACCESS_LOG": str(self.folder / "access.jsonl")}
        self.server = Server.for_command(self.name, argv, self.port, log_dir=self.folder,
                                         env=env, ready_path="/health/live").start()
        return self

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def pid(self) -> int | None:
        proc = self.server.proc if self.server else None
        return proc.pid if proc is not None and proc.poll() is None else None

    def worker_pids(self) -> list[int]:
        """The gunicorn workers: children of the master process."""
        master = self.pid()
        if master is None:
            return []
        children = Path(f"/proc/{master}/task/{master}/children")
        try:
            return [int(p) for p in children.read_text().split()]
        except OSError:
            return []

    def kill(self) -> None:
        """SIGKILL master and workers at once, as a host losing power would."""
        master = self.pid()
        if master is not None:
            os.killpg(master, signal.SIGKILL)
            self.server.proc.wait(10)

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()

    def ready(self) -> bool:
        try:
            return requests.get(self.base_url + "/health/ready", timeout=5).status_code == 200
        except requests.RequestException:
            return False


def opengov_command(url: str, *args: str, env: dict | None = None,
                    timeout: float = 900) -> str:
    """Run ``opengov --database-url URL ARGS…`` to its end; its standard output."""
    done = subprocess.run([sys.executable, "-m", "opengov.cli", "--database-url", url, *args],
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})
    if done.returncode != 0:
        raise RuntimeError(f"opengov {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout
