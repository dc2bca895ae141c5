"""Turn log and unanswered-question queue: the ``turns`` and ``unanswered`` tables.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('turns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('sender', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('intent', sa.String(length=64), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('area', sa.String(length=32), nullable=True),
    sa.Column('feedback', sa.String(length=16), nullable=True),
    sa.Column('entry_ids', sa.JSON(), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('turns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_turns_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_turns_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_turns_sender'), ['sender'], unique=False)

    op.create_table('unanswered',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('intent', sa.String(length=64), nullable=True),
    sa.Column('area', sa.String(length=32), nullable=True),
    sa.Column('candidates', sa.JSON(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('first_seen', sa.DateTime(), nullable=False),
    sa.Column('last_seen', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('embedding', sa.LargeBinary(), nullable=True),
    sa.Column('embedding_model', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('unanswered', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unanswered_last_seen'), ['last_seen'], unique=False)
        batch_op.create_index(batch_op.f('ix_unanswered_status'), ['status'], unique=False)



def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('unanswered', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unanswered_status'))
        batch_op.drop_index(batch_op.f('ix_unanswered_last_seen'))

    op.drop_table('unanswered')
    with op.batch_alter_table('turns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_turns_sender'))
        batch_op.drop_index(batch_op.f('ix_turns_kind'))
        batch_op.drop_index(batch_op.f('ix_turns_at'))

    op.drop_table('turns')
