"""SQLAlchemy Core tables: platform tables plus one table per registered collection.

A collection table holds one typed column per public field (two for ``i18n`` fields), the
geometry (WKB on SQLite, PostGIS on PostgreSQL, with its bounding box), the feature JSON
serialised once at write time, a folded search document, a content hash and provenance.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

from opengov.collections import Collection, Field, Registry
from opengov.geo.stored_features import NATIVE_FEATURE, NATIVE_GEOMETRY, has_native_geometry
from opengov.store.types import UTCDateTime, geometry_type

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "pk": "pk_%(table_name)s",
}

_SQL_TYPES = {
    "string": Text,
    "text": Text,
    "integer": BigInteger,
    "number": Float,
    "boolean": Boolean,
    "date": Date,
    "datetime": UTCDateTime,
    "array": JSON,
    "object": JSON,
}

# Columns every collection table has; names start with "_" so they never clash with fields.
SYSTEM_COLUMNS = ("_feature", "_hash", "_search", "_updated_at", "_row_version", "_source",
                  "_fetched_at")


def _field_columns(f: Field) -> list[Column]:
    if f.type == "i18n":
        return [Column(name, Text) for name in f.columns]
    return [Column(f.name, _SQL_TYPES[f.type]())]


# Geometry as loaded in the collection's native CRS (e.g. EPSG:5899 metres) when that is not
# CRS84: the WKB and the Feature serialised with it (opengov.geo.stored_features reads them).
NATIVE_COLUMNS = (NATIVE_GEOMETRY, NATIVE_FEATURE)


def native_columns() -> list[Column]:
    """The nullable native-CRS columns: WKB and serialised Feature."""
    geom, feature = NATIVE_COLUMNS
    return [Column(geom, LargeBinary), Column(feature, Text)]


def collection_table(metadata: MetaData, collection: Collection) -> Table:
    """Define the table of ``collection`` on ``metadata``."""
    columns: list[Column] = [
        Column("_rowid", Integer, primary_key=True, autoincrement=True),
        Column("id", String(200), nullable=False, unique=True),
    ]
    for f in collection.fields:
        if f.name != "id":
            columns.extend(_field_columns(f))
    if collection.spatial:
        columns += [
            Column("geom", geometry_type()),
            Column("_minx", Float), Column("_miny", Float),
            Column("_maxx", Float), Column("_maxy", Float),
        ]
        if has_native_geometry(collection):
            columns += native_columns()
    columns += [
        Column("_feature", Text, nullable=False),
        Column("_hash", String(64), nullable=False),
        Column("_search", Text),
        Column("_updated_at", UTCDateTime, nullable=False),
        Column("_row_version", Integer, nullable=False, default=1),
        Column("_source", Text),
        Column("_fetched_at", UTCDateTime),
    ]
    table = Table(collection.table_name, metadata, *columns)
    Index(None, table.c._updated_at)
    for f in collection.fields:
        if (f.filterable or f.sortable) and f.scalar and f.name != "id":
            Index(None, table.c[f.name])
    return table


def platform_tables(metadata: MetaData) -> None:
    """Tables shared by all collections: versions and API keys."""
    Table(
        "collection_state", metadata,
        Column("collection_id", String(100), primary_key=True),
        Column("version", Integer, nullable=False, default=0),
        Column("modified", UTCDateTime, nullable=False),
        Column("record_count", BigInteger, nullable=False, default=0),
        Column("source", Text),
        Column("loaded_at", UTCDateTime),
        Column("metadata", JSON),
        Column("summary", JSON),  # the version's extent and time range (opengov.store.summary)
    )
    Table(
        "api_keys", metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("token_sha256", String(64), nullable=False, unique=True),
        Column("prefix", String(12), nullable=False),
        Column("role", String(50), nullable=False),
        Column("scope", Text),
        Column("label", Text),
        Column("created_at", UTCDateTime, nullable=False),
        Column("revoked_at", UTCDateTime),
    )


def build_metadata(registry: Registry,
                   tables: Iterable[Callable[[MetaData], None]] = ()) -> MetaData:
    """The complete schema of an application with ``registry``: the platform's tables, one per
    collection, then what each of ``tables`` declares on it (a capability's private or live
    tables, e.g. readings; handed in by the application, never looked up from here)."""
    metadata = MetaData(naming_convention=NAMING)
    platform_tables(metadata)
    for collection in registry:
        collection_table(metadata, collection)
    for declare in tables:
        declare(metadata)
    return metadata
