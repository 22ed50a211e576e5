"""The shop's own backup drives: which are available, holding a backup, due, being erased or
retired, with their erase count, last erasure and last health verdict. Services take a Session and
an Env; the caller owns the transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from wipestation.audit import Action, record_event
from wipestation.custody import OPEN_STATES, effective_due, open_record_for_drive
from wipestation.env import Env
from wipestation.errors import BadValue, InvalidState, NotFound
from wipestation.models import CustodyRecord, CustodyState, Drive, DriveHealth, DriveOwner, Erasure, ErasureOutcome

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


@dataclass
class _Facts:
    """What the pool needs about the drives, read in a few queries for all of them at once."""

    records: dict[int, CustodyRecord]  # drive id -> its open record
    running: set[int]  # drive ids with a running erasure
    last_erased: dict[int, datetime]
    health: dict[int, DriveHealth]  # drive id -> its latest reading


def _facts(session: Session, drive_ids: list[int]) -> _Facts:
    if not drive_ids:
        return _Facts({}, set(), {}, {})
    records = session.execute(
        select(CustodyRecord)
        .options(selectinload(CustodyRecord.holds))
        .where(CustodyRecord.drive_id.in_(drive_ids), CustodyRecord.state.in_(OPEN_STATES))
    ).scalars()
    running = session.execute(
        select(Erasure.drive_id).where(Erasure.drive_id.in_(drive_ids), Erasure.outcome == ErasureOutcome.RUNNING)
    ).scalars()
    erased = session.execute(
        select(Erasure.drive_id, func.max(Erasure.ended_at))
        .where(Erasure.drive_id.in_(drive_ids), Erasure.outcome == ErasureOutcome.SUCCEEDED)
        .group_by(Erasure.drive_id)
    ).all()
    newest = select(func.max(DriveHealth.id)).where(DriveHealth.drive_id.in_(drive_ids)).group_by(DriveHealth.drive_id)
    health = session.execute(select(DriveHealth).where(DriveHealth.id.in_(newest))).scalars()
    return _Facts(
        records={r.drive_id: r for r in records},
        running=set(running),
        last_erased={drive_id: ended for drive_id, ended in erased if ended is not None},
        health={h.drive_id: h for h in health},
    )


def _pool_drive(drive: Drive, facts: _Facts, today: date) -> PoolDrive:
    """A retired drive that still holds a backup shows that backup's state (it must still be erased)."""
    record = facts.records.get(drive.id)
    due: date | None = None
    if drive.id in facts.running or (record is not None and record.state is CustodyState.ERASING):
        state = ERASING
    elif record is None:
        state = RETIRED if drive.retired_at is not None else AVAILABLE
    else:
        due = effective_due(record)
        state = DUE if due <= today else HOLDING
    health = facts.health.get(drive.id)
    return PoolDrive(
        drive_id=drive.id,
        serial=drive.serial,
        model=drive.model,
        capacity_bytes=drive.capacity_bytes,
        state=state,
        erase_count=drive.erase_count or 0,
        last_erased_at=facts.last_erased.get(drive.id),
        health=health.verdict if health is not None else "unknown",
        health_at=health.read_at if health is not None else None,
        record_id=record.id if record is not None else None,
        due_on=due,
        retired_at=drive.retired_at,
        retired_reason=drive.retired_reason,
    )


def pool_drive(session: Session, env: Env, drive: Drive) -> PoolDrive:
    return _pool_drive(drive, _facts(session, [drive.id]), env.today())


def list_pool(session: Session, env: Env, *, state: str | None = None) -> list[PoolDrive]:
    """Every shop-owned backup drive, by serial; `state` keeps only those in that pool state."""
    if state is not None and state not in POOL_STATES:
        raise BadValue(f"unknown pool state '{state}' (one of {', '.join(POOL_STATES)})")
    drives = list(session.execute(select(Drive).where(Drive.owner == DriveOwner.SHOP).order_by(Drive.serial)).scalars())
    facts = _facts(session, [d.id for d in drives])
    today = env.today()
    rows = [_pool_drive(d, facts, today) for d in drives]
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
        Action.DRIVE_RETIRED,
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
