"""application revisions (decisions name what they saw) and who filed each application

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('delegates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revision', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('submitted_by', sa.Enum('applicant', 'liaison', 'staff',
                                                              name='submittedby', native_enum=False,
                                                              create_constraint=False, length=32),
                                      nullable=False, server_default='applicant'))
    # Who filed each existing application, from the audit trail of its registration.
    for source, pattern in (("liaison", "liaison:%"), ("staff", "cli:%"), ("staff", "staff:%")):
        op.execute(sa.text(
            "UPDATE delegates SET submitted_by = :source WHERE id IN (SELECT object_id FROM "
            "audit_events WHERE object_type = 'delegate' AND action = 'delegate.registered' "
            "AND actor LIKE :pattern)").bindparams(source=source, pattern=pattern))


def downgrade():
    with op.batch_alter_table('delegates', schema=None) as batch_op:
        batch_op.drop_column('submitted_by')
        batch_op.drop_column('revision')
