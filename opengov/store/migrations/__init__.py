"""Alembic migration scripts (run through :mod:`opengov.store.migrate`)."""
