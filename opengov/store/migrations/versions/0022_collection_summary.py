"""core: each collection version's summary kept in its state row (issue 18)

Revision ID: 0022_collection_summary
Revises: 0018_spatial_order_core
Create Date: 2026-12-07 15:20:00

``collection_state.summary`` (JSON): the extent, largest feature half-size and time range of
the version a load wrote (opengov.store.summary), so no request aggregates the table for
them. Rows of earlier loads hold none until their next load; until then the aggregate runs
once per version, as before.
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_collection_summary"
down_revision = "0018_spatial_order_core"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN on both backends (no table copy): servers keep reading meanwhile.
    op.add_column("collection_state", sa.Column("summary", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("collection_state") as batch:
        batch.drop_column("summary")
