"""backups made by wipestation: pool stores and backup sets (issue 27)

Revision ID: 0007_backups
Revises: i15_0005
Create Date: 2026-12-08 02:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import wipestation.store.models

revision = "0007_backups"
down_revision = "i15_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pool_stores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("drive_id", sa.Integer(), nullable=False),
        sa.Column("pool_uuid", sa.String(length=32), nullable=False),
        sa.Column("slots", sa.Integer(), nullable=False),
        sa.Column("erasure_id", sa.Integer(), nullable=False),
        sa.Column("prepared_at", wipestation.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("prepared_by", sa.String(length=120), nullable=False),
        sa.Column("left_at", wipestation.store.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["drive_id"], ["drives.id"], name=op.f("fk_pool_stores_drive_id_drives")),
        sa.ForeignKeyConstraint(["erasure_id"], ["erasures.id"], name=op.f("fk_pool_stores_erasure_id_erasures")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pool_stores")),
        sa.UniqueConstraint("drive_id", name=op.f("uq_pool_stores_drive_id")),
        sa.UniqueConstraint("pool_uuid", name=op.f("uq_pool_stores_pool_uuid")),
    )
    op.create_table(
        "backup_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pool_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=True),
        sa.Column("backup_uuid", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("job_ref", sa.String(length=120), nullable=False),
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("manifest_object", sa.String(length=32), nullable=True),
        sa.Column("journal_object", sa.String(length=32), nullable=False),
        sa.Column("objects", sa.JSON(), nullable=False),
        sa.Column("files", sa.Integer(), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("unreadable", sa.Integer(), nullable=False),
        sa.Column("started_at", wipestation.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", wipestation.store.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("erased_at", wipestation.store.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_check", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["pool_id"], ["pool_stores.id"], name=op.f("fk_backup_sets_pool_id_pool_stores")),
        sa.ForeignKeyConstraint(
            ["record_id"], ["custody_records.id"], name=op.f("fk_backup_sets_record_id_custody_records")
        ),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name=op.f("fk_backup_sets_customer_id_customers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backup_sets")),
        sa.UniqueConstraint("backup_uuid", name=op.f("uq_backup_sets_backup_uuid")),
        sa.UniqueConstraint("record_id", name=op.f("uq_backup_sets_record_id")),
        sa.UniqueConstraint("pool_id", "slot", name="uq_backup_sets_pool_slot"),
    )
    op.create_index(op.f("ix_backup_sets_pool_id"), "backup_sets", ["pool_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_backup_sets_pool_id"), table_name="backup_sets")
    op.drop_table("backup_sets")
    op.drop_table("pool_stores")
