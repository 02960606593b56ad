"""comments keep their own words and commands

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28

Read once when a comment is stored, for claims: a Markdown comment's own lines (not
quoted, not code), and the commands its lines give under the default patterns. NULL
(a plain comment's words, or a comment stored before this revision) means: read them
from the body.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0004'
down_revision: str | Sequence[str] | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('comments') as batch:
        batch.add_column(sa.Column('own_words', sa.Text(), nullable=True))
        batch.add_column(sa.Column('commands', sa.Text(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('comments') as batch:
        batch.drop_column('commands')
        batch.drop_column('own_words')
