"""desk search: a folded search column on delegates, indexed; staff display names

Revision ID: 0010
Revises: 0008
Create Date: 2026-11-29

"""
from types import SimpleNamespace

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

_FIELDS = ('printed_name', 'given_name', 'family_name', 'native_name', 'organisation', 'email',
           'reference', 'passport_number')


def upgrade():
    from app.models.search_text import delegate_search_text

    bind = op.get_bind()
    with op.batch_alter_table('delegates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('display_name', sa.String(length=120), nullable=False,
                                      server_default=''))

    delegates = sa.table('delegates', sa.column('id', sa.Integer),
                         sa.column('search_text', sa.Text),
                         *(sa.column(name, sa.String) for name in _FIELDS))
    rows = bind.execute(sa.select(delegates.c.id, *(delegates.c[name] for name in _FIELDS))).all()
    for row in rows:
        text = delegate_search_text(SimpleNamespace(**row._mapping))
        bind.execute(delegates.update().where(delegates.c.id == row.id).values(search_text=text))

    if bind.dialect.name == 'postgresql':
        # Trigrams let substring LIKE use the index. The extension may live in another schema
        # than the tables (one per test worker): name its operator class by its schema.
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        schema = bind.scalar(sa.text("SELECT extnamespace::regnamespace::text FROM pg_extension "
                                     "WHERE extname = 'pg_trgm'"))
        op.execute(f'CREATE INDEX ix_delegates_search_text ON delegates '
                   f'USING gin (search_text {schema}.gin_trgm_ops)')
    else:
        op.create_index('ix_delegates_search_text', 'delegates', ['search_text'])


def downgrade():
    op.drop_index('ix_delegates_search_text', table_name='delegates')
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.drop_column('display_name')
    with op.batch_alter_table('delegates', schema=None) as batch_op:
        batch_op.drop_column('search_text')
