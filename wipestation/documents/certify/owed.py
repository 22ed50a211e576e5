"""The invariant: every record closed by an erasure or a destruction has its certificate.

The erasure's end and its certificate are one transaction (`wipestation.erasure.run`), and so are a
destruction and its certificate (`wipestation.destruction.destroying`); a database written before that (or by an
older version) may still hold a closed record without one. `owed` finds them; `issue_owed` issues each
with the work's own times and figures and the line "issued later", each in its own transaction (the
numbers stay gap-free: a failure gives its number back). Every start of a command or of the console
runs it before anything else; `audit verify`, `doctor` and the digest report what is still owed, and
`certificate issue-owed` issues it by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from wipestation.common.env import Env
from wipestation.common.errors import WipestationError
from wipestation.documents.certify.dataset import issue_data_set_certificate
from wipestation.documents.certify.issuing import issue_destruction_certificate, issue_erasure_certificate
from wipestation.documents.certify.renderer import CertificateRenderer
from wipestation.store.models import (
    Certificate,
    CertificateKind,
    CustodyRecord,
    CustodyState,
    Destruction,
    Erasure,
    ErasureOutcome,
)
from wipestation.store.pool_models import BackupSet

DATA_SET = "data-set"  # an erased backup's set (work_id: the backup set's id)


@dataclass(frozen=True)
class Owed:
    """One closed record without its certificate, and the work that closed it."""

    record_id: int
    kind: str  # erasure / destruction / data-set
    work_id: int  # the erasure's or the destruction's id

    def line(self) -> str:
        return f"record {self.record_id}: {self.kind} {self.work_id} has no certificate"

    def to_dict(self) -> dict[str, object]:
        return {"record": self.record_id, "kind": self.kind, "work": self.work_id}


def owed(session: Session) -> list[Owed]:
    """Every record closed by an erasure or a destruction whose certificate is missing, oldest first."""
    found: list[Owed] = []
    erased = session.execute(
        select(CustodyRecord.id)
        .where(CustodyRecord.state == CustodyState.ERASED)
        .where(~exists().where(Certificate.record_id == CustodyRecord.id, Certificate.kind == CertificateKind.ERASURE))
        .order_by(CustodyRecord.id)
    ).scalars()
    for record_id in erased:
        erasure_id = session.execute(
            select(Erasure.id)
            .where(
                Erasure.record_id == record_id,
                Erasure.outcome.in_((ErasureOutcome.SUCCEEDED, ErasureOutcome.WITH_EXCEPTIONS)),
            )
            .order_by(Erasure.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        if erasure_id is not None:
            found.append(Owed(record_id, CertificateKind.ERASURE.value, erasure_id))
            continue
        set_id = session.execute(
            select(BackupSet.id).where(BackupSet.record_id == record_id, BackupSet.state == "erased")
        ).scalar_one_or_none()
        if set_id is not None:  # one backup on a pool drive, erased cryptographically
            found.append(Owed(record_id, DATA_SET, set_id))
    destroyed = session.execute(
        select(Destruction.record_id, Destruction.id)
        .join(CustodyRecord, CustodyRecord.id == Destruction.record_id)
        .where(CustodyRecord.state == CustodyState.DESTROYED)
        .where(~exists().where(Certificate.destruction_id == Destruction.id))
        .order_by(Destruction.id)
    ).all()
    found += [Owed(record_id, CertificateKind.DESTRUCTION.value, work_id) for record_id, work_id in destroyed]
    return sorted(found, key=lambda o: (o.record_id, o.work_id))


def any_owed(sessions: sessionmaker[Session]) -> bool:
    with sessions.begin() as session:
        return bool(owed(session))


def issue_one(session: Session, env: Env, renderer: CertificateRenderer, item: Owed) -> str:
    """Issue the certificate `item` is owed, marked "issued later" (caller's transaction); its number."""
    if item.kind == DATA_SET:
        return issue_data_set_certificate(session, env, renderer, item.work_id, late=True).number
    if item.kind == CertificateKind.ERASURE.value:
        return issue_erasure_certificate(session, env, renderer, item.work_id, late=True).number
    return issue_destruction_certificate(session, env, renderer, item.work_id, late=True).number


@dataclass(frozen=True)
class OwedReport:
    issued: tuple[tuple[Owed, str], ...]  # (what was owed, the number issued)
    failed: tuple[tuple[Owed, str], ...]  # (what is still owed, why)


def issue_owed(sessions: sessionmaker[Session], env: Env, renderer: CertificateRenderer) -> OwedReport:
    """Issue every certificate owed, each in its own transaction."""
    with sessions.begin() as session:
        items = owed(session)
    issued: list[tuple[Owed, str]] = []
    failed: list[tuple[Owed, str]] = []
    for item in items:
        try:
            with sessions.begin() as session:
                issued.append((item, issue_one(session, env, renderer, item)))
        except (WipestationError, SQLAlchemyError, OSError) as exc:
            failed.append((item, " ".join(str(exc).split()) or type(exc).__name__))
    return OwedReport(tuple(issued), tuple(failed))
