"""desk stations bound to CUPS printer queues, and the print jobs sent to them

Revision ID: 0011
Revises: 0008
Create Date: 2026-11-29

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('printer_queue', sa.String(length=127), nullable=False),
    sa.Column('layout', sa.String(length=64), nullable=False),
    sa.Column('sheet', sa.String(length=64), nullable=False),
    sa.Column('back', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_stations_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stations')),
    sa.UniqueConstraint('event_id', 'name', name=op.f('uq_stations_event_id'))
    )
    with op.batch_alter_table('stations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stations_event_id'), ['event_id'], unique=False)

    op.create_table('print_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=True),
    sa.Column('badge_id', sa.Integer(), nullable=False),
    sa.Column('queue', sa.String(length=127), nullable=False),
    sa.Column('job', sa.String(length=160), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('from_kiosk', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.ForeignKeyConstraint(['badge_id'], ['badges.id'], name=op.f('fk_print_jobs_badge_id_badges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], name=op.f('fk_print_jobs_station_id_stations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['staff_users.id'], name=op.f('fk_print_jobs_submitted_by_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_print_jobs'))
    )
    with op.batch_alter_table('print_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_print_jobs_badge_id'), ['badge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_print_jobs_station_id'), ['station_id'], unique=False)



def downgrade():
    with op.batch_alter_table('print_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_print_jobs_station_id'))
        batch_op.drop_index(batch_op.f('ix_print_jobs_badge_id'))

    op.drop_table('print_jobs')
    with op.batch_alter_table('stations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stations_event_id'))

    op.drop_table('stations')
