"""door rules: checkpoint directions, presence per zone, flagged, offline, manual and overridden scans

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

VERDICTS = ('accepted', 'unknown_code', 'invalid_signature', 'revoked', 'superseded', 'not_approved',
            'not_valid_now', 'wrong_checkpoint', 'already_inside', 'not_handed_over',
            'reported_lost', 'wrong_direction')


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=False, length=32)


def upgrade():
    with op.batch_alter_table('checkpoints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('directions', _enum('doordirections', 'both', 'in', 'out'),
                                      nullable=False, server_default='both'))
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('zone_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('delegate_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('moved', _enum('scandirection', 'in', 'out'), nullable=True))
        batch_op.add_column(sa.Column('flag', _enum('scanflag', 'reported_lost', 'offline_conflict',
                                                    'exit_without_entry', 'override'), nullable=True))
        batch_op.add_column(sa.Column('offline', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('server_verdict', _enum('scanverdict', *VERDICTS), nullable=True))
        batch_op.add_column(sa.Column('manual', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('override_reason', sa.String(length=300), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('override_of_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_scans_flag'), ['flag'], unique=False)
        batch_op.create_index('ix_scans_presence', ['delegate_id', 'zone_id', 'id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_scans_zone_id_zones'), 'zones', ['zone_id'], ['id'],
                                    ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_scans_delegate_id_delegates'), 'delegates',
                                    ['delegate_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_scans_override_of_id_scans'), 'scans',
                                    ['override_of_id'], ['id'])
    # Scans recorded before: their holder and zone, and accepted ones moved people as they went.
    op.execute("UPDATE scans SET delegate_id = (SELECT delegate_id FROM badges WHERE badges.id = "
               "scans.badge_id), zone_id = (SELECT zone_id FROM checkpoints WHERE checkpoints.id = "
               "scans.checkpoint_id)")
    op.execute("UPDATE scans SET moved = direction WHERE verdict = 'accepted' AND badge_id IS NOT NULL")


def downgrade():
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_scans_override_of_id_scans'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_scans_delegate_id_delegates'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_scans_zone_id_zones'), type_='foreignkey')
        batch_op.drop_index('ix_scans_presence')
        batch_op.drop_index(batch_op.f('ix_scans_flag'))
        for column in ('override_of_id', 'override_reason', 'manual', 'server_verdict', 'offline',
                       'flag', 'moved', 'delegate_id', 'zone_id'):
            batch_op.drop_column(column)
    with op.batch_alter_table('checkpoints', schema=None) as batch_op:
        batch_op.drop_column('directions')
