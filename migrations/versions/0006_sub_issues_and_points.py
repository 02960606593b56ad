"""sub-issues, and the rate-limit points each sync spent

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03

Every issue answer carries GitHub's `sub_issues_summary` and `parent_issue_url`; the
sub-issues themselves come from `GET .../issues/{n}/sub_issues`. A sync run records the
points it spent of the core and search budgets apart (GitHub meters them apart).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: str | Sequence[str] | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('issues') as batch:
        batch.add_column(sa.Column('sub_total', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('sub_completed', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('sub_percent', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('sub_listed', sa.String(length=40), nullable=True))
        batch.add_column(sa.Column('parent_url', sa.String(length=500), nullable=True))
    op.create_table(
        'sub_issues',
        sa.Column('issue_id', sa.Integer(), nullable=False),
        sa.Column('github_id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('repo', sa.String(length=200), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('state_reason', sa.String(length=40), nullable=True),
        sa.Column('html_url', sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(['issue_id'], ['issues.id'],
                                name=op.f('fk_sub_issues_issue_id_issues'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('issue_id', 'github_id', name=op.f('pk_sub_issues')),
    )
    with op.batch_alter_table('sync_runs') as batch:
        batch.add_column(sa.Column('core_points', sa.Integer(), nullable=False,
                                   server_default='0'))
        batch.add_column(sa.Column('search_points', sa.Integer(), nullable=False,
                                   server_default='0'))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('sync_runs') as batch:
        batch.drop_column('search_points')
        batch.drop_column('core_points')
    op.drop_table('sub_issues')
    with op.batch_alter_table('issues') as batch:
        batch.drop_column('parent_url')
        batch.drop_column('sub_listed')
        batch.drop_column('sub_percent')
        batch.drop_column('sub_completed')
        batch.drop_column('sub_total')
