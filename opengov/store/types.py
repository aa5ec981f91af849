"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, LargeBinary, func
from sqlalchemy.types import TypeDecorator, UserDefinedType


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out; stored as UTC on both backends."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; times must carry a UTC offset")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class PostGISGeometry(UserDefinedType):
    """PostGIS ``geometry(Geometry, 4326)``, exchanged as WKB."""

    cache_ok = True

    def __init__(self, *_reflected_args, **_reflected_kwargs):
        # Reflection passes the type modifiers (Geometry, 4326); the column spec is fixed.
        super().__init__()

    def get_col_spec(self, **kw):
        return "geometry(Geometry,4326)"

    def bind_expression(self, bindvalue):
        return func.ST_GeomFromWKB(bindvalue, 4326)

    def column_expression(self, col):
        return func.ST_AsBinary(col, type_=LargeBinary)


def geometry_type():
    """WKB in a BLOB on SQLite; PostGIS geometry on PostgreSQL."""
    return LargeBinary().with_variant(PostGISGeometry(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


def _register_reflection() -> None:
    """Let SQLAlchemy reflect PostGIS ``geometry`` columns (for migration comparisons)."""
    from sqlalchemy.dialects.postgresql.base import ischema_names

    ischema_names.setdefault("geometry", PostGISGeometry)


_register_reflection()
