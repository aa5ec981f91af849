"""land: parcels, planning zones, land price zones and the land-use code table (issue 3)

Revision ID: 0002_land
Revises: 0001
Create Date: 2026-11-27 08:50:00

Collection tables as rendered from opengov.land's collections (then frozen), with the native
(EPSG:5899) geometry columns of opengov.store.tables; spatial and search indexes come from
opengov.store.ddl.
"""

import sqlalchemy as sa
from alembic import op

import opengov.store.types
from opengov.store.ddl import drop_ddl, search_ddl, spatial_ddl

revision = "0002_land"
down_revision = "0001"
branch_labels = None
depends_on = None

CODES, PARCELS, ZONES, PRICES = "c_land_use_codes", "c_parcels", "c_land_zones", "c_land_prices"
SPATIAL = (PARCELS, ZONES, PRICES)


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
    return [sa.Column("_rowid", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("id", sa.String(length=200), nullable=False)]


def _spatial_columns():
    return [
        sa.Column("geom", sa.LargeBinary().with_variant(
            opengov.store.types.PostGISGeometry(), "postgresql"), nullable=True),
        sa.Column("_minx", sa.Float(), nullable=True),
        sa.Column("_miny", sa.Float(), nullable=True),
        sa.Column("_maxx", sa.Float(), nullable=True),
        sa.Column("_maxy", sa.Float(), nullable=True),
        sa.Column("_geom_native", sa.LargeBinary(), nullable=True),
        sa.Column("_feature_native", sa.Text(), nullable=True),
    ]


def _keys(table):
    return [sa.PrimaryKeyConstraint("_rowid", name=op.f(f"pk_{table}")),
            sa.UniqueConstraint("id", name=op.f(f"uq_{table}_id"))]


def _indexes(table, columns):
    for column in columns:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def upgrade():
    op.create_table(
        CODES, *_head(),
        sa.Column("code", sa.Text(), nullable=True),
        sa.Column("name_vi", sa.Text(), nullable=True),
        sa.Column("name_en", sa.Text(), nullable=True),
        sa.Column("land_group", sa.Text(), nullable=True),
        sa.Column("scheme", sa.Text(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("replaced_by", sa.Text(), nullable=True),
        *_system_columns(), *_keys(CODES),
    )
    _indexes(CODES, ("_updated_at", "code", "land_group", "scheme", "valid_from"))
    op.create_table(
        PARCELS, *_head(),
        sa.Column("legacy_commune", sa.Text(), nullable=True),
        sa.Column("sheet", sa.BigInteger(), nullable=True),
        sa.Column("parcel", sa.BigInteger(), nullable=True),
        sa.Column("commune", sa.Text(), nullable=True),
        sa.Column("area_m2", sa.Float(), nullable=True),
        sa.Column("landuse", sa.Text(), nullable=True),
        sa.Column("landuse_scheme", sa.Text(), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        *_spatial_columns(), *_system_columns(), *_keys(PARCELS),
    )
    _indexes(PARCELS, ("_updated_at", "commune", "landuse", "landuse_scheme", "legacy_commune",
                       "parcel", "sheet"))
    op.create_table(
        ZONES, *_head(),
        sa.Column("commune", sa.Text(), nullable=True),
        sa.Column("planned_use", sa.Text(), nullable=True),
        sa.Column("plan_period", sa.Text(), nullable=True),
        sa.Column("decision", sa.Text(), nullable=True),
        sa.Column("approved_on", sa.Date(), nullable=True),
        *_spatial_columns(), *_system_columns(), *_keys(ZONES),
    )
    _indexes(ZONES, ("_updated_at", "approved_on", "commune", "plan_period", "planned_use"))
    op.create_table(
        PRICES, *_head(),
        sa.Column("commune", sa.Text(), nullable=True),
        sa.Column("road", sa.Text(), nullable=True),
        sa.Column("segment", sa.Text(), nullable=True),
        sa.Column("position", sa.BigInteger(), nullable=True),
        sa.Column("land_type", sa.Text(), nullable=True),
        sa.Column("price_vnd_m2", sa.Float(), nullable=True),
        sa.Column("year", sa.BigInteger(), nullable=True),
        sa.Column("decision", sa.Text(), nullable=True),
        *_spatial_columns(), *_system_columns(), *_keys(PRICES),
    )
    _indexes(PRICES, ("_updated_at", "commune", "land_type", "position", "price_vnd_m2", "road",
                      "year"))
    dialect = op.get_bind().dialect.name
    for table in SPATIAL:
        for statement in spatial_ddl(dialect, table):
            op.execute(statement)
    for statement in search_ddl(dialect, CODES):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for table in (*SPATIAL, CODES):
        for statement in drop_ddl(dialect, table):
            op.execute(statement)
        op.drop_table(table)
