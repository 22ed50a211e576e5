"""The store: SQLAlchemy 2 typed models.

Business timestamps come from the injected Clock (never column defaults). Enums are stored by value.
Audit events name records by id and never carry personal data.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Dialect,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from wipestation.common.erasure_details import ErasureDetails, from_json, to_json
from wipestation.common.outcome import ErasureOutcome as ErasureOutcome  # re-exported: the store keeps it by value

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite drops tzinfo)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class ErasureDetailsJSON(TypeDecorator[ErasureDetails]):
    """`Erasure.details`: typed on the way in and out; `common/erasure_details` owns the JSON form."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: ErasureDetails | None, dialect: Dialect) -> dict[str, Any]:
        return to_json(value or ErasureDetails())

    def process_result_value(self, value: dict[str, Any] | None, dialect: Dialect) -> ErasureDetails:
        return from_json(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=False,
        length=24,
        values_callable=lambda e: [m.value for m in e],
    )


class CustodyKind(enum.StrEnum):
    BACKUP = "backup"
    ABANDONED = "abandoned"
    # the shop's own backup drive, retired (failing health) and queued for destruction: no customer,
    # its destruction certificate is for the shop's own records (issue 17)
    SHOP = "shop"


class CustodyState(enum.StrEnum):
    """Stored state. `due` is not stored: it is derived from the effective due date."""

    HOLDING = "holding"  # backup kept for the customer
    STORED = "stored"  # abandoned disk on the shelf
    ERASING = "erasing"  # an erasure is running on the drive
    ERASED = "erased"  # closed: backup erased (certificate issued)
    DESTROYED = "destroyed"  # closed: abandoned disk destroyed (certificate issued)

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATES


# The states of a record the shop still keeps (defined once: services, views and the console use it).
OPEN_STATES = (CustodyState.HOLDING, CustodyState.STORED, CustodyState.ERASING)


class DriveOwner(enum.StrEnum):
    SHOP = "shop"  # a backup drive of the shop's pool, reused
    CUSTOMER = "customer"  # a customer's disk (abandoned computer)


class CertificateKind(enum.StrEnum):
    ERASURE = "erasure"
    DESTRUCTION = "destruction"


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(60))
    address: Mapped[str | None] = mapped_column(String(400))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    anonymised_at: Mapped[datetime | None]

    records: Mapped[list[CustodyRecord]] = relationship(back_populates="customer")


class Drive(Base):
    __tablename__ = "drives"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    serial: Mapped[str] = mapped_column(String(120), unique=True)
    wwn: Mapped[str | None] = mapped_column(String(64))
    vendor: Mapped[str | None] = mapped_column(String(120))
    model: Mapped[str | None] = mapped_column(String(200))
    firmware: Mapped[str | None] = mapped_column(String(64))
    capacity_bytes: Mapped[int | None] = mapped_column(BigInteger)
    bus: Mapped[str | None] = mapped_column(String(16))  # ata, usb, nvme, scsi, loop, ...
    media: Mapped[str | None] = mapped_column(String(16))  # hdd, ssd, flash, unknown
    owner: Mapped[DriveOwner] = mapped_column(_enum(DriveOwner, "drive_owner"))
    erase_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]  # a shop drive taken out of the backup pool
    retired_reason: Mapped[str | None] = mapped_column(Text)

    records: Mapped[list[CustodyRecord]] = relationship(back_populates="drive")


class CustodyRecord(Base):
    """One drive in the shop's custody for one customer: a backup (30 days) or an abandoned disk; or,
    with no customer, one of the shop's own retired drives queued for destruction (kind `shop`)."""

    __tablename__ = "custody_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[CustodyKind] = mapped_column(_enum(CustodyKind, "custody_kind"))
    state: Mapped[CustodyState] = mapped_column(_enum(CustodyState, "custody_state"))
    drive_id: Mapped[int] = mapped_column(ForeignKey("drives.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))  # None: kind shop
    job_ref: Mapped[str | None] = mapped_column(String(120))
    started_on: Mapped[date] = mapped_column(Date)  # backup made on / declared abandoned on
    due_on: Mapped[date] = mapped_column(Date)  # by the retention rule, before holds
    deletion_requested_on: Mapped[date | None] = mapped_column(Date)
    deletion_reason: Mapped[str | None] = mapped_column(Text)  # how the customer asked (kept out of the audit)
    location: Mapped[str | None] = mapped_column(String(200))
    host_computer: Mapped[str | None] = mapped_column(String(200))
    seal_number: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(120))
    closed_at: Mapped[datetime | None]
    received_on: Mapped[date | None] = mapped_column(Date)  # taken in (None: the day it was registered)
    destroy_reason: Mapped[str | None] = mapped_column(Text)  # kind shop: why the shop destroys its drive

    drive: Mapped[Drive] = relationship(back_populates="records")
    customer: Mapped[Customer | None] = relationship(back_populates="records")
    holds: Mapped[list[Hold]] = relationship(back_populates="record", order_by="Hold.id")

    # the due rule's columns, so that it reads the index alone (`views.records._due_condition`)
    __table_args__ = (Index("ix_custody_records_state_due_requested", "state", "due_on", "deletion_requested_on"),)


class Hold(Base):
    """A dated, reasoned pause of a record's due date."""

    __tablename__ = "holds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("custody_records.id"), index=True)
    until: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(120))
    released_at: Mapped[datetime | None]
    released_by: Mapped[str | None] = mapped_column(String(120))
    release_reason: Mapped[str | None] = mapped_column(Text)

    record: Mapped[CustodyRecord] = relationship(back_populates="holds")


class Erasure(Base):
    """One run of a sanitisation method over a whole drive, with its honest result."""

    __tablename__ = "erasures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    drive_id: Mapped[int] = mapped_column(ForeignKey("drives.id"), index=True)
    record_id: Mapped[int | None] = mapped_column(ForeignKey("custody_records.id"), index=True)
    device_path: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(40))
    passes: Mapped[int] = mapped_column(Integer)
    nist_category: Mapped[str] = mapped_column(String(16))  # Clear / Purge
    verify_mode: Mapped[str] = mapped_column(String(16))  # full / sample / none
    verify_result: Mapped[str | None] = mapped_column(String(16))  # passed / failed / skipped
    verify_seed: Mapped[str | None] = mapped_column(String(64))
    verify_coverage: Mapped[float | None]
    bytes_total: Mapped[int] = mapped_column(BigInteger)
    bytes_written: Mapped[int] = mapped_column(BigInteger, default=0)
    bytes_verified: Mapped[int] = mapped_column(BigInteger, default=0)
    bad_ranges: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [[start, end), ...]
    outcome: Mapped[ErasureOutcome] = mapped_column(_enum(ErasureOutcome, "erasure_outcome"))
    error: Mapped[str | None] = mapped_column(Text)
    tool: Mapped[str] = mapped_column(String(200))  # name and version (+ hdparm/nvme versions)
    technician: Mapped[str] = mapped_column(String(120))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    pid: Mapped[int | None] = mapped_column(Integer)
    host: Mapped[str | None] = mapped_column(String(200))
    checkpoint_pass: Mapped[int] = mapped_column(Integer, default=0)
    checkpoint_offset: Mapped[int] = mapped_column(BigInteger, default=0)
    stream_key: Mapped[bytes | None] = mapped_column(LargeBinary)  # random passes; wiped at the end
    details: Mapped[ErasureDetails] = mapped_column(
        ErasureDetailsJSON, default=lambda: ErasureDetails()
    )  # HPA/DCO, firmware, ...


class Destruction(Base):
    """The physical destruction of one drive (one row per drive, even in a batch)."""

    __tablename__ = "destructions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch: Mapped[str] = mapped_column(String(40), index=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("custody_records.id"), unique=True)
    drive_id: Mapped[int] = mapped_column(ForeignKey("drives.id"), index=True)
    method: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(8))  # DIN 66399 security level, e.g. H-5
    equipment: Mapped[str | None] = mapped_column(String(200))
    place: Mapped[str | None] = mapped_column(String(200))
    operator: Mapped[str] = mapped_column(String(120))
    witness: Mapped[str | None] = mapped_column(String(120))
    destroyed_on: Mapped[date] = mapped_column(Date)
    early_reason: Mapped[str | None] = mapped_column(Text)
    lower_level_reason: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{"file", "sha256"}, ...]
    created_at: Mapped[datetime]
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class CertificateCounter(Base):
    """Gap-free certificate numbers per year, shared by every workstation on one database."""

    __tablename__ = "certificate_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer)


class Certificate(Base):
    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[CertificateKind] = mapped_column(_enum(CertificateKind, "certificate_kind"))
    record_id: Mapped[int | None] = mapped_column(ForeignKey("custody_records.id"), index=True)
    erasure_id: Mapped[int | None] = mapped_column(ForeignKey("erasures.id"), unique=True)
    destruction_id: Mapped[int | None] = mapped_column(ForeignKey("destructions.id"), unique=True)
    issued_at: Mapped[datetime]
    issued_by: Mapped[str] = mapped_column(String(120))
    sha256: Mapped[str] = mapped_column(String(64))  # of the canonical certificate data
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # the canonical certificate data

    documents: Mapped[list[CertificateDocument]] = relationship(back_populates="certificate")

    __table_args__ = (UniqueConstraint("year", "seq", name="uq_certificates_year_seq"),)


class CertificateDocument(Base):
    """A signed PDF rendering of a certificate, kept so the same bytes can be handed out again."""

    __tablename__ = "certificate_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"))
    lang: Mapped[str] = mapped_column(String(2))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]

    certificate: Mapped[Certificate] = relationship(back_populates="documents")

    __table_args__ = (UniqueConstraint("certificate_id", "lang", name="uq_certificate_documents_lang"),)


class AuditEvent(Base):
    """Append-only, hash-chained. Names records by id; never carries personal data."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    customer_id: Mapped[int | None] = mapped_column(Integer, index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_audit_events_entity", "entity", "entity_id"),)


class AuditHead(Base):
    """One row: the id and hash of the newest event. Locked while appending, so the chain stays
    linear across processes, and a deleted tail is noticed."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_event_id: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


class CertificateRevocation(Base):
    """A certificate the shop withdrew (issued by mistake): verify and the site then say `revoked`."""

    __tablename__ = "certificate_revocations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), unique=True)
    revoked_at: Mapped[datetime]
    revoked_by: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(Text)


class CertificateSend(Base):
    """One attempt to mail a certificate to the customer, with its outcome (`sent` or `failed`).
    A failed row is retried by `certificate send --pending` until a later attempt succeeds."""

    __tablename__ = "certificate_sends"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), index=True)
    lang: Mapped[str] = mapped_column(String(2))
    address: Mapped[str] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(20))  # sent / failed / retried (a later attempt took over)
    error: Mapped[str | None] = mapped_column(Text)
    attempted_at: Mapped[datetime]
    attempted_by: Mapped[str] = mapped_column(String(120))


class DriveHealth(Base):
    """One reading of a drive's health (SMART and what its erasures showed), with our verdict:
    healthy, failing, or unknown (no SMART: never taken for healthy)."""

    __tablename__ = "drive_health"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    drive_id: Mapped[int] = mapped_column(ForeignKey("drives.id"), index=True)
    erasure_id: Mapped[int | None] = mapped_column(ForeignKey("erasures.id"), index=True)
    read_at: Mapped[datetime]
    verdict: Mapped[str] = mapped_column(String(16))  # healthy / failing / unknown
    smart_passed: Mapped[bool | None]  # the drive's own overall self-assessment, if it gave one
    source: Mapped[str] = mapped_column(String(40))  # smartctl, smartctl+nvme, none
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)  # why failing / why unknown
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the counters read
    read_by: Mapped[str] = mapped_column(String(120))
