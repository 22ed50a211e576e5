"""The audit log: append-only, hash-chained, and free of personal data.

Each event's hash covers its own fields and the previous event's hash. The single `audit_head` row
is locked while appending, so concurrent writers (processes or workstations) make one linear chain,
and it names the newest event, so a deleted tail is noticed too.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wipestation.common.env import Env
from wipestation.common.i18n import N_, Phrase
from wipestation.store.models import AuditEvent, AuditHead

GENESIS = "0" * 64


class Action(StrEnum):
    """Every action the log records: `<entity>.<what happened to it>`, in the past tense. Adding an
    action is adding one member. Verifying accepts any name already in a database."""

    CUSTOMER_ADDED = "customer.added"
    CUSTOMER_EDITED = "customer.edited"
    CUSTOMER_ANONYMISED = "customer.anonymised"
    RECORD_REGISTERED = "record.registered"
    RECORD_HELD = "record.held"
    RECORD_RELEASED = "record.released"
    RECORD_DELETION_REQUESTED = "record.deletion_requested"
    RECORD_ERASURE_STARTED = "record.erasure_started"
    RECORD_ERASURE_ENDED = "record.erasure_ended"
    RECORD_ERASED = "record.erased"
    RECORD_DESTROYED = "record.destroyed"
    DRIVE_REGISTERED = "drive.registered"
    DRIVE_CAPACITY_RESTORED = "drive.capacity_restored"
    DRIVE_HEALTH_CHECKED = "drive.health_checked"
    DRIVE_RETIRED = "drive.retired"
    DRIVE_QUEUED = "drive.queued"  # a retired shop drive queued for destruction
    SHELF_CHECKED = "shelf.checked"
    DIGEST_MAILED = "digest.mailed"
    ERASURE_STARTED = "erasure.started"
    ERASURE_RESUMED = "erasure.resumed"
    ERASURE_SUCCEEDED = "erasure.succeeded"
    ERASURE_SUCCEEDED_WITH_EXCEPTIONS = "erasure.succeeded_with_exceptions"
    ERASURE_FAILED = "erasure.failed"
    ERASURE_INTERRUPTED = "erasure.interrupted"
    DESTRUCTION_RECORDED = "destruction.recorded"
    CERTIFICATE_ISSUED = "certificate.issued"
    CERTIFICATE_RENDERED = "certificate.rendered"
    CERTIFICATE_MAILED = "certificate.mailed"
    CERTIFICATE_MAIL_FAILED = "certificate.mail_failed"
    CERTIFICATE_REVOKED = "certificate.revoked"
    POOL_PREPARED = "pool.prepared"  # a shop drive became a shared backup store (issue 27)
    BACKUP_STARTED = "backup.started"
    BACKUP_MADE = "backup.made"
    BACKUP_ABANDONED = "backup.abandoned"  # a make that could not finish (pool drive full): erased
    BACKUP_RESTORED = "backup.restored"
    BACKUP_CHECKED = "backup.checked"
    BACKUP_ERASED = "backup.erased"


PERSONAL_FIELDS = frozenset({"name", "email", "phone", "address"})


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_hash(event: AuditEvent) -> str:
    payload = {
        "id": event.id,
        "at": event.at.isoformat(),
        "actor": event.actor,
        "action": event.action,
        "entity": event.entity,
        "entity_id": event.entity_id,
        "customer_id": event.customer_id,
        "before": event.before,
        "after": event.after,
        "prev": event.prev_hash,
    }
    return hashlib.sha256(_canonical(payload).encode()).hexdigest()


def _check_no_personal_data(summary: dict[str, Any] | None) -> None:
    if summary and PERSONAL_FIELDS & set(summary):
        raise ValueError(f"audit summaries carry no personal data: {sorted(PERSONAL_FIELDS & set(summary))}")


def record_event(
    session: Session,
    env: Env,
    action: Action,
    entity: str,
    entity_id: int | None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    customer_id: int | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction."""
    _check_no_personal_data(before)
    _check_no_personal_data(after)
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, last_event_id=0, last_hash=GENESIS)
        session.add(head)
        session.flush()
    # Round-trip the summaries through JSON so the hash is computed on what will be read back.
    event = AuditEvent(
        id=head.last_event_id + 1,
        at=env.now(),
        actor=env.actor,
        action=str(action),
        entity=entity,
        entity_id=entity_id,
        customer_id=customer_id,
        before=json.loads(_canonical(before)) if before is not None else None,
        after=json.loads(_canonical(after)) if after is not None else None,
        prev_hash=head.last_hash,
        hash="",
    )
    event.hash = event_hash(event)
    session.add(event)
    head.last_event_id = event.id
    head.last_hash = event.hash
    session.flush()
    return event


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    problem: str | None = None
    event_id: int | None = None


def verify_chain(session: Session) -> ChainReport:
    """Walk the chain from the first event; name the first event that breaks it."""
    prev = GENESIS
    expected_id = 1
    count = 0
    last_id = 0
    for event in session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars():
        if event.id != expected_id:
            return ChainReport(
                False,
                count,
                Phrase(N_("event {id} is missing (next is {next})"), id=expected_id, next=event.id),
                expected_id,
            )
        if event.prev_hash != prev:
            return ChainReport(
                False,
                count,
                Phrase(N_("event {id} does not follow event {previous}"), id=event.id, previous=event.id - 1),
                event.id,
            )
        if event_hash(event) != event.hash:
            return ChainReport(
                False, count, Phrase(N_("event {id} was changed after it was written"), id=event.id), event.id
            )
        prev = event.hash
        expected_id += 1
        last_id = event.id
        count += 1
    head = session.get(AuditHead, 1)
    if head is None:
        if count:
            return ChainReport(False, count, Phrase(N_("the chain head is missing")), None)
        return ChainReport(True, 0)
    if head.last_event_id != last_id or head.last_hash != prev:
        return ChainReport(
            False,
            count,
            Phrase(
                N_("the chain head names event {id} but the log ends at {last}"), id=head.last_event_id, last=last_id
            ),
            last_id,
        )
    return ChainReport(True, count)


def events_for(session: Session, *, entity: str, entity_id: int) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
    return list(session.execute(stmt.order_by(AuditEvent.id)).scalars())


def current_head(session: Session, *, lock: bool = False) -> tuple[int, str]:
    """(event number, hash) of the newest event; (0, GENESIS) before the first. `lock` holds the
    head row until the transaction ends, so no event slips in between reading it and appending."""
    stmt = select(AuditHead).where(AuditHead.id == 1)
    head = session.execute(stmt.with_for_update() if lock else stmt).scalar_one_or_none()
    return (0, GENESIS) if head is None else (head.last_event_id, head.last_hash)


_HEAD = re.compile(r"^\s*(\d{1,18}):([0-9a-fA-F]{12,64})\s*$")
MIN_HEAD_DIGITS = 12


def format_head(event_id: int, hash_: str) -> str:
    """The head as a shop writes it down: `N:HASH`."""
    return f"{event_id}:{hash_}"


def parse_head(text: str) -> tuple[int, str] | None:
    """`N:HASH` (the hash in full, or its first 12 or more hex digits), or None."""
    match = _HEAD.match(text)
    return (int(match.group(1)), match.group(2).lower()) if match else None


def head_problem(session: Session, event_id: int, hash_: str) -> str | None:
    """Why the chain no longer holds event `event_id` with a hash starting `hash_`, or None."""
    if event_id == 0:
        return None if GENESIS.startswith(hash_) else Phrase(N_("event 0 is the start of every chain"))
    event = session.get(AuditEvent, event_id)
    if event is None:
        return Phrase(N_("the log no longer has event {id}"), id=event_id)
    if not event.hash.startswith(hash_):
        return Phrase(
            N_("event {id} is not the one remembered (its hash is now {hash}…)"), id=event_id, hash=event.hash[:16]
        )
    return None
