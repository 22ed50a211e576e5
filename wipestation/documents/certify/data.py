"""Certificate data: what the customer receives (frozen), its canonical JSON and hash, the QR payload.
The renderer never sees the database: it gets this data and nothing else.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import types
import typing
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

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
    # Issue 28, as a commercial erasure report has them; left out when unknown (older certificates
    # keep their hash): the logical sector size and count, the workstation that erased, the shop's tag.
    sector_size: int | None = field(default=None, metadata={"omit_if_none": True})
    sector_count: int | None = field(default=None, metadata={"omit_if_none": True})
    workstation: str | None = field(default=None, metadata={"omit_if_none": True})
    asset_tag: str | None = field(default=None, metadata={"omit_if_none": True})


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
    # the shop's own asset or service tag (`destroy --asset-tag`), as on an erasure's certificate
    asset_tag: str | None = field(default=None, metadata={"omit_if_none": True})


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
    # issued after the work ended, at a later start (a crash or a full disk came between): the
    # certificate says so; its times and figures are the work's own
    issued_later: bool = False

    def to_dict(self) -> dict[str, Any]:
        out = typing.cast(dict[str, Any], _to_plain(self))
        if not out.get("issued_later"):
            out.pop("issued_later", None)  # every certificate issued in time keeps its canonical bytes
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
