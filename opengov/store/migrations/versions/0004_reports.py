"""reports: categories, public reports and their private tables (issue 6)

Revision ID: 0004_reports
Revises: 0001
Create Date: 2026-11-27 06:20:00

Rendered once by Alembic's autogenerate from opengov.reports (collections and
``private_tables``), then frozen. Spatial and search indexes come from opengov.store.ddl.
"""

import sqlalchemy as sa
from alembic import op

import opengov.store.types
from opengov.store.ddl import drop_ddl, search_ddl, spatial_ddl

revision = "0004_reports"
down_revision = "0001"
branch_labels = None
depends_on = None

CATEGORIES, REPORTS = "c_report_categories", "c_reports"
PRIVATE = ("report_history", "report_idempotency", "report_photos", "report_private")


def _utc(name, nullable=True):
    return sa.Column(name, opengov.store.types.UTCDateTime(timezone=True), nullable=nullable)


def _text(*names):
    return [sa.Column(name, sa.Text(), nullable=True) for name in names]


def _system_columns():
    return [
        sa.Column("_feature", sa.Text(), nullable=False),
        sa.Column("_hash", sa.String(length=64), nullable=False),
        sa.Column("_search", sa.Text(), nullable=True),
        _utc("_updated_at", nullable=False),
        sa.Column("_row_version", sa.Integer(), nullable=False),
        sa.Column("_source", sa.Text(), nullable=True),
        _utc("_fetched_at"),
    ]


def _head():
    return [sa.Column("_rowid", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("id", sa.String(length=200), nullable=False)]


def _keys(table):
    return [sa.PrimaryKeyConstraint("_rowid", name=op.f(f"pk_{table}")),
            sa.UniqueConstraint("id", name=op.f(f"uq_{table}_id"))]


def _indexes(table, *columns):
    for column in columns:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def upgrade():
    op.create_table(
        CATEGORIES, *_head(),
        *_text("name_vi", "name_en", "description_vi", "description_en", "group"),
        sa.Column("keywords", sa.JSON(), nullable=True),
        *_text("agency", "agency_name_vi", "agency_name_en"),
        sa.Column("target_hours", sa.BigInteger(), nullable=True),
        sa.Column("attributes", sa.JSON(), nullable=True),
        *_system_columns(), *_keys(CATEGORIES),
    )
    _indexes(CATEGORIES, "_updated_at", "agency", "group")
    op.create_table(
        REPORTS, *_head(),
        *_text("category", "category_name_vi", "category_name_en", "description", "address",
               "status", "agency"),
        _utc("requested_at"), _utc("updated_at"), _utc("expected_at"), _utc("closed_at"),
        sa.Column("status_note", sa.Text(), nullable=True),
        sa.Column("photos", sa.JSON(), nullable=True),
        sa.Column("geom", sa.LargeBinary().with_variant(
            opengov.store.types.PostGISGeometry(), "postgresql"), nullable=True),
        sa.Column("_minx", sa.Float(), nullable=True),
        sa.Column("_miny", sa.Float(), nullable=True),
        sa.Column("_maxx", sa.Float(), nullable=True),
        sa.Column("_maxy", sa.Float(), nullable=True),
        *_system_columns(), *_keys(REPORTS),
    )
    _indexes(REPORTS, "_updated_at", "agency", "category", "closed_at", "expected_at",
             "requested_at", "status", "updated_at")
    op.create_table(
        "report_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("report_id", sa.String(length=64), nullable=False),
        _utc("at", nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        *_text("agency", "note"),
        sa.Column("actor_role", sa.String(length=50), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_history")),
    )
    op.create_index(op.f("ix_report_history_report_id_id"), "report_history",
                    ["report_id", "id"], unique=False)
    op.create_table(
        "report_idempotency",
        sa.Column("key_sha256", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("report_id", sa.String(length=64), nullable=False),
        sa.Column("token", sa.Text(), nullable=True),
        _utc("created_at", nullable=False),
        sa.PrimaryKeyConstraint("key_sha256", name=op.f("pk_report_idempotency")),
    )
    _indexes("report_idempotency", "created_at")
    op.create_table(
        "report_photos",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("report_id", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=20), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("approved", sa.Boolean(), nullable=False),
        _utc("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_photos")),
    )
    _indexes("report_photos", "report_id")
    op.create_table(
        "report_private",
        sa.Column("report_id", sa.String(length=64), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        *_text("name", "email", "phone", "device_id", "account_id"),
        _utc("closed_at"), _utc("erased_at"),
        sa.PrimaryKeyConstraint("report_id", name=op.f("pk_report_private")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_report_private_token_sha256")),
    )
    _indexes("report_private", "closed_at")
    dialect = op.get_bind().dialect.name
    for statement in (spatial_ddl(dialect, REPORTS) + search_ddl(dialect, REPORTS)
                      + search_ddl(dialect, CATEGORIES)):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for table in (REPORTS, CATEGORIES):
        for statement in drop_ddl(dialect, table):
            op.execute(statement)
    for table in (*PRIVATE, REPORTS, CATEGORIES):
        op.drop_table(table)
