"""Unanswered groups: questions are grouped once, when queued, instead of pairwise on every view of the queue.

Adds ``unanswered_groups`` (the mean question vector of the open members, their
number, times asked, last asked and most asked member) and ``unanswered.group_id``.
Existing open questions start without a group: the application places them
once, most asked first, the next time the queue is read (it needs the sentence
embedder, which a migration does not load); from then on every question is
placed as it is queued.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('unanswered_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('embedding_model', sa.String(length=200), nullable=False),
    sa.Column('centroid', sa.LargeBinary(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('newest', sa.DateTime(), nullable=False),
    sa.Column('representative_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True,  # a deleted group's id is never reused
    )
    op.create_index(op.f('ix_unanswered_groups_total'), 'unanswered_groups', ['total'], unique=False)
    op.create_index(op.f('ix_unanswered_groups_newest'), 'unanswered_groups', ['newest'], unique=False)
    with op.batch_alter_table('unanswered') as batch:
        batch.add_column(sa.Column('group_id', sa.Integer(), nullable=True))
        batch.create_index(batch.f('ix_unanswered_group_id'), ['group_id'], unique=False)
        batch.create_foreign_key('fk_unanswered_group_id', 'unanswered_groups', ['group_id'], ['id'])


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('unanswered') as batch:
        batch.drop_constraint('fk_unanswered_group_id', type_='foreignkey')
        batch.drop_index(batch.f('ix_unanswered_group_id'))
        batch.drop_column('group_id')
    op.drop_index(op.f('ix_unanswered_groups_newest'), table_name='unanswered_groups')
    op.drop_index(op.f('ix_unanswered_groups_total'), table_name='unanswered_groups')
    op.drop_table('unanswered_groups')
