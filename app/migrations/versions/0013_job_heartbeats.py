"""background jobs: which process runs each and when it last reported, so a job whose
runner died is seen as stopped; and the failed job a job starts again

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('runner', sa.String(length=300), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('again_of_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_jobs_again_of_id'), ['again_of_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_jobs_again_of_id_jobs'), 'jobs',
                                    ['again_of_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_jobs_again_of_id_jobs'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_jobs_again_of_id'))
        batch_op.drop_column('again_of_id')
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('runner')
