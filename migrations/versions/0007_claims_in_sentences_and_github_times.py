"""comment commands read again; changes keep when they happened on GitHub

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03

The default command patterns now hear a command at the start of a sentence ("Hi! /claim"),
so the commands kept for a comment that could hold one (a `/` or `@rustbot` in its body)
are dropped: NULL means read them from the comment's own words or body again. A change of
the history keeps, beside the moment a sync recorded it (`at`, which reports' windows
use), the moment it happened on GitHub where that is known (`happened_at`: a claim's
comment or assignment, an issue's closing).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0007'
down_revision: str | Sequence[str] | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    comments = sa.table('comments', sa.column('body', sa.Text()),
                        sa.column('commands', sa.Text()))
    op.execute(comments.update()
               .where(sa.or_(comments.c.body.like('%/%'), comments.c.body.like('%@rustbot%')))
               .values(commands=None))
    with op.batch_alter_table('history') as batch:
        batch.add_column(sa.Column('happened_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('history') as batch:
        batch.drop_column('happened_at')
