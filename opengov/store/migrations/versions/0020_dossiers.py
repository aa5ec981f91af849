"""dossiers: dossier tracking, its events and monthly aggregates (issue 20)

Revision ID: 0020_dossiers
Revises: 0001
Create Date: 2026-12-07 04:30:00

Written from opengov.dossiers.tables and checked against it by
tests/store/test_migrations.py (autogenerate finds no difference). No personal data columns.
"""

import sqlalchemy as sa
from alembic import op

import opengov.store.types

revision = "0020_dossiers"
down_revision = "0001"
branch_labels = None
depends_on = None

COUNTS = ("received", "resolved", "on_time", "late", "withdrawn", "online", "postal")
FINE = ("month", "agency", "procedure_code", "commune", "channel_in")
COARSE = ("month", "agency", "channel_in")
LENGTHS = {"month": 7, "agency": 100, "procedure_code": 40, "commune": 100, "channel_in": 20}


def _utc(name, nullable=True):
    return sa.Column(name, opengov.store.types.UTCDateTime(timezone=True), nullable=nullable)


def _str(name, length, nullable=True):
    return sa.Column(name, sa.String(length=length), nullable=nullable)


def upgrade():
    op.create_table(
        "dossiers",
        _str("code", 64, False), _str("pin_sha256", 64, False),
        _str("procedure_code", 40, False), _str("field_code", 100), _str("level", 30),
        _str("agency", 100, False), _str("centre", 100, False), _str("commune", 100),
        _str("channel_in", 20, False), _str("channel_out", 20, False), _str("postal_code", 64),
        _utc("received_at", False), _str("month", 7, False),
        sa.Column("statutory_days", sa.Integer(), nullable=False),
        _str("time_unit", 20, False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("used_days", sa.Integer(), nullable=False),
        sa.Column("clock_from", sa.Date(), nullable=True),
        _str("state", 30, False),
        _utc("appraisal_at"), _utc("decided_at"), _utc("ready_at"), _utc("returned_at"),
        _utc("resolved_at"),
        sa.Column("days_taken", sa.Integer(), nullable=True),
        sa.Column("on_time", sa.Boolean(), nullable=True),
        _utc("last_event_at", False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_dossiers")),
    )
    op.create_index(op.f("ix_dossiers_state_due_date"), "dossiers", ["state", "due_date"])
    op.create_index(op.f("ix_dossiers_month_agency"), "dossiers", ["month", "agency"])
    op.create_table(
        "dossier_events",
        _str("event_id", 100, False), _str("dossier_code", 64, False), _str("kind", 30, False),
        _utc("at", False), _str("batch", 40, False), _utc("ingested_at", False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_dossier_events")),
    )
    op.create_index(op.f("ix_dossier_events_dossier_code_at"), "dossier_events",
                    ["dossier_code", "at"])
    _aggregates("dossier_monthly", "dossier_days", FINE, procedure_columns=True)
    _aggregates("dossier_agency_monthly", "dossier_agency_days", COARSE)


def _aggregates(counts, days, key, procedure_columns=False):
    extra = [_str("field_code", 100), _str("level", 30)] if procedure_columns else []
    op.create_table(
        counts, *(_str(name, LENGTHS[name], False) for name in key), *extra,
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.PrimaryKeyConstraint(*key, name=op.f(f"pk_{counts}")),
    )
    op.create_index(op.f(f"ix_{counts}_agency_month"), counts, ["agency", "month"])
    op.create_table(
        days, *(_str(name, LENGTHS[name], False) for name in key),
        sa.Column("days_taken", sa.Integer(), nullable=False),
        sa.Column("statutory_days", sa.Integer(), nullable=False),
        sa.Column("dossiers", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*key, "days_taken", "statutory_days", name=op.f(f"pk_{days}")),
    )
    op.create_index(op.f(f"ix_{days}_agency_month"), days, ["agency", "month"])


def downgrade():
    for table in ("dossier_agency_days", "dossier_agency_monthly", "dossier_days",
                  "dossier_monthly"):
        op.drop_table(table)
    op.drop_table("dossier_events")
    op.drop_table("dossiers")
