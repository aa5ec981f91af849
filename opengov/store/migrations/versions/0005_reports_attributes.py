"""reports: answers to category attributes (Open311 attribute[code]) on each report

Revision ID: 0005_reports_attributes
Revises: 0004_reports
Create Date: 2026-11-27 08:45:00

The public ``attributes`` field of the reports collection (``opengov.reports.collection``):
a JSON object ``{code: value}`` checked against the category's service definition.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_reports_attributes"
down_revision = "0004_reports"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("c_reports", sa.Column("attributes", sa.JSON(), nullable=True))


def downgrade():
    # A plain ALTER TABLE … DROP COLUMN (SQLite >= 3.35): a batch table copy would lose the
    # R*Tree and FTS triggers of c_reports.
    op.drop_column("c_reports", "attributes")
