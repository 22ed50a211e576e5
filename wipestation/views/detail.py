"""One record with everything `wipestation show` and the console's record detail show: the record
(holds, deletion and release reasons), every erasure of its drive, its certificates and its history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from wipestation.records.custody import find_record
from wipestation.records.history import ErasureEntry, drive_erasures, last_attempt_warning
from wipestation.store.models import AuditEvent, CustodyRecord, Erasure
from wipestation.store.pool_models import BackupSet
from wipestation.views.certificates import CertificateView, certificates_of_record
from wipestation.views.records import RecordView, select_records


@dataclass(frozen=True, slots=True)
class EventView:
    """One audit event about the record (or one of its erasures)."""

    id: int
    at: datetime
    actor: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "before": self.before,
            "after": self.after,
        }

    def change(self) -> str:
        """What changed, in one line: `state: holding -> erased, due_on: ...`."""
        parts = []
        before = self.before or {}
        for key, value in (self.after or {}).items():
            if key in before and before[key] != value:
                parts.append(f"{key}: {before[key]} -> {value}")
            elif key not in before:
                parts.append(f"{key}: {value}")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class RecordDetail:
    record: RecordView
    erasures: tuple[ErasureEntry, ...]  # every erasure of the record's drive, oldest first
    last_erasure_warning: str | None
    certificates: tuple[CertificateView, ...]
    events: tuple[EventView, ...]
    backup_set: dict[str, Any] | None = None  # a backup made by wipestation: its summary and last check

    def to_dict(self) -> dict[str, Any]:
        """As `show --json` prints it."""
        data = self.record.to_dict()
        data["erasures"] = [e.to_dict() for e in self.erasures]
        data["last_erasure_warning"] = self.last_erasure_warning
        data["certificates"] = [c.to_dict() for c in self.certificates]
        data["events"] = [e.to_dict() for e in self.events]
        data["backup_set"] = self.backup_set
        return data


def backup_set_summary(session: Session, record_id: int) -> dict[str, Any] | None:
    """A backup made by wipestation (issue 27): counts and the last restore check, never a file name."""
    row = session.execute(select(BackupSet).where(BackupSet.record_id == record_id)).scalar_one_or_none()
    if row is None:
        return None
    return {
        "state": row.state,
        "files": row.files,
        "bytes": row.bytes,
        "unreadable": row.unreadable,
        "made_at": row.finished_at,
        "erased_at": row.erased_at,
        "last_check": row.last_check,
    }


def record_events(session: Session, record_id: int) -> list[EventView]:
    erasure_ids = select(Erasure.id).where(Erasure.record_id == record_id).scalar_subquery()
    mine: ColumnElement[bool] = AuditEvent.entity.in_(("record", "custody_record")) & (
        AuditEvent.entity_id == record_id
    )
    cond = or_(mine, (AuditEvent.entity == "erasure") & AuditEvent.entity_id.in_(erasure_ids))
    stmt = select(
        AuditEvent.id, AuditEvent.at, AuditEvent.actor, AuditEvent.action, AuditEvent.before, AuditEvent.after
    ).where(cond)
    return [EventView(*row) for row in session.execute(stmt.order_by(AuditEvent.id))]


def record_detail(session: Session, today: date, ref: str) -> RecordDetail:
    """REF as `show` takes it: a record id (`12`, `#12`, `R12`) or a drive serial."""
    found = find_record(session, ref)
    (record,) = select_records(session, today, CustodyRecord.id == found.id)
    erasures = drive_erasures(session, found.drive_id)
    return RecordDetail(
        record=record,
        erasures=tuple(erasures),
        last_erasure_warning=last_attempt_warning(erasures),
        certificates=tuple(certificates_of_record(session, record.id)),
        events=tuple(record_events(session, record.id)),
        backup_set=backup_set_summary(session, record.id),
    )
