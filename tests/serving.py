"""``opengov serve`` in a subprocess on a free 127.0.0.1 port, for tests over real HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(env: dict, log_path: Path, *, workers: int = 1, threads: int | None = None,
            worker_class: str | None = None, startup_seconds: float = 120,
            module: str = "opengov.cli") -> Iterator[str]:
    """Start ``opengov serve`` with ``env`` added to the environment (None removes a variable);
    yield its base URL once ``/health`` answers and the first start's sample load is done.

    The server (its whole process group) is stopped on exit, also when it never became ready.
    ``module`` is run with ``serve --port … --workers …`` (default: the ``opengov`` command).
    """
    port = free_port()
    argv = [sys.executable, "-m", module, "serve", "--port", str(port),
            "--workers", str(workers)]
    if threads is not None:
        argv += ["--threads", str(threads)]
    if worker_class is not None:
        argv += ["--worker-class", worker_class]
    with log_path.open("w") as log:
        environ = {k: v for k, v in {**os.environ, **env}.items() if v is not None}
        proc = subprocess.Popen(argv, env=environ, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + startup_seconds
            ready = False
            while not ready and time.monotonic() < deadline and proc.poll() is None:
                try:
                    health = requests.get(base + "/health", timeout=5)
                    ready = health.status_code == 200 and "sample" not in health.json()
                except (requests.ConnectionError, requests.Timeout):
                    pass
                if not ready:
                    time.sleep(0.3)
            if not ready:
                pytest.fail("server did not start:\n" + log_path.read_text())
            yield base
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
