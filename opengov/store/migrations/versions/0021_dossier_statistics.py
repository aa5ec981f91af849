"""dossier statistics: the dossier-statistics collection's table (issue 20)

Revision ID: 0021_dossier_statistics
Revises: 0020_dossiers
Create Date: 2026-12-07 11:40:00

Rendered once by Alembic's autogenerate from opengov.dossiers.dataset, then frozen; checked
against the code by tests/store/test_migrations.py. Aggregates only: no dossier, no personal
data.
"""

import sqlalchemy as sa
from alembic import op

import opengov.store.types

revision = "0021_dossier_statistics"
down_revision = "0020_dossiers"
branch_labels = None
depends_on = None

TABLE = "c_dossier_statistics"
CODES = ("agency", "procedure", "field_code", "level")
COUNTS = ("received", "resolved", "resolved_on_time", "resolved_late", "withdrawn",
          "in_progress")
SHARES = ("share_on_time", "share_online", "share_postal")
DAYS = ("days_median", "days_p90", "statutory_days_median")
INDEXED = ("_updated_at", "agency", "field_code", "level", "month", "procedure", "suppressed")


def _utc(name, nullable=True):
    return sa.Column(name, opengov.store.types.UTCDateTime(timezone=True), nullable=nullable)


def _columns(names, kind):
    return [sa.Column(name, kind(), nullable=True) for name in names]


def upgrade():
    op.create_table(
        TABLE,
        sa.Column("_rowid", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("month", sa.Text(), nullable=True), _utc("period_start"),
        *_columns(CODES, sa.Text),
        sa.Column("suppressed", sa.Boolean(), nullable=True),
        *_columns(COUNTS, sa.BigInteger), *_columns(SHARES, sa.Float),
        *_columns(DAYS, sa.BigInteger),
        sa.Column("_feature", sa.Text(), nullable=False),
        sa.Column("_hash", sa.String(length=64), nullable=False),
        sa.Column("_search", sa.Text(), nullable=True),
        _utc("_updated_at", nullable=False),
        sa.Column("_row_version", sa.Integer(), nullable=False),
        sa.Column("_source", sa.Text(), nullable=True),
        _utc("_fetched_at"),
        sa.PrimaryKeyConstraint("_rowid", name=op.f(f"pk_{TABLE}")),
        sa.UniqueConstraint("id", name=op.f(f"uq_{TABLE}_id")),
    )
    for column in INDEXED:
        op.create_index(op.f(f"ix_{TABLE}_{column}"), TABLE, [column], unique=False)


def downgrade():
    op.drop_table(TABLE)
