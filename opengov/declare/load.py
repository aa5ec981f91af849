"""``opengov load`` for declared collections: the table from the declaration, then the records.

A declared folder is one whose ``metadata.yaml`` has a ``source`` key (built-in dataset folders
have none). Its table is defined by :func:`opengov.store.tables.collection_table`, exactly as a
built-in's. A load streams: the file is read in batches (:func:`.batches.iter_batches`), each
checked (:mod:`.records`, :mod:`.geometries`), made into rows (:mod:`.rows`) and inserted into
a new table beside the serving one (:class:`.rebuild.NextTable`), which is swapped in within
one transaction, or dropped when it holds exactly what is served (the version stays). A bad
record fails the load with its file, record number, field and reason, and changes nothing.
Every table gets the indexes a built-in's migrations give it (:mod:`.indexes`). Live
collections: :mod:`.live`. Serving: :mod:`.capability`.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sqlalchemy import inspect, select

from opengov.collections import Registry
from opengov.declare.batches import BATCH_SIZE, iter_batches, record_count
from opengov.declare.geometries import prepare
from opengov.declare.indexes import create_indexes
from opengov.declare.model import Declaration, DeclarationError, load_declaration
from opengov.declare.readers import ReadError
from opengov.declare.rebuild import DIGEST, NextTable, needs_rebuild
from opengov.declare.records import batch_columns
from opengov.declare.rows import batch_rows
from opengov.geo.crs import CrsError, offer
from opengov.loader import LoadError, load_all
from opengov.progress import progress
from opengov.store.engine import write_transaction
from opengov.store.repository import LoadResult, Store
from opengov.store.types import utcnow


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


def _metadata(meta: Path) -> dict:
    """The declaration as JSON-safe values, kept beside the collection's state (catalogue)."""
    return json.loads(json.dumps(yaml.safe_load(meta.read_text(encoding="utf-8")),
                                 default=str, ensure_ascii=False))


def offer_native_crs(declaration: Declaration, meta: Path) -> None:
    """Offer a spatial collection's native CRS to ``crs=`` (:func:`opengov.geo.crs.offer`);
    a CRS outside the EPSG register is a :class:`DeclarationError` naming the file."""
    collection = declaration.collection
    if not collection.spatial:
        return
    try:
        offer(collection.native_crs)
    except CrsError as exc:
        raise DeclarationError(str(meta), "native_crs", f"{exc}; the API offers CRS84 and "
                               "EPSG codes (reproject the data)") from None


@dataclass
class LoadOptions:
    """What ``opengov load`` was told: ``make_valid`` repairs invalid geometries, ``force``
    lets a destructive declaration change rebuild a live collection, ``progress`` reports."""

    make_valid: bool = False
    force: bool = False
    progress: bool = False
    batch_size: int = BATCH_SIZE
    echo: Callable[[str], None] = field(default=lambda _text: None)


def _fill(target: NextTable, declaration: Declaration, folder: Path,
          options: LoadOptions) -> int:
    """Read the declared file batch by batch into ``target``; how many geometries were
    repaired. Nothing but one batch is held in memory."""
    collection = declaration.collection
    file = str(folder / declaration.source.file)
    repaired = 0
    total = record_count(folder, declaration.source)
    with progress(collection.id, total, enabled=options.progress) as reporter, batch_gc():
        for batch in iter_batches(folder, declaration.source, options.batch_size):
            columns = batch_columns(declaration, batch, file)
            geoms = None
            if collection.spatial:
                geoms = prepare(collection, batch, file, make_valid=options.make_valid)
                repaired += geoms.repaired
            target.add(batch_rows(collection, columns, geoms, file, batch.start), file)
            reporter.update(len(batch.frame))
            del columns, geoms, batch
            gc.collect(0)
    return repaired


@contextmanager
def batch_gc():
    """Python's cycle collector off while batches are made (a batch allocates hundreds of
    thousands of dicts and lists, each allocation counting towards a collection that scans
    them all, although they are freed by reference counting); the caller collects the
    young generation once per batch instead."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def content_digest(folder: Path, declaration: Declaration, options: LoadOptions) -> str:
    """SHA-256 of what a file load makes its table from: the declaration (as stored), the
    bytes of its source file (every file, for a folder) and ``--make-valid``."""
    digest = hashlib.sha256(json.dumps([_metadata(folder / "metadata.yaml"),
                                        options.make_valid]).encode())
    source = folder / declaration.source.file
    files = sorted(p for p in source.rglob("*") if p.is_file()) if source.is_dir() else [source]
    for path in files:
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        with path.open("rb") as data:
            while chunk := data.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


def _stored_digest(store: Store, collection_id: str) -> str | None:
    st = store.table("collection_state")
    with store.engine.connect() as conn:
        saved = conn.execute(select(st.c.metadata).where(
            st.c.collection_id == collection_id)).scalar()
    return saved.get(DIGEST) if isinstance(saved, dict) else None


def _keep(store: Store, collection, source: str) -> LoadResult:
    """The load of an unchanged file into an unchanged table: only ``loaded_at`` moves."""
    repo = store.repo(collection.id)
    with write_transaction(store.engine) as conn:
        count = repo.state(conn).record_count or 0
        version = repo._bump(conn, source, utcnow(), count, False)
    return LoadResult(collection.id, unchanged=count, version=version)


def _load_file(store: Store, declaration: Declaration, folder: Path,
               options: LoadOptions) -> tuple[LoadResult, str]:
    """Build the collection's next table from its file; swap it in unless nothing changed.
    Skipped when the table was loaded from the same bytes and declaration
    (:func:`content_digest`). Also the digest, to keep with the declaration."""
    collection = declaration.collection
    exists = inspect(store.engine).has_table(collection.table_name)
    replace = not exists or needs_rebuild(store, collection)
    digest = content_digest(folder, declaration, options)
    source = f"file:{declaration.source.file}"
    if not replace and _stored_digest(store, collection.id) == digest:
        return _keep(store, collection, source), digest
    target = NextTable(store, collection, source, constant_provenance=True)
    try:
        repaired = _fill(target, declaration, folder, options)
    except (ReadError, LoadError) as exc:
        target.drop()
        raise LoadError(str(exc)) from None
    except BaseException:
        target.drop()
        raise
    if repaired:
        options.echo(f"{collection.id}: repaired {repaired} invalid geometr"
                     f"{'y' if repaired == 1 else 'ies'} (--make-valid)")
    return target.finish(replace=replace), digest


def load_declared(engine, root: Path, *, only: Iterable[str] = (), skip: Iterable[str] = (),
                  progress: bool = False, options: LoadOptions | None = None
                  ) -> list[LoadResult]:
    """Load the table of every declared collection under ``root`` (or just those in
    ``only``) from its file, building it anew beside the serving one and swapping it in
    (:mod:`.rebuild`); a live collection's table is only created or, when its declaration
    changed, rebuilt from its own records (:mod:`.live`). ``skip``: built-in ids."""
    from opengov.declare.live import load_live

    options = options or LoadOptions(progress=progress)
    wanted = set(only)
    declared = [(folder, d) for folder, d in find_declarations(root, skip)
                if not wanted or d.collection.id in wanted]
    if not declared:
        return []
    registry = Registry()
    for folder, declaration in declared:
        registry.register(declaration.collection)
        try:
            offer_native_crs(declaration, folder / "metadata.yaml")
        except DeclarationError as exc:
            raise LoadError(str(exc)) from None
    store = Store(engine, registry)
    results = []
    for folder, declaration in declared:
        collection, meta = declaration.collection, folder / "metadata.yaml"
        metadata = _metadata(meta)
        if collection.kind == "live":
            result = load_live(store, collection, str(meta), force=options.force,
                               batch_size=options.batch_size)
        else:
            result, metadata[DIGEST] = _load_file(store, declaration, folder, options)
        store.save_metadata(collection.id, metadata)
        if result is not None:
            results.append(result)
    return results


def load_project(store: Store, root: Path, *, profile: str = "full", only: Iterable[str] = (),
                 progress: bool = False, generators=None,
                 built_in: Iterable[str] | None = None,
                 options: LoadOptions | None = None) -> list[LoadResult]:
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
                                   progress=progress, options=options)
