"""Serve a GeoPackage (or a PostgreSQL table) with pygeoapi, the anchor of issues 3 and 4.

    sh benchmarks/pygeoapi/setup.sh                         # once: its own virtualenv
    python -m benchmarks.pygeoapi.anchor --gpkg FILE.gpkg --table parcels [--port 5000]

pygeoapi runs from its own virtualenv (``benchmarks/.work/pygeoapi-venv``, built by
``setup.sh`` with Debian's python3, whose ``sqlite3`` can load ``mod_spatialite``) under
gunicorn with ONE sync worker, as issue 3 asks. The config is generated here: one collection
per resource, ``limits.max_items`` 10,000 (``limit`` up to that is honoured), CRS84 storage
with EPSG:5899 offered for ``crs=``. pygeoapi reads YAML; the config is written as JSON,
which YAML parsers read as is.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks import harness

HERE = Path(__file__).resolve().parent
VENV = harness.WORK_DIR / "pygeoapi-venv"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG5899 = "http://www.opengis.net/def/crs/EPSG/0/5899"
MAX_ITEMS = 10_000


@dataclass(frozen=True)
class Resource:
    """One pygeoapi collection: its name, spatial extent and feature provider block."""

    name: str
    provider: dict
    bbox: tuple[float, float, float, float] = (107.0, 14.9, 108.8, 16.1)


def gpkg_provider(path: Path, table: str, id_field: str = "id") -> dict:
    """pygeoapi's SQLiteGPKG provider over ``table`` of a GeoPackage (CRS84, EPSG:5899 offered)."""
    return {"type": "feature", "name": "SQLiteGPKG", "data": str(path), "id_field": id_field,
            "table": table, "storage_crs": CRS84, "crs": [CRS84, EPSG5899]}


def postgresql_provider(database_url: str, table: str, properties: list[str]) -> dict:
    """pygeoapi's PostgreSQL provider over ``table`` (columns ``id`` and ``geom``)."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    return {"type": "feature", "name": "PostgreSQL", "id_field": "id", "table": table,
            "geom_field": "geom", "properties": properties,
            "data": {"host": url.host, "port": url.port or 5432, "dbname": url.database,
                     "user": url.username, "password": url.password or ""}}


def config(port: int, resources: list[Resource]) -> dict:
    """A minimal pygeoapi configuration serving ``resources`` on 127.0.0.1:``port``."""
    meta = {"name": "bench", "url": "http://example.org"}
    return {
        "server": {
            "bind": {"host": "127.0.0.1", "port": port},
            "url": f"http://127.0.0.1:{port}",
            "mimetype": "application/json; charset=UTF-8",
            "encoding": "utf-8",
            "languages": ["en-US"],
            "limits": {"default_items": 100, "max_items": MAX_ITEMS, "on_exceed": "throttle"},
            "map": {"url": "https://tile.invalid/{z}/{x}/{y}.png", "attribution": "none"},
        },
        "logging": {"level": "ERROR"},
        "metadata": {
            "identification": {"title": "bench", "description": "bench", "keywords": ["bench"],
                               "keywords_type": "theme", "terms_of_service": "none",
                               "url": "http://example.org"},
            "license": {"name": "CC-BY 4.0",
                        "url": "https://creativecommons.org/licenses/by/4.0/"},
            "provider": meta,
            "contact": {"name": "bench"},
        },
        "resources": {
            r.name: {"type": "collection", "title": r.name, "description": r.name,
                     "keywords": [r.name],
                     "extents": {"spatial": {"bbox": list(r.bbox), "crs": CRS84}},
                     "providers": [r.provider]}
            for r in resources
        },
    }


def ensure_venv() -> Path:
    """The ``bin`` folder of pygeoapi's virtualenv, built by ``setup.sh`` when absent."""
    if not (VENV / "bin" / "pygeoapi").exists():
        subprocess.run(["sh", str(HERE / "setup.sh"), str(VENV)], check=True)
    return VENV / "bin"


def items_path(collection: str, query: str = "") -> str:
    """``/collections/{collection}/items?f=json[&query]``."""
    return f"/collections/{collection}/items?f=json" + (f"&{query}" if query else "")


def server(resources: list[Resource], work: Path, *, worker: str = "sync", threads: int = 1,
           bin_dir: Path | None = None, label: str = "pygeoapi") -> harness.Server:
    """pygeoapi under gunicorn with ONE worker (``sync`` by default) serving ``resources``.

    Writes ``<label>.yml`` and its OpenAPI document into ``work``; the server is a
    :class:`harness.Server` (a context manager, stopped by its own pid).
    """
    bin_dir = bin_dir or ensure_venv()
    port = harness.free_port()
    cfg, spec = work / f"{label}.yml", work / f"{label}-openapi.yml"
    cfg.write_text(json.dumps(config(port, resources), indent=1))
    env = {"PYGEOAPI_CONFIG": str(cfg), "PYGEOAPI_OPENAPI": str(spec)}
    subprocess.run([str(bin_dir / "pygeoapi"), "openapi", "generate", str(cfg),
                    "--output-file", str(spec)], env=env, check=True, capture_output=True)
    argv = [str(bin_dir / "gunicorn"), "-b", f"127.0.0.1:{port}", "-w", "1", "-k", worker,
            "--threads", str(threads), "--timeout", "300", "pygeoapi.flask_app:APP"]
    return harness.Server.for_command(label, argv, port, log_dir=work, env=env,
                                      ready_path=items_path(resources[0].name, "limit=1"))


def main(argv: list[str] | None = None) -> None:
    """Serve one GeoPackage table until Ctrl-C (to try pygeoapi by hand)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gpkg", type=Path, required=True)
    parser.add_argument("--table", required=True)
    parser.add_argument("--id-field", default="id")
    args = parser.parse_args(argv)
    work = harness.scratch_dir("pygeoapi-run")
    resource = Resource(args.table, gpkg_provider(args.gpkg.resolve(), args.table,
                                                  args.id_field))
    with server([resource], work) as srv:
        print(f"pygeoapi serving {args.gpkg} at {srv.base_url}"
              f"{items_path(args.table, 'limit=10')} (Ctrl-C stops it)")
        try:
            while srv.proc.poll() is None:
                time.sleep(1)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
