"""Attach the certificate data to the PDF, sign it with pyHanko, and check such a PDF.

A genuine certificate: exactly the shop's signature(s), the last one valid and covering the whole
file; a `certificate.json` attachment whose SHA-256 equals the hash carried by the QR code (also the
PDF's Subject) and printed on the page; the same number in the data and in the QR code.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from asn1crypto import cms, tsp
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyhanko.pdf_utils import embed, generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import attributes, signers
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.general import simple_cms_attribute
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from certificates.keys import ShopKey
from wipestation.certify import VerifyReport, parse_qr_payload

ATTACHMENT_NAME = "certificate.json"
SIGNATURE_FIELD = "WipestationSignature"
SIGNATURE_BYTES = 8192  # room reserved for the CMS signature (skips pyHanko's trial signature)

# pyHanko logs every validation problem at WARNING; the report names them instead.
for _name in ("pyhanko", "pyhanko_certvalidator", "pypdf"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)


def _der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


class _SigningCertificateAttribute(attributes.CMSAttributeProvider):
    """The signing-certificate-v2 attribute, built once per key: asn1crypto re-encoding the issuer's
    name for every signature was a third of the signing time."""

    attribute_type = "signing_certificate_v2"

    def __init__(self, cert: asn1_x509.Certificate) -> None:
        value = attributes.as_signing_certificate_v2(cert)  # type: ignore[attr-defined]
        self._value = tsp.SigningCertificateV2.load(value.dump())

    async def build_attr_value(self, dry_run: bool = False) -> tsp.SigningCertificateV2:
        return self._value


class _KeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner parses the private key again for every signature (100 ms for RSA);
    this one keeps the parsed key, and the signing-certificate attribute."""

    def __init__(self, key: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._key = key
        assert self.signing_cert is not None
        self._cert_attribute = _SigningCertificateAttribute(self.signing_cert)
        self._fixed_attributes: dict[str, tuple[bytes, bytes, bytes]] = {}

    async def signed_attrs(
        self,
        data_digest: bytes,
        digest_algorithm: str,
        attr_settings: Any = None,
        content_type: str = "data",
        use_pades: bool = False,
        timestamper: Any = None,
        dry_run: bool = False,
        is_pdf_sig: bool = True,
    ) -> cms.CMSAttributes:
        """The signed attributes pyHanko makes for our signatures (content type, message digest, signing
        certificate, algorithm protection, signing time, in its order), assembled from encodings made
        once per key: building them with asn1crypto for every signature cost a quarter of it."""
        settings = attr_settings
        plain = (
            content_type == "data"
            and not use_pades
            and timestamper is None
            and is_pdf_sig
            and settings is not None
            and settings.signing_time is not None
            and settings.adobe_revinfo_attr is None
            and settings.cades_signed_attrs is None
        )
        if not plain:
            return await super().signed_attrs(
                data_digest,
                digest_algorithm,
                attr_settings=attr_settings,
                content_type=content_type,
                use_pades=use_pades,
                timestamper=timestamper,
                dry_run=dry_run,
                is_pdf_sig=is_pdf_sig,
            )
        fixed = self._fixed_attributes.get(digest_algorithm)
        if fixed is None:
            protection = await attributes.CMSAlgorithmProtectionProvider(
                digest_algo=digest_algorithm, signature_algo=self.get_signature_mechanism_for_digest(digest_algorithm)
            ).get_attribute()
            certificate = await self._cert_attribute.get_attribute()
            assert protection is not None and certificate is not None
            content = simple_cms_attribute("content_type", "data")  # type: ignore[no-untyped-call]
            fixed = (content.dump(), certificate.dump(), protection.dump())
            self._fixed_attributes[digest_algorithm] = fixed
        signing_time = await attributes.SigningTimeProvider(timestamp=settings.signing_time).get_attribute()
        digest = simple_cms_attribute("message_digest", data_digest)  # type: ignore[no-untyped-call]
        assert signing_time is not None
        body = b"".join((fixed[0], digest.dump(), fixed[1], fixed[2], signing_time.dump()))
        return cms.CMSAttributes.load(b"\x31" + _der_length(len(body)) + body)

    def _signed_attr_providers(self, *args: Any, **kwargs: Any) -> Iterator[attributes.CMSAttributeProvider]:
        for provider in super()._signed_attr_providers(*args, **kwargs):
            if isinstance(provider, attributes.SigningCertificateV2Provider):
                yield self._cert_attribute
            else:
                yield provider

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        hash_algo = getattr(hashes, digest_algorithm.upper().replace("-", "_"))()
        if mechanism == "rsassa_pkcs1v15" and isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(data, padding.PKCS1v15(), hash_algo)
        if mechanism == "ecdsa" and isinstance(self._key, ec.EllipticCurvePrivateKey):
            return self._key.sign(data, ec.ECDSA(hash_algo))
        return bytes(super().sign_raw(data, digest_algorithm))


@dataclass
class PdfSigner:
    """Signs with one shop key; the pyHanko signer object is built once."""

    shop: ShopKey

    def __post_init__(self) -> None:
        cert = asn1_x509.Certificate.load(self.shop.cert.public_bytes(serialization.Encoding.DER))
        key_der = self.shop.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        self._signer = _KeySigner(
            self.shop.key,
            signing_cert=cert,
            signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
            # pyHanko embeds the signing certificate itself; listing it here too embedded a second,
            # unused copy that nothing checks (a changed byte there went unnoticed)
            cert_registry=SimpleCertificateStore(),  # type: ignore[no-untyped-call]
        )

    def sign(
        self,
        unsigned: bytes,
        attachment: bytes,
        *,
        created: datetime,
        signer_name: str,
        reason: str = "certificate",
        location: str | None = None,
    ) -> bytes:
        """A certification signature (DocMDP: no changes allowed) made at `created` (the issue time:
        the signing time, /M, and the PDF's creation and modification dates), with `reason` in the
        certificate's language."""
        writer = _DatedWriter(io.BytesIO(unsigned), at=created)
        attach(writer, attachment, created=created)
        meta = signers.PdfSignatureMetadata(
            field_name=SIGNATURE_FIELD,
            md_algorithm="sha256",
            name=signer_name,
            reason=reason,
            location=location,
            certify=True,
            docmdp_permissions=MDPPerm.NO_CHANGES,
        )
        out = _DatedPdfSigner(meta, signer=self._signer, at=created).sign_pdf(writer, bytes_reserved=SIGNATURE_BYTES)
        return bytes(out.getbuffer())


class _DatedWriter(IncrementalPdfFileWriter):
    """Writes the issue time as the PDF's /CreationDate and /ModDate (pyHanko writes "now")."""

    def __init__(self, stream: io.BytesIO, *, at: datetime) -> None:
        super().__init__(stream)
        self._at = at

    def _update_meta(self) -> None:
        super()._update_meta()  # type: ignore[no-untyped-call]
        if self._info is None:
            return
        info = self._info.get_object()  # type: ignore[no-untyped-call]
        info["/CreationDate"] = generic.pdf_date(self._at)
        info["/ModDate"] = generic.pdf_date(self._at)
        self.update_container(info)


class _DatedPdfSigner(signers.PdfSigner):
    """Signs with the issue time as the signing time (the CMS signingTime and the signature's /M)."""

    def __init__(self, meta: signers.PdfSignatureMetadata, *, signer: signers.Signer, at: datetime) -> None:
        super().__init__(meta, signer=signer)
        self._at = at

    def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> Any:
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self._at
        return session


def attach(writer: IncrementalPdfFileWriter, data: bytes, *, created: datetime) -> None:
    """Embed the canonical certificate data as `certificate.json` (an associated data file)."""
    stream = embed.EmbeddedFileObject.from_file_data(
        writer,
        data=data,
        params=embed.EmbeddedFileParams(embed_size=True, embed_checksum=True, creation_date=created),
    )
    spec = embed.FileSpec(
        file_spec_string=ATTACHMENT_NAME,
        file_name=ATTACHMENT_NAME,
        embedded_data=stream,
        description="Certificate data (canonical JSON); its SHA-256 is printed on the certificate",
        af_relationship=generic.pdf_name("/Data"),
    )
    embed.embed_file(writer, spec)


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
        return "the signature container was changed"
    der_length = len(cms.ContentInfo.load(raw).dump())
    if der_length > len(raw) or any(raw[der_length:]):
        return "the signature container was changed"
    data, info = sig.signed_data, sig.signer_info
    algorithms = data["digest_algorithms"]
    if (
        data["version"].native != "v1"
        or info["version"].native != "v1"
        or len(algorithms) != 1
        or algorithms[0].dump() != info["digest_algorithm"].dump()
    ):
        return "the signature container was changed"
    signer = sig.signer_cert.dump()
    if any(choice.chosen.dump() != signer for choice in data["certificates"] or []):
        return "the signature carries a certificate that is not the signer's"
    if info["unsigned_attrs"]:
        return "the signature carries unsigned attributes"
    return None


def _signature_problems(
    pdf: bytes, signatures: list[EmbeddedPdfSignature], shop_fingerprint: str | None
) -> tuple[list[str], str | None]:
    """The signature checks: (problems, the last signer's fingerprint)."""
    problems: list[str] = []
    if not signatures:
        return ["the PDF is not signed"], None
    signer_fp: str | None = None
    for index, sig in enumerate(signatures, start=1):
        try:
            fp = _fingerprint(sig.signer_cert)
        except Exception:  # noqa: BLE001 - a damaged CMS raises many kinds (asn1crypto, pyHanko)
            problems.append(f"signature {index} has no readable signing certificate (the file was changed)")
            continue
        if index == len(signatures):
            signer_fp = fp
        if shop_fingerprint is not None and fp != shop_fingerprint:
            problems.append(f"signature {index} is not made with the shop's key (signer fingerprint {fp[:16]}…)")
    last = signatures[-1]
    try:
        context = ValidationContext(trust_roots=[last.signer_cert], allow_fetching=False, revocation_mode="soft-fail")
        status = validate_pdf_signature(last, context)
        if not status.intact:
            problems.append("the signature does not match the signed bytes (the file was changed)")
        elif not status.valid:
            problems.append("the signature is not cryptographically valid")
        if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
            problems.append("the signature does not cover the whole file (something was added after signing)")
        container = _container_problem(pdf, last)
        if container is not None:
            problems.append(container)
    except Exception as exc:  # noqa: BLE001 - pyHanko raises many kinds on damaged input
        problems.append(f"the signature cannot be checked ({type(exc).__name__}: the file was changed or damaged)")
    return problems, signer_fp


def verify_pdf(pdf: bytes, shop_fingerprint: str | None) -> VerifyReport:
    """Check everything that makes a certificate genuine; each failed check is one problem. Never
    raises for a damaged or hostile file."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception as exc:  # noqa: BLE001 - any parse failure means: not a readable PDF
        return VerifyReport(problems=(f"not a readable PDF ({' '.join(str(exc).split()) or type(exc).__name__})",))
    problems, signer_fp = _signature_problems(pdf, signatures, shop_fingerprint)

    number: str | None = None
    stated: str | None = None
    try:
        subject = _subject(reader)
    except Exception:  # noqa: BLE001 - a damaged info dictionary: no payload
        subject = None
    payload = parse_qr_payload(subject or "")
    if payload is None:
        problems.append("the PDF carries no certificate number and hash (QR payload)")
    else:
        number, stated = payload.number, payload.sha256
        if not stated or stated not in _page_text(pdf):
            problems.append("the hash printed on the certificate differs from the QR code's")

    data: dict[str, Any] | None = None
    digest: str | None = None
    try:
        raw = _attachment(reader)
    except Exception:  # noqa: BLE001 - a damaged attachment (stream, filter, dictionary)
        raw = None
        problems.append("the attached certificate data cannot be read (the file was changed or damaged)")
    else:
        if raw is None:
            problems.append("the certificate data is not attached")
    if raw is not None:
        digest = hashlib.sha256(raw).hexdigest()
        try:
            loaded = json.loads(raw)
            data = loaded if isinstance(loaded, dict) else None
        except ValueError:
            data = None
        if data is None:
            problems.append("the attached certificate data is not valid JSON")
        if stated is not None and digest != stated:
            problems.append("the attached certificate data does not match the hash in the QR code (data edited)")
        if data is not None and number is not None and data.get("number") != number:
            problems.append("the certificate number in the data differs from the QR code's")
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
