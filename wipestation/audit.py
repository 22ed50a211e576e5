"""The audit log: append-only, hash-chained, and free of personal data.

Each event's hash covers its own fields and the previous event's hash. The single `audit_head` row
is locked while appending, so concurrent writers (processes or workstations) make one linear chain,
and it names the newest event, so a deleted tail is noticed too.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wipestation.env import Env
from wipestation.models import AuditEvent, AuditHead

GENESIS = "0" * 64
PERSONAL_FIELDS = frozenset({"name", "email", "phone", "address"})


def _canonical(value: Any) -> str:
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
    action: str,
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
        action=action,
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
            return ChainReport(False, count, f"event {expected_id} is missing (next is {event.id})", expected_id)
        if event.prev_hash != prev:
            return ChainReport(False, count, f"event {event.id} does not follow event {event.id - 1}", event.id)
        if event_hash(event) != event.hash:
            return ChainReport(False, count, f"event {event.id} was changed after it was written", event.id)
        prev = event.hash
        expected_id += 1
        last_id = event.id
        count += 1
    head = session.get(AuditHead, 1)
    if head is None:
        if count:
            return ChainReport(False, count, "the chain head is missing", None)
        return ChainReport(True, 0)
    if head.last_event_id != last_id or head.last_hash != prev:
        return ChainReport(
            False, count, f"the chain head names event {head.last_event_id} but the log ends at {last_id}", last_id
        )
    return ChainReport(True, count)


def events_for(session: Session, *, entity: str, entity_id: int) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
    return list(session.execute(stmt.order_by(AuditEvent.id)).scalars())
