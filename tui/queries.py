"""What the screens read: the core's views (`wipestation.views`), and the dashboard's drive rows
worded for the console; `store_signature` tells the App when to read again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tui.texts import _
from wipestation import views
from wipestation.common.devices import DetectedDrive
from wipestation.common.i18n import shown
from wipestation.common.units import format_capacity
from wipestation.store.models import CustodyRecord
from wipestation.views import CustomerView, RecordView

# The console's rows are the core's views (`wipestation.views`): one read side for the CLI and the console.
RecordRow = RecordView
CustomerRow = CustomerView


def record_rows(session: Session, today: date, limit: int | None = None) -> list[RecordView]:
    """Every record (or the first `limit`) as display rows, by id."""
    return views.record_list(session, today, limit=limit)


def due_rows(session: Session, today: date, kinds: tuple[str, ...] | None = None) -> list[RecordView]:
    """Open records due today or overdue, most overdue first (as `wipestation due`); `kinds`: only
    these, and none being erased."""
    return views.due_list(session, today, kinds=kinds)


def due_page(session: Session, today: date, limit: int) -> views.DuePage:
    """The most urgent `limit` of them, and how many are due and overdue in all (the dashboard)."""
    return views.due_page(session, today, limit)


def store_signature(session: Session, today: date) -> tuple[object, ...]:
    """Changes whenever anything a view shows may have changed: every service writes an audit
    event (hash-chained, append-only), and the day itself. Three index lookups, well under 1 ms."""
    from sqlalchemy import func

    from wipestation.store.models import AuditEvent, Certificate

    audit = session.execute(select(func.max(AuditEvent.id))).scalar()
    records = session.execute(select(func.max(CustodyRecord.id))).scalar()
    certificates = session.execute(select(func.max(Certificate.id))).scalar()
    return (today, audit, records, certificates)


@dataclass(frozen=True)
class DriveRow:
    """An attached drive as the dashboard shows it."""

    device: str
    serial: str
    model: str
    capacity: str
    status: str  # "backup of <customer>, due in N days", "unknown drive", "PROTECTED: reason", ...
    tone: str  # protected / due / held / known / unknown
    record_id: int | None
    due: bool
    protected: bool
    brief: str = ""  # the status for a narrow screen, what matters first ("1 day overdue: backup of ...")
    not_due: bool = False  # a backup neither due nor being erased: the core refuses to erase it

    @property
    def short_status(self) -> str:
        return self.brief or self.status


def drive_row(session: Session, today: date, detected: DetectedDrive) -> DriveRow:
    """The drive as the dashboard shows it: the core's status line (`views.drive_status`, as `drives`)."""
    ident = detected.identity
    base: dict[str, Any] = {
        "device": ident.device or "?",
        "serial": ident.serial,
        "model": ident.name or "?",
        "capacity": format_capacity(ident.capacity_bytes),
    }
    if detected.protected_reason:
        return DriveRow(
            **base,
            status=_("PROTECTED: {reason}").format(reason=shown(detected.protected_reason)),
            tone="protected",
            record_id=None,
            due=False,
            protected=True,
        )
    known = views.attached_drive(session, today, detected, skip_protected=True).known
    status = views.drive_status(known)
    return DriveRow(
        **base,
        status=status.text,
        tone=status.tone,
        record_id=known.record.id if known is not None and known.record is not None else None,
        due=status.due,
        protected=False,
        brief=status.brief,
        not_due=status.not_due,
    )


def customer_rows(session: Session, search: str | None = None) -> list[CustomerView]:
    return views.customer_list(session, search or None)
