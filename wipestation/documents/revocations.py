"""Withdrawing a certificate that was issued by mistake.

The certificate, its data and its PDFs stay (the number is never reused); a revocation row says when,
by whom and why. `certificate verify` at the shop and the published verification site then say
"revoked" instead of "genuine".
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from wipestation.audit.log import Action, record_event
from wipestation.common.env import Env
from wipestation.common.errors import BadValue, InvalidState
from wipestation.common.i18n import _
from wipestation.common.text import REVOCATION_REASON_LIMIT
from wipestation.documents.certify import find_certificate
from wipestation.store.models import Certificate, CertificateRevocation

REASON_LIMIT = REVOCATION_REASON_LIMIT


def revocation_of(session: Session, cert: Certificate) -> CertificateRevocation | None:
    return session.execute(
        select(CertificateRevocation).where(CertificateRevocation.certificate_id == cert.id)
    ).scalar_one_or_none()


def revoke(session: Session, env: Env, number: str, reason: str) -> CertificateRevocation:
    """Mark certificate `number` revoked (inside the caller's transaction); once only."""
    cleaned = " ".join(reason.split())
    if not cleaned:
        raise BadValue(_("--reason is empty: say why the certificate is withdrawn"))
    if len(cleaned) > REASON_LIMIT:
        raise BadValue(_("{what} is longer than {limit} characters").format(what="--reason", limit=REASON_LIMIT))
    cert = find_certificate(session, number)
    existing = revocation_of(session, cert)
    if existing is not None:
        raise InvalidState(
            _("certificate {number} was revoked already on {day}").format(
                number=cert.number, day=existing.revoked_at.date().isoformat()
            )
        )
    row = CertificateRevocation(certificate_id=cert.id, revoked_at=env.now(), revoked_by=env.actor, reason=cleaned)
    session.add(row)
    session.flush()
    # the reason stays in the revocation row (anonymising scrubs it), out of the chain: typed text may
    # name the customer, as hold reasons may
    record_event(
        session,
        env,
        Action.CERTIFICATE_REVOKED,
        "certificate",
        cert.id,
        after={"number": cert.number},
    )
    return row
