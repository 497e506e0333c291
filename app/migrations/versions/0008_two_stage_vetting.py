"""two-stage vetting: the accreditation office approves, the security office clears; staff notes

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('needs_clearance', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('delegates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('cleared_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('cleared_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('clearance_note', sa.Text(), nullable=False, server_default=''))
        batch_op.create_foreign_key(batch_op.f('fk_delegates_approved_by_id_staff_users'),
                                    'staff_users', ['approved_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_delegates_cleared_by_id_staff_users'),
                                    'staff_users', ['cleared_by_id'], ['id'])
    op.create_table(
        'staff_notes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('delegate_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['staff_users.id'],
                                name=op.f('fk_staff_notes_author_id_staff_users')),
        sa.ForeignKeyConstraint(['delegate_id'], ['delegates.id'],
                                name=op.f('fk_staff_notes_delegate_id_delegates'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_notes')),
    )
    with op.batch_alter_table('staff_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_notes_delegate_id'), ['delegate_id'], unique=False)
    # No category needed clearance before: everyone approved is ready to print, approved when
    # the audit trail says so.
    op.execute("UPDATE delegates SET status = 'ready', approved_at = updated_at WHERE status = 'approved'")


def downgrade():
    op.execute("UPDATE delegates SET status = 'approved' WHERE status IN ('ready', "
               "'approved_awaiting_clearance')")
    op.execute("UPDATE delegates SET status = 'submitted' WHERE status = 'cleared_awaiting_approval'")
    op.execute("UPDATE delegates SET status = 'rejected' WHERE status IN ('clearance_refused', "
               "'withdrawn')")
    with op.batch_alter_table('staff_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_notes_delegate_id'))
    op.drop_table('staff_notes')
    with op.batch_alter_table('delegates', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_delegates_cleared_by_id_staff_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_delegates_approved_by_id_staff_users'), type_='foreignkey')
        for column in ('clearance_note', 'cleared_at', 'cleared_by_id', 'approved_at', 'approved_by_id'):
            batch_op.drop_column(column)
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.drop_column('needs_clearance')
