"""foundation: platform and first collections

Revision ID: 0001
Revises:
Create Date: 2026-11-27 05:21:35.598622
"""

import sqlalchemy as sa
from alembic import op

import opengov.store.types
from opengov.store.ddl import drop_ddl, search_ddl, spatial_ddl

SPATIAL = ("c_admin_units", "c_cameras", "c_service_centres")
SEARCHABLE = ("c_admin_units", "c_cameras", "c_procedures", "c_service_centres")


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_keys',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('token_sha256', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('role', sa.String(length=50), nullable=False),
    sa.Column('scope', sa.Text(), nullable=True),
    sa.Column('label', sa.Text(), nullable=True),
    sa.Column('created_at', opengov.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', opengov.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_keys')),
    sa.UniqueConstraint('token_sha256', name=op.f('uq_api_keys_token_sha256'))
    )
    op.create_table('c_admin_units',
    sa.Column('_rowid', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('id', sa.String(length=200), nullable=False),
    sa.Column('code', sa.Text(), nullable=True),
    sa.Column('name_vi', sa.Text(), nullable=True),
    sa.Column('name_en', sa.Text(), nullable=True),
    sa.Column('unit_type', sa.Text(), nullable=True),
    sa.Column('province_code', sa.Text(), nullable=True),
    sa.Column('province_name_vi', sa.Text(), nullable=True),
    sa.Column('province_name_en', sa.Text(), nullable=True),
    sa.Column('effective_from', sa.Date(), nullable=True),
    sa.Column('legacy_codes', sa.JSON(), nullable=True),
    sa.Column('area_km2', sa.Float(), nullable=True),
    sa.Column('authoritative_geometry', sa.Boolean(), nullable=True),
    sa.Column('geom', sa.LargeBinary().with_variant(opengov.store.types.PostGISGeometry(), 'postgresql'), nullable=True),
    sa.Column('_minx', sa.Float(), nullable=True),
    sa.Column('_miny', sa.Float(), nullable=True),
    sa.Column('_maxx', sa.Float(), nullable=True),
    sa.Column('_maxy', sa.Float(), nullable=True),
    sa.Column('_feature', sa.Text(), nullable=False),
    sa.Column('_hash', sa.String(length=64), nullable=False),
    sa.Column('_search', sa.Text(), nullable=True),
    sa.Column('_updated_at', opengov.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('_row_version', sa.Integer(), nullable=False),
    sa.Column('_source', sa.Text(), nullable=True),
    sa.Column('_fetched_at', opengov.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('_rowid', name=op.f('pk_c_admin_units')),
    sa.UniqueConstraint('id', name=op.f('uq_c_admin_units_id'))
    )
    with op.batch_alter_table('c_admin_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_c_admin_units__updated_at'), ['_updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_c_admin_units_area_km2'), ['area_km2'], unique=False)
        batch_op.create_index(batch_op.f('ix_c_admin_units_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_c_admin_units_effective_from'), ['effective_from'], unique=False)
        batch_op.create_index(batch_op.f('ix_c_admin_units_province_code'), ['province_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_c_admin_units_unit_type'), ['unit_type'], unique=False)

    op.create_table('c_cameras',
    sa.Column('_rowid', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('id', sa.String(length=200), nullable=False),
    sa.Column('name_vi', sa.Text(), nullable=True),
    sa.Column('name_en', sa.Text(), nullable=True),
    sa.Column('kind', sa.Text(), nullable=True),
    sa.Column('road', sa.Text(), nullable=True),
    sa.Column('direction', sa.Text(), nullable=True),
    sa.Column('commune', sa.Text(), nullable=True),
    sa.Column('status', sa.Text(), nullable=True),
    sa.Column('snapshot_url', sa.Text(), nullable=True),
    sa.Column('stream_url', sa.Text(), nullable=True),
    sa.Column('stream_type', sa.Text(), nullable=True),
    sa.Column('refresh_interval_s', sa.BigInteger(), nullable=True),
    sa.Column('last_seen', opengov.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('owner', sa.Text(), nullable=True),
    sa.Column('geom', sa.LargeBinary().with_variant(opengov.store.types.PostGISGeometry(), 'postgresql'), nullable=True),
    sa.Column('_minx', sa.Float(), nullable=True),
    sa.Column('_miny', sa.Float(), nullable=True),
    sa.Column('_maxx', sa.Float(), nullable=True),
    sa.Column('_maxy', sa.Float(), nullable=True),
    sa.Column('_feature', sa.Text(), nullable=False),
    sa.Column('_hash', sa.String(length=64), nullable=False),
    sa.Column('_search', sa.Text(), nullable=True),
    sa.Column('_updated_at', opengov.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('_row_version', sa.Integer(), nullable=False),
    sa.Column('_source', sa.Text(), nullable=True),
    sa.Column('_fetched_at', opengov.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('_rowid', name=op.f('pk_c_cameras')),
    sa.UniqueConstraint('id', name=op.f('uq_c_cameras_id'))
    )
    with op.batch_alter_table('c_cameras', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_c_cameras__updated_at'), ['_updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_c_cameras_commune'), ['commune'], unique=False)
        batch_op.create_index(batch_op.f('ix_c_cameras_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_c_cameras_last_seen'), ['last_seen'], unique=False)
        batch_op.create_index(batch_op.f('ix_c_cameras_road'), ['road'], unique=False)
        batch_op.create_index(batch_op.f('ix_c_cameras_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_c_cameras_stream_type'), ['stream_type'], unique=False)

    op.create_table('c_procedures',
    sa.Column('_rowid', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('id', sa.String(length=200), nullable=False),
    sa.Column('code', sa.Text(), nullable=True),
    sa.Column('name_vi', sa.Text(), nullable=True),
    sa.Column('name_en', sa.Text(), nullable=True),
    sa.Column('field_code', sa.Text(), nullable=True),
    sa.Column('field_vi', sa.Text(), nullable=True),
    sa.Column('field_en', sa.Text(), nullable=True),
    sa.Column('level', sa.Text(), nullable=True),
    sa.Column('agency', sa.Text(), nullable=True),
    sa.Column('agency_code', sa.Text(), nullable=True),
    sa.Column('online_level', sa.Text(), nullable=True),
    sa.Column('postal', sa.Boolean(), nullable=True),
    sa.Column('delegated', sa.Boolean(), nullable=True),
    sa.Column('legacy', sa.Boolean(), nullable=True),
    sa.Column('procedure_type', sa.Text(), nullable=True),
    sa.Column('decision_no', sa.Text(), nullable=True),
    sa.Column('target_groups', sa.JSON(), nullable=True),
    sa.Column('methods', sa.JSON(), nullable=True),
    sa.Column('cases', sa.JSON(), nullable=True),
    sa.Column('steps', sa.JSON(), nullable=True),
    sa.Column('requirements', sa.Text(), nullable=True),
    sa.Column('legal_basis', sa.JSON(), nullable=True),
    sa.Column('results', sa.JSON(), nullable=True),
    sa.Column('portal_id', sa.BigInteger(), nullable=True),
    sa.Column('updated_at', opengov.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('_feature', sa.Text(), nullable=False),
    sa.Column('_hash', sa.String(length=64), nullable=False),
    sa.Column('_search', sa.Text(), nullable=True),
    sa.Column('_updated_at', opengov.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('_row_version', sa.Integer(), nullable=False),
    sa.Column('_source', sa.Text(), nullable=True),
    sa.Column('_fetched_at', opengov.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('_rowid', name=op.f('pk_c_procedures')),
    sa.UniqueConstraint('id', name=op.f('uq_c_procedures_id'))
    )
    with op.batch_alter_table('c_procedures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_c_procedures__updated_at'), ['_updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_c_procedures_agency_code'), ['agency_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_c_procedures_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_c_procedures_delegated'), ['delegated'], unique=False)
        batch_op.create_index(batch_op.f('ix_c_procedures_field_code'), ['field_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_c_procedures_legacy'), ['legacy'], unique=False)
        batch_op.create_index(batch_op.f('ix_c_procedures_level'), ['level'], unique=False)
        batch_op.create_index(batch_op.f('ix_c_procedures_online_level'), ['online_level'], unique=False)
        batch_op.create_index(batch_op.f('ix_c_procedures_postal'), ['postal'], unique=False)
        batch_op.create_index(batch_op.f('ix_c_procedures_updated_at'), ['updated_at'], unique=False)

    op.create_table('c_service_centres',
    sa.Column('_rowid', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('id', sa.String(length=200), nullable=False),
    sa.Column('name_vi', sa.Text(), nullable=True),
    sa.Column('name_en', sa.Text(), nullable=True),
    sa.Column('level', sa.Text(), nullable=True),
    sa.Column('commune', sa.Text(), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('phone', sa.Text(), nullable=True),
    sa.Column('email', sa.Text(), nullable=True),
    sa.Column('opening_hours', sa.Text(), nullable=True),
    sa.Column('website', sa.Text(), nullable=True),
    sa.Column('geom', sa.LargeBinary().with_variant(opengov.store.types.PostGISGeometry(), 'postgresql'), nullable=True),
    sa.Column('_minx', sa.Float(), nullable=True),
    sa.Column('_miny', sa.Float(), nullable=True),
    sa.Column('_maxx', sa.Float(), nullable=True),
    sa.Column('_maxy', sa.Float(), nullable=True),
    sa.Column('_feature', sa.Text(), nullable=False),
    sa.Column('_hash', sa.String(length=64), nullable=False),
    sa.Column('_search', sa.Text(), nullable=True),
    sa.Column('_updated_at', opengov.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('_row_version', sa.Integer(), nullable=False),
    sa.Column('_source', sa.Text(), nullable=True),
    sa.Column('_fetched_at', opengov.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('_rowid', name=op.f('pk_c_service_centres')),
    sa.UniqueConstraint('id', name=op.f('uq_c_service_centres_id'))
    )
    with op.batch_alter_table('c_service_centres', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_c_service_centres__updated_at'), ['_updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_c_service_centres_commune'), ['commune'], unique=False)
        batch_op.create_index(batch_op.f('ix_c_service_centres_level'), ['level'], unique=False)

    op.create_table('collection_state',
    sa.Column('collection_id', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('modified', opengov.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('record_count', sa.BigInteger(), nullable=False),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('loaded_at', opengov.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('metadata', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('collection_id', name=op.f('pk_collection_state'))
    )
    dialect = op.get_bind().dialect.name
    for table in SPATIAL:
        for statement in spatial_ddl(dialect, table):
            op.execute(statement)
    for table in SEARCHABLE:
        for statement in search_ddl(dialect, table):
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for table in sorted(set(SPATIAL) | set(SEARCHABLE)):
        for statement in drop_ddl(dialect, table):
            op.execute(statement)
    op.drop_table('collection_state')
    with op.batch_alter_table('c_service_centres', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_c_service_centres_level'))
        batch_op.drop_index(batch_op.f('ix_c_service_centres_commune'))
        batch_op.drop_index(batch_op.f('ix_c_service_centres__updated_at'))

    op.drop_table('c_service_centres')
    with op.batch_alter_table('c_procedures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_c_procedures_updated_at'))
        batch_op.drop_index(batch_op.f('ix_c_procedures_postal'))
        batch_op.drop_index(batch_op.f('ix_c_procedures_online_level'))
        batch_op.drop_index(batch_op.f('ix_c_procedures_level'))
        batch_op.drop_index(batch_op.f('ix_c_procedures_legacy'))
        batch_op.drop_index(batch_op.f('ix_c_procedures_field_code'))
        batch_op.drop_index(batch_op.f('ix_c_procedures_delegated'))
        batch_op.drop_index(batch_op.f('ix_c_procedures_code'))
        batch_op.drop_index(batch_op.f('ix_c_procedures_agency_code'))
        batch_op.drop_index(batch_op.f('ix_c_procedures__updated_at'))

    op.drop_table('c_procedures')
    with op.batch_alter_table('c_cameras', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_c_cameras_stream_type'))
        batch_op.drop_index(batch_op.f('ix_c_cameras_status'))
        batch_op.drop_index(batch_op.f('ix_c_cameras_road'))
        batch_op.drop_index(batch_op.f('ix_c_cameras_last_seen'))
        batch_op.drop_index(batch_op.f('ix_c_cameras_kind'))
        batch_op.drop_index(batch_op.f('ix_c_cameras_commune'))
        batch_op.drop_index(batch_op.f('ix_c_cameras__updated_at'))

    op.drop_table('c_cameras')
    with op.batch_alter_table('c_admin_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_c_admin_units_unit_type'))
        batch_op.drop_index(batch_op.f('ix_c_admin_units_province_code'))
        batch_op.drop_index(batch_op.f('ix_c_admin_units_effective_from'))
        batch_op.drop_index(batch_op.f('ix_c_admin_units_code'))
        batch_op.drop_index(batch_op.f('ix_c_admin_units_area_km2'))
        batch_op.drop_index(batch_op.f('ix_c_admin_units__updated_at'))

    op.drop_table('c_admin_units')
    op.drop_table('api_keys')
