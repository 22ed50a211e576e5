"""The shop's own backup drives: which are available, holding a backup, due, being erased or
retired, with their erase count, last erasure and last health verdict. Services take a Session and
an Env; the caller owns the transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from wipestation.audit.log import Action, record_event
from wipestation.common.env import Env
from wipestation.common.errors import BadValue, InvalidState, NotFound
from wipestation.common.i18n import _, state_word
from wipestation.common.text import check_plain
from wipestation.records.custody import OPEN_STATES, effective_due, open_record_for_drive
from wipestation.stock.health import FAILING, ErasureSigns, HealthReading, latest_health, store_health
from wipestation.store.models import (
    CustodyKind,
    CustodyRecord,
    CustodyState,
    Drive,
    DriveHealth,
    DriveOwner,
    Erasure,
    ErasureOutcome,
)

AVAILABLE = "available"
HOLDING = "holding"
DUE = "due"
ERASING = "erasing"
RETIRED = "retired"
POOL_STATES = (AVAILABLE, HOLDING, DUE, ERASING, RETIRED)
# what became of a retired drive queued for destruction (a record of kind `shop`, no customer)
QUEUED = "queued"
DESTROYED = "destroyed"
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
    destruction: str | None = None  # queued / destroyed: the drive's own destruction record, if any
    destruction_record_id: int | None = None
    destruction_due_on: date | None = None

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
            "destruction": self.destruction,
            "destruction_record_id": self.destruction_record_id,
            "destruction_due_on": self.destruction_due_on,
        }


@dataclass
class _Facts:
    """What the pool needs about the drives, read in a few queries for all of them at once."""

    records: dict[int, CustodyRecord]  # drive id -> its open backup record
    destructions: dict[int, CustodyRecord]  # drive id -> its newest record of kind shop (queued or destroyed)
    running: set[int]  # drive ids with a running erasure
    last_erased: dict[int, datetime]
    health: dict[int, DriveHealth]  # drive id -> its latest reading


def _facts(session: Session, drive_ids: list[int]) -> _Facts:
    if not drive_ids:
        return _Facts({}, {}, set(), {}, {})
    records = session.execute(
        select(CustodyRecord)
        .options(selectinload(CustodyRecord.holds))
        .where(
            CustodyRecord.drive_id.in_(drive_ids),
            CustodyRecord.state.in_(OPEN_STATES),
            CustodyRecord.kind != CustodyKind.SHOP,
        )
    ).scalars()
    shop = session.execute(
        select(CustodyRecord)
        .options(selectinload(CustodyRecord.holds))
        .where(CustodyRecord.drive_id.in_(drive_ids), CustodyRecord.kind == CustodyKind.SHOP)
        .order_by(CustodyRecord.id)
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
        destructions={r.drive_id: r for r in shop},  # by id: the newest wins
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
    queued = facts.destructions.get(drive.id)
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
        destruction=None if queued is None else DESTROYED if queued.state is CustodyState.DESTROYED else QUEUED,
        destruction_record_id=None if queued is None else queued.id,
        destruction_due_on=effective_due(queued) if queued is not None and queued.state.is_open else None,
    )


def pool_drive(session: Session, env: Env, drive: Drive) -> PoolDrive:
    return _pool_drive(drive, _facts(session, [drive.id]), env.today())


def list_pool(session: Session, env: Env, *, state: str | None = None) -> list[PoolDrive]:
    """Every shop-owned backup drive, by serial; `state` keeps only those in that pool state."""
    if state is not None and state not in POOL_STATES:
        raise BadValue(
            _("unknown pool state '{state}' (one of {known})").format(state=state, known=", ".join(POOL_STATES))
        )
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
        raise NotFound(_("no drive with serial '{serial}'").format(serial=serial))
    if drive.owner is not DriveOwner.SHOP:
        raise InvalidState(_("drive {serial} is a customer disk, not a shop backup drive").format(serial=drive.serial))
    return drive


def retire_drive(session: Session, env: Env, drive: Drive, reason: str) -> Drive:
    """Take the drive out of the pool for good (worn, failing, lost). It keeps its history; no
    backup can be registered on it again."""
    reason = (reason or "").strip()
    if not reason:
        raise BadValue(_("retiring a drive needs a reason"))
    if len(reason) > REASON_LIMIT:
        raise BadValue(_("{what} is longer than {limit} characters").format(what=_("reason"), limit=REASON_LIMIT))
    if drive.retired_at is not None:
        raise InvalidState(
            _("drive {serial} was retired already on {day}").format(
                serial=drive.serial, day=drive.retired_at.date().isoformat()
            )
        )
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


def retire(session: Session, env: Env, serial: str, reason: str, *, destroy: bool = False) -> PoolDrive:
    """`pool retire SERIAL --reason TEXT [--destroy]`. A drive that still holds a customer's backup is
    refused: erase it first (the backup must not be lost from the records). `destroy` also queues it
    for destruction as a shop-owned disk."""
    drive = find_shop_drive(session, serial, for_update=True)
    record = open_record_for_drive(session, drive.id)
    if record is not None and drive.retired_at is None:
        raise InvalidState(
            _("drive {serial} holds backup record {id} ({state}); erase it before retiring").format(
                serial=drive.serial, id=record.id, state=state_word(record.state.value)
            )
        )
    retire_drive(session, env, drive, reason)
    if destroy:
        queue_for_destruction(session, env, drive)
    return pool_drive(session, env, drive)


# --- The shop's own drives queued for destruction -------------------------------------------------


def destruction_record(session: Session, drive_id: int) -> CustodyRecord | None:
    """The drive's newest record of kind shop (queued for destruction, or destroyed), if any."""
    stmt = (
        select(CustodyRecord)
        .where(CustodyRecord.drive_id == drive_id, CustodyRecord.kind == CustodyKind.SHOP)
        .order_by(CustodyRecord.id.desc())
        .limit(1)
    )
    return session.execute(stmt).scalars().first()


def queue_for_destruction(session: Session, env: Env, drive: Drive, reason: str | None = None) -> CustodyRecord:
    """Put the retired shop drive in the destruction queue: a record of kind shop with no customer,
    stored and due today (or `[health] destroy_after_days` later). The reason is the drive's
    retirement reason unless one is given. Refused for a drive still in the pool, one that holds a
    backup, and one queued or destroyed already."""
    session.flush()
    session.refresh(drive, with_for_update=True)  # two workstations queuing one drive: the second waits, then sees it
    _check_queueable(session, drive)
    text = _queue_reason(drive, reason)
    today = env.today()
    due = today + timedelta(days=env.config.health.destroy_after_days)
    record = CustodyRecord(
        kind=CustodyKind.SHOP,
        state=CustodyState.STORED,
        drive=drive,
        customer_id=None,
        job_ref=None,
        started_on=today,
        due_on=due,
        destroy_reason=text,
        created_at=env.now(),
        created_by=env.actor,
    )
    session.add(record)
    session.flush()
    record_event(
        session,
        env,
        Action.RECORD_REGISTERED,
        "record",
        record.id,
        after={
            "kind": CustodyKind.SHOP.value,
            "state": record.state.value,
            "drive_id": drive.id,
            "started_on": today.isoformat(),
            "due_on": due.isoformat(),
        },
    )
    health = latest_health(session, drive.id)
    record_event(
        session,
        env,
        Action.DRIVE_QUEUED,
        "drive",
        drive.id,
        before={"pool_state": RETIRED},
        after={
            "pool_state": RETIRED,
            "destruction": QUEUED,
            "record_id": record.id,
            "due_on": due.isoformat(),
            "health_id": health.id if health is not None else None,
            "verdict": health.verdict if health is not None else None,
        },  # the reason stays on the record's row, out of the chain
    )
    return record


def _check_queueable(session: Session, drive: Drive) -> None:
    """Refuse a customer's disk, a drive still in the pool, one queued or destroyed already, and one
    that holds a backup."""
    if drive.owner is not DriveOwner.SHOP:
        raise InvalidState(_("drive {serial} is a customer disk, not a shop backup drive").format(serial=drive.serial))
    if drive.retired_at is None:
        raise InvalidState(
            _(
                "drive {serial} is still in the pool: retire it first (pool retire {serial} --reason TEXT --destroy)"
            ).format(serial=drive.serial)
        )
    earlier = destruction_record(session, drive.id)
    if earlier is not None and earlier.state is CustodyState.DESTROYED:
        raise InvalidState(
            _("drive {serial} was destroyed already (record {id})").format(serial=drive.serial, id=earlier.id)
        )
    if earlier is not None:
        raise InvalidState(
            _("drive {serial} is queued for destruction already (record {id}, due {due})").format(
                serial=drive.serial, id=earlier.id, due=effective_due(earlier)
            )
        )
    held = open_record_for_drive(session, drive.id)
    if held is not None:
        raise InvalidState(
            _("drive {serial} holds backup record {id} ({state}); erase it before it is destroyed").format(
                serial=drive.serial, id=held.id, state=state_word(held.state.value)
            )
        )


def _queue_reason(drive: Drive, reason: str | None) -> str:
    text = drive.retired_reason if reason is None else " ".join(check_plain(reason, "reason").split())
    if not text:
        raise BadValue(_("queuing a drive for destruction needs a reason"))
    if len(text) > REASON_LIMIT:
        raise BadValue(_("{what} is longer than {limit} characters").format(what=_("reason"), limit=REASON_LIMIT))
    return text


def queue_failing(session: Session, env: Env, drive: Drive) -> CustodyRecord | None:
    """`[health] destroy_failed`: a retired shop drive whose newest health reading is failing goes
    into the destruction queue, once it holds no backup (after a backup's erasure, the erasure's end
    calls this again). None when the config is off or nothing is to be queued."""
    if not env.config.health.destroy_failed or drive.owner is not DriveOwner.SHOP or drive.retired_at is None:
        return None
    health = latest_health(session, drive.id)
    if health is None or health.verdict != FAILING:
        return None
    if destruction_record(session, drive.id) is not None or open_record_for_drive(session, drive.id) is not None:
        return None
    return queue_for_destruction(session, env, drive)


def queue(session: Session, env: Env, serial: str, reason: str | None = None) -> PoolDrive:
    """`pool queue-destruction SERIAL [--reason TEXT]`: a drive retired earlier goes to destruction."""
    drive = find_shop_drive(session, serial, for_update=True)
    queue_for_destruction(session, env, drive, reason)
    return pool_drive(session, env, drive)


def record_health(
    session: Session,
    env: Env,
    drive: Drive,
    reading: HealthReading,
    *,
    erasure: Erasure | None = None,
    signs: ErasureSigns | None = None,
) -> DriveHealth:
    """Judge and store one reading of the drive (`health.store_health`), then the pool's rule: a shop drive
    that fails the limits leaves the pool when `[health] retire_failing` says so, and is queued for
    destruction when `[health] destroy_failed` says so (waiting while it holds a backup)."""
    row = store_health(session, env, drive, reading, erasure=erasure, signs=signs)
    if row.verdict != FAILING:
        return row
    if env.config.health.retire_failing and drive.owner is DriveOwner.SHOP and drive.retired_at is None:
        retire_drive(session, env, drive, "health: " + "; ".join(row.reasons or ()))
    queue_failing(session, env, drive)
    return row
