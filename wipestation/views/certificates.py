"""Certificates as the CLI and the console list them: number, kind, date, serial, sends, revocation."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from wipestation.store.models import (
    Certificate,
    CertificateDocument,
    CertificateRevocation,
    CertificateSend,
    CustodyRecord,
    Customer,
)


@dataclass(frozen=True, slots=True)
class SendView:
    lang: str
    address: str
    status: str  # sent / failed / retried
    error: str | None
    attempted_at: datetime


@dataclass(frozen=True, slots=True)
class CertificateView:
    number: str
    kind: str
    issued_at: datetime
    issued_by: str
    record_id: int | None
    erasure_id: int | None
    destruction_id: int | None
    serial: str | None
    sha256: str
    languages: tuple[str, ...]
    customer_id: int | None
    customer_name: str | None
    customer_email: str | None
    revoked_at: datetime | None
    revocation_reason: str | None
    sends: tuple[SendView, ...]  # oldest first

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def sent(self) -> SendView | None:
        """The last successful send, if any."""
        done = [s for s in self.sends if s.status == "sent"]
        return done[-1] if done else None

    def to_dict(self) -> dict[str, Any]:
        """As `certificate list --json` shows it."""
        return {
            "number": self.number,
            "kind": self.kind,
            "issued_at": self.issued_at.isoformat(),
            "issued_by": self.issued_by,
            "record_id": self.record_id,
            "erasure_id": self.erasure_id,
            "destruction_id": self.destruction_id,
            "serial": self.serial,
            "sha256": self.sha256,
            "languages": list(self.languages),
        }


def certificate_list(session: Session, *conditions: ColumnElement[bool]) -> list[CertificateView]:
    """Every certificate (or those matching `conditions` on `Certificate`), oldest first."""
    stmt = (
        select(
            Certificate.id,
            Certificate.number,
            Certificate.kind,
            Certificate.issued_at,
            Certificate.issued_by,
            Certificate.record_id,
            Certificate.erasure_id,
            Certificate.destruction_id,
            Certificate.data,
            Certificate.sha256,
            CustodyRecord.customer_id,
            Customer.name,
            Customer.email,
            Customer.anonymised_at,
            CertificateRevocation.revoked_at,
            CertificateRevocation.reason,
        )
        .outerjoin(CustodyRecord, CustodyRecord.id == Certificate.record_id)
        .outerjoin(Customer, Customer.id == CustodyRecord.customer_id)
        .outerjoin(CertificateRevocation, CertificateRevocation.certificate_id == Certificate.id)
        .where(*conditions)
        .order_by(Certificate.year, Certificate.seq)
    )
    rows = session.execute(stmt).all()
    langs, sends = _documents_and_sends(session, conditions) if rows else ({}, {})
    out = []
    for r in rows:
        drive = r.data.get("drive", {}) if isinstance(r.data, dict) else {}
        out.append(
            CertificateView(
                number=r.number,
                kind=r.kind.value,
                issued_at=r.issued_at,
                issued_by=r.issued_by,
                record_id=r.record_id,
                erasure_id=r.erasure_id,
                destruction_id=r.destruction_id,
                serial=drive.get("serial"),
                sha256=r.sha256,
                languages=tuple(sorted(langs.get(r.id, ()))),
                customer_id=r.customer_id,
                customer_name=r.name,
                customer_email=None if r.anonymised_at is not None else r.email,
                revoked_at=r.revoked_at,
                revocation_reason=r.reason,
                sends=tuple(sends.get(r.id, ())),
            )
        )
    return out


def _documents_and_sends(
    session: Session, conditions: tuple[ColumnElement[bool], ...]
) -> tuple[dict[int, list[str]], dict[int, list[SendView]]]:
    """The stored languages and the send attempts of the certificates matching `conditions`."""
    ids = select(Certificate.id).where(*conditions).scalar_subquery()  # no id list: any number of rows
    langs: dict[int, list[str]] = defaultdict(list)
    sends: dict[int, list[SendView]] = defaultdict(list)
    documents = select(CertificateDocument.certificate_id, CertificateDocument.lang)
    for cid, lang in session.execute(documents.where(CertificateDocument.certificate_id.in_(ids))):
        langs[cid].append(lang)
    attempts = select(
        CertificateSend.certificate_id,
        CertificateSend.lang,
        CertificateSend.address,
        CertificateSend.status,
        CertificateSend.error,
        CertificateSend.attempted_at,
    ).where(CertificateSend.certificate_id.in_(ids))
    for cid, lang, address, status, error, at in session.execute(attempts.order_by(CertificateSend.id)):
        sends[cid].append(SendView(lang, address, status, error, at))
    return langs, sends


def certificates_of_record(session: Session, record_id: int) -> list[CertificateView]:
    return certificate_list(session, Certificate.record_id == record_id)
