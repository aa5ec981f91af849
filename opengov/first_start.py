"""First start: serve at once, load the bundled sample in a background process.

``opengov serve`` on a fresh database creates the schema, starts this loader and then the
workers, so ``/health`` answers within seconds; it reports ``"sample": {"state": "loading"}``
until every dataset (including the generated land parcels and ~2 million monitoring readings)
is in. A marker file in the instance folder carries that state between processes; a load that
was interrupted (marker left behind) is resumed by the next ``serve`` (loads are idempotent).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

MARKER = "sample-loading.json"


def marker_path(settings) -> Path:
    """Where the state of a background sample load is kept."""
    return Path(settings.instance_path) / MARKER


def sample_status(settings) -> dict | None:
    """``{"state": "loading" | "failed", …}`` while a background sample load is unfinished."""
    try:
        return json.loads(marker_path(settings).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def needs_sample(ctx) -> bool:
    """A fresh database, or one whose background sample load did not finish."""
    return not ctx.store.states() or marker_path(ctx.settings).exists()


def start_sample_load(config: dict, settings) -> subprocess.Popen:
    """Start loading the bundled sample in a separate process and return it.

    A plain subprocess (not :mod:`multiprocessing`): gunicorn forks its workers afterwards, and
    they must not inherit a child to join at exit.
    """
    _write(marker_path(settings), {"state": "loading",
                                   "started": datetime.now(UTC).isoformat(timespec="seconds")})
    argv = [sys.executable, "-m", "opengov.first_start", json.dumps(config, default=str)]
    return subprocess.Popen(argv)


def _write(path: Path, state: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state), encoding="utf-8")
    os.replace(tmp, path)


def _say(line: str) -> None:
    print(f"  sample: {line}", flush=True)


def load_sample(config: dict) -> None:
    """The background process: load every dataset, remove the marker, then build the download
    files of the loaded versions and the due monthly extracts (the server answers meanwhile;
    the catalogue lists each file's size and sha256 once it is built)."""
    from opengov.app import create_app
    from opengov.loader import load_all

    app = create_app(config)
    ctx = app.extensions["opengov"]
    marker = marker_path(ctx.settings)
    try:
        loaded = []
        with app.app_context():  # sample loaders may read the settings (the dossier pin secret)
            results = load_all(ctx.store, Path(ctx.settings.datasets_path),
                               profile=ctx.settings.sample_profile,
                               generators=ctx.capabilities.sample_loaders())
        for result in results:
            _say(f"{result.collection}: {result.new} records")
            loaded.append(result.collection)
        marker.unlink(missing_ok=True)
    except Exception as exc:
        _write(marker, {"state": "failed", "error": str(exc).splitlines()[0]})
        ctx.store.engine.dispose()
        raise
    _say("loaded")
    try:
        built = ctx.capabilities.after_load(app, loaded, echo=_say)
        _say(f"{built} distribution files built")
    finally:
        ctx.store.engine.dispose()


if __name__ == "__main__":
    try:
        load_sample(json.loads(sys.argv[1]))
    except Exception as exc:  # noqa: BLE001 - one line, the marker says the rest
        sys.exit(f"sample load failed: {str(exc).splitlines()[0] if str(exc) else exc!r}")
