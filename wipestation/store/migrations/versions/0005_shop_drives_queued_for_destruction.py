"""the shop's own retired drives queued for destruction: records without a customer, and why

Revision ID: i17_0004
Revises: i17_0003
Create Date: 2026-11-30 18:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "i17_0004"
down_revision = "i17_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("custody_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("destroy_reason", sa.Text(), nullable=True))
        batch_op.alter_column("customer_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    # a database holding shop records cannot go back: their customer is None
    with op.batch_alter_table("custody_records", schema=None) as batch_op:
        batch_op.alter_column("customer_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("destroy_reason")
