"""the delegate's side: document validity and badge collection per event; delegation names
come from the country code

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('document_valid_months', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('badge_collection', sa.Text(), nullable=False,
                                      server_default=''))
    # Every page now names a delegation by its country (CLDR), so no hand-typed name drifts.
    with op.batch_alter_table('delegations', schema=None) as batch_op:
        batch_op.drop_column('name')


def downgrade():
    with op.batch_alter_table('delegations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=200), nullable=False,
                                      server_default=''))
    op.execute("UPDATE delegations SET name = country")
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('badge_collection')
        batch_op.drop_column('document_valid_months')
