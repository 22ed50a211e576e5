"""Certificates: the data the customer receives, its number, its hash, and issuing it.

The core fills a frozen `CertificateData` from the records; a `CertificateRenderer` (the
`certificates` package, found through the `wipestation.certificates` entry point) turns it into a
signed PDF and checks such PDFs. The renderer never sees the database, and the core never imports
reportlab or pyHanko.

Numbers are `PREFIX-YEAR-NNNNNN`, gap-free per year and unique across every workstation sharing one
database: the year's counter row is locked while a number is taken, inside the caller's transaction,
so a failure later in that transaction gives the number back.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from wipestation.audit import Action, current_head, record_event
from wipestation.config import Config
from wipestation.custody import effective_due
from wipestation.env import Env
from wipestation.errors import ConfigError, InvalidState, NotFound
from wipestation.models import (
    Certificate,
    CertificateCounter,
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
from wipestation.privacy import scrub_certificate_data
from wipestation.vendors import manufacturer

ENTRY_POINT_GROUP = "wipestation.certificates"
LANGUAGES = ("nl", "en")
ANONYMISED = "anonymised"
SCHEMA = 1

# Why an erasure happened: the retention rule that made the record due.
RULE_RETENTION = "retention-period"  # the backup's retention period (30 days) ended
RULE_EARLY = "early-deletion"  # the customer asked for early deletion
RULE_HOLD_RELEASED = "hold-released"  # due after a hold was released
RULE_NO_RECORD = "no-record"  # a shop drive with no customer backup on record
RULE_BEFORE_DESTRUCTION = "before-destruction"  # an abandoned disk, erased before it is destroyed


# --- The certificate data ------------------------------------------------------------------------


@dataclass(frozen=True)
class Issuer:
    name: str
    address: str
    kvk: str
    contact: str


@dataclass(frozen=True)
class CustomerRef:
    """Minimal: the name (or "anonymised") and the repair job reference."""

    name: str
    job_ref: str | None


@dataclass(frozen=True)
class DriveFacts:
    manufacturer: str | None
    model: str | None
    serial: str
    capacity_bytes: int | None
    firmware: str | None
    bus: str | None
    media: str | None
    host_computer: str | None


@dataclass(frozen=True)
class Evidence:
    file: str
    sha256: str


@dataclass(frozen=True)
class ErasureFacts:
    backup_made_on: date | None  # why the data existed: a backup made on DATE for job JOB
    retention_rule: str  # RULE_*
    retention_days: int
    due_on: date | None
    nist_category: str  # Clear / Purge, never overstated
    method: str
    technique: str  # with parameters, e.g. "overwrite, 1 pass, zeros"
    passes: int
    tool: str
    hpa_dco: str | None
    started_at: datetime
    ended_at: datetime
    duration_seconds: int
    bytes_total: int
    bytes_written: int
    bytes_verified: int
    errors: int
    verify_method: str  # full / sample / none
    verify_result: str | None
    verify_seed: str | None
    verify_coverage_percent: str | None  # "10.00", a string so the hash never depends on float printing
    destination: str  # "backup-pool", or "destruction" for an abandoned disk
    abandoned: bool = False  # the disk of an abandoned computer (started_on: declared abandoned)
    # Sectors hidden by an HPA/DCO that the erasure did not write (an erasure "with exceptions"), and
    # their size. Left out of the data when None, so certificates issued before keep their hash.
    sectors_not_written: int | None = field(default=None, metadata={"omit_if_none": True})
    bytes_not_written: int | None = field(default=None, metadata={"omit_if_none": True})
    health: str | None = None  # the drive's health after the erasure, one line (backup drives)


@dataclass(frozen=True)
class DestructionFacts:
    abandoned_on: date  # the date the computer was declared abandoned
    retention_end: date
    received_on: date
    storage_location: str | None
    seal_number: str | None
    serial_rescanned: bool
    method: str  # shred / disintegrate / crush / drill / degauss
    equipment: str | None
    protection_class: int  # DIN 66399 protection class 1..3
    level: str  # H-x / E-x
    particle_size: str | None
    prior_erasure: str | None  # number of an earlier erasure certificate, if any
    place: str
    operator: str
    witness: str | None
    destroyed_on: date
    batch: str
    early_reason: str | None
    lower_level_reason: str | None
    evidence: tuple[Evidence, ...]
    # The shop's own backup drive, retired and destroyed for the shop's records (issue 17): the owner
    # ("shop"), why (the retirement reason) and the drive's last health reading. Left out of the data
    # when None, so the certificates of customers' disks keep their canonical bytes (and hash).
    owner: str | None = field(default=None, metadata={"omit_if_none": True})
    shop_reason: str | None = field(default=None, metadata={"omit_if_none": True})
    health: str | None = field(default=None, metadata={"omit_if_none": True})


@dataclass(frozen=True)
class AuditHeadRef:
    """The audit log's newest event when the certificate was issued: `audit verify` checks that the
    chain still holds it, so a history cut short or rewritten before the certificate is noticed."""

    event: int
    hash: str


@dataclass(frozen=True)
class CertificateData:
    """Everything printed on one certificate: plain values only, built by the core."""

    kind: str  # "erasure" / "destruction"
    number: str
    issued_at: datetime
    issuer: Issuer
    customer: CustomerRef | None
    drive: DriveFacts
    technician: str
    validator: str | None = None
    erasure: ErasureFacts | None = None
    destruction: DestructionFacts | None = None
    anonymised: bool = False
    timezone: str = "Europe/Amsterdam"  # the shop's: times are printed in it
    schema: int = SCHEMA
    audit_head: AuditHeadRef | None = None

    def to_dict(self) -> dict[str, Any]:
        out = typing.cast(dict[str, Any], _to_plain(self))
        erasure = out.get("erasure")
        if isinstance(erasure, dict) and erasure.get("health") is None:
            # certificates issued before health was recorded keep their canonical bytes (and hash)
            erasure.pop("health", None)
        return out

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> CertificateData:
        return typing.cast(CertificateData, _from_plain(cls, raw))

    def canonical(self) -> bytes:
        return canonical_json(self.to_dict())

    def sha256(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: the bytes whose SHA-256 is printed on the certificate."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


QR_PREFIX = "WSCERT"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class QrPayload:
    number: str
    sha256: str
    verify_url: str | None = None  # the shop's verification page, when the QR carries a URL


def qr_payload(number: str, sha256: str, verify_url: str | None = None) -> str:
    """What the QR code carries (and the PDF's Subject): `VERIFY_URL#<number>.<sha256>` when the shop
    publishes a verification page (`[certificates] verify_url`), else `WSCERT:<number>:<sha256>`."""
    if verify_url:
        return f"{verify_url}#{number}.{sha256}"
    return f"{QR_PREFIX}:{number}:{sha256}"


def parse_qr_payload(text: str) -> QrPayload | None:
    text = text.strip()
    if "#" in text:
        url, _, fragment = text.rpartition("#")
        number, _, sha256 = fragment.rpartition(".")
        if not url.startswith(("https://", "http://")) or not number or not _HEX64.match(sha256):
            return None
        return QrPayload(number, sha256, url)
    parts = text.split(":")
    if len(parts) != 3 or parts[0] != QR_PREFIX:
        return None
    return QrPayload(parts[1], parts[2])


def _to_plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _to_plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not (f.metadata.get("omit_if_none") and getattr(value, f.name) is None)
        }
    if isinstance(value, tuple | list):
        return [_to_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _from_plain(tp: Any, raw: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return None if raw is None else _from_plain(args[0], raw)
    if origin is tuple:
        return tuple(_from_plain(typing.get_args(tp)[0], v) for v in raw)
    if dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        kwargs = {f.name: _from_plain(hints[f.name], raw[f.name]) for f in dataclasses.fields(tp) if f.name in raw}
        return tp(**kwargs)  # type: ignore[operator]
    if tp is datetime:
        return datetime.fromisoformat(raw)
    if tp is date:
        return date.fromisoformat(raw)
    return raw


# --- The renderer, through an entry point --------------------------------------------------------


@dataclass(frozen=True)
class VerifyReport:
    """What a renderer found in a PDF. `problems` empty means authentic and unchanged."""

    number: str | None = None
    sha256: str | None = None  # of the embedded canonical data
    stated_sha256: str | None = None  # the hash the QR code and the page carry
    signer_fingerprint: str | None = None
    data: dict[str, Any] | None = None
    problems: tuple[str, ...] = field(default=())
    key_known: bool = True  # False: no fingerprint here to compare the signer with (cannot be checked)
    verify_url: str | None = None  # where the shop publishes its page and fingerprint (from the QR payload)

    @property
    def ok(self) -> bool:
        """Genuine: nothing wrong, and the signer is the shop's known key."""
        return not self.problems and self.key_known


class CertificateRenderer(Protocol):
    """Renders certificate data to a signed PDF and checks such PDFs (the `certificates` package)."""

    def prepare(self) -> None:
        """Load (or create on first use) the signing key; raise ConfigError when it is damaged."""
        ...

    def render(self, data: CertificateData, lang: str) -> bytes:
        """A signed PDF of `data` in `lang` ("nl" or "en")."""
        ...

    def verify(self, pdf: bytes) -> VerifyReport:
        """Check signature, signer, embedded data and stated hash; never raises for a bad PDF."""
        ...


def load_renderer(config: Config) -> CertificateRenderer:
    """The renderer registered under the `wipestation.certificates` entry point ("default")."""
    from wipestation.plugins import load_plugin

    factory = load_plugin(ENTRY_POINT_GROUP, "the certificate renderer")
    return typing.cast(CertificateRenderer, factory(config))


# --- Numbers -------------------------------------------------------------------------------------


def format_number(prefix: str, year: int, seq: int) -> str:
    return f"{prefix}-{year}-{seq:06d}"


def next_number(session: Session, env: Env) -> tuple[int, int, str]:
    """Take the next number of this year: (year, seq, number). The counter row stays locked until
    the caller's transaction ends, so numbers are unique and gap-free across processes."""
    year = env.today().year
    stmt = select(CertificateCounter).where(CertificateCounter.year == year).with_for_update()
    counter = session.execute(stmt).scalar_one_or_none()
    if counter is None:
        try:
            with session.begin_nested():
                session.add(CertificateCounter(year=year, last_seq=0))
        except IntegrityError:  # another workstation created this year's row first
            pass
        counter = session.execute(stmt.execution_options(populate_existing=True)).scalar_one()
    counter.last_seq += 1
    session.flush()
    return year, counter.last_seq, format_number(env.config.certificates.prefix, year, counter.last_seq)


# --- Building the data ---------------------------------------------------------------------------


def _issuer(config: Config) -> Issuer:
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
    details = erasure.details or {}
    text = str(details.get("technique") or erasure.method)
    if erasure.passes:
        text += f", {erasure.passes} pass" + ("es" if erasure.passes != 1 else "")
    pattern = details.get("pattern")
    if pattern:
        text += f", {pattern}"
    return text


def _hpa_dco(erasure: Erasure) -> str | None:
    details = erasure.details or {}
    value = details.get("hpa_dco")
    if value is None and ("hpa" in details or "dco" in details):
        value = f"HPA: {details.get('hpa', '?')}; DCO: {details.get('dco', '?')}"
    return None if value is None else str(value)


def _certificate_data(
    session: Session,
    kind: CertificateKind,
    number: str,
    env: Env,
    drive: Drive,
    record: CustodyRecord | None,
    technician: str,
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
        **facts,
    )


def build_erasure_data(session: Session, env: Env, erasure: Erasure, number: str) -> CertificateData:
    drive = session.get(Drive, erasure.drive_id)
    if drive is None:
        raise NotFound(f"erasure {erasure.id}: drive {erasure.drive_id} not found")
    record = session.get(CustodyRecord, erasure.record_id) if erasure.record_id is not None else None
    ended_at = erasure.ended_at or env.now()
    coverage = erasure.verify_coverage
    abandoned = record is not None and record.kind is CustodyKind.ABANDONED
    details = erasure.details or {}
    not_written = details.get("sectors_not_written") if erasure.outcome is ErasureOutcome.WITH_EXCEPTIONS else None
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
        hpa_dco=_hpa_dco(erasure),
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
        sectors_not_written=None if not_written is None else int(not_written),
        bytes_not_written=None if not_written is None else int(not_written) * int(details.get("sector_size", 512)),
        health=_health_line(session, erasure.id),
    )
    return _certificate_data(
        session, CertificateKind.ERASURE, number, env, drive, record, erasure.technician, erasure=facts
    )


def _health_line(session: Session, erasure_id: int) -> str | None:
    from wipestation.health import health_for_erasure, health_summary

    row = health_for_erasure(session, erasure_id)
    return health_summary(row) if row is not None else None


def protection_class(level: str) -> int:
    """The highest DIN 66399 protection class a security level satisfies (class 1: levels 1-3,
    class 2: levels 3-5, class 3: levels 4-7)."""
    n = int(level.split("-")[1])
    return 1 if n <= 2 else 2 if n == 3 else 3


def build_destruction_data(
    session: Session, env: Env, destruction: Destruction, number: str, prior_erasure: str | None = None
) -> CertificateData:
    record = session.get(CustodyRecord, destruction.record_id)
    drive = session.get(Drive, destruction.drive_id)
    if record is None or drive is None:
        raise NotFound(f"destruction {destruction.id}: record or drive not found")
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
        **_shop_drive_facts(session, record),
    )
    return _certificate_data(
        session, CertificateKind.DESTRUCTION, number, env, drive, record, destruction.operator, destruction=facts
    )


def _shop_drive_facts(session: Session, record: CustodyRecord) -> dict[str, Any]:
    """For the shop's own drive (a record of kind shop): the owner, why it is destroyed, and the
    newest health reading of the drive (its verdict and figures); nothing for a customer's disk."""
    if record.kind is not CustodyKind.SHOP:
        return {}
    from wipestation.health import health_summary, latest_health

    row = latest_health(session, record.drive_id)
    return {
        "owner": "shop",
        "shop_reason": record.destroy_reason or record.drive.retired_reason,
        "health": health_summary(row) if row is not None else None,
    }


# --- Issuing -------------------------------------------------------------------------------------


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
    session: Session, env: Env, renderer: CertificateRenderer, erasure_id: int
) -> Certificate:
    """Issue, sign and store the certificate of a successful erasure, or of one "with exceptions"
    (which then states the sectors it did not write), inside the caller's transaction. A failed,
    interrupted or running erasure never yields one."""
    erasure = session.get(Erasure, erasure_id)
    if erasure is None:
        raise NotFound(f"erasure {erasure_id} not found")
    if not erasure.outcome.erased:
        raise InvalidState(f"erasure {erasure_id} did not succeed ({erasure.outcome.value}): no certificate")
    existing = session.execute(select(Certificate).where(Certificate.erasure_id == erasure_id)).scalar_one_or_none()
    if existing is not None:
        raise InvalidState(f"erasure {erasure_id} already has certificate {existing.number}")
    year, seq, number = next_number(session, env)
    data = build_erasure_data(session, env, erasure, number)
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


def issue_destruction_certificate(
    session: Session, env: Env, renderer: CertificateRenderer, destruction_id: int
) -> Certificate:
    """Issue, sign and store the certificate of one drive's destruction (caller's transaction)."""
    destruction = session.get(Destruction, destruction_id)
    if destruction is None:
        raise NotFound(f"destruction {destruction_id} not found")
    existing = session.execute(
        select(Certificate).where(Certificate.destruction_id == destruction_id)
    ).scalar_one_or_none()
    if existing is not None:
        raise InvalidState(f"destruction {destruction_id} already has certificate {existing.number}")
    prior = session.execute(
        select(Certificate.number)
        .join(Erasure, Erasure.id == Certificate.erasure_id)
        .where(Erasure.drive_id == destruction.drive_id, Erasure.record_id == destruction.record_id)
        .order_by(Certificate.id.desc())
    ).first()
    year, seq, number = next_number(session, env)
    data = build_destruction_data(session, env, destruction, number, prior_erasure=prior[0] if prior else None)
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


# --- Reading, other languages, anonymisation -----------------------------------------------------


def find_certificate(session: Session, number: str) -> Certificate:
    cert = session.execute(select(Certificate).where(Certificate.number == number.strip())).scalar_one_or_none()
    if cert is None:
        raise NotFound(f"no certificate {number}")
    return cert


def list_certificates(session: Session) -> Sequence[Certificate]:
    return session.execute(select(Certificate).order_by(Certificate.year, Certificate.seq)).scalars().all()


def certificate_to_dict(cert: Certificate) -> dict[str, Any]:
    drive = cert.data.get("drive", {}) if isinstance(cert.data, dict) else {}
    return {
        "number": cert.number,
        "kind": cert.kind.value,
        "issued_at": cert.issued_at.isoformat(),
        "issued_by": cert.issued_by,
        "record_id": cert.record_id,
        "erasure_id": cert.erasure_id,
        "destruction_id": cert.destruction_id,
        "serial": drive.get("serial"),
        "sha256": cert.sha256,
        "languages": sorted(d.lang for d in cert.documents),
    }


def certificate_pdf(
    session: Session, env: Env, renderer: CertificateRenderer | None, number: str, lang: str | None = None
) -> bytes:
    """The stored signed PDF in `lang` (default: the configured language). A language not stored yet
    is rendered from the stored data, signed, stored, and returned; so is any copy after the
    customer was anonymised (the stored PDFs were deleted then)."""
    lang = lang or env.config.certificates.language
    if lang not in LANGUAGES:
        raise ConfigError(f"unknown certificate language '{lang}' (nl or en)")
    cert = find_certificate(session, number)
    for doc in cert.documents:
        if doc.lang == lang:
            return doc.pdf
    if renderer is None:
        raise ConfigError("no certificate renderer available")
    data = CertificateData.from_dict(cert.data)
    pdf = renderer.render(data, lang)
    session.add(CertificateDocument(certificate_id=cert.id, lang=lang, pdf=pdf, created_at=env.now()))
    record_event(
        session, env, Action.CERTIFICATE_RENDERED, "certificate", cert.id, after={"number": cert.number, "lang": lang}
    )
    session.flush()
    return pdf


def stored_hashes(cert: Certificate) -> set[str]:
    """The hashes a genuine PDF of this certificate may carry: the original, and once the customer
    was anonymised also that of the anonymised data stored now."""
    hashes = {cert.sha256}
    if isinstance(cert.data, dict) and cert.data.get("anonymised"):
        hashes.add(hashlib.sha256(canonical_json(cert.data)).hexdigest())
    return hashes


def anonymised_data(data: dict[str, Any]) -> dict[str, Any]:
    """Certificate data as `customer anonymise` leaves it: the customer's name, the host computer's
    name and the typed reasons replaced (wipestation.privacy)."""
    return scrub_certificate_data(data)


def stored_record_problem(cert: Certificate, sha256: str, data: dict[str, Any] | None) -> str | None:
    """Why a PDF whose embedded data hashes to `sha256` (and reads as `data`) does not match the
    record stored for its number, or None when it does. A record whose data no longer hashes to its
    own sha256 (other than by anonymisation) was changed behind the tool's back and vouches for nothing."""
    differs = f"the certificate data differs from the record stored for {cert.number}"
    if sha256 not in stored_hashes(cert):
        return differs
    stored = cert.data if isinstance(cert.data, dict) else {}
    current = hashlib.sha256(canonical_json(stored)).hexdigest()
    if current == cert.sha256:
        return None
    if not stored.get("anonymised"):
        return f"the record stored for {cert.number} was changed (its data no longer matches its hash)"
    if sha256 == cert.sha256 and (data is None or anonymised_data(data) != stored):
        return differs  # the customer's original copy, but not of the record stored (anonymised)
    return None


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
        cert.data = anonymised_data(cert.data)
        changed += 1
    session.flush()
    return changed
