"""Migrations produce exactly the schema the code expects, with spatial and text indexes."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from opengov.store.migrate import current_revisions, head_revisions, include_object, upgrade


def test_upgrade_is_idempotent_and_matches_code(empty_app):
    store = empty_app.extensions["opengov"].store
    upgrade(store.engine)  # second run: nothing to do
    assert current_revisions(store.engine) == head_revisions()
    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_object": include_object})
        diff = compare_metadata(ctx, store.metadata)
    assert diff == []


def test_spatial_and_search_indexes_exist(empty_app):
    store = empty_app.extensions["opengov"].store
    names = set(inspect(store.engine).get_table_names())
    if store.dialect == "sqlite":
        assert {"c_cameras_rtree", "c_admin_units_rtree", "c_procedures_fts"} <= names
    else:
        with store.engine.connect() as conn:
            indexes = {r[0] for r in conn.execute(text(
                "SELECT indexname FROM pg_indexes WHERE indexdef ILIKE '%gist%'"))}
        assert {"ix_c_cameras_geom", "ix_c_admin_units_geom"} <= indexes


def test_every_spatial_table_has_its_grid_order_index(empty_app):
    store = empty_app.extensions["opengov"].store
    with store.engine.connect() as conn:
        if store.dialect == "sqlite":
            names = {r[0] for r in conn.execute(text(
                "SELECT name FROM sqlite_master WHERE type = 'index'"))}
        else:
            names = {r[0] for r in conn.execute(text("SELECT indexname FROM pg_indexes"))}
    spatial = {c.table_name for c in store.registry if c.spatial}
    assert spatial and {f"ix_{t}_spatial_order" for t in spatial} <= names

