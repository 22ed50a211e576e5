"""Mailing a certificate to the customer: the signed PDF with a short Dutch or English message.

Every attempt is a `certificate_sends` row with its outcome; the audit events name the certificate,
the language and the outcome, never the address. A failed send stays pending until
`certificate send --pending` gets it through. With `[certificates] send_on_issue = true` a new
certificate goes to its customer right after the issuing transaction (`send_on_issue`), through the
same code; a failure there never undoes the erasure or destruction, it is reported and stays pending.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from wipestation.audit.log import Action, record_event
from wipestation.common.config import MailConfig
from wipestation.common.env import Env
from wipestation.common.errors import BadValue, ConfigError, InvalidState, WipestationError
from wipestation.common.i18n import N_, Phrase, _, english
from wipestation.common.inputs import Address
from wipestation.documents import mail
from wipestation.documents.certify import LANGUAGES, CertificateRenderer, certificate_pdf, find_certificate
from wipestation.documents.revocations import revocation_of
from wipestation.store.models import Certificate, CertificateSend, CustodyRecord

SENT = "sent"
FAILED = "failed"

SUBJECT = {
    "nl": "Uw certificaat {number} van {shop}",
    "en": "Your certificate {number} from {shop}",
}
KIND = {
    "nl": {"erasure": "gegevensverwijdering", "destruction": "vernietiging"},
    "en": {"erasure": "data erasure", "destruction": "destruction"},
}
BODY = {
    "nl": (
        "Beste klant,\n\n"
        "In de bijlage vindt u certificaat {number} ({kind}) van {shop_sentence}\n"
        "Het PDF-bestand is digitaal ondertekend.{check}\n\n"
        "Met vriendelijke groet,\n{shop}\n{contact}\n"
    ),
    "en": (
        "Dear customer,\n\n"
        "Attached is certificate {number} ({kind}) from {shop_sentence}\n"
        "The PDF file is digitally signed.{check}\n\n"
        "Kind regards,\n{shop}\n{contact}\n"
    ),
}
CHECK = {
    "nl": " U kunt het controleren op {url} (open de link of zet het bestand daar neer).",
    "en": " You can check it on {url} (open the link, or drop the file there).",
}

Sender = Callable[[MailConfig, EmailMessage], None]


@dataclass(frozen=True)
class SendResult:
    number: str
    lang: str
    status: str  # sent / failed
    error: str | None = None

    recorded: bool = True  # False: it failed before an attempt could be recorded (not pending)

    def to_dict(self) -> dict[str, object]:
        return {"number": self.number, "lang": self.lang, "status": self.status, "error": self.error}

    def failure_line(self) -> str | None:
        """One line for the issuing command when the automatic send failed, saying how to retry."""
        if self.status != FAILED:
            return None
        retry = "--pending" if self.recorded else self.number
        # a Phrase: `erase --json` keeps it English (mail_warning), the CLI shows it in the reader's language
        return Phrase(
            N_(
                "warning: certificate {number} was issued but not sent ({error}); "
                "retry: wipestation certificate send {retry}"
            ),
            number=self.number,
            error=self.error,
            retry=retry,
        )


def check_address(address: str, what: str = "--to") -> str:
    """One e-mail address, through the standard library's parser (wipestation.common.inputs.Address)."""
    return Address().take(address, what)


def customer_address(session: Session, cert: Certificate) -> str | None:
    record = session.get(CustodyRecord, cert.record_id) if cert.record_id is not None else None
    if record is None or record.customer is None or record.customer.anonymised_at is not None:
        return None  # no record, the shop's own drive (no customer), or anonymised
    return record.customer.email or None


def build_message(env: Env, cert: Certificate, pdf: bytes, *, to: str, lang: str) -> EmailMessage:
    shop = env.config.shop
    url = env.config.certificates.verify_url
    values = {
        "number": cert.number,
        "shop": shop.name,
        # the sentence ends with the name: "Jansen B.V." gets no second full stop
        "shop_sentence": shop.name if shop.name.endswith(".") else f"{shop.name}.",
        "contact": shop.contact,
        "kind": KIND[lang].get(cert.kind.value, cert.kind.value),
        "check": CHECK[lang].format(url=url) if url else "",
    }
    message = mail.new_message(
        env.config.mail, to=to, subject=SUBJECT[lang].format(**values), body=BODY[lang].format(**values), now=env.now()
    )
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=f"{cert.number}.pdf")
    return message


def send_certificate(
    session: Session,
    env: Env,
    renderer: CertificateRenderer | None,
    number: str,
    *,
    to: str | None = None,
    lang: str | None = None,
    sender: Sender = mail.send,
) -> SendResult:
    """Mail certificate `number` (inside the caller's transaction); the attempt is recorded whatever
    its outcome. Bad input (no address, unknown number, mail not configured) raises before anything
    is recorded."""
    lang = lang or env.config.certificates.language
    if lang not in LANGUAGES:
        raise BadValue(_("unknown language '{lang}' (nl or en)").format(lang=lang))
    cert = find_certificate(session, number)
    refuse_revoked(session, cert)
    address = to if to is not None else customer_address(session, cert)
    if address is None:
        raise BadValue(
            _("certificate {number}: the customer has no e-mail address on record (give --to ADDR)").format(
                number=cert.number
            )
        )
    address = check_address(address, "--to" if to is not None else _("the customer's e-mail address"))
    if not env.config.mail.configured:
        raise ConfigError(_("mail is not configured: set [mail] host and from in the config"))
    mail.check_password(env.config.mail)  # a setting to correct, not a delivery that failed: nothing recorded
    pdf = certificate_pdf(session, env, renderer, cert.number, lang)
    message = build_message(env, cert, pdf, to=address, lang=lang)
    return _attempt(session, env, cert, message, address=address, lang=lang, sender=sender)


def refuse_revoked(session: Session, cert: Certificate) -> None:
    """A revoked certificate is never mailed: the customer would hold a document the shop withdrew."""
    revocation = revocation_of(session, cert)
    if revocation is not None:
        raise InvalidState(
            _("certificate {number} was revoked on {day} ({reason}): a revoked certificate is not sent").format(
                number=cert.number, day=revocation.revoked_at.date().isoformat(), reason=revocation.reason
            )
        )


def _attempt(
    session: Session,
    env: Env,
    cert: Certificate,
    message: EmailMessage,
    *,
    address: str,
    lang: str,
    sender: Sender,
) -> SendResult:
    error: str | None = None
    try:
        with english():  # the failure is stored with the attempt (and its audit event): English
            sender(env.config.mail, message)
    except WipestationError as exc:
        error = " ".join(str(exc).split()).replace(address, "<address>")
    status = FAILED if error else SENT
    session.add(
        CertificateSend(
            certificate_id=cert.id,
            lang=lang,
            address=address,
            status=status,
            error=error,
            attempted_at=env.now(),
            attempted_by=env.actor,
        )
    )
    session.flush()
    record_event(
        session,
        env,
        Action.CERTIFICATE_MAILED if status == SENT else Action.CERTIFICATE_MAIL_FAILED,
        "certificate",
        cert.id,
        after={"number": cert.number, "lang": lang, "status": status, "error": error},
    )
    return SendResult(number=cert.number, lang=lang, status=status, error=error)


def pending(session: Session) -> list[CertificateSend]:
    """The last attempt of each certificate whose last attempt failed."""
    latest = select(func.max(CertificateSend.id)).group_by(CertificateSend.certificate_id).scalar_subquery()
    stmt = (
        select(CertificateSend)
        .where(CertificateSend.id.in_(latest), CertificateSend.status == FAILED)
        .order_by(CertificateSend.id)
    )
    return list(session.execute(stmt).scalars())


def retry_pending(
    session: Session, env: Env, renderer: CertificateRenderer | None, *, sender: Sender = mail.send
) -> list[SendResult]:
    """Send again every certificate whose last attempt failed, to the same address in the same language.
    A certificate revoked since is no longer pending: it is not sent."""
    results = []
    for row in pending(session):
        cert = session.get(Certificate, row.certificate_id)
        assert cert is not None
        if revocation_of(session, cert) is not None:
            continue
        pdf = certificate_pdf(session, env, renderer, cert.number, row.lang)
        message = build_message(env, cert, pdf, to=row.address, lang=row.lang)
        results.append(_attempt(session, env, cert, message, address=row.address, lang=row.lang, sender=sender))
    return results


def send_on_issue(
    sessions: sessionmaker[Session],
    env: Env,
    renderer: CertificateRenderer | None,
    number: str,
    *,
    sender: Sender = mail.send,
) -> SendResult | None:
    """`[certificates] send_on_issue`: mail a just-issued certificate to its customer, in its own
    transaction after the one that issued it (no mail for a certificate that was rolled back, and no
    number lock held while the server answers). None when it is off or the customer has no address.
    A failure is returned, never raised: the attempt is recorded (pending) like a manual send's."""
    if not env.config.certificates.send_on_issue:
        return None
    lang = env.config.certificates.language
    try:
        with sessions.begin() as session:
            cert = find_certificate(session, number)
            if customer_address(session, cert) is None:
                return None
            return send_certificate(session, env, renderer, number, lang=lang, sender=sender)
    except (WipestationError, SQLAlchemyError) as exc:
        error = " ".join(str(exc).split()) if isinstance(exc, WipestationError) else type(exc).__name__
        return SendResult(number=number, lang=lang, status=FAILED, error=error, recorded=False)
