"""Building the certificate data from the records, and issuing a certificate (number, PDF, stored
copy, audit event) inside the caller's transaction."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from wipestation.audit.log import Action, current_head, record_event
from wipestation.common.config import Config
from wipestation.common.env import Env
from wipestation.common.errors import InvalidState, NotFound
from wipestation.common.i18n import _
from wipestation.common.vendors import manufacturer
from wipestation.documents.certify.data import (
    ANONYMISED,
    RULE_BEFORE_DESTRUCTION,
    RULE_EARLY,
    RULE_HOLD_RELEASED,
    RULE_NO_RECORD,
    RULE_RETENTION,
    AuditHeadRef,
    CertificateData,
    CustomerRef,
    DestructionFacts,
    DriveFacts,
    ErasureFacts,
    Evidence,
    Issuer,
)
from wipestation.documents.certify.numbering import next_number
from wipestation.documents.certify.renderer import CertificateRenderer, require_shop
from wipestation.records.custody import effective_due
from wipestation.stock.health import health_for_erasure, health_summary, latest_health
from wipestation.store.models import (
    Certificate,
    CertificateDocument,
    CertificateKind,
    CustodyKind,
    CustodyRecord,
    Customer,
    Destruction,
    Drive,
    Erasure,
    ErasureOutcome,
)


def _issuer(config: Config) -> Issuer:
    require_shop(config)
    shop = config.shop
    return Issuer(name=shop.name, address=shop.address, kvk=shop.kvk, contact=shop.contact)


def _customer_ref(record: CustodyRecord | None) -> CustomerRef | None:
    """The record's customer; None without a record, or for the shop's own drive (kind shop)."""
    customer: Customer | None = record.customer if record is not None else None
    if record is None or customer is None:
        return None
    name = ANONYMISED if customer.anonymised_at is not None else customer.name
    return CustomerRef(name=name, job_ref=record.job_ref)


def _is_anonymised(record: CustodyRecord | None) -> bool:
    return record is not None and record.customer is not None and record.customer.anonymised_at is not None


def _drive_facts(drive: Drive, record: CustodyRecord | None) -> DriveFacts:
    return DriveFacts(
        manufacturer=manufacturer(drive.vendor, drive.model),
        model=drive.model,
        serial=drive.serial,
        capacity_bytes=drive.capacity_bytes,
        firmware=drive.firmware,
        bus=drive.bus,
        media=drive.media,
        host_computer=record.host_computer if record is not None else None,
    )


def _retention_rule(record: CustodyRecord | None) -> str:
    if record is None:
        return RULE_NO_RECORD
    if record.kind is CustodyKind.ABANDONED:
        return RULE_BEFORE_DESTRUCTION
    if record.deletion_requested_on is not None and record.deletion_requested_on <= record.due_on:
        return RULE_EARLY
    if any(h.released_at is not None for h in record.holds):
        return RULE_HOLD_RELEASED
    return RULE_RETENTION


def _technique(erasure: Erasure) -> str:
    technique = erasure.details.technique
    text = technique.description or erasure.method
    if erasure.passes:
        text += f", {erasure.passes} pass" + ("es" if erasure.passes != 1 else "")
    if technique.pattern:
        text += f", {technique.pattern}"
    return text


def _certificate_data(
    session: Session,
    kind: CertificateKind,
    number: str,
    env: Env,
    drive: Drive,
    record: CustodyRecord | None,
    technician: str,
    late: bool = False,
    **facts: Any,
) -> CertificateData:
    """What every certificate carries besides its erasure or destruction facts."""
    return CertificateData(
        kind=kind.value,
        number=number,
        issued_at=env.now(),
        issuer=_issuer(env.config),
        customer=_customer_ref(record),
        drive=_drive_facts(drive, record),
        technician=technician,
        anonymised=_is_anonymised(record),
        timezone=env.config.timezone,
        audit_head=AuditHeadRef(*current_head(session, lock=True)),
        issued_later=late,
        **facts,
    )


def build_erasure_data(
    session: Session, env: Env, erasure: Erasure, number: str, *, late: bool = False
) -> CertificateData:
    drive = session.get(Drive, erasure.drive_id)
    if drive is None:
        raise NotFound(_("erasure {id}: drive {drive} not found").format(id=erasure.id, drive=erasure.drive_id))
    record = session.get(CustodyRecord, erasure.record_id) if erasure.record_id is not None else None
    ended_at = erasure.ended_at or env.now()
    coverage = erasure.verify_coverage
    abandoned = record is not None and record.kind is CustodyKind.ABANDONED
    details = erasure.details
    not_written = details.hidden.sectors_not_written if erasure.outcome is ErasureOutcome.WITH_EXCEPTIONS else None
    facts = ErasureFacts(
        backup_made_on=record.started_on if record is not None else None,
        retention_rule=_retention_rule(record),
        retention_days=env.config.retention.backup_days,
        due_on=effective_due(record) if record is not None else None,
        nist_category=erasure.nist_category,
        method=erasure.method,
        technique=_technique(erasure),
        passes=erasure.passes,
        tool=erasure.tool,
        hpa_dco=details.hidden.text,
        started_at=erasure.started_at,
        ended_at=ended_at,
        duration_seconds=max(0, int((ended_at - erasure.started_at).total_seconds())),
        bytes_total=erasure.bytes_total,
        bytes_written=erasure.bytes_written,
        bytes_verified=erasure.bytes_verified,
        errors=len(erasure.bad_ranges or []),
        verify_method=erasure.verify_mode,
        verify_result=erasure.verify_result,
        verify_seed=erasure.verify_seed,
        verify_coverage_percent=None if coverage is None else f"{coverage * 100 if coverage <= 1 else coverage:.2f}",
        destination="destruction" if abandoned else "backup-pool",
        abandoned=abandoned,
        sectors_not_written=not_written,
        bytes_not_written=None if not_written is None else not_written * (details.sector_size or 512),
        health=_health_line(session, erasure.id),
        **_sectors(erasure),
        workstation=erasure.host or None,
        asset_tag=details.origin.asset_tag or None,
    )
    return _certificate_data(
        session, CertificateKind.ERASURE, number, env, drive, record, erasure.technician, late, erasure=facts
    )


def _sectors(erasure: Erasure) -> dict[str, int | None]:
    """The logical sector size the engine wrote with, and the drive's size in those sectors."""
    size = erasure.details.sector_size
    if size is None or size <= 0:
        return {"sector_size": None, "sector_count": None}
    return {"sector_size": size, "sector_count": erasure.bytes_total // size}


def _health_line(session: Session, erasure_id: int) -> str | None:
    row = health_for_erasure(session, erasure_id)
    return health_summary(row) if row is not None else None


def protection_class(level: str) -> int:
    """The highest DIN 66399 protection class a security level satisfies (class 1: levels 1-3,
    class 2: levels 3-5, class 3: levels 4-7)."""
    n = int(level.split("-")[1])
    return 1 if n <= 2 else 2 if n == 3 else 3


def build_destruction_data(
    session: Session,
    env: Env,
    destruction: Destruction,
    number: str,
    prior_erasure: str | None = None,
    *,
    late: bool = False,
) -> CertificateData:
    record = session.get(CustodyRecord, destruction.record_id)
    drive = session.get(Drive, destruction.drive_id)
    if record is None or drive is None:
        raise NotFound(_("destruction {id}: record or drive not found").format(id=destruction.id))
    details = destruction.details or {}
    facts = DestructionFacts(
        abandoned_on=record.started_on,
        retention_end=record.due_on,
        received_on=record.received_on
        or record.created_at.astimezone(ZoneInfo(env.config.timezone)).date(),  # the shop's day
        storage_location=record.location,
        seal_number=record.seal_number,
        serial_rescanned=bool(details.get("serial_rescanned", False)),
        method=destruction.method,
        equipment=destruction.equipment,
        protection_class=protection_class(destruction.level),
        level=destruction.level,
        particle_size=details.get("particle_size"),
        prior_erasure=prior_erasure,
        place=destruction.place or "in-house",
        operator=destruction.operator,
        witness=destruction.witness,
        destroyed_on=destruction.destroyed_on,
        batch=destruction.batch,
        early_reason=destruction.early_reason,
        lower_level_reason=destruction.lower_level_reason,
        evidence=tuple(Evidence(file=str(e["file"]), sha256=str(e["sha256"])) for e in destruction.evidence or []),
        asset_tag=str(details["asset_tag"]) if details.get("asset_tag") else None,
        **_shop_drive_facts(session, record),
    )
    return _certificate_data(
        session,
        CertificateKind.DESTRUCTION,
        number,
        env,
        drive,
        record,
        destruction.operator,
        late,
        destruction=facts,
    )


def _shop_drive_facts(session: Session, record: CustodyRecord) -> dict[str, Any]:
    """For the shop's own drive (a record of kind shop): the owner, why it is destroyed, and the
    newest health reading of the drive (its verdict and figures); nothing for a customer's disk."""
    if record.kind is not CustodyKind.SHOP:
        return {}
    row = latest_health(session, record.drive_id)
    return {
        "owner": "shop",
        "shop_reason": record.destroy_reason or record.drive.retired_reason,
        "health": health_summary(row) if row is not None else None,
    }


def _store(
    session: Session,
    env: Env,
    renderer: CertificateRenderer,
    data: CertificateData,
    year: int,
    seq: int,
    *,
    record_id: int | None,
    erasure_id: int | None = None,
    destruction_id: int | None = None,
    customer_id: int | None = None,
) -> Certificate:
    lang = env.config.certificates.language
    pdf = renderer.render(data, lang)
    certificate = Certificate(
        number=data.number,
        year=year,
        seq=seq,
        kind=CertificateKind(data.kind),
        record_id=record_id,
        erasure_id=erasure_id,
        destruction_id=destruction_id,
        issued_at=data.issued_at,
        issued_by=env.actor,
        sha256=data.sha256(),
        data=data.to_dict(),
    )
    session.add(certificate)
    session.flush()
    session.add(CertificateDocument(certificate_id=certificate.id, lang=lang, pdf=pdf, created_at=env.now()))
    record_event(
        session,
        env,
        Action.CERTIFICATE_ISSUED,
        "certificate",
        certificate.id,
        after={
            "number": certificate.number,
            "kind": data.kind,
            "sha256": certificate.sha256,
            "record_id": record_id,
            "erasure_id": erasure_id,
            "destruction_id": destruction_id,
        },
        customer_id=customer_id,
    )
    session.flush()
    return certificate


def issue_erasure_certificate(
    session: Session, env: Env, renderer: CertificateRenderer, erasure_id: int, *, late: bool = False
) -> Certificate:
    """Issue, sign and store the certificate of a successful erasure, or of one "with exceptions"
    (which then states the sectors it did not write), inside the caller's transaction. A failed,
    interrupted or running erasure never yields one."""
    erasure = session.get(Erasure, erasure_id)
    if erasure is None:
        raise NotFound(_("erasure {id} not found").format(id=erasure_id))
    if not erasure.outcome.erased:
        raise InvalidState(
            _("erasure {id} did not succeed ({outcome}): no certificate").format(
                id=erasure_id, outcome=erasure.outcome.value
            )
        )
    existing = session.execute(select(Certificate).where(Certificate.erasure_id == erasure_id)).scalar_one_or_none()
    if existing is not None:
        raise InvalidState(
            _("erasure {id} already has certificate {number}").format(id=erasure_id, number=existing.number)
        )
    year, seq, number = next_number(session, env)
    data = build_erasure_data(session, env, erasure, number, late=late)
    record = session.get(CustodyRecord, erasure.record_id) if erasure.record_id is not None else None
    return _store(
        session,
        env,
        renderer,
        data,
        year,
        seq,
        record_id=erasure.record_id,
        erasure_id=erasure.id,
        customer_id=record.customer_id if record is not None else None,
    )


def prior_erasures(session: Session, drive_id: int) -> list[str]:
    """The erasure certificates of the drive (one Drive row a serial), oldest first: of every
    record, so a shop drive erased for the pool and then destroyed names its erasure too."""
    return list(
        session.execute(
            select(Certificate.number)
            .join(Erasure, Erasure.id == Certificate.erasure_id)
            .where(Erasure.drive_id == drive_id)
            .order_by(Certificate.id)
        ).scalars()
    )


def issue_destruction_certificate(
    session: Session, env: Env, renderer: CertificateRenderer, destruction_id: int, *, late: bool = False
) -> Certificate:
    """Issue, sign and store the certificate of one drive's destruction (caller's transaction)."""
    destruction = session.get(Destruction, destruction_id)
    if destruction is None:
        raise NotFound(_("destruction {id} not found").format(id=destruction_id))
    existing = session.execute(
        select(Certificate).where(Certificate.destruction_id == destruction_id)
    ).scalar_one_or_none()
    if existing is not None:
        raise InvalidState(
            _("destruction {id} already has certificate {number}").format(id=destruction_id, number=existing.number)
        )
    year, seq, number = next_number(session, env)
    prior = prior_erasures(session, destruction.drive_id)
    data = build_destruction_data(session, env, destruction, number, prior_erasure=", ".join(prior) or None, late=late)
    record = session.get(CustodyRecord, destruction.record_id)
    return _store(
        session,
        env,
        renderer,
        data,
        year,
        seq,
        record_id=destruction.record_id,
        destruction_id=destruction.id,
        customer_id=record.customer_id if record is not None else None,
    )
