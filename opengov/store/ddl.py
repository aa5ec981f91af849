"""Hand-written DDL the ORM layer cannot express: R*Tree, FTS5, PostGIS and text indexes."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError


def spatial_ddl(dialect: str, table: str) -> list[str]:
    """Statements that create the spatial index of ``table`` and keep it in step."""
    if dialect == "postgresql":
        return [f'CREATE INDEX "ix_{table}_geom" ON "{table}" USING GIST (geom)']
    rtree = f"{table}_rtree"
    return [
        f'CREATE VIRTUAL TABLE "{rtree}" USING rtree(id, minx, maxx, miny, maxy)',
        f'CREATE TRIGGER "{rtree}_ai" AFTER INSERT ON "{table}" WHEN new._minx IS NOT NULL BEGIN '
        f'INSERT INTO "{rtree}" VALUES (new._rowid, new._minx, new._maxx, new._miny, new._maxy); '
        "END",
        f'CREATE TRIGGER "{rtree}_au" AFTER UPDATE OF _minx, _miny, _maxx, _maxy ON "{table}" '
        f'BEGIN DELETE FROM "{rtree}" WHERE id = old._rowid; '
        f'INSERT INTO "{rtree}" SELECT new._rowid, new._minx, new._maxx, new._miny, new._maxy '
        "WHERE new._minx IS NOT NULL; END",
        f'CREATE TRIGGER "{rtree}_ad" AFTER DELETE ON "{table}" BEGIN '
        f'DELETE FROM "{rtree}" WHERE id = old._rowid; END',
    ]


def _fts_delete(fts: str) -> str:
    return (f"INSERT INTO \"{fts}\"(\"{fts}\", rowid, _search) "
            "VALUES ('delete', old._rowid, old._search);")


def search_ddl(dialect: str, table: str) -> list[str]:
    """Statements that create the full-text index over the folded ``_search`` column."""
    if dialect == "postgresql":
        return [
            f'CREATE INDEX "ix_{table}_search" ON "{table}" '
            "USING GIN (to_tsvector('simple', coalesce(_search, '')))"
        ]
    fts = f"{table}_fts"
    return [
        f'CREATE VIRTUAL TABLE "{fts}" USING fts5(_search, content="{table}", '
        "content_rowid=_rowid, tokenize='unicode61')",
        f'CREATE TRIGGER "{fts}_ai" AFTER INSERT ON "{table}" BEGIN '
        f'INSERT INTO "{fts}"(rowid, _search) VALUES (new._rowid, new._search); END',
        f'CREATE TRIGGER "{fts}_ad" AFTER DELETE ON "{table}" BEGIN '
        f"{_fts_delete(fts)} END",
        f'CREATE TRIGGER "{fts}_au" AFTER UPDATE OF _search ON "{table}" BEGIN '
        f"{_fts_delete(fts)} "
        f'INSERT INTO "{fts}"(rowid, _search) VALUES (new._rowid, new._search); END',
    ]


def drop_ddl(dialect: str, table: str) -> list[str]:
    """Undo :func:`spatial_ddl` and :func:`search_ddl` (whichever exist)."""
    if dialect == "postgresql":
        return [f'DROP INDEX IF EXISTS "ix_{table}_{suffix}"' for suffix in ("geom", "search")]
    return [f'DROP TABLE IF EXISTS "{table}_rtree"', f'DROP TABLE IF EXISTS "{table}_fts"']


def create_shared(create: Callable[[], None]) -> None:
    """Run ``create`` (a ``checkfirst`` CREATE of tables shared by hosts) once more when another
    host created the same tables between its check and its CREATE."""
    try:
        create()
    except SQLAlchemyError:
        create()
