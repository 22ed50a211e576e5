"""Attached drives with what the store knows about them (`wipestation drives`, `watch`, the dashboard)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wipestation.common.devices import DetectedDrive
from wipestation.common.i18n import N_, _
from wipestation.records.retention import days_text, due_words
from wipestation.store.models import CustodyState, Drive
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
            "customer_name": r.customer_name if r else None,
            "state": r.state if r else None,
            "due_on": r.due_on if r else None,
            "days_left": r.days_left if r else None,
            "hold_until": r.hold_until if r else None,
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


@dataclass(frozen=True, slots=True)
class DriveStatus:
    """What the store says about an attached drive, in words: the one status line of `drives`, `watch`
    and the console's drive pane."""

    text: str  # "backup of <customer> (customer 12), due in 3 days (on hold until 2026-12-20)"
    brief: str  # the same, what matters first, for a narrow screen ("2 days overdue: backup of ...")
    tone: str  # due / held / known / unknown
    due: bool  # due or overdue, and not being erased
    not_due: bool = False  # a backup neither due nor being erased: the core refuses to erase it


OWNERS = {"backup": N_("backup of {name} (customer {id})"), "abandoned": N_("abandoned disk of {name} (customer {id})")}


def drive_status(known: KnownDrive | None) -> DriveStatus:
    """The status line of an attached drive that is not protected (`known`: what the store knows)."""
    if known is None:
        return DriveStatus(_("unknown drive"), "", "unknown", False)
    record = known.record
    if record is None:
        shop = known.owner == "shop"
        what = _("shop backup drive, available") if shop else _("customer disk, no open record")
        return DriveStatus(what, "", "known", False)
    return _record_status(record)


def _record_status(record: RecordView) -> DriveStatus:
    owner_text = OWNERS.get(record.kind)
    if owner_text and record.customer_id is not None:
        owner = _(owner_text).format(name=record.customer_name, id=record.customer_id)
    else:
        owner = _("shop drive retired, queued for destruction")
    erasing = record.stored_state is CustodyState.ERASING
    when = _("erasing") if erasing else due_words(record.days_left)
    text = f"{owner}, {when}"
    brief = f"{when}: {owner}" if erasing else f"{days_text(record.days_left)}: {owner}"
    if record.hold_until is not None:
        held = _("(on hold until {date})").format(date=record.hold_until)
        text += " " + held
        brief = f"{held} {brief}"
    is_due = record.days_left <= 0 and not erasing
    tone = "due" if is_due else ("held" if record.on_hold else "known")
    not_due = record.kind == "backup" and not is_due and not erasing
    return DriveStatus(text, brief, tone, is_due, not_due)
