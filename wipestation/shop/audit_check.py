"""The log and the records witness each other.

`verify_chain` proves the events were not changed one by one; it cannot see a history cut short,
rewritten from the start, or a record changed without an event. `cross_check` replays the events and
compares the result with the rows: every customer, record, hold, erasure, destruction and certificate
must have the events that explain its current state, and every certificate's audit head (the event
number and hash printed on it at issue) must still be in the chain.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wipestation.audit.log import Action, head_problem
from wipestation.common.i18n import N_, Phrase
from wipestation.documents.certify.owed import owed
from wipestation.store.models import AuditEvent, Certificate, CustodyRecord, Customer, Destruction, Erasure, Hold


@dataclass
class _Replay:
    customers: set[int] = field(default_factory=set)
    anonymised: set[int] = field(default_factory=set)
    record_state: dict[int, str] = field(default_factory=dict)
    holds: set[int] = field(default_factory=set)
    released_holds: set[int] = field(default_factory=set)
    erasure_outcome: dict[int, str] = field(default_factory=dict)
    destruction_record: dict[int, Any] = field(default_factory=dict)
    certificates: dict[int, dict[str, Any]] = field(default_factory=dict)


_RUNNING = {str(Action.ERASURE_STARTED), str(Action.ERASURE_RESUMED)}


def _replay(events: Iterable[AuditEvent]) -> _Replay:
    r = _Replay()
    for ev in events:
        after = ev.after if isinstance(ev.after, dict) else {}
        if ev.entity_id is None:
            continue
        if ev.entity == "customer":
            r.customers.add(ev.entity_id)
            if ev.action == Action.CUSTOMER_ANONYMISED:
                r.anonymised.add(ev.entity_id)
        elif ev.entity == "record":
            _replay_record(r, ev.entity_id, after)
        elif ev.entity == "erasure":
            if ev.action in _RUNNING:
                r.erasure_outcome[ev.entity_id] = "running"
            elif isinstance(after.get("outcome"), str):
                r.erasure_outcome[ev.entity_id] = after["outcome"]
        elif ev.entity == "destruction":
            r.destruction_record[ev.entity_id] = after.get("record_id")
        elif ev.entity == "certificate" and ev.action == Action.CERTIFICATE_ISSUED:
            r.certificates[ev.entity_id] = after
    return r


def _replay_record(r: _Replay, record_id: int, after: dict[str, Any]) -> None:
    if isinstance(after.get("state"), str):
        r.record_state[record_id] = after["state"]
    else:
        r.record_state.setdefault(record_id, "?")
    if isinstance(after.get("hold_id"), int):
        r.holds.add(after["hold_id"])
    r.released_holds.update(h for h in after.get("released_holds") or [] if isinstance(h, int))


def cross_check(session: Session) -> list[str]:
    """Findings where the rows and the replayed log disagree (empty: they agree)."""
    events = session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()
    r = _replay(events)
    return [
        *_check_customers(session, r),
        *_check_records(session, r),
        *_check_holds(session, r),
        *_check_erasures(session, r),
        *_check_destructions(session, r),
        *_check_certificates(session, r),
        *_check_owed(session),
    ]


def _check_owed(session: Session) -> Iterator[str]:
    """The invariant: a record closed by an erasure or a destruction has its certificate."""
    for item in owed(session):
        yield owed_phrase(item.record_id, item.kind, item.work_id)


def owed_phrase(record_id: int, kind: str, work_id: int) -> Phrase:
    return Phrase(
        N_(
            "record {id} was closed by {kind} {work} but has no certificate "
            "(`wipestation certificate issue-owed` issues it)"
        ),
        id=record_id,
        kind=kind,
        work=work_id,
    )


def _check_customers(session: Session, r: _Replay) -> Iterator[str]:
    for c in session.execute(select(Customer).order_by(Customer.id)).scalars():
        if c.id not in r.customers:
            yield Phrase(N_("customer {id} has no events"), id=c.id)
        elif (c.anonymised_at is not None) != (c.id in r.anonymised):
            yield (
                Phrase(N_("customer {id} is anonymised without an event"), id=c.id)
                if c.anonymised_at is not None
                else Phrase(N_("customer {id} was anonymised by the log but is not"), id=c.id)
            )


def _check_records(session: Session, r: _Replay) -> Iterator[str]:
    for rec in session.execute(select(CustodyRecord).order_by(CustodyRecord.id)).scalars():
        replayed = r.record_state.get(rec.id)
        if replayed is None:
            yield Phrase(N_("record {id} has no events"), id=rec.id)
        elif replayed != rec.state.value:
            yield Phrase(
                N_("record {id} is {state} but its events leave it {replayed}"),
                id=rec.id,
                state=rec.state.value,
                replayed=replayed,
            )


def _check_holds(session: Session, r: _Replay) -> Iterator[str]:
    for h in session.execute(select(Hold).order_by(Hold.id)).scalars():
        if h.id not in r.holds:
            yield Phrase(N_("hold {id} of record {record} has no event"), id=h.id, record=h.record_id)
        elif (h.released_at is not None) != (h.id in r.released_holds):
            yield Phrase(N_("hold {id} of record {record} was released without an event"), id=h.id, record=h.record_id)


def _check_erasures(session: Session, r: _Replay) -> Iterator[str]:
    for e in session.execute(select(Erasure).order_by(Erasure.id)).scalars():
        replayed = r.erasure_outcome.get(e.id)
        if replayed is None:
            yield Phrase(N_("erasure {id} has no events"), id=e.id)
        elif replayed != e.outcome.value:
            yield Phrase(
                N_("erasure {id} is {outcome} but its events say {replayed}"),
                id=e.id,
                outcome=e.outcome.value,
                replayed=replayed,
            )


def _check_destructions(session: Session, r: _Replay) -> Iterator[str]:
    for d in session.execute(select(Destruction).order_by(Destruction.id)).scalars():
        if d.id not in r.destruction_record:
            yield Phrase(N_("destruction {id} has no event"), id=d.id)
        elif r.destruction_record[d.id] != d.record_id:
            yield Phrase(
                N_("destruction {id} is of record {record} but its event names {named}"),
                id=d.id,
                record=d.record_id,
                named=r.destruction_record[d.id],
            )


def _check_certificates(session: Session, r: _Replay) -> Iterator[str]:
    for cert in session.execute(select(Certificate).order_by(Certificate.id)).scalars():
        issued = r.certificates.get(cert.id)
        if issued is None:
            yield Phrase(N_("certificate {number} has no event"), number=cert.number)
        elif issued.get("number") != cert.number or issued.get("sha256") != cert.sha256:
            yield Phrase(N_("certificate {number} differs from the event that issued it"), number=cert.number)
        problem = certificate_head_problem(session, cert)
        if problem:
            yield problem


def certificate_head(cert: Certificate) -> tuple[int, str] | None:
    """The audit head printed on the certificate at its issue, if it carries one."""
    data = cert.data if isinstance(cert.data, dict) else {}
    head = data.get("audit_head")
    if isinstance(head, dict) and isinstance(head.get("event"), int) and isinstance(head.get("hash"), str):
        return head["event"], head["hash"]
    return None


def certificate_head_problem(session: Session, cert: Certificate) -> str | None:
    """Why the history this certificate saw at its issue is no longer in the chain, or None."""
    head = certificate_head(cert)
    if head is None:
        return Phrase(N_("certificate {number} carries no audit head"), number=cert.number)
    problem = head_problem(session, *head)
    if problem is None:
        return None
    return Phrase(
        N_("certificate {number} was issued at audit event {event}, but {problem}"),
        number=cert.number,
        event=head[0],
        problem=problem,
    )
