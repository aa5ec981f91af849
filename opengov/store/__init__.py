"""Storage: engines, tables, migrations and repositories (SQLAlchemy Core only)."""
