"""background jobs: print runs with their progress and files

Revision ID: 0012
Revises: 0008
Create Date: 2026-11-29

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('function', sa.String(length=200), nullable=False),
        sa.Column('arguments', sa.JSON(), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('state', sa.Enum('queued', 'running', 'done', 'failed', name='jobstate',
                                   native_enum=False, create_constraint=False, length=32),
                  nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('result', sa.JSON(), nullable=True),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=True),
        sa.Column('started_by_id', sa.Integer(), nullable=True),
        sa.Column('started_by', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_jobs_event_id_events'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['started_by_id'], ['staff_users.id'],
                                name=op.f('fk_jobs_started_by_id_staff_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs')),
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jobs_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_jobs_state'), ['state'], unique=False)


def downgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jobs_state'))
        batch_op.drop_index(batch_op.f('ix_jobs_event_id'))
    op.drop_table('jobs')
