"""Stored certificates: reading them, their PDFs in other languages, their hashes, and forgetting
a customer's documents."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wipestation.audit.log import Action, record_event
from wipestation.common.env import Env
from wipestation.common.errors import ConfigError, NotFound
from wipestation.common.i18n import N_, Phrase, _
from wipestation.documents.certify.data import LANGUAGES, CertificateData, canonical_json
from wipestation.documents.certify.renderer import CertificateRenderer
from wipestation.records.privacy import scrub_certificate_data
from wipestation.store.models import (
    Certificate,
    CertificateDocument,
)


def find_certificate(session: Session, number: str) -> Certificate:
    cert = session.execute(select(Certificate).where(Certificate.number == number.strip())).scalar_one_or_none()
    if cert is None:
        raise NotFound(_("no certificate {number}").format(number=number))
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
        raise ConfigError(_("unknown certificate language '{lang}' (nl or en)").format(lang=lang))
    cert = find_certificate(session, number)
    for doc in cert.documents:
        if doc.lang == lang:
            return doc.pdf
    if renderer is None:
        raise ConfigError(_("no certificate renderer available"))
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
    name and the typed reasons replaced (wipestation.records.privacy)."""
    return scrub_certificate_data(data)


def stored_record_problem(cert: Certificate, sha256: str, data: dict[str, Any] | None) -> str | None:
    """Why a PDF whose embedded data hashes to `sha256` (and reads as `data`) does not match the
    record stored for its number, or None when it does. A record whose data no longer hashes to its
    own sha256 (other than by anonymisation) was changed behind the tool's back and vouches for nothing."""
    differs = Phrase(N_("the certificate data differs from the record stored for {number}"), number=cert.number)
    if sha256 not in stored_hashes(cert):
        return differs
    stored = cert.data if isinstance(cert.data, dict) else {}
    current = hashlib.sha256(canonical_json(stored)).hexdigest()
    if current == cert.sha256:
        return None
    if not stored.get("anonymised"):
        return Phrase(
            N_("the record stored for {number} was changed (its data no longer matches its hash)"), number=cert.number
        )
    if sha256 == cert.sha256 and (data is None or anonymised_data(data) != stored):
        return differs  # the customer's original copy, but not of the record stored (anonymised)
    return None
