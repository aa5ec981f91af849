"""gateway: upstream source state and harvest leases (issue 8)

Revision ID: 0008_gateway
Revises: 0001
Create Date: 2026-11-27 08:30:00

Written from opengov.gateway.tables, then frozen. Provenance columns (``_source``,
``_fetched_at``) already exist on every collection table (0001 and each capability's branch).
"""

import sqlalchemy as sa
from alembic import op

import opengov.store.types

revision = "0008_gateway"
down_revision = "0001"
branch_labels = None
depends_on = None


def _utc(name, nullable=True):
    return sa.Column(name, opengov.store.types.UTCDateTime(timezone=True), nullable=nullable)


def upgrade():
    op.create_table(
        "gateway_sources",
        sa.Column("source_id", sa.String(length=100), nullable=False),
        sa.Column("collection_id", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        _utc("last_attempt_at"), _utc("last_success_at"), _utc("last_error_at"),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("upstream_url", sa.Text(), nullable=True),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("checksum", sa.String(length=64), nullable=True),
        sa.Column("record_count", sa.BigInteger(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("last_run", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("source_id", name=op.f("pk_gateway_sources")),
    )
    op.create_table(
        "gateway_leases",
        sa.Column("source_id", sa.String(length=100), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        _utc("acquired_at", nullable=False),
        _utc("expires_at", nullable=False),
        sa.PrimaryKeyConstraint("source_id", name=op.f("pk_gateway_leases")),
    )


def downgrade():
    op.drop_table("gateway_leases")
    op.drop_table("gateway_sources")
