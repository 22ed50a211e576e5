"""Check a certificate PDF: what makes it genuine (see certificates/signing.py for how it is made).

A genuine certificate: exactly the shop's signature(s), the last one valid and covering the whole
file; a `certificate.json` attachment whose SHA-256 equals the hash carried by the QR code (also the
PDF's Subject) and printed on the page; the same number in the data and in the QR code.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa
from cryptography.hazmat.primitives.serialization import load_der_public_key
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject, TextStringObject

from wipestation.common.i18n import N_, Phrase
from wipestation.documents.certify import VerifyReport, parse_qr_payload

ATTACHMENT_NAME = "certificate.json"  # the certificate data, attached to the PDF (certificates/signing.py)


# One PDF reader, pypdf's, for the signature dictionaries, the attachment and the printed text:
# pyHanko's reader imported pyhanko_certvalidator (and asyncio) on the customer's machine, a third of
# a cold `certificate verify` (bench/cert_bench.py), for what pypdf reads as well.


def _root(reader: PdfReader) -> DictionaryObject:
    root = reader.trailer["/Root"].get_object()
    if not isinstance(root, DictionaryObject):
        raise TypeError("the catalog is not a dictionary")
    return root


def _attachment(reader: PdfReader) -> bytes | None:
    try:
        root: Any = _root(reader)  # pypdf's objects are indexed as the file has them (or raise)
        names = root["/Names"]["/EmbeddedFiles"]["/Names"]
    except (KeyError, TypeError):
        return None
    for i in range(0, len(names) - 1, 2):
        if str(names[i]) == ATTACHMENT_NAME:
            spec = names[i + 1].get_object()
            return bytes(spec["/EF"]["/F"].get_object().get_data())
    return None


def _subject(reader: PdfReader) -> str | None:
    try:
        info: Any = reader.trailer["/Info"].get_object()
        return str(info["/Subject"])
    except (KeyError, TypeError):
        return None


def _printed(reader: PdfReader, text: str) -> bool:
    """Whether `text` is printed on a page (white space ignored). The hash is in the authenticity
    section near the end: the pages are read from the last one, and reading stops where it is found."""
    try:
        pages = reader.pages
        return any(text in "".join(pages[i].extract_text().split()) for i in reversed(range(len(pages))))
    except Exception:  # noqa: BLE001 - any parse failure means: the hash is not printed
        return False


def _string_bytes(value: object) -> bytes:
    """A PDF string's bytes as written (pypdf decodes a string that looks like text)."""
    if isinstance(value, TextStringObject):
        return bytes(value.get_original_bytes())
    if isinstance(value, bytes):
        return bytes(value)
    raise MalformedSignature  # /Contents is not a string


class MalformedSignature(ValueError):
    """A signature dictionary or container that is not one a PDF signer writes (its name is the
    reason shown: the file was changed or damaged)."""


@dataclass(frozen=True)
class EmbeddedSignature:
    """One signature dictionary of the PDF and its CMS container, parsed with asn1crypto.

    The signature is checked here with `cryptography` (the digest of the signed byte ranges, the
    signer's signature over the signed attributes, the coverage) rather than by pyHanko's validator:
    importing `pyhanko.sign` (its signers, its HTTP time-stamp client and aiohttp) took most of a
    `certificate verify` on the customer's machine. What makes a certificate genuine is unchanged:
    the shop's key (by fingerprint), an intact and valid signature over the whole file."""

    byte_range: tuple[int, int, int, int]
    pkcs7_content: bytes
    signed_data: cms.SignedData
    signer_info: cms.SignerInfo

    @property
    def signer_cert(self) -> asn1_x509.Certificate:
        sid = self.signer_info["sid"]
        for choice in self.signed_data["certificates"] or []:
            cert = choice.chosen
            if not isinstance(cert, asn1_x509.Certificate):
                continue
            if sid.name == "issuer_and_serial_number":
                if cert.issuer == sid.chosen["issuer"] and cert.serial_number == sid.chosen["serial_number"].native:
                    return cert
            elif cert.key_identifier == sid.chosen.native:
                return cert
        raise MalformedSignature  # the signer's certificate is not in the signature


def _signature_fields(reader: PdfReader) -> list[Any]:
    """The values (/V) of the form's signature fields, kids included."""
    found: list[Any] = []
    try:
        root: Any = _root(reader)
        fields = list(root["/AcroForm"]["/Fields"])
    except (KeyError, TypeError):
        return found
    seen: set[object] = set()
    while fields:
        ref = fields.pop()
        key = (ref.idnum, ref.generation) if isinstance(ref, IndirectObject) else id(ref)
        field = ref.get_object()
        if key in seen or field is None:
            continue
        seen.add(key)
        if "/Kids" in field:
            fields.extend(field["/Kids"])
        if field.get("/FT") == "/Sig" and "/V" in field:
            found.append(field["/V"].get_object())
    return found


def embedded_signatures(reader: PdfReader) -> list[EmbeddedSignature]:
    """Every filled signature field, in the order they were made (by where their byte range ends)."""
    out = []
    for value in _signature_fields(reader):
        byte_range = tuple(int(x) for x in value["/ByteRange"])
        if len(byte_range) != 4:
            raise MalformedSignature  # its /ByteRange does not have four numbers
        raw = _string_bytes(value["/Contents"])
        signed = cms.ContentInfo.load(raw)
        if signed["content_type"].native != "signed_data":
            raise MalformedSignature  # the container is not CMS signed data
        data = signed["content"]
        infos = data["signer_infos"]
        if len(infos) != 1:
            raise MalformedSignature  # the container does not have exactly one signer
        out.append(EmbeddedSignature(byte_range, raw, data, infos[0]))
    return sorted(out, key=lambda sig: sig.byte_range[2] + sig.byte_range[3])


_HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


def _hash(name: str) -> hashes.HashAlgorithm:
    if name not in _HASHES:
        raise MalformedSignature  # a digest algorithm we do not accept
    return _HASHES[name]()


def _intact(pdf: bytes, sig: EmbeddedSignature) -> bool:
    """The digest of the signed byte ranges equals the message digest the signer signed."""
    start1, len1, start2, len2 = sig.byte_range
    if start1 != 0 or len1 < 0 or start2 < len1 or len2 < 0 or start2 + len2 > len(pdf):
        return False
    info = sig.signer_info
    digest = hashes.Hash(_hash(info["digest_algorithm"]["algorithm"].native))
    digest.update(pdf[:len1])
    digest.update(pdf[start2 : start2 + len2])
    attributes = {attr["type"].native: attr["values"] for attr in info["signed_attrs"] or []}
    if "message_digest" not in attributes or attributes.get("content_type", [None])[0].native != "data":
        return False
    (stated,) = attributes["message_digest"]
    return bool(stated.native == digest.finalize())


def _valid(sig: EmbeddedSignature) -> bool:
    """The signer's signature over the signed attributes verifies with its certificate's key."""
    info = sig.signer_info
    signed_attrs = info["signed_attrs"].dump()
    signed_attrs = b"\x31" + signed_attrs[1:]  # signed as a SET OF, stored with the [0] tag
    signature = info["signature"].native
    algorithm = info["signature_algorithm"]
    name = algorithm.signature_algo
    key = load_der_public_key(sig.signer_cert.public_key.dump())
    chosen = _hash(info["digest_algorithm"]["algorithm"].native)
    try:
        if isinstance(key, rsa.RSAPublicKey) and name == "rsassa_pkcs1v15":
            key.verify(signature, signed_attrs, padding.PKCS1v15(), chosen)
        elif isinstance(key, rsa.RSAPublicKey) and name == "rsassa_pss":
            params = algorithm["parameters"]
            mgf = _hash(params["mask_gen_algorithm"]["parameters"]["algorithm"].native)
            pss = padding.PSS(mgf=padding.MGF1(mgf), salt_length=params["salt_length"].native)
            key.verify(signature, signed_attrs, pss, _hash(params["hash_algorithm"]["algorithm"].native))
        elif isinstance(key, ec.EllipticCurvePublicKey) and name == "ecdsa":
            key.verify(signature, signed_attrs, ec.ECDSA(chosen))
        elif isinstance(key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey) and name in ("ed25519", "ed448"):
            key.verify(signature, signed_attrs)
        else:
            return False
    except InvalidSignature:
        return False
    return True


def _fingerprint(cert: asn1_x509.Certificate) -> str:
    return hashlib.sha256(cert.dump()).hexdigest()


def _container_problem(pdf: bytes, sig: EmbeddedSignature) -> str | None:
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
    pdf: bytes, signatures: list[EmbeddedSignature], shop_fingerprint: str | None
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
        if not _intact(pdf, last):
            problems.append(Phrase(N_("the signature does not match the signed bytes (the file was changed)")))
        elif not _valid(last):
            problems.append(Phrase(N_("the signature is not cryptographically valid")))
        start1, _, start2, len2 = last.byte_range
        if start1 != 0 or start2 + len2 != len(pdf):
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
    reader: PdfReader, number: str | None, stated: str | None, problems: list[str]
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
        reader = PdfReader(io.BytesIO(pdf), strict=False)
        signatures = embedded_signatures(reader)
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
        if not stated or not _printed(reader, stated):
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
