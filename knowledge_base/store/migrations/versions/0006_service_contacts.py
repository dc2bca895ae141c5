"""Service contacts: the ``service_contacts`` table of the local services directory replaces ``mediation_contacts``.

Every body the bot sends people to (the mediation network, the legal-aid
centre, the arbitration commission, …) has one optional row of staff-entered
address, phone, opening hours and map description. The mediation contacts
saved so far are copied over unchanged (map description empty) before the old
table is dropped; a downgrade copies every row back.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('service_contacts',
    sa.Column('body_id', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('hours', sa.String(length=100), nullable=False),
    sa.Column('map_note', sa.String(length=200), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('body_id')
    )
    op.execute(
        "INSERT INTO service_contacts (body_id, address, phone, hours, map_note, updated_by_id, updated_at)"
        " SELECT body_id, address, phone, hours, '', updated_by_id, updated_at FROM mediation_contacts"
    )
    op.drop_table('mediation_contacts')


def downgrade() -> None:
    """Downgrade schema."""
    op.create_table('mediation_contacts',
    sa.Column('body_id', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('hours', sa.String(length=100), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('body_id')
    )
    op.execute(
        "INSERT INTO mediation_contacts (body_id, address, phone, hours, updated_by_id, updated_at)"
        " SELECT body_id, address, phone, hours, updated_by_id, updated_at FROM service_contacts"
    )
    op.drop_table('service_contacts')
