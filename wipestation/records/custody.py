"""Custody records: backups kept 30 days, abandoned disks kept 3 calendar months; holds and
early deletion. Services take a Session and an Env; the caller owns the transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from wipestation.audit.log import Action, record_event
from wipestation.common.env import Env
from wipestation.common.errors import BadValue, InvalidState, NotFound
from wipestation.common.i18n import _, state_word
from wipestation.common.identity import DriveIdentity
from wipestation.common.text import REASON_LIMIT, check_length, check_plain
from wipestation.records.retention import effective_due as _effective_due
from wipestation.records.retention import state_shown
from wipestation.store.models import OPEN_STATES as OPEN_STATES  # defined once, in the models
from wipestation.store.models import CustodyKind, CustodyRecord, CustodyState, Drive, DriveOwner, Hold
from wipestation.store.pool_models import BackupSet, PoolStore

LIST_STATES = ("holding", "stored", "due", "erasing", "erased", "destroyed", "open", "closed")


def effective_due(record: CustodyRecord) -> date:
    """The due date after early-deletion requests and holds (released holds no longer count)."""
    holds = [h.until for h in record.holds if h.released_at is None]
    return _effective_due(record.due_on, deletion_requested_on=record.deletion_requested_on, holds_until=holds)


def active_hold(record: CustodyRecord, today: date) -> Hold | None:
    """The unreleased hold that ends last, if it has not ended yet."""
    live = [h for h in record.holds if h.released_at is None and h.until >= today]
    return max(live, key=lambda h: h.until) if live else None


def display_state(record: CustodyRecord, today: date) -> str:
    return state_shown(record.state, effective_due(record), today)


def _summary(record: CustodyRecord) -> dict[str, Any]:
    return {"state": record.state.value, "due_on": effective_due(record).isoformat()}


def _record_query() -> Any:
    return select(CustodyRecord).options(selectinload(CustodyRecord.holds), selectinload(CustodyRecord.drive))


_RECORD_ID = re.compile(r"^(?:#|R-?)?(\d+)$", re.IGNORECASE)


def find_record(session: Session, ref: str, *, for_update: bool = False) -> CustodyRecord:
    """REF is a record id (`12`, `#12`, `R12`) or a drive serial (its open record, else its latest).

    `for_update` locks the record's row until the transaction ends (PostgreSQL; SQLite transactions
    are IMMEDIATE already), for callers that decide on its state.
    """
    ref = ref.strip()
    match = _RECORD_ID.match(ref)
    record_id: int | None = None
    if match and len(match.group(1)) <= 19 and int(match.group(1)) <= 2**63 - 1:  # bigger: no id (nor driver's)
        record_id = session.execute(
            select(CustodyRecord.id).where(CustodyRecord.id == int(match.group(1)))
        ).scalar_one_or_none()
    if record_id is None:
        drive = session.execute(select(Drive).where(Drive.serial == ref)).scalar_one_or_none()
        if drive is None:
            raise NotFound(_("no record or drive serial '{ref}'").format(ref=ref))
        records = sorted(drive.records, key=lambda r: (r.state in OPEN_STATES, r.id))
        if not records:
            raise NotFound(_("drive {ref} has no custody record").format(ref=ref))
        record_id = records[-1].id
    return lock_record(session, record_id) if for_update else session.get_one(CustodyRecord, record_id)


def lock_record(session: Session, record_id: int) -> CustodyRecord:
    """The record, its row locked and its state read fresh (not from the session's cache)."""
    stmt = (
        _record_query().where(CustodyRecord.id == record_id).with_for_update().execution_options(populate_existing=True)
    )
    record: CustodyRecord | None = session.execute(stmt).scalar_one_or_none()
    if record is None:
        raise NotFound(_("no record {id}").format(id=record_id))
    return record


def open_record_for_drive(session: Session, drive_id: int) -> CustodyRecord | None:
    stmt = _record_query().where(CustodyRecord.drive_id == drive_id, CustodyRecord.state.in_(OPEN_STATES))
    return session.execute(stmt).scalars().first()


def upsert_drive(session: Session, env: Env, identity: DriveIdentity, owner: DriveOwner) -> Drive:
    """The drive with this serial, created when new; known details filled in from the identity."""
    serial = check_plain(identity.serial, "serial").strip()
    if not serial:
        raise BadValue(_("a drive needs a serial"), field="serial")
    if len(serial) > 120:
        raise BadValue(_("serial is longer than 120 characters"), field="serial")
    drive = session.execute(select(Drive).where(Drive.serial == serial)).scalar_one_or_none()
    if drive is None:
        drive = Drive(serial=serial, owner=owner, erase_count=0, created_at=env.now())
        session.add(drive)
    limits = {"model": 200, "vendor": 120, "wwn": 64, "firmware": 64}
    for attr in ("model", "vendor", "capacity_bytes", "wwn", "firmware"):
        value = getattr(identity, attr)
        if isinstance(value, str):
            check_length(check_plain(value, attr), attr, limits[attr])
        if value is not None:
            setattr(drive, attr, value)
    if identity.bus != "unknown" or drive.bus is None:
        drive.bus = identity.bus
    if identity.media != "unknown" or drive.media is None:
        drive.media = identity.media
    session.flush()
    return drive


@dataclass(frozen=True)
class Registration:
    customer_id: int
    job_ref: str | None
    started_on: date
    location: str | None = None
    host_computer: str | None = None
    seal_number: str | None = None
    received_on: date | None = None  # when the shop took the disk in (default: the day it is registered)


def _text(value: str | None, what: str, limit: int, *, field: str | None = None) -> str | None:
    if value is None:
        return None
    value = check_plain(value, what, field=field).strip()
    if len(value) > limit:
        raise BadValue(
            _("{what} is longer than {limit} characters").format(what=what, limit=limit), field=field or what
        )
    return value or None


def _open(session: Session, ref: str) -> CustodyRecord:
    record = find_record(session, ref, for_update=True)
    if record.state not in OPEN_STATES:
        raise InvalidState(
            _("record {id} is {state}: it is closed").format(id=record.id, state=state_word(record.state.value))
        )
    return record


def hold(session: Session, env: Env, ref: str, until: date, reason: str) -> CustodyRecord:
    """Pause the record until `until`, for a stated reason (dispute, police request, ...)."""
    record = _open(session, ref)
    today = env.today()
    if until <= today:
        raise BadValue(
            _("the hold must end after today ({today}); {until} is not").format(today=today, until=until), field="until"
        )
    reason = _text(reason, "reason", REASON_LIMIT) or ""
    if not reason:
        raise BadValue(_("a hold needs a reason"), field="reason")
    before = _summary(record)
    hold_row = Hold(record=record, until=until, reason=reason, created_at=env.now(), created_by=env.actor)
    session.add(hold_row)
    session.flush()
    session.refresh(record, attribute_names=["holds"])
    record_event(
        session,
        env,
        Action.RECORD_HELD,
        "record",
        record.id,
        before=before,
        after={**_summary(record), "hold_id": hold_row.id, "until": until.isoformat()},
        customer_id=record.customer_id,
    )
    return record


def release(session: Session, env: Env, ref: str, reason: str | None = None) -> CustodyRecord:
    """End the record's active holds early; the due date returns to what the rules say."""
    record = _open(session, ref)
    today = env.today()
    live = [h for h in record.holds if h.released_at is None and h.until >= today]
    if not live:
        raise InvalidState(_("record {id} is not on hold").format(id=record.id))
    before = _summary(record)
    now = env.now()
    reason = _text(reason, "reason", REASON_LIMIT)
    for h in live:
        h.released_at = now
        h.released_by = env.actor
        h.release_reason = reason
    session.flush()
    record_event(
        session,
        env,
        Action.RECORD_RELEASED,
        "record",
        record.id,
        before=before,
        after={**_summary(record), "released_holds": [h.id for h in live]},
        customer_id=record.customer_id,
    )
    return record


def request_deletion(session: Session, env: Env, ref: str, reason: str | None = None) -> CustodyRecord:
    """The customer asked for early deletion: the record is due today (unless a hold says otherwise)."""
    record = _open(session, ref)
    if record.deletion_requested_on is not None:
        raise InvalidState(
            _("deletion of record {id} was already requested on {day}").format(
                id=record.id, day=record.deletion_requested_on
            )
        )
    before = _summary(record)
    record.deletion_requested_on = env.today()
    record.deletion_reason = _text(reason, "reason", REASON_LIMIT)
    session.flush()
    record_event(
        session,
        env,
        Action.RECORD_DELETION_REQUESTED,
        "record",
        record.id,
        before=before,
        after=_summary(record),
        customer_id=record.customer_id,
    )
    return record


# The state changes of a record that other services cause (an erasure, a destruction): every change of
# a record's state is written in this module, with its audit event.


def erasure_refusal(env: Env, record: CustodyRecord) -> str | None:
    """Why the drive of this backup record cannot be erased now (None: it can)."""
    if record.state is CustodyState.ERASING:
        return _("record {id} is being erased already").format(id=record.id)
    due = effective_due(record)
    if due > env.today():
        return _(
            "record {id}: the backup is kept until {due}; if the customer asked for deletion, "
            "run `wipestation request-deletion {id}` first"
        ).format(id=record.id, due=due.isoformat())
    return None


def claim_for_erasure(session: Session, env: Env, record: CustodyRecord) -> None:
    """holding -> erasing, as a check-and-set in the caller's transaction: a second workstation
    finds the state changed and is refused."""
    refusal = erasure_refusal(env, record)
    if refusal is not None:
        raise InvalidState(refusal)
    claimed = session.execute(
        update(CustodyRecord)
        .where(CustodyRecord.id == record.id, CustodyRecord.state == CustodyState.HOLDING)
        .values(state=CustodyState.ERASING)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise InvalidState(_("record {id} is being erased on another workstation").format(id=record.id))
    session.refresh(record)
    _state_changed(session, env, record, Action.RECORD_ERASURE_STARTED, "holding", {"state": "erasing"})


def release_from_erasure(session: Session, env: Env, record_id: int | None, erasure_id: int) -> None:
    """erasing -> holding: the erasure ended without erasing the drive (failed, interrupted)."""
    record = session.get(CustodyRecord, record_id) if record_id is not None else None
    if record is None or record.state is not CustodyState.ERASING:
        return
    record.state = CustodyState.HOLDING
    after = {"state": "holding", "erasure_id": erasure_id}
    _state_changed(session, env, record, Action.RECORD_ERASURE_ENDED, "erasing", after)


def mark_erased(session: Session, env: Env, record: CustodyRecord, erasure_id: int, outcome: str) -> None:
    """erasing -> erased: the backup on the drive is gone; the record is closed."""
    if record.kind is not CustodyKind.BACKUP or record.state is not CustodyState.ERASING:
        return
    record.state = CustodyState.ERASED
    record.closed_at = env.now()
    after = {"state": "erased", "erasure_id": erasure_id, "outcome": outcome}
    _state_changed(session, env, record, Action.RECORD_ERASED, "erasing", after)


def mark_destroyed(session: Session, env: Env, record: CustodyRecord, destruction_id: int) -> None:
    """-> destroyed: the drive was physically destroyed; the record is closed."""
    before = record.state.value
    record.state = CustodyState.DESTROYED
    record.closed_at = env.now()
    after = {"state": record.state.value, "destruction_id": destruction_id}
    _state_changed(session, env, record, Action.RECORD_DESTROYED, before, after)


def _state_changed(
    session: Session, env: Env, record: CustodyRecord, action: Action, before: str, after: dict[str, Any]
) -> None:
    record_event(
        session,
        env,
        action,
        "record",
        record.id,
        before={"state": before},
        after=after,
        customer_id=record.customer_id,
    )


def mark_backup_erased(session: Session, env: Env, record: CustodyRecord, backup_set_id: int) -> None:
    """erasing -> erased: one backup on a pool drive was erased cryptographically; the record is closed."""
    if record.kind is not CustodyKind.BACKUP or record.state is not CustodyState.ERASING:
        return
    record.state = CustodyState.ERASED
    record.closed_at = env.now()
    after = {"state": "erased", "backup_set_id": backup_set_id, "method": "cryptographic-erase"}
    _state_changed(session, env, record, Action.RECORD_ERASED, "erasing", after)


def release_backup_set(session: Session, env: Env, record: CustodyRecord, backup_set_id: int) -> None:
    """erasing -> holding: erasing one backup failed before its key was destroyed."""
    if record.state is not CustodyState.ERASING:
        return
    record.state = CustodyState.HOLDING
    after = {"state": "holding", "backup_set_id": backup_set_id}
    _state_changed(session, env, record, Action.RECORD_ERASURE_ENDED, "erasing", after)


def refuse_pool_drive(session: Session, drive_id: int) -> None:
    """A whole-drive erasure must not touch a pool drive that still holds customers' backups."""
    live = session.execute(
        select(BackupSet.id)
        .join(PoolStore, PoolStore.id == BackupSet.pool_id)
        .where(PoolStore.drive_id == drive_id, BackupSet.state.in_(("making", "complete")))
    ).all()
    if live:
        raise InvalidState(
            _(
                "this is a pool drive holding {count} backup(s) of customers: erase each with "
                "`wipestation backup erase` before the whole drive"
            ).format(count=len(live))
        )
