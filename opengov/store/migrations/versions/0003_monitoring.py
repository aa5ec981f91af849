"""monitoring: stations, parameters, readings and their daily aggregates (issue 5)

Revision ID: 0003_monitoring
Revises: 0001
Create Date: 2026-11-27 06:05:00

Collection tables as Alembic's autogenerate rendered them from opengov.monitoring (then frozen);
the spatial index of the stations and the search indexes come from opengov.store.ddl.
"""

import sqlalchemy as sa
from alembic import op

import opengov.store.types
from opengov.store.ddl import drop_ddl, search_ddl, spatial_ddl

revision = "0003_monitoring"
down_revision = "0001"
branch_labels = None
depends_on = None

STATIONS, PARAMETERS = "c_monitoring_stations", "c_monitoring_parameters"


def _system_columns():
    return [
        sa.Column("_feature", sa.Text(), nullable=False),
        sa.Column("_hash", sa.String(length=64), nullable=False),
        sa.Column("_search", sa.Text(), nullable=True),
        sa.Column("_updated_at", opengov.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("_row_version", sa.Integer(), nullable=False),
        sa.Column("_source", sa.Text(), nullable=True),
        sa.Column("_fetched_at", opengov.store.types.UTCDateTime(timezone=True), nullable=True),
    ]


def _head():
    return [
        sa.Column("_rowid", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("name_vi", sa.Text(), nullable=True),
        sa.Column("name_en", sa.Text(), nullable=True),
    ]


def _keys(table):
    return [sa.PrimaryKeyConstraint("_rowid", name=op.f(f"pk_{table}")),
            sa.UniqueConstraint("id", name=op.f(f"uq_{table}_id"))]


def upgrade():
    op.create_table(
        PARAMETERS, *_head(),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("medium", sa.Text(), nullable=True),
        sa.Column("valid_min", sa.Float(), nullable=True),
        sa.Column("valid_max", sa.Float(), nullable=True),
        *_system_columns(), *_keys(PARAMETERS),
    )
    for column in ("_updated_at", "medium"):
        op.create_index(op.f(f"ix_{PARAMETERS}_{column}"), PARAMETERS, [column], unique=False)
    op.create_table(
        STATIONS, *_head(),
        sa.Column("kind", sa.Text(), nullable=True),
        sa.Column("operator", sa.Text(), nullable=True),
        sa.Column("commune", sa.Text(), nullable=True),
        sa.Column("parameters", sa.JSON(), nullable=True),
        sa.Column("active_from", sa.Date(), nullable=True),
        sa.Column("active_to", sa.Date(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("geom", sa.LargeBinary().with_variant(
            opengov.store.types.PostGISGeometry(), "postgresql"), nullable=True),
        sa.Column("_minx", sa.Float(), nullable=True),
        sa.Column("_miny", sa.Float(), nullable=True),
        sa.Column("_maxx", sa.Float(), nullable=True),
        sa.Column("_maxy", sa.Float(), nullable=True),
        *_system_columns(), *_keys(STATIONS),
    )
    for column in ("_updated_at", "active_from", "commune", "kind", "operator", "status"):
        op.create_index(op.f(f"ix_{STATIONS}_{column}"), STATIONS, [column], unique=False)
    op.create_table(
        "monitoring_readings",
        sa.Column("station_id", sa.String(length=64), nullable=False),
        sa.Column("parameter", sa.String(length=16), nullable=False),
        sa.Column("time", sa.BigInteger(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("flag", sa.String(length=8), nullable=False),
        sa.PrimaryKeyConstraint("station_id", "parameter", "time",
                                name=op.f("pk_monitoring_readings")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "monitoring_daily",
        sa.Column("station_id", sa.String(length=64), nullable=False),
        sa.Column("parameter", sa.String(length=16), nullable=False),
        sa.Column("day", sa.BigInteger(), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.Column("mean", sa.Float(), nullable=False),
        sa.Column("low", sa.Float(), nullable=False),
        sa.Column("high", sa.Float(), nullable=False),
        sa.Column("peak", sa.Float(), nullable=False),
        sa.Column("peak8", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("station_id", "parameter", "day",
                                name=op.f("pk_monitoring_daily")),
        sqlite_with_rowid=False,
    )
    dialect = op.get_bind().dialect.name
    for statement in (spatial_ddl(dialect, STATIONS) + search_ddl(dialect, STATIONS)
                      + search_ddl(dialect, PARAMETERS)):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for table in (STATIONS, PARAMETERS):
        for statement in drop_ddl(dialect, table):
            op.execute(statement)
    op.drop_table("monitoring_daily")
    op.drop_table("monitoring_readings")
    op.drop_table(STATIONS)
    op.drop_table(PARAMETERS)
