"""Attached drives with what the store knows about them (`wipestation drives`, `watch`, the dashboard)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wipestation.common.devices import DetectedDrive
from wipestation.store.models import Drive
from wipestation.views.records import RecordView, records_of_drive


@dataclass(frozen=True, slots=True)
class KnownDrive:
    """A serial the store knows: the drive, and its open record if it has one."""

    drive_id: int
    owner: str  # shop / customer
    record: RecordView | None

    def to_dict(self) -> dict[str, Any]:
        """The `record` object of `drives --json` and `watch --json`."""
        r = self.record
        return {
            "drive_id": self.drive_id,
            "owner": self.owner,
            "id": r.id if r else None,
            "kind": r.kind if r else None,
            "customer_id": r.customer_id if r else None,
            "state": r.state if r else None,
            "due_on": r.due_on if r else None,
            "days_left": r.days_left if r else None,
        }


@dataclass(frozen=True, slots=True)
class AttachedDrive:
    detected: DetectedDrive
    known: KnownDrive | None  # None: a serial the store has never seen (or a protected disk, not looked up)


def known_drive(session: Session, today: date, serial: str | None) -> KnownDrive | None:
    if not serial:
        return None
    row = session.execute(select(Drive.id, Drive.owner).where(Drive.serial == serial)).one_or_none()
    if row is None:
        return None
    records = records_of_drive(session, today, row.id, open_only=True)
    return KnownDrive(row.id, row.owner.value, records[0] if records else None)


def attached_drive(
    session: Session, today: date, detected: DetectedDrive, *, skip_protected: bool = False
) -> AttachedDrive:
    """One attached drive; `skip_protected`: a protected disk is not looked up (the console)."""
    if skip_protected and detected.protected_reason:
        return AttachedDrive(detected, None)
    return AttachedDrive(detected, known_drive(session, today, detected.identity.serial))
