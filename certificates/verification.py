"""Check a certificate PDF: what makes it genuine (see certificates/signing.py for how it is made).

A genuine certificate: exactly the shop's signature(s), the last one valid and covering the whole
file; a `certificate.json` attachment whose SHA-256 equals the hash carried by the QR code (also the
PDF's Subject) and printed on the page; the same number in the data and in the QR code.
"""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from certificates.signing import ATTACHMENT_NAME
from wipestation.certify import VerifyReport, parse_qr_payload
from wipestation.i18n import N_, Phrase


def _attachment(reader: PdfFileReader) -> bytes | None:
    try:
        names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
    except (KeyError, TypeError):
        return None
    for i in range(0, len(names) - 1, 2):
        if str(names[i]) == ATTACHMENT_NAME:
            spec = names[i + 1].get_object()
            return bytes(spec["/EF"]["/F"].get_object().data)
    return None


def _subject(reader: PdfFileReader) -> str | None:
    try:
        return str(reader.trailer_view["/Info"]["/Subject"])
    except (KeyError, TypeError):
        return None


def _page_text(pdf: bytes) -> str:
    """All the text of the document, without white space."""
    from pypdf import PdfReader

    try:
        pages = PdfReader(io.BytesIO(pdf)).pages
        return "".join("".join(page.extract_text().split()) for page in pages)
    except Exception:  # noqa: BLE001 - any parse failure means: the hash is not printed
        return ""


def _fingerprint(cert: asn1_x509.Certificate) -> str:
    return hashlib.sha256(cert.dump()).hexdigest()


def _container_problem(pdf: bytes, sig: EmbeddedPdfSignature) -> str | None:
    """The one part of a signed PDF the signature cannot cover is its own /Contents. Accept there
    only what the signer writes: the CMS in upper-case hex, zero padding, and no certificate but the
    signer's; so that no byte of the file can change unnoticed."""
    _, len1, start2, _ = (int(x) for x in sig.byte_range)
    raw = sig.pkcs7_content
    if pdf[len1:start2] != b"<" + raw.hex().upper().encode("ascii") + b">":
        return Phrase(N_("the signature container was changed"))
    der_length = len(cms.ContentInfo.load(raw).dump())
    if der_length > len(raw) or any(raw[der_length:]):
        return Phrase(N_("the signature container was changed"))
    data, info = sig.signed_data, sig.signer_info
    algorithms = data["digest_algorithms"]
    if (
        data["version"].native != "v1"
        or info["version"].native != "v1"
        or len(algorithms) != 1
        or algorithms[0].dump() != info["digest_algorithm"].dump()
    ):
        return Phrase(N_("the signature container was changed"))
    signer = sig.signer_cert.dump()
    if any(choice.chosen.dump() != signer for choice in data["certificates"] or []):
        return Phrase(N_("the signature carries a certificate that is not the signer's"))
    if info["unsigned_attrs"]:
        return Phrase(N_("the signature carries unsigned attributes"))
    return None


def _signature_problems(
    pdf: bytes, signatures: list[EmbeddedPdfSignature], shop_fingerprint: str | None
) -> tuple[list[str], str | None]:
    """The signature checks: (problems, the last signer's fingerprint)."""
    problems: list[str] = []
    if not signatures:
        return [Phrase(N_("the PDF is not signed"))], None
    signer_fp: str | None = None
    for index, sig in enumerate(signatures, start=1):
        try:
            fp = _fingerprint(sig.signer_cert)
        except Exception:  # noqa: BLE001 - a damaged CMS raises many kinds (asn1crypto, pyHanko)
            problems.append(
                Phrase(N_("signature {index} has no readable signing certificate (the file was changed)"), index=index)
            )
            continue
        if index == len(signatures):
            signer_fp = fp
        if shop_fingerprint is not None and fp != shop_fingerprint:
            problems.append(
                Phrase(
                    N_("signature {index} is not made with the shop's key (signer fingerprint {fingerprint}…)"),
                    index=index,
                    fingerprint=fp[:16],
                )
            )
    last = signatures[-1]
    try:
        context = ValidationContext(trust_roots=[last.signer_cert], allow_fetching=False, revocation_mode="soft-fail")
        status = validate_pdf_signature(last, context)
        if not status.intact:
            problems.append(Phrase(N_("the signature does not match the signed bytes (the file was changed)")))
        elif not status.valid:
            problems.append(Phrase(N_("the signature is not cryptographically valid")))
        if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
            problems.append(
                Phrase(N_("the signature does not cover the whole file (something was added after signing)"))
            )
        container = _container_problem(pdf, last)
        if container is not None:
            problems.append(container)
    except Exception as exc:  # noqa: BLE001 - pyHanko raises many kinds on damaged input
        problems.append(
            Phrase(
                N_("the signature cannot be checked ({kind}: the file was changed or damaged)"), kind=type(exc).__name__
            )
        )
    return problems, signer_fp


def _attached_data(
    reader: PdfFileReader, number: str | None, stated: str | None, problems: list[str]
) -> tuple[dict[str, Any] | None, str | None]:
    """The attached certificate data and its SHA-256, each None where missing; what is wrong with
    them (unreadable, not JSON, not what the QR code states) is appended to `problems`."""
    data: dict[str, Any] | None = None
    digest: str | None = None
    try:
        raw = _attachment(reader)
    except Exception:  # noqa: BLE001 - a damaged attachment (stream, filter, dictionary)
        raw = None
        problems.append(Phrase(N_("the attached certificate data cannot be read (the file was changed or damaged)")))
    else:
        if raw is None:
            problems.append(Phrase(N_("the certificate data is not attached")))
    if raw is not None:
        digest = hashlib.sha256(raw).hexdigest()
        try:
            loaded = json.loads(raw)
            data = loaded if isinstance(loaded, dict) else None
        except ValueError:
            data = None
        if data is None:
            problems.append(Phrase(N_("the attached certificate data is not valid JSON")))
        if stated is not None and digest != stated:
            problems.append(
                Phrase(N_("the attached certificate data does not match the hash in the QR code (data edited)"))
            )
        if data is not None and number is not None and data.get("number") != number:
            problems.append(Phrase(N_("the certificate number in the data differs from the QR code's")))
    return data, digest


def verify_pdf(pdf: bytes, shop_fingerprint: str | None) -> VerifyReport:
    """Check everything that makes a certificate genuine; each failed check is one problem. Never
    raises for a damaged or hostile file."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception as exc:  # noqa: BLE001 - any parse failure means: not a readable PDF
        why = " ".join(str(exc).split()) or type(exc).__name__
        return VerifyReport(problems=(Phrase(N_("not a readable PDF ({why})"), why=why),))
    problems, signer_fp = _signature_problems(pdf, signatures, shop_fingerprint)

    number: str | None = None
    stated: str | None = None
    try:
        subject = _subject(reader)
    except Exception:  # noqa: BLE001 - a damaged info dictionary: no payload
        subject = None
    payload = parse_qr_payload(subject or "")
    if payload is None:
        problems.append(Phrase(N_("the PDF carries no certificate number and hash (QR payload)")))
    else:
        number, stated = payload.number, payload.sha256
        if not stated or stated not in _page_text(pdf):
            problems.append(Phrase(N_("the hash printed on the certificate differs from the QR code's")))

    data, digest = _attached_data(reader, number, stated, problems)
    return VerifyReport(
        number=number,
        sha256=digest,
        stated_sha256=stated,
        signer_fingerprint=signer_fp,
        data=data,
        problems=tuple(problems),
        key_known=shop_fingerprint is not None,
        verify_url=payload.verify_url if payload is not None else None,
    )
