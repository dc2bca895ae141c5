"""Handoff requests: the ``handoff_requests`` table of 「转人工」 requests for staff, with an optional call-back phone.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('handoff_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sender', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('last_question', sa.Text(), nullable=True),
    sa.Column('last_turns', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('wants_callback', sa.Boolean(), nullable=False),
    sa.Column('callback_phone', sa.String(length=32), nullable=True),
    sa.Column('callback_time', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('handoff_requests') as batch:
        batch.create_index('ix_handoff_requests_sender', ['sender'], unique=False)
        batch.create_index('ix_handoff_requests_status', ['status'], unique=False)
        batch.create_index('ix_handoff_requests_created_at', ['created_at'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('handoff_requests') as batch:
        batch.drop_index('ix_handoff_requests_created_at')
        batch.drop_index('ix_handoff_requests_status')
        batch.drop_index('ix_handoff_requests_sender')
    op.drop_table('handoff_requests')
