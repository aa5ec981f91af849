"""core: the grid-order index of each spatial table (issue 18)

Revision ID: 0018_spatial_order_core
Revises: 0001
Create Date: 2026-12-06 22:10:00

An expression index on (cell key, id) from opengov.store.spatial_order, so bbox pages walk
the features near the box in key order instead of sorting every match by id.
"""

from alembic import op

from opengov.store.spatial_order import drop_order_index_ddl, order_index_ddl

revision = "0018_spatial_order_core"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = ("c_admin_units", "c_cameras", "c_service_centres")


def upgrade():
    dialect = op.get_bind().dialect.name
    for table in TABLES:
        for statement in order_index_ddl(dialect, table):
            op.execute(statement)
        if dialect == "postgresql":  # expression indexes get statistics from ANALYZE only
            op.execute(f'ANALYZE "{table}"')


def downgrade():
    for table in TABLES:
        for statement in drop_order_index_ddl(table):
            op.execute(statement)
