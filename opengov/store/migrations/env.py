"""Alembic environment: always run on a connection handed in by opengov.store.migrate."""

from alembic import context

from opengov.store.migrate import include_object

# The schema of every built-in capability (what ``opengov init`` migrates to), handed in by
# opengov.store.migrate's caller so the store imports no capability.
target_metadata = context.config.attributes.get("target_metadata")


connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=target_metadata,
                  include_object=include_object, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
