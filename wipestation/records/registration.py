"""Registering a drive into custody: the checks (dates, a current customer, a drive with no open
record, the right owner), the drive's row, and the new record in its first state. Called through
`register_backup` / `register_abandoned` below."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from wipestation.audit.log import Action, record_event
from wipestation.common.env import Env
from wipestation.common.errors import BadValue, InvalidState
from wipestation.common.i18n import N_, _, kind_word
from wipestation.common.identity import DriveIdentity
from wipestation.records.custody import Registration, _text, effective_due, open_record_for_drive, upsert_drive
from wipestation.records.customers import get_customer
from wipestation.records.retention import abandoned_due, backup_due
from wipestation.store.models import CustodyKind, CustodyRecord, CustodyState, Drive, DriveOwner
from wipestation.store.pool_models import PoolStore


def register(
    session: Session, env: Env, kind: CustodyKind, identity: DriveIdentity, reg: Registration
) -> CustodyRecord:
    """A new custody record for the drive (registered first if it is new), in its first state: a
    backup is held, an abandoned disk stored."""
    customer = get_customer(session, reg.customer_id)
    if customer.anonymised_at is not None:
        raise InvalidState(
            _("customer {id} is anonymised; register the drive for a current customer").format(id=customer.id),
            field="customer_id",
        )
    _check_dates(kind, reg, env.today())
    owner = DriveOwner.SHOP if kind is CustodyKind.BACKUP else DriveOwner.CUSTOMER
    # Lock the drive's row: two workstations registering the same drive at once queue here (a drive
    # that is new to both collides on its unique serial instead, and the retry lands here).
    existing = session.execute(
        select(Drive).where(Drive.serial == identity.serial.strip()).with_for_update()
    ).scalar_one_or_none()
    if existing is not None:
        _check_drive_free(session, existing, kind, owner)
    drive = upsert_drive(session, env, identity, owner)
    return _new_record(session, env, kind, drive, reg)


def register_on_pool(session: Session, env: Env, drive: Drive, reg: Registration) -> CustodyRecord:
    """A backup made by wipestation on a shared pool drive: the drive holds other backups too."""
    customer = get_customer(session, reg.customer_id)
    if customer.anonymised_at is not None:
        raise InvalidState(
            _("customer {id} is anonymised; register the drive for a current customer").format(id=customer.id),
            field="customer_id",
        )
    return _new_record(session, env, CustodyKind.BACKUP, drive, reg)


def _new_record(session: Session, env: Env, kind: CustodyKind, drive: Drive, reg: Registration) -> CustodyRecord:
    customer_id = reg.customer_id
    rules = env.config.retention
    due = backup_due(reg.started_on, rules) if kind is CustodyKind.BACKUP else abandoned_due(reg.started_on, rules)
    record = CustodyRecord(
        kind=kind,
        state=CustodyState.HOLDING if kind is CustodyKind.BACKUP else CustodyState.STORED,
        drive=drive,
        customer_id=customer_id,
        job_ref=_text(reg.job_ref, "job", 120, field="job_ref"),
        started_on=reg.started_on,
        due_on=due,
        location=_text(reg.location, "location", 200),
        host_computer=_text(reg.host_computer, "host computer", 200, field="host_computer"),
        seal_number=_text(reg.seal_number, "seal number", 60, field="seal_number"),
        received_on=reg.received_on,
        created_at=env.now(),
        created_by=env.actor,
    )
    session.add(record)
    session.flush()
    after = {
        "kind": kind.value,
        "state": record.state.value,
        "drive_id": drive.id,
        "started_on": reg.started_on.isoformat(),
        "due_on": due.isoformat(),
    }
    record_event(session, env, Action.RECORD_REGISTERED, "record", record.id, after=after, customer_id=customer_id)
    return record


def _check_dates(kind: CustodyKind, reg: Registration, today: date) -> None:
    if reg.started_on > today:
        raise BadValue(
            (
                _("the date the backup was made ({day}) is in the future")
                if kind is CustodyKind.BACKUP
                else _("the date the disk was abandoned ({day}) is in the future")
            ).format(day=reg.started_on),
            field="started_on",
        )
    if reg.received_on is not None and reg.received_on > today:
        raise BadValue(_("--received-on {day} is in the future").format(day=reg.received_on), field="received_on")


def _check_drive_free(session: Session, existing: Drive, kind: CustodyKind, owner: DriveOwner) -> None:
    """A known drive takes a new record only when it has no open one, is not retired (for a backup),
    is not a shared pool drive and belongs to the same owner."""
    if session.execute(select(PoolStore.id).where(PoolStore.drive_id == existing.id)).first() is not None:
        raise InvalidState(
            _("drive {serial} is a shared pool drive: backups on it are made with `wipestation backup make`").format(
                serial=existing.serial
            )
        )
    current = open_record_for_drive(session, existing.id)
    if current is not None:
        if kind is CustodyKind.BACKUP and current.kind is CustodyKind.BACKUP:
            raise InvalidState(
                _(
                    "drive {serial} already holds an open backup (record {id}, customer {customer}, due {due}): "
                    "erase it before reusing the drive"
                ).format(
                    serial=existing.serial, id=current.id, customer=current.customer_id, due=effective_due(current)
                )
            )
        raise InvalidState(
            _("drive {serial} already has an open {kind} record {id}").format(
                serial=existing.serial, kind=kind_word(current.kind.value), id=current.id
            )
        )
    if kind is CustodyKind.BACKUP and existing.retired_at is not None:
        raise InvalidState(
            _("drive {serial} was retired from the backup pool on {day}: {reason}; use another drive").format(
                serial=existing.serial, day=existing.retired_at.date(), reason=existing.retired_reason
            )
        )
    if existing.owner is not owner:
        names = {DriveOwner.SHOP: N_("shop backup drive"), DriveOwner.CUSTOMER: N_("customer disk")}
        raise InvalidState(
            _("drive {serial} is a {owner}, not a {wanted}").format(
                serial=existing.serial, owner=_(names[existing.owner]), wanted=_(names[owner])
            )
        )


def register_backup(session: Session, env: Env, identity: DriveIdentity, reg: Registration) -> CustodyRecord:
    """A shop backup drive now holds one customer's backup for one job: due after 30 days."""
    if not reg.job_ref:
        raise BadValue(_("a backup needs the repair job reference (--job)"), field="job_ref")
    return register(session, env, CustodyKind.BACKUP, identity, reg)


def register_abandoned(session: Session, env: Env, identity: DriveIdentity, reg: Registration) -> CustodyRecord:
    """A customer's disk from an abandoned computer, stored apart: due after 3 calendar months."""
    return register(session, env, CustodyKind.ABANDONED, identity, reg)
