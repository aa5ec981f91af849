"""Create or upgrade a database to the newest schema (``opengov init``)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

MIGRATIONS = Path(str(files("opengov.store") / "migrations"))  # package data, wherever installed


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Leave objects made by hand-written DDL (R*Tree, FTS5, PostGIS) out of comparisons."""
    if type_ == "table" and name:
        return not ("_rtree" in name or "_fts" in name or name == "spatial_ref_sys")
    if type_ == "index" and name and reflected:
        return not name.endswith(("_geom", "_search", "_spatial_order"))
    return True


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _prepare(engine: Engine) -> None:
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Bring the database behind ``engine`` to ``revision`` (idempotent).

    Each capability's tables live on their own migration branch from ``0001``, so the default
    target is every head.
    """
    _prepare(engine)
    cfg = alembic_config()
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        conn.commit()


def current_revisions(engine: Engine) -> tuple[str, ...]:
    with engine.connect() as conn:
        return tuple(sorted(MigrationContext.configure(conn).get_current_heads()))


def head_revisions() -> tuple[str, ...]:
    return tuple(sorted(ScriptDirectory.from_config(alembic_config()).get_heads()))
