"""the backup-drive pool (retired drives) and drive health readings

Revision ID: i17_0003
Revises: i16_0003
Create Date: 2026-11-30 15:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import wipestation.store.models

revision = "i17_0003"
down_revision = "i16_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "drive_health",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("drive_id", sa.Integer(), nullable=False),
        sa.Column("erasure_id", sa.Integer(), nullable=True),
        sa.Column("read_at", wipestation.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("smart_passed", sa.Boolean(), nullable=True),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("read_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["drive_id"], ["drives.id"], name=op.f("fk_drive_health_drive_id_drives")),
        sa.ForeignKeyConstraint(["erasure_id"], ["erasures.id"], name=op.f("fk_drive_health_erasure_id_erasures")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drive_health")),
    )
    with op.batch_alter_table("drive_health", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_drive_health_drive_id"), ["drive_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_drive_health_erasure_id"), ["erasure_id"], unique=False)

    with op.batch_alter_table("drives", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retired_at", wipestation.store.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("retired_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("drives", schema=None) as batch_op:
        batch_op.drop_column("retired_reason")
        batch_op.drop_column("retired_at")

    with op.batch_alter_table("drive_health", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_drive_health_erasure_id"))
        batch_op.drop_index(batch_op.f("ix_drive_health_drive_id"))

    op.drop_table("drive_health")
