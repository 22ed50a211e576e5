"""Attach the certificate data to the PDF and sign it with pyHanko (certificates/verification.py
checks such a PDF)."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import cms, tsp
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from pyhanko.pdf_utils import embed, generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import attributes, signers
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.general import simple_cms_attribute
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.signers.pdf_signer import PdfSigningSession
from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator.registry import CertificateStore, SimpleCertificateStore

from certificates.keys import ShopKey
from certificates.verification import ATTACHMENT_NAME

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

    def __init__(
        self,
        key: PrivateKeyTypes,
        *,
        signing_cert: asn1_x509.Certificate,
        signing_key: asn1_keys.PrivateKeyInfo,
        cert_registry: CertificateStore,
    ) -> None:
        super().__init__(signing_cert=signing_cert, signing_key=signing_key, cert_registry=cert_registry)
        self._key = key
        assert self.signing_cert is not None
        self._cert_attribute = _SigningCertificateAttribute(self.signing_cert)
        self._fixed_attributes: dict[str, tuple[bytes, bytes, bytes]] = {}

    async def signed_attrs(
        self,
        data_digest: bytes,
        digest_algorithm: str,
        attr_settings: PdfCMSSignedAttributes | None = None,
        content_type: str = "data",
        use_pades: bool = False,
        timestamper: TimeStamper | None = None,
        dry_run: bool = False,
        is_pdf_sig: bool = True,
    ) -> cms.CMSAttributes:
        """The signed attributes pyHanko makes for our signatures (content type, message digest, signing
        certificate, algorithm protection, signing time), byte for byte, assembled from encodings made
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
        if not plain or settings is None or settings.signing_time is None:  # (the last two: for mypy)
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
        # DER: a SET OF's elements in the order of their encodings, as pyHanko's own attributes are. The
        # signature covers these bytes; a checker that encodes the attributes again (DER) gets the same
        # bytes only so. In any other order it reads "not cryptographically valid".
        parts = (fixed[0], digest.dump(), fixed[1], fixed[2], signing_time.dump())
        body = b"".join(sorted(parts))
        return cms.CMSAttributes.load(b"\x31" + _der_length(len(body)) + body)

    def _signed_attr_providers(
        self,
        data_digest: bytes,
        digest_algorithm: str,
        attr_settings: PdfCMSSignedAttributes,
        timestamper: TimeStamper | None = None,
        use_cades: bool = False,
        is_pdf_sig: bool = True,
    ) -> Iterator[attributes.CMSAttributeProvider]:
        for provider in super()._signed_attr_providers(
            data_digest,
            digest_algorithm,
            attr_settings,
            timestamper=timestamper,
            use_cades=use_cades,
            is_pdf_sig=is_pdf_sig,
        ):
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

    def init_signing_session(self, pdf_out: BasePdfFileWriter, existing_fields_only: bool = False) -> PdfSigningSession:
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
