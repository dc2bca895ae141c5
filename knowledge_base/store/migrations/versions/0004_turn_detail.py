"""Turn detail: the ``turns.detail`` column that replaces the retired handoffs.jsonl and feedback.jsonl records.

A handoff turn keeps its reason and the question before it; a feedback turn
the entry and question it was about. Texts in it are masked like ``text``.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('turns') as batch:
        batch.add_column(sa.Column('detail', sa.JSON(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('turns') as batch:
        batch.drop_column('detail')
