"""``opengov serve``: prepare the database once, then run gunicorn (threaded or sync workers)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from gunicorn.app.base import BaseApplication

from opengov.first_start import needs_sample, start_sample_load
from opengov.loader import check_datasets_folder
from opengov.metrics import MULTIPROC_ENV, worker_exit
from opengov.store.migrate import upgrade


def prepare_database(app: Flask, config: dict, echo: Callable[[str], None] = print,
                     sample: bool = True) -> None:
    """Create/upgrade the schema; a fresh database gets the bundled sample, loaded in a
    background process while the server already answers (see :mod:`opengov.first_start`).
    ``sample=False`` (a new project with no dataset yet) only prepares the schema."""
    ctx = app.extensions["opengov"]
    upgrade(ctx.store.engine)
    declared_tables(ctx, echo)
    if not sample or not needs_sample(ctx):
        return
    check_datasets_folder(Path(ctx.settings.datasets_path), ctx.registry)
    echo(f"empty database: loading the sample ({ctx.settings.sample_profile} profile) from "
         f"{ctx.settings.datasets_path} in the background; /health says when it is done")
    ctx.store.engine.dispose()  # the loader process opens its own connections
    start_sample_load(config, ctx.settings)


def declared_tables(ctx, echo: Callable[[str], None] = print) -> None:
    """Declared collections not loaded yet get their (empty) tables, so they answer empty."""
    from opengov.declare.capability import NAME
    from opengov.declare.load import create_missing_tables

    collections = [c for cap in ctx.capabilities.enabled if cap.name == NAME
                   for c in cap.collections()]
    for collection_id in create_missing_tables(ctx.store, collections):
        echo(f"{collection_id}: declared but not loaded yet (run `opengov load`): served empty")


class GunicornServer(BaseApplication):
    """Each worker builds its own app (own connections); nothing is shared across fork."""

    def __init__(self, config: dict, options: dict):
        self.app_config = config
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from opengov.app import create_app

        return create_app(self.app_config)


# `--worker-class` names and the gunicorn workers behind them (see opengov.workers).
WORKERS = {"gthread": "opengov.workers.ThreadedWorker", "sync": "opengov.workers.SyncWorker"}
MAX_REQUEST_LINE = 8190  # bytes of method, URL and version (gunicorn's largest); longer is 414


def run(config: dict, *, host: str, port: int, workers: int, threads: int,
        worker_class: str = "gthread") -> None:
    """Serve with gunicorn: ``gthread`` workers (``threads`` each, keep-alive, request heads
    read in the event loop so slow clients hold no thread) or ``sync`` workers (one request at
    a time, for use behind a buffering reverse proxy).

    The workers' metrics are kept in a fresh ``PROMETHEUS_MULTIPROC_DIR`` (one set in the
    environment is used as it is), removed when the server stops (see :mod:`opengov.metrics`)."""
    with metrics_folder():
        _gunicorn(config, host=host, port=port, workers=workers, threads=threads,
                  worker_class=worker_class)


@contextmanager
def metrics_folder():
    """``PROMETHEUS_MULTIPROC_DIR`` for the workers: a new temporary folder unless one is set."""
    if os.environ.get(MULTIPROC_ENV):
        yield
        return
    folder = tempfile.mkdtemp(prefix="opengov-metrics-")
    os.environ[MULTIPROC_ENV] = folder
    try:
        yield
    finally:
        os.environ.pop(MULTIPROC_ENV, None)
        shutil.rmtree(folder, ignore_errors=True)


def _gunicorn(config: dict, *, host: str, port: int, workers: int, threads: int,
              worker_class: str) -> None:
    GunicornServer(config, {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": WORKERS[worker_class],
        "limit_request_line": MAX_REQUEST_LINE,
        # gunicorn turns a sync worker with threads > 1 into gthread: keep sync what was asked.
        "threads": threads if worker_class == "gthread" else 1,
        # Streamed downloads can outlast the default 30 s; gthread workers heartbeat anyway.
        "timeout": 300,
        "graceful_timeout": 30,
        "keepalive": 5,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "info",
        "child_exit": worker_exit,
        # gunicorn believes X-Forwarded-Proto from 127.0.0.1 by default; opengov.proxy alone
        # decides whom to believe (OPENGOV_TRUSTED_PROXIES).
        "forwarded_allow_ips": "",
        "secure_scheme_headers": {},
    }).run()
