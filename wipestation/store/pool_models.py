"""The tables of backups made by wipestation on shared pool drives (issue 27; docs/backups.md). No key and
no file name is ever stored here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from wipestation.store.models import Base


class PoolStore(Base):
    """A shop drive prepared as a shared backup store (issue 27): its key area's id and slot count.
    Keys are never here: they live in the drive's key area (docs/backups.md)."""

    __tablename__ = "pool_stores"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    drive_id: Mapped[int] = mapped_column(ForeignKey("drives.id"), unique=True)
    pool_uuid: Mapped[str] = mapped_column(String(32), unique=True)
    slots: Mapped[int] = mapped_column(Integer)
    erasure_id: Mapped[int] = mapped_column(ForeignKey("erasures.id"))  # the whole-drive erasure before it
    prepared_at: Mapped[datetime]
    prepared_by: Mapped[str] = mapped_column(String(120))
    left_at: Mapped[datetime | None]  # retired: no new backups


class BackupSet(Base):
    """One customer's encrypted data set on a pool drive: its slot and its (random) object names, counts,
    the last restore check. No key and no file name (docs/backups.md). `record_id` is set when the
    backup is complete: nothing half-written is a record."""

    __tablename__ = "backup_sets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("pool_stores.id"), index=True)
    slot: Mapped[int | None] = mapped_column(Integer)  # None once erased (the slot is free again)
    backup_uuid: Mapped[str] = mapped_column(String(32), unique=True)
    record_id: Mapped[int | None] = mapped_column(ForeignKey("custody_records.id"), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    job_ref: Mapped[str] = mapped_column(String(120))
    source_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the source's name: a resume finds it
    state: Mapped[str] = mapped_column(String(16))  # making / complete / erased / abandoned
    manifest_object: Mapped[str | None] = mapped_column(String(32))
    journal_object: Mapped[str] = mapped_column(String(32))
    objects: Mapped[list[Any]] = mapped_column(JSON, default=list)  # every object name ever written
    files: Mapped[int] = mapped_column(Integer, default=0)
    bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    unreadable: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    erased_at: Mapped[datetime | None]
    last_check: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # counts only, never names

    __table_args__ = (UniqueConstraint("pool_id", "slot", name="uq_backup_sets_pool_slot"),)
