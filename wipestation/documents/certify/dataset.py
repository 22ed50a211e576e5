"""The certificate of erasing one data set: one backup on a shared pool drive, erased cryptographically
(issue 27, docs/backups.md). Its kind is "erasure" with a `data_set` scope: numbered, signed, stored,
listed and verified as every erasure certificate, and owed like one when a crash comes between."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from wipestation.audit.log import Action
from wipestation.common.env import Env
from wipestation.common.errors import InvalidState, NotFound
from wipestation.common.i18n import _
from wipestation.documents.certify.data import DataSetFacts
from wipestation.documents.certify.issuing import _certificate_data, _retention_rule, _store
from wipestation.documents.certify.numbering import next_number
from wipestation.documents.certify.renderer import CertificateRenderer
from wipestation.store.models import AuditEvent, Certificate, CertificateKind, CustodyRecord, Drive
from wipestation.store.pool_models import BackupSet, PoolStore

KEY_DESTROYED = "overwritten-in-place-read-back"


def issue_data_set_certificate(
    session: Session,
    env: Env,
    renderer: CertificateRenderer,
    set_id: int,
    erased: tuple[int, int] | None = None,
    *,
    late: bool = False,
) -> Certificate:
    """Issue, sign and store the certificate of erased backup `set_id` (caller's transaction);
    `erased` is (encrypted objects overwritten and deleted, their bytes); None: from the audit event."""
    row = session.get(BackupSet, set_id)
    if row is None or row.record_id is None:
        raise NotFound(_("backup {id} not found").format(id=set_id))
    if row.state != "erased" or row.erased_at is None:
        raise InvalidState(_("backup {id} was not erased: no certificate").format(id=row.record_id))
    existing = session.execute(
        select(Certificate).where(Certificate.record_id == row.record_id, Certificate.kind == CertificateKind.ERASURE)
    ).scalar_one_or_none()
    if existing is not None:
        raise InvalidState(
            _("backup {id} already has certificate {number}").format(id=row.record_id, number=existing.number)
        )
    record = session.get_one(CustodyRecord, row.record_id)
    drive = session.get_one(Drive, session.get_one(PoolStore, row.pool_id).drive_id)
    if erased is None:
        erased = _erased_figures(session, row.id)
    facts = DataSetFacts(
        backup_ref=str(record.id),
        customer_id=row.customer_id,
        job_ref=row.job_ref,
        files=row.files,
        bytes=row.bytes,
        made_at=row.finished_at or row.started_at,
        erased_at=row.erased_at,
        key_destroyed=KEY_DESTROYED,
        objects_overwritten=erased[0],
        bytes_overwritten=erased[1],
        retention_rule=_retention_rule(record),
        retention_days=env.config.retention.backup_days,
    )
    year, seq, number = next_number(session, env)
    data = _certificate_data(
        session, CertificateKind.ERASURE, number, env, drive, record, env.actor, late, data_set=facts
    )
    return _store(session, env, renderer, data, year, seq, record_id=record.id, customer_id=record.customer_id)


def _erased_figures(session: Session, set_id: int) -> tuple[int, int]:
    """What the erasure's audit event recorded: the objects overwritten and deleted, their bytes."""
    after = (
        session.execute(
            select(AuditEvent.after)
            .where(AuditEvent.action == Action.BACKUP_ERASED.value, AuditEvent.entity == "backup_set")
            .where(AuditEvent.entity_id == set_id)
            .order_by(AuditEvent.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        or {}
    )
    return int(after.get("objects", 0)), int(after.get("bytes_overwritten", 0))
