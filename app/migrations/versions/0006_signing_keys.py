"""signed badge codes: a signing key per event; badges from before are re-signed or reissued

Unprinted badges get a signed code in place. Printed badges (their random code is
on a card) are revoked as "reissued" and replaced by a new, signed, unprinted
version: the desk prints it, and the old card is refused as superseded.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29

"""
import base64
from datetime import datetime, timezone
import secrets

from alembic import op
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'signing_keys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('public_key', sa.String(length=64), nullable=False),
        sa.Column('private_key', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('retired_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['staff_users.id'],
                                name=op.f('fk_signing_keys_created_by_id_staff_users')),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'],
                                name=op.f('fk_signing_keys_event_id_events'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['retired_by_id'], ['staff_users.id'],
                                name=op.f('fk_signing_keys_retired_by_id_staff_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_signing_keys')),
        sa.UniqueConstraint('event_id', 'number', name=op.f('uq_signing_keys_event_id')),
    )
    with op.batch_alter_table('signing_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signing_keys_event_id'), ['event_id'], unique=False)
    with op.batch_alter_table('badges', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signing_key_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_badges_signing_key_id'), ['signing_key_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_badges_signing_key_id_signing_keys'),
                                    'signing_keys', ['signing_key_id'], ['id'])
    _sign_existing_badges()


def _sign_existing_badges():
    from app.services.codes import sign_badge_code
    from app.services.keys import encrypt_private_key, key_encryption_key

    conn = op.get_bind()
    now = datetime.now(timezone.utc)
    events = sa.table('events', sa.column('id'))
    keys = sa.table('signing_keys', *(sa.column(c) for c in (
        'id', 'event_id', 'number', 'public_key', 'private_key', 'created_at')))
    badges = sa.table('badges', *(sa.column(c) for c in (
        'id', 'delegate_id', 'version', 'code', 'issued_at', 'printed_at', 'revoked_at',
        'revoked_reason', 'signing_key_id')))
    delegates = sa.table('delegates', sa.column('id'), sa.column('event_id'))
    audit = sa.table('audit_events', *(sa.column(c) for c in (
        'at', 'actor', 'action', 'object_type', 'object_id', 'ip')), sa.column('after', sa.JSON))

    def audit_row(action, badge_id, after):
        conn.execute(audit.insert().values(at=now, actor='migration:0006', action=action,
                                           object_type='badge', object_id=badge_id, after=after,
                                           ip=''))

    kek = key_encryption_key()
    for (event_id,) in conn.execute(sa.select(events.c.id)).all():
        private = Ed25519PrivateKey.generate()
        public = private.public_key().public_bytes(serialization.Encoding.Raw,
                                                   serialization.PublicFormat.Raw)
        key_id = conn.execute(keys.insert().values(
            event_id=event_id, number=1, public_key=base64.b64encode(public).decode('ascii'),
            private_key=encrypt_private_key(private, event_id, 1, kek), created_at=now)
            .returning(keys.c.id)).scalar_one()

        live = conn.execute(sa.select(badges).join(delegates, delegates.c.id == badges.c.delegate_id)
                            .where(delegates.c.event_id == event_id, badges.c.revoked_at.is_(None))
                            .order_by(badges.c.id)).all()
        for badge in live:
            if badge.printed_at is None:
                code = sign_badge_code(private, key_number=1, event_id=event_id,
                                       badge_id=badge.id, badge_version=badge.version)
                conn.execute(badges.update().where(badges.c.id == badge.id)
                             .values(code=code, signing_key_id=key_id))
                continue
            conn.execute(badges.update().where(badges.c.id == badge.id)
                         .values(revoked_at=now, revoked_reason='reissued'))
            audit_row('badge.revoked', badge.id, {"reason": "reissued"})
            new_id = conn.execute(badges.insert().values(
                delegate_id=badge.delegate_id, version=badge.version + 1,
                code=f"pending-{secrets.token_hex(16)}", issued_at=now, revoked_reason='',
                signing_key_id=key_id).returning(badges.c.id)).scalar_one()
            conn.execute(badges.update().where(badges.c.id == new_id).values(
                code=sign_badge_code(private, key_number=1, event_id=event_id, badge_id=new_id,
                                     badge_version=badge.version + 1)))
            audit_row('badge.issued', new_id, {"version": badge.version + 1, "key": 1})


def downgrade():
    with op.batch_alter_table('badges', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_badges_signing_key_id_signing_keys'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_badges_signing_key_id'))
        batch_op.drop_column('signing_key_id')
    with op.batch_alter_table('signing_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signing_keys_event_id'))
    op.drop_table('signing_keys')
