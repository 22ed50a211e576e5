"""Everything held on one customer, as one JSON-ready document (GDPR access and portability): the read side's
answer to `customer export`."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from wipestation.records.customers import customer_to_dict, get_customer, of_records
from wipestation.store.models import AuditEvent, Certificate, Destruction, Erasure
from wipestation.views.records import record_to_dict


def export_customer(session: Session, customer_id: int, today: date) -> dict[str, Any]:
    """Everything held on the customer (GDPR access and portability) as one JSON-ready document."""
    customer = get_customer(session, customer_id)
    records = sorted(customer.records, key=lambda r: r.id)
    record_ids = [r.id for r in records]
    erasures = of_records(session, Erasure, record_ids)
    destructions = of_records(session, Destruction, record_ids)
    certificates = of_records(session, Certificate, record_ids)
    cond = AuditEvent.customer_id == customer.id
    if record_ids:
        cond = or_(cond, (AuditEvent.entity == "record") & AuditEvent.entity_id.in_(record_ids))
    events = list(session.execute(select(AuditEvent).where(cond).order_by(AuditEvent.id)).scalars())
    return {
        "format": "wipestation-customer-export/1",
        "customer": customer_to_dict(customer),
        "records": [record_to_dict(r, today) for r in records],
        "erasures": [_erasure_export(e) for e in erasures],
        "destructions": [_destruction_export(d) for d in destructions],
        "certificates": [_certificate_export(c) for c in certificates],
        "audit_events": [_event_export(ev) for ev in events],
    }


def _erasure_export(e: Erasure) -> dict[str, Any]:
    return {
        "id": e.id,
        "record_id": e.record_id,
        "method": e.method,
        "nist_category": e.nist_category,
        "outcome": e.outcome.value,
        "started_at": e.started_at,
        "ended_at": e.ended_at,
        "verify_mode": e.verify_mode,
        "verify_result": e.verify_result,
    }


def _destruction_export(d: Destruction) -> dict[str, Any]:
    return {
        "id": d.id,
        "record_id": d.record_id,
        "method": d.method,
        "level": d.level,
        "destroyed_on": d.destroyed_on,
        "witness": d.witness,
    }


def _certificate_export(c: Certificate) -> dict[str, Any]:
    return {
        "number": c.number,
        "kind": c.kind.value,
        "record_id": c.record_id,
        "issued_at": c.issued_at,
        "sha256": c.sha256,
    }


def _event_export(ev: AuditEvent) -> dict[str, Any]:
    return {
        "id": ev.id,
        "at": ev.at,
        "actor": ev.actor,
        "action": ev.action,
        "entity": ev.entity,
        "entity_id": ev.entity_id,
        "before": ev.before,
        "after": ev.after,
    }
