"""``opengov load`` for declared collections: the table from the declaration, then the records.

A declared folder is one whose ``metadata.yaml`` has a ``source`` key (built-in dataset folders
have none). Its table is defined by :func:`opengov.store.tables.collection_table`, exactly as a
built-in's, and created when missing; records go through the same checks and the same
idempotent write (:meth:`~opengov.store.writes.WritePath.replace_all`) as built-in loads, so a
bad record changes nothing and an unchanged reload keeps the version.

When a declaration's shape changes (fields, types, flags), the table is rebuilt beside the
serving one and swapped in one transaction (:mod:`.rebuild`). Every table gets the indexes a
built-in's migrations give it (:mod:`.indexes`). Serving: :mod:`.capability`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import yaml
from sqlalchemy import inspect

from opengov.collections import Registry
from opengov.declare.indexes import create_indexes, drop_indexes, has_indexes
from opengov.declare.model import Declaration, DeclarationError, load_declaration
from opengov.declare.readers import ReadError, read_source
from opengov.declare.rebuild import needs_rebuild, rebuild
from opengov.declare.records import declared_records
from opengov.loader import LoadError, load_all
from opengov.progress import tracked
from opengov.store.engine import write_transaction
from opengov.store.records import RecordError, row_values
from opengov.store.repository import LoadResult, Store


def is_declaration(meta: Path) -> bool:
    """Whether ``meta`` (a ``metadata.yaml``) declares a collection (it has ``source``)."""
    try:
        document = yaml.safe_load(meta.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return True  # let load_declaration say what is wrong with it
    return isinstance(document, dict) and "source" in document


def find_declarations(root: Path, skip: Iterable[str] = ()) -> list[tuple[Path, Declaration]]:
    """Every declared folder under ``root`` (sorted by name), except the ids in ``skip``."""
    skipped = set(skip)
    found = []
    for folder in sorted(p for p in Path(root).iterdir() if p.is_dir()):
        meta = folder / "metadata.yaml"
        if folder.name in skipped or not meta.is_file() or not is_declaration(meta):
            continue
        try:
            found.append((folder, load_declaration(meta)))
        except DeclarationError as exc:
            raise LoadError(str(exc)) from None
    return found


def _check_crs(collection, meta: Path) -> None:
    from opengov.geo.crs import CrsError, parse_crs

    if collection.spatial and collection.native_crs != "OGC:CRS84":
        try:
            parse_crs(collection.native_crs)
        except CrsError:
            raise LoadError(f"{meta}: native_crs: {collection.native_crs} is not yet offered "
                            "by the API (opengov/geo/crs.py); reproject the data") from None


def _write(store: Store, collection, rows: list[dict], source: str) -> LoadResult:
    """Create the table with its indexes (:mod:`opengov.declare.indexes`) and load it; reload
    it in place; or rebuild it and swap it in when the declaration's shape changed
    (:mod:`opengov.declare.rebuild`)."""
    table = store.table(collection.table_name)
    if not inspect(store.engine).has_table(table.name):
        with write_transaction(store.engine) as conn:
            table.create(conn)
            create_indexes(conn, collection, table.name)
    elif needs_rebuild(store, collection):
        return rebuild(store, collection, rows, source)
    else:  # a table made before its indexes were: give it them, as a migration would
        with write_transaction(store.engine) as conn:
            if not has_indexes(conn, collection, table.name):
                drop_indexes(conn, table.name)
                create_indexes(conn, collection, table.name)
    return store.repo(collection.id).replace_all(rows, source=source)


def create_missing_tables(store: Store, collections: Iterable) -> list[str]:
    """Create, empty and with their indexes, the tables of ``collections`` not loaded yet (so
    a declaration added but not loaded is served as an empty collection, never a 500); their
    ids. ``opengov load`` fills them later (a rebuild, as their shape is not recorded yet)."""
    created = []
    for collection in collections:
        table = store.table(collection.table_name)
        if inspect(store.engine).has_table(table.name):
            continue
        with write_transaction(store.engine) as conn:
            table.create(conn)
            create_indexes(conn, collection, table.name)
        created.append(collection.id)
    return created


def _rows(collection, records, file: str) -> list[dict]:
    """Every record checked and serialised (:func:`~opengov.store.records.row_values`), or a
    :class:`LoadError` naming the file, the record number, the field and the reason."""
    rows = []
    for number, (record, geometry) in enumerate(records, 1):
        try:
            rows.append(row_values(collection, record, geometry))
        except (RecordError, ValueError, TypeError) as exc:
            raise LoadError(f"{file}: record #{number}: {exc}") from None
    return rows


def _check_unique(rows: list[dict], collection, file: str) -> None:
    first: dict[str, int] = {}
    for number, row in enumerate(rows, 1):
        if row["id"] in first:
            raise LoadError(f"{file}: record #{number}: {collection.id_field}: duplicate id "
                            f"{row['id']!r} (also record #{first[row['id']]})")
        first[row["id"]] = number


def _metadata(meta: Path) -> dict:
    """The declaration as JSON-safe values, kept beside the collection's state (catalogue)."""
    return json.loads(json.dumps(yaml.safe_load(meta.read_text(encoding="utf-8")),
                                 default=str, ensure_ascii=False))


def load_declared(engine, root: Path, *, only: Iterable[str] = (), skip: Iterable[str] = (),
                  progress: bool = False) -> list[LoadResult]:
    """Create (when missing) and load the table of every declared collection under ``root``
    (or just those in ``only``); ``skip``: ids of collections the registry already has."""
    wanted = set(only)
    declared = [(folder, d) for folder, d in find_declarations(root, skip)
                if not wanted or d.collection.id in wanted]
    if not declared:
        return []
    registry = Registry()
    for _, declaration in declared:
        registry.register(declaration.collection)
    store = Store(engine, registry)
    results = []
    for folder, declaration in declared:
        collection, meta = declaration.collection, folder / "metadata.yaml"
        if collection.kind == "live":
            continue  # written by its service; a load must never replace it
        file = str(folder / declaration.source.file)
        try:
            read = read_source(folder, declaration.source)
            records = tracked(declared_records(declaration, read, file), collection.id,
                              len(read.frame), enabled=progress)
            rows = _rows(collection, records, file)
        except ReadError as exc:
            raise LoadError(str(exc)) from None
        _check_unique(rows, collection, file)
        _check_crs(collection, meta)
        result = _write(store, collection, rows, f"file:{declaration.source.file}")
        store.save_metadata(collection.id, _metadata(meta))
        results.append(result)
    return results


def load_project(store: Store, root: Path, *, profile: str = "full", only: Iterable[str] = (),
                 progress: bool = False, generators=None,
                 built_in: Iterable[str] | None = None) -> list[LoadResult]:
    """``opengov load``: the built-in dataset folders under ``root``
    (:func:`opengov.loader.load_all`), then the declared ones. A folder holding only declared
    datasets is a valid datasets folder. ``generators`` are the enabled capabilities' sample
    loaders; ``built_in`` names every built-in collection, enabled or not (never declared)."""
    root = Path(root)
    builtin = list(built_in) if built_in is not None else [c.id for c in store.registry]
    has_builtin = root.is_dir() and any((root / cid).is_dir() for cid in builtin)
    has_declared = root.is_dir() and bool(find_declarations(root, builtin))
    results = []
    if has_builtin or not has_declared:
        results = load_all(store, root, profile=profile, only=only, progress=progress,
                           generators=generators)
    return results + load_declared(store.engine, root, only=only, skip=builtin,
                                   progress=progress)
