"""reports: the grid-order index of each spatial table (issue 18)

Revision ID: 0018_spatial_order_reports
Revises: 0005_reports_attributes
Create Date: 2026-12-06 22:10:00

An expression index on (cell key, id) from opengov.store.spatial_order, so bbox pages walk
the features near the box in key order instead of sorting every match by id.
"""

from alembic import op

from opengov.store.spatial_order import add_order_indexes, drop_order_indexes

revision = "0018_spatial_order_reports"
down_revision = "0005_reports_attributes"
branch_labels = None
depends_on = None

TABLES = ("c_reports",)


def upgrade():
    add_order_indexes(op, TABLES)


def downgrade():
    drop_order_indexes(op, TABLES)
