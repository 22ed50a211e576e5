"""Customers and their rights: see, correct, export, anonymise."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from wipestation.audit.log import Action, record_event
from wipestation.common.env import Env
from wipestation.common.errors import BadValue, InvalidState, NotFound
from wipestation.common.i18n import N_, _
from wipestation.common.text import check_plain
from wipestation.records.privacy import REMOVED_NOTE, scrub_certificate_data
from wipestation.records.retention import record_retention_end
from wipestation.store.models import (
    Certificate,
    CertificateRevocation,
    CertificateSend,
    CustodyRecord,
    Customer,
    Destruction,
    Erasure,
)

CONTACT_FIELDS = ("name", "email", "phone", "address")
MAX_ID = 2**63 - 1  # ids are 64-bit integers on every backend
MIN_ID = -(2**63)
ANONYMISED_NAME = N_("anonymised customer {id}")  # stored in English; shown by `shown_name`


def shown_name(name: str, customer_id: int, anonymised: bool) -> str:
    """A customer's name as a person reads it: an anonymised one's (stored in English) in their language."""
    return _(ANONYMISED_NAME).format(id=customer_id) if anonymised else name


@dataclass(frozen=True)
class CustomerInput:
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None


def _clean(value: str | None, field: str, limit: int) -> str | None:
    if value is None:
        return None
    check_plain(value, field, multiline=field == "address")
    text = " ".join(value.split()) if field != "address" else value.strip()
    if len(text) > limit:
        raise BadValue(_("{what} is longer than {limit} characters").format(what=field, limit=limit), field=field)
    if field == "email" and text and ("@" not in text or " " in text):
        raise BadValue(_("not an e-mail address: '{text}'").format(text=text), field=field)
    return text or None


_LIMITS = {"name": 200, "email": 200, "phone": 60, "address": 400}


def add_customer(session: Session, env: Env, data: CustomerInput) -> Customer:
    name = _clean(data.name, "name", _LIMITS["name"])
    if not name:
        raise BadValue(_("a customer needs a name"), field="name")
    now = env.now()
    customer = Customer(
        name=name,
        email=_clean(data.email, "email", _LIMITS["email"]),
        phone=_clean(data.phone, "phone", _LIMITS["phone"]),
        address=_clean(data.address, "address", _LIMITS["address"]),
        created_at=now,
        updated_at=now,
    )
    session.add(customer)
    session.flush()
    present = [f for f in CONTACT_FIELDS if getattr(customer, f)]
    record_event(
        session, env, Action.CUSTOMER_ADDED, "customer", customer.id, after={"fields": present}, customer_id=customer.id
    )
    return customer


def get_customer(session: Session, customer_id: int, *, for_update: bool = False) -> Customer:
    if not MIN_ID <= customer_id <= MAX_ID:  # no row has it; the driver would not even take it
        raise NotFound(_("no customer with id {id}").format(id=customer_id), field="customer_id")
    customer = session.get(Customer, customer_id, with_for_update=for_update, populate_existing=for_update)
    if customer is None:
        raise NotFound(_("no customer with id {id}").format(id=customer_id), field="customer_id")
    return customer


def search_condition(search: str) -> ColumnElement[bool]:
    """Part of the name, e-mail, phone or address, case-insensitive."""
    pattern = f"%{search.lower()}%"
    return or_(
        func.lower(Customer.name).like(pattern),
        func.lower(func.coalesce(Customer.email, "")).like(pattern),
        func.lower(func.coalesce(Customer.phone, "")).like(pattern),
        func.lower(func.coalesce(Customer.address, "")).like(pattern),
    )


def list_customers(session: Session, search: str | None = None) -> list[Customer]:
    stmt = select(Customer).order_by(Customer.id)
    if search:
        stmt = stmt.where(search_condition(search))
    return list(session.execute(stmt).scalars())


def edit_customer(session: Session, env: Env, customer_id: int, data: CustomerInput) -> Customer:
    customer = get_customer(session, customer_id, for_update=True)
    if customer.anonymised_at is not None:
        raise InvalidState(
            _("customer {id} is anonymised; their details cannot be edited").format(id=customer_id), field="customer_id"
        )
    changed = []
    for field in CONTACT_FIELDS:
        value = getattr(data, field)
        if value is None:
            continue
        cleaned = _clean(value, field, _LIMITS[field])
        if field == "name" and not cleaned:
            raise BadValue(_("a customer needs a name"), field="name")
        if cleaned != getattr(customer, field):
            setattr(customer, field, cleaned)
            changed.append(field)
    if not changed:
        raise BadValue(_("nothing to change: give --name, --email, --phone or --address with a new value"))
    customer.updated_at = env.now()
    record_event(
        session,
        env,
        Action.CUSTOMER_EDITED,
        "customer",
        customer.id,
        after={"changed": changed},
        customer_id=customer.id,
    )
    return customer


def anonymise_customer(session: Session, env: Env, customer_id: int, *, reason: str = "request") -> Customer:
    """Replace name and contact details; every record and certificate number stays."""
    customer = get_customer(session, customer_id, for_update=True)
    if customer.anonymised_at is not None:
        raise InvalidState(_("customer {id} is already anonymised").format(id=customer_id))
    customer.name = ANONYMISED_NAME.format(id=customer.id)
    customer.email = None
    customer.phone = None
    customer.address = None
    customer.anonymised_at = env.now()
    customer.updated_at = customer.anonymised_at
    # The stored certificates named the customer: keep their numbers and hashes, drop the name.
    certificates = forget_customer_documents(session, customer.id)
    notes = _scrub_free_text(session, customer)
    record_event(
        session,
        env,
        Action.CUSTOMER_ANONYMISED,
        "customer",
        customer.id,
        after={"reason": reason, "certificates": certificates, "notes_removed": notes},
        customer_id=customer.id,
    )
    return customer


def _scrub_free_text(session: Session, customer: Customer) -> int:
    """Free text typed about the customer's records may name them ("letter from J. de Vries", "HP of
    J. de Vries"): every such column (wipestation.records.privacy.SCRUBBED) is replaced by a note; that there
    was a hold, a request or an early destruction stays, with its dates. Returns the texts replaced."""
    removed = 0

    def note(value: str | None) -> str | None:
        nonlocal removed
        if not value or value == REMOVED_NOTE:
            return value
        removed += 1
        return REMOVED_NOTE

    for record in customer.records:
        record.deletion_reason = note(record.deletion_reason)
        record.host_computer = note(record.host_computer)
        for hold in record.holds:
            hold.reason = note(hold.reason) or REMOVED_NOTE
            hold.release_reason = note(hold.release_reason)
    for destruction in of_records(session, Destruction, [r.id for r in customer.records]):
        destruction.early_reason = note(destruction.early_reason)
        destruction.lower_level_reason = note(destruction.lower_level_reason)
        evidence = []
        for entry in destruction.evidence or []:
            entry = dict(entry)
            if entry.pop("original_name", None) is not None:
                removed += 1
            evidence.append(entry)
        destruction.evidence = evidence
    removed += _scrub_certificate_texts(session, [r.id for r in customer.records], note)
    return removed


def _scrub_certificate_texts(session: Session, record_ids: list[int], note: Callable[[str | None], str | None]) -> int:
    """The addresses a certificate was mailed to (and the server's answers, which may quote them), and
    the reasons a certificate was revoked (typed about the customer's record)."""
    certificates = [c.id for c in of_records(session, Certificate, record_ids)]
    if not certificates:
        return 0
    removed = 0
    sends = session.execute(select(CertificateSend).where(CertificateSend.certificate_id.in_(certificates))).scalars()
    for send in sends:
        send.address = ""
        send.error = note(send.error)
        removed += 1
    revocations = select(CertificateRevocation).where(CertificateRevocation.certificate_id.in_(certificates))
    for revocation in session.execute(revocations).scalars():
        revocation.reason = note(revocation.reason) or REMOVED_NOTE
    return removed


def customer_to_dict(customer: Customer) -> dict[str, Any]:
    return {
        "id": customer.id,
        "name": customer.name,
        "email": customer.email,
        "phone": customer.phone,
        "address": customer.address,
        "created_at": customer.created_at,
        "updated_at": customer.updated_at,
        "anonymised": customer.anonymised_at is not None,
        "anonymised_at": customer.anonymised_at,
    }


def expired_customers(session: Session, env: Env, on: date) -> list[Customer]:
    """Customers not yet anonymised whose every record closed more than `record_years` ago.

    A customer with no records at all counts from the day they were added.
    """
    rules = env.config.retention
    out = []
    for customer in session.execute(
        select(Customer).where(Customer.anonymised_at.is_(None)).order_by(Customer.id)
    ).scalars():
        records = customer.records
        if any(r.state.is_open for r in records):
            continue
        last = max((r.closed_at for r in records if r.closed_at), default=customer.created_at)
        if last is None:
            continue
        if record_retention_end(last.date(), rules) <= on:
            out.append(customer)
    return out


_T = TypeVar("_T", Erasure, Destruction, Certificate)


def of_records(session: Session, model: type[_T], record_ids: list[int]) -> list[_T]:
    """The rows of `model` that belong to these custody records, oldest first."""
    if not record_ids:
        return []
    stmt = select(model).where(model.record_id.in_(record_ids)).order_by(model.id)
    return list(session.execute(stmt).scalars())


def forget_customer_documents(session: Session, customer_id: int) -> int:
    """For `customer anonymise`: delete the stored PDFs of the customer's certificates and replace
    the name in the stored data with "anonymised". Number and original sha256 are kept, so the
    customer's own copy still verifies. Returns the number of certificates changed."""
    stmt = (
        select(Certificate)
        .join(CustodyRecord, CustodyRecord.id == Certificate.record_id)
        .where(CustodyRecord.customer_id == customer_id)
    )
    changed = 0
    for cert in session.execute(stmt).scalars():
        for doc in list(cert.documents):
            session.delete(doc)
        cert.data = scrub_certificate_data(cert.data)
        changed += 1
    session.flush()
    return changed
