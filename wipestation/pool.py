"""The shop's own backup drives: which are available, holding a backup, due, being erased or
retired, with their erase count, last erasure and last health verdict. Services take a Session and
an Env; the caller owns the transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wipestation.audit import record_event
from wipestation.custody import effective_due, open_record_for_drive
from wipestation.env import Env
from wipestation.errors import BadValue, InvalidState, NotFound
from wipestation.health import latest_health
from wipestation.models import CustodyState, Drive, DriveOwner, Erasure, ErasureOutcome

AVAILABLE = "available"
HOLDING = "holding"
DUE = "due"
ERASING = "erasing"
RETIRED = "retired"
POOL_STATES = (AVAILABLE, HOLDING, DUE, ERASING, RETIRED)
REASON_LIMIT = 2000


@dataclass(frozen=True)
class PoolDrive:
    drive_id: int
    serial: str
    model: str | None
    capacity_bytes: int | None
    state: str
    erase_count: int
    last_erased_at: datetime | None
    health: str  # healthy / failing / unknown (never read: unknown)
    health_at: datetime | None
    record_id: int | None  # the open backup record, if any
    due_on: date | None
    retired_at: datetime | None
    retired_reason: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "drive_id": self.drive_id,
            "serial": self.serial,
            "model": self.model,
            "capacity_bytes": self.capacity_bytes,
            "state": self.state,
            "erase_count": self.erase_count,
            "last_erased_at": self.last_erased_at,
            "health": self.health,
            "health_at": self.health_at,
            "record_id": self.record_id,
            "due_on": self.due_on,
            "retired_at": self.retired_at,
            "retired_reason": self.retired_reason,
        }


def _pool_state(session: Session, drive: Drive, today: date) -> tuple[str, int | None, date | None]:
    """A retired drive that still holds a backup shows that backup's state (it must still be erased)."""
    running = session.execute(
        select(Erasure.id).where(Erasure.drive_id == drive.id, Erasure.outcome == ErasureOutcome.RUNNING)
    ).first()
    record = open_record_for_drive(session, drive.id)
    if running is not None or (record is not None and record.state is CustodyState.ERASING):
        return ERASING, record.id if record is not None else None, None
    if record is None:
        return (RETIRED if drive.retired_at is not None else AVAILABLE), None, None
    due = effective_due(record)
    return (DUE if due <= today else HOLDING), record.id, due


def pool_drive(session: Session, env: Env, drive: Drive) -> PoolDrive:
    state, record_id, due = _pool_state(session, drive, env.today())
    last_erased = session.execute(
        select(func.max(Erasure.ended_at)).where(
            Erasure.drive_id == drive.id, Erasure.outcome == ErasureOutcome.SUCCEEDED
        )
    ).scalar_one_or_none()
    health = latest_health(session, drive.id)
    return PoolDrive(
        drive_id=drive.id,
        serial=drive.serial,
        model=drive.model,
        capacity_bytes=drive.capacity_bytes,
        state=state,
        erase_count=drive.erase_count or 0,
        last_erased_at=last_erased,
        health=health.verdict if health is not None else "unknown",
        health_at=health.read_at if health is not None else None,
        record_id=record_id,
        due_on=due,
        retired_at=drive.retired_at,
        retired_reason=drive.retired_reason,
    )


def list_pool(session: Session, env: Env, *, state: str | None = None) -> list[PoolDrive]:
    """Every shop-owned backup drive, by serial; `state` keeps only those in that pool state."""
    if state is not None and state not in POOL_STATES:
        raise BadValue(f"unknown pool state '{state}' (one of {', '.join(POOL_STATES)})")
    drives = session.execute(select(Drive).where(Drive.owner == DriveOwner.SHOP).order_by(Drive.serial)).scalars()
    rows = [pool_drive(session, env, d) for d in drives]
    return [r for r in rows if state is None or r.state == state]


def find_shop_drive(session: Session, serial: str, *, for_update: bool = False) -> Drive:
    serial = serial.strip()
    stmt = select(Drive).where(Drive.serial == serial)
    if for_update:
        stmt = stmt.with_for_update()
    drive = session.execute(stmt).scalar_one_or_none()
    if drive is None:
        raise NotFound(f"no drive with serial '{serial}'")
    if drive.owner is not DriveOwner.SHOP:
        raise InvalidState(f"drive {drive.serial} is a customer disk, not a shop backup drive")
    return drive


def retire_drive(session: Session, env: Env, drive: Drive, reason: str) -> Drive:
    """Take the drive out of the pool for good (worn, failing, lost). It keeps its history; no
    backup can be registered on it again."""
    reason = (reason or "").strip()
    if not reason:
        raise BadValue("retiring a drive needs a reason")
    if len(reason) > REASON_LIMIT:
        raise BadValue(f"reason is longer than {REASON_LIMIT} characters")
    if drive.retired_at is not None:
        raise InvalidState(f"drive {drive.serial} was retired already on {drive.retired_at.date().isoformat()}")
    drive.retired_at = env.now()
    drive.retired_reason = reason
    session.flush()
    record_event(
        session,
        env,
        "drive.retired",
        "drive",
        drive.id,
        before={"pool_state": "in pool"},
        after={"pool_state": RETIRED},  # the reason stays on the drive row, out of the chain
    )
    return drive


def retire(session: Session, env: Env, serial: str, reason: str) -> PoolDrive:
    """`pool retire SERIAL --reason TEXT`. A drive that still holds a customer's backup is refused:
    erase it first (the backup must not be lost from the records)."""
    drive = find_shop_drive(session, serial, for_update=True)
    record = open_record_for_drive(session, drive.id)
    if record is not None and drive.retired_at is None:
        raise InvalidState(
            f"drive {drive.serial} holds backup record {record.id} ({record.state.value}); erase it before retiring"
        )
    retire_drive(session, env, drive, reason)
    return pool_drive(session, env, drive)
