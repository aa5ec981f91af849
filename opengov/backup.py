"""``opengov backup DEST`` / ``opengov restore SRC``: everything needed to serve the same answers.

A backup is a folder:

- ``manifest.json``: format, opengov version, database backend, schema revisions, and the
  SHA-256 of every file below (checked before a restore touches anything);
- ``database.sqlite3`` (SQLite's online backup API: one consistent snapshot, taken while the
  server keeps serving and writing) or ``database.pgdump`` (``pg_dump -Fc``: one snapshot
  transaction);
- ``instance/distributions/``: the built download files and their manifests (sizes,
  checksums). They are copied, not rebuilt: a rebuilt GeoPackage or ZIP need not be identical
  byte for byte, and the catalogue publishes their checksums.

Caches (tiles, upstream HTTP answers), rate-limit counters and locks are left out: they refill.
The database is snapshotted first and the download files copied after it, so every version the
snapshot serves has its files (the catalogue keeps the last three versions' files).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import URL, make_url

FORMAT = 1
MANIFEST = "manifest.json"
INSTANCE_PARTS = ("distributions",)  # folders of the instance folder a backup carries
IGNORED_TABLES = {"spatial_ref_sys"}  # present in every PostGIS database, empty or not


class BackupError(Exception):
    """A backup or restore that cannot be done as asked (one line, said to the user)."""


@dataclass(frozen=True)
class Target:
    """Where a backup comes from or a restore goes: the database and the instance folder."""

    engine: Engine
    url: str
    instance_path: Path

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name


def backup(target: Target, dest: Path, *, pg_bin: Path | None = None) -> dict:
    """Write a backup of ``target`` into the new (or empty) folder ``dest``; return its
    manifest."""
    from opengov import __version__
    from opengov.store.migrate import current_revisions

    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError(f"backup folder {dest} exists and is not empty")
    dest.mkdir(parents=True, exist_ok=True)
    revisions = current_revisions(target.engine)
    if target.dialect == "sqlite":
        database = dest / "database.sqlite3"
        _sqlite_copy(sqlite_path(target.url), database)
    else:
        database = dest / "database.pgdump"
        _pg_dump(target, database, pg_bin)
    for part in INSTANCE_PARTS:
        source = target.instance_path / part
        if source.is_dir():
            shutil.copytree(source, dest / "instance" / part, ignore=_unfinished)
    manifest = {"format": FORMAT, "opengov": __version__, "dialect": target.dialect,
                "revisions": list(revisions),
                "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "database": database.name, "files": _checksums(dest)}
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest


def restore(target: Target, src: Path, *, force: bool = False,
            pg_bin: Path | None = None) -> dict:
    """Restore the backup folder ``src`` into ``target``; return the backup's manifest.

    Refuses a target whose database has tables or whose instance folder has download files,
    unless ``force``. Refuses a backup of the other backend, or one whose files do not match
    their checksums, before touching the target.
    """
    manifest = read_manifest(src)
    if manifest["dialect"] != target.dialect:
        raise BackupError(f"{src} is a {manifest['dialect']} backup; the target database is "
                          f"{target.dialect} (restore it into a {manifest['dialect']} database)")
    if not force:
        tables = user_tables(target.engine)
        if tables:
            raise BackupError(f"the target database is not empty ({len(tables)} tables, e.g. "
                              f"{tables[0]}); restore into an empty one, or pass --force to "
                              "replace it")
        for part in INSTANCE_PARTS:
            folder = target.instance_path / part
            if folder.is_dir() and any(folder.iterdir()):
                raise BackupError(f"the instance folder already has {folder}; pass --force to "
                                  "replace it")
    database = src / manifest["database"]
    if target.dialect == "sqlite":
        target.engine.dispose()
        _sqlite_copy(database, sqlite_path(target.url))
    else:
        _pg_restore(target, database, pg_bin, clean=force)
    for part in INSTANCE_PARTS:
        folder = target.instance_path / part
        if folder.exists():
            shutil.rmtree(folder)
        if (src / "instance" / part).is_dir():
            shutil.copytree(src / "instance" / part, folder)
    return manifest


def read_manifest(src: Path) -> dict:
    """The manifest of the backup folder ``src``, after checking every file's checksum."""
    try:
        manifest = json.loads((src / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{src} is not an opengov backup (no {MANIFEST})") from None
    except ValueError as exc:
        raise BackupError(f"{src / MANIFEST} is not valid JSON: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{src} has backup format {manifest.get('format')!r}; this opengov "
                          f"reads format {FORMAT}")
    found = _checksums(src)
    for name, digest in manifest["files"].items():
        if found.get(name) != digest:
            state = "missing" if name not in found else "altered (checksum differs)"
            raise BackupError(f"backup {src} is damaged: {name} is {state}")
    return manifest


def user_tables(engine: Engine) -> list[str]:
    """The database's own tables (not PostGIS's), sorted; empty for a new database."""
    return sorted(set(inspect(engine).get_table_names()) - IGNORED_TABLES)


def sqlite_path(url: str) -> Path:
    """The file of a SQLite URL."""
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(database)


def _unfinished(folder: str, names: list[str]) -> list[str]:
    return [n for n in names if n.endswith((".tmp", ".part")) or n.startswith(".")]


def _checksums(root: Path) -> dict[str, str]:
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.name != MANIFEST:
            digest = hashlib.sha256()
            with path.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
            out[path.relative_to(root).as_posix()] = digest.hexdigest()
    return out


def _sqlite_copy(source: Path, dest: Path) -> None:
    """Copy a SQLite database page by page in one read transaction (a consistent snapshot
    while other connections write); ``dest`` is replaced in one transaction too."""
    if not source.exists():
        raise BackupError(f"SQLite database {source} does not exist")
    dest.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source, timeout=30)
    try:
        dst = sqlite3.connect(dest, timeout=30)
        try:
            src.backup(dst)  # pages=-1: every page in one step, under one read lock
        finally:
            dst.close()
    finally:
        src.close()


# --- PostgreSQL ------------------------------------------------------------------------------

def _pg_dump(target: Target, dest: Path, pg_bin: Path | None) -> None:
    binary = pg_tool("pg_dump", server_major(target.engine), pg_bin)
    _run([str(binary), "--format=custom", "--no-owner", "--no-privileges",
          f"--file={dest}", *_libpq_args(target.url)], target.url)


def _pg_restore(target: Target, dump: Path, pg_bin: Path | None, *, clean: bool) -> None:
    """Restore ``dump`` in one transaction (all or nothing). PostGIS is created beforehand,
    as opengov init does, and its own entries are left out of the dump's list, so the
    application's role (no superuser) can restore."""
    binary = pg_tool("pg_restore", server_major(target.engine), pg_bin)
    with target.engine.begin() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
    target.engine.dispose()
    listing = _run([str(binary), "--list", str(dump)], target.url)
    wanted = "\n".join(line for line in listing.splitlines()
                       if not re.search(r"\b(EXTENSION|SCHEMA - public)\b", line))
    with tempfile.NamedTemporaryFile("w", suffix=".list", delete=False) as fh:
        fh.write(wanted + "\n")
    try:
        _run([str(binary), "--exit-on-error", "--single-transaction", "--no-owner",
              "--no-privileges", *(["--clean", "--if-exists"] if clean else []),
              f"--use-list={fh.name}", *_libpq_args(target.url), str(dump)], target.url)
    finally:
        os.unlink(fh.name)


def server_major(engine: Engine) -> int:
    """The PostgreSQL server's major version (15 for 15.4)."""
    with engine.connect() as conn:
        return int(conn.execute(text("SHOW server_version_num")).scalar_one()) // 10000


def pg_tool(name: str, major: int, pg_bin: Path | None = None) -> Path:
    """``pg_dump`` or ``pg_restore`` able to talk to a server of version ``major``: from
    ``pg_bin``, else /usr/lib/postgresql/<major>/bin, else the PATH's if not older."""
    candidates = ([pg_bin / name] if pg_bin else
                  [Path(f"/usr/lib/postgresql/{major}/bin/{name}"),
                   *([Path(found)] if (found := shutil.which(name)) else [])])
    seen = []
    for path in candidates:
        if not (path.is_file() and os.access(path, os.X_OK)):
            continue
        version = _tool_major(path)
        seen.append(f"{path} ({version})")
        if version is not None and version >= major:
            return path
    where = ", ".join(seen) or "none found"
    raise BackupError(f"{name} for PostgreSQL {major} or newer is needed ({where}); install "
                      f"postgresql-client-{major} or pass --pg-bin with its bin folder")


def _tool_major(path: Path) -> int | None:
    out = subprocess.run([str(path), "--version"], capture_output=True, text=True).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(match.group(1)) if match else None


def _libpq_args(url: str) -> list[str]:
    parsed: URL = make_url(url)
    args = [f"--dbname={parsed.database}"]
    if parsed.host:
        args.append(f"--host={parsed.host}")
    if parsed.port:
        args.append(f"--port={parsed.port}")
    if parsed.username:
        args.append(f"--username={parsed.username}")
    return [*args, "--no-password"]


def _run(argv: list[str], url: str) -> str:
    """Run a PostgreSQL client tool (password through the environment, never the command
    line); its first error line becomes a :class:`BackupError`."""
    env = dict(os.environ)
    password = make_url(url).password
    if password:
        env["PGPASSWORD"] = str(password)
    done = subprocess.run(argv, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        first = next((line for line in lines if "error" in line.lower()), lines[0] if lines
                     else f"exit status {done.returncode}")
        raise BackupError(f"{Path(argv[0]).name} failed: {first.strip()}")
    return done.stdout
