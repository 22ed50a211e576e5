"""The backups' rows (pool stores, backup sets) and their audit events. Services: take a Session and
an Env; the caller owns the transaction. No key and no file name is ever written here."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wipestation.audit.log import Action, record_event
from wipestation.common.env import Env
from wipestation.common.errors import InvalidState, NotFound
from wipestation.common.i18n import _
from wipestation.records import custody, registration
from wipestation.store.models import CustodyRecord, Drive, Erasure
from wipestation.store.pool_models import BackupSet, PoolStore

LIVE = ("making", "complete")


def source_hash(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8", "surrogateescape")).hexdigest()


def last_whole_erasure(session: Session, drive: Drive) -> Erasure | None:
    rows = session.execute(select(Erasure).where(Erasure.drive_id == drive.id).order_by(Erasure.id.desc())).scalars()
    return next((e for e in rows if e.outcome.erased), None)


def pool_of(session: Session, drive: Drive) -> PoolStore | None:
    return session.execute(select(PoolStore).where(PoolStore.drive_id == drive.id)).scalar_one_or_none()


def add_pool(session: Session, env: Env, drive: Drive, erasure: Erasure, pool_uuid: str, slots: int) -> PoolStore:
    existing = pool_of(session, drive)
    if existing is not None and live_sets(session, existing):
        raise InvalidState(_("drive {serial} is a pool drive holding backups already").format(serial=drive.serial))
    store = existing or PoolStore(drive_id=drive.id)
    store.pool_uuid, store.slots, store.erasure_id = pool_uuid, slots, erasure.id
    store.prepared_at, store.prepared_by, store.left_at = env.now(), env.actor, None
    session.add(store)
    session.flush()
    after = {"drive_id": drive.id, "slots": slots, "erasure_id": erasure.id}
    record_event(session, env, Action.POOL_PREPARED, "pool", store.id, after=after)
    return store


def live_sets(session: Session, store: PoolStore) -> list[BackupSet]:
    stmt = select(BackupSet).where(BackupSet.pool_id == store.id, BackupSet.state.in_(LIVE))
    return list(session.execute(stmt).scalars())


def free_slot(session: Session, store: PoolStore) -> int | None:
    used = {s.slot for s in live_sets(session, store)}
    return next((i for i in range(store.slots) if i not in used), None)


@dataclass(frozen=True, slots=True)
class NewSet:
    pool_id: int
    slot: int
    backup_uuid: str
    customer_id: int
    job_ref: str
    source_hash: str
    journal: str


def start_set(session: Session, env: Env, new: NewSet) -> BackupSet:
    row = BackupSet(
        pool_id=new.pool_id,
        slot=new.slot,
        backup_uuid=new.backup_uuid,
        customer_id=new.customer_id,
        job_ref=new.job_ref,
        source_hash=new.source_hash,
        state="making",
        journal_object=new.journal,
        objects=[new.journal],
        files=0,
        bytes=0,
        unreadable=0,
        started_at=env.now(),
    )
    session.add(row)
    session.flush()
    after = {"pool_id": new.pool_id, "slot": new.slot}
    record_event(session, env, Action.BACKUP_STARTED, "backup_set", row.id, after=after, customer_id=new.customer_id)
    return row


def unfinished(session: Session, customer_id: int, job_ref: str, source: str) -> BackupSet | None:
    stmt = select(BackupSet).where(
        BackupSet.state == "making",
        BackupSet.customer_id == customer_id,
        BackupSet.job_ref == job_ref,
        BackupSet.source_hash == source_hash(source),
    )
    return session.execute(stmt).scalars().first()


def add_object(session: Session, set_id: int, name: str) -> None:
    row = session.get_one(BackupSet, set_id, with_for_update=True)
    row.objects = [*row.objects, name]


def finish_set(
    session: Session, env: Env, set_id: int, manifest_object: str, counts: tuple[int, int, int], drive: Drive
) -> CustodyRecord:
    row = session.get_one(BackupSet, set_id, with_for_update=True)
    row.manifest_object = manifest_object  # in `objects` already: added before it was written
    row.files, row.bytes, row.unreadable = counts
    row.state, row.finished_at = "complete", env.now()
    reg = custody.Registration(customer_id=row.customer_id, job_ref=row.job_ref, started_on=env.today())
    record = registration.register_on_pool(session, env, drive, reg)
    row.record_id = record.id
    after = {"record_id": record.id, "files": counts[0], "bytes": counts[1], "unreadable": counts[2]}
    record_event(session, env, Action.BACKUP_MADE, "backup_set", row.id, after=after, customer_id=row.customer_id)
    return record


def abandon_set(session: Session, env: Env, set_id: int, reason: str) -> None:
    row = session.get_one(BackupSet, set_id, with_for_update=True)
    row.state, row.slot, row.erased_at = "abandoned", None, env.now()
    after = {"reason": reason, "objects": len(row.objects)}
    record_event(session, env, Action.BACKUP_ABANDONED, "backup_set", row.id, after=after, customer_id=row.customer_id)


def set_of_record(session: Session, ref: str, *, for_update: bool = False) -> tuple[CustodyRecord, BackupSet]:
    record = custody.find_record(session, ref, for_update=for_update)
    row = session.execute(select(BackupSet).where(BackupSet.record_id == record.id)).scalar_one_or_none()
    if row is None:
        raise NotFound(
            _("record {id} is not a backup made by wipestation (a registered drive is erased whole)").format(
                id=record.id
            )
        )
    return record, row


def note(session: Session, env: Env, action: Action, row: BackupSet, after: dict[str, Any]) -> None:
    record_event(session, env, action, "backup_set", row.id, after=after, customer_id=row.customer_id)


def erased(session: Session, env: Env, record: CustodyRecord, row: BackupSet, objects: int, overwritten: int) -> None:
    slot = row.slot
    row.state, row.slot, row.erased_at = "erased", None, env.now()
    custody.mark_backup_erased(session, env, record, row.id)
    after = {"slot": slot, "objects": objects, "bytes_overwritten": overwritten, "record_id": record.id}
    record_event(session, env, Action.BACKUP_ERASED, "backup_set", row.id, after=after, customer_id=row.customer_id)
