"""Alembic environment: always run on a connection handed in by opengov.store.migrate."""

from alembic import context

from opengov.collections import default_registry
from opengov.store.migrate import include_object
from opengov.store.tables import build_metadata

target_metadata = build_metadata(default_registry())


connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=target_metadata,
                  include_object=include_object, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
