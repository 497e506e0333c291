"""delegation invitations: signed, revocable links for liaison officers

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('delegation_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('delegation_id', sa.Integer(), nullable=False),
    sa.Column('liaison_name', sa.String(length=160), nullable=False),
    sa.Column('liaison_email', sa.String(length=254), nullable=False),
    sa.Column('nonce', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_users.id'], name=op.f('fk_delegation_invitations_created_by_id_staff_users')),
    sa.ForeignKeyConstraint(['delegation_id'], ['delegations.id'], name=op.f('fk_delegation_invitations_delegation_id_delegations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delegation_invitations')),
    sa.UniqueConstraint('nonce', name=op.f('uq_delegation_invitations_nonce'))
    )
    with op.batch_alter_table('delegation_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delegation_invitations_delegation_id'), ['delegation_id'], unique=False)



def downgrade():
    with op.batch_alter_table('delegation_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delegation_invitations_delegation_id'))

    op.drop_table('delegation_invitations')
