"""land: the grid-order index of each spatial table (issue 18)

Revision ID: 0018_spatial_order_land
Revises: 0002_land
Create Date: 2026-12-06 22:10:00

An expression index on (cell key, id) from opengov.store.spatial_order, so bbox pages walk
the features near the box in key order instead of sorting every match by id.
"""

from alembic import op

from opengov.store.spatial_order import add_order_indexes, drop_order_indexes

revision = "0018_spatial_order_land"
down_revision = "0002_land"
branch_labels = None
depends_on = None

TABLES = ("c_parcels", "c_land_zones", "c_land_prices")


def upgrade():
    add_order_indexes(op, TABLES)


def downgrade():
    drop_order_indexes(op, TABLES)
