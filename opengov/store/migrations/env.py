"""Alembic environment: always run on a connection handed in by opengov.store.migrate."""

from alembic import context

from opengov.collections import default_registry
from opengov.store.tables import build_metadata

target_metadata = build_metadata(default_registry())


def _include_object(obj, name, type_, reflected, compare_to):
    # Virtual tables and their shadow tables (R*Tree, FTS5) are managed by hand-written DDL.
    if type_ == "table" and name and ("_rtree" in name or "_fts" in name):
        return False
    if type_ == "table" and name == "spatial_ref_sys":
        return False
    return True


connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=target_metadata,
                  include_object=_include_object, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
