"""The certificate carries a certification signature (DocMDP: no changes allowed), signed at the issue
time, with the PDF's dates from the issue time and the reason in the certificate's language."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import MDPPerm

from certificates.plugin import PdfCertificateRenderer
from tests.certificates.conftest import destruction_data, erasure_data

pytestmark = pytest.mark.drift  # also under the newest and lowest allowed versions (scripts/drift-check)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (apt-get install poppler-utils)")
    return path


def test_pdfsig_reports_the_certification_signature_valid_at_the_issue_time(
    tmp_path: Path, renderer: PdfCertificateRenderer
) -> None:
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(renderer.render(erasure_data(), "nl"))  # issued 2026-11-25 12:00 UTC
    out = subprocess.run([_tool("pdfsig"), str(pdf)], capture_output=True, text=True, check=False).stdout
    assert "Signature Validation: Signature is Valid." in out
    assert "Total document signed" in out
    assert "Signing Time: Nov 25 2026 12:00:00" in out
    info = subprocess.run(
        [_tool("pdfinfo"), "-isodates", str(pdf)], capture_output=True, text=True, check=False, env={"TZ": "UTC"}
    ).stdout
    assert "CreationDate:    2026-11-25T12:00:00" in info
    assert "ModDate:         2026-11-25T12:00:00" in info


@pytest.mark.parametrize(
    ("lang", "data", "reason"),
    [
        ("nl", erasure_data(), "Verklaring van gegevensverwijdering WS-2026-000042"),
        ("en", erasure_data(), "Certificate of data erasure WS-2026-000042"),
        ("nl", destruction_data(), "Verklaring van vernietiging WS-2026-000043"),
    ],
)
def test_docmdp_no_changes_and_the_reason_in_the_certificates_language(
    renderer: PdfCertificateRenderer, lang: str, data: object, reason: str
) -> None:
    from wipestation.documents.certify import CertificateData

    assert isinstance(data, CertificateData)
    pdf = renderer.render(data, lang)
    reader = PdfFileReader(io.BytesIO(pdf))
    (sig,) = reader.embedded_signatures
    assert sig.docmdp_level is MDPPerm.NO_CHANGES
    assert "/DocMDP" in reader.root["/Perms"]
    assert str(sig.sig_object["/Reason"]) == reason
    assert str(sig.sig_object["/M"]).startswith("D:20261125120000")
    assert renderer.verify(pdf).ok


def test_the_prebuilt_signed_attributes_are_the_ones_pyhanko_makes(renderer: PdfCertificateRenderer) -> None:
    """The signer assembles its signed attributes from encodings made once per key (for speed); they
    must be exactly pyHanko's own, byte for byte: DER, a SET OF in the order of its elements' encodings
    (pyHanko collects them as they complete, in varying order, and DER sorts them)."""
    import asyncio
    from datetime import UTC, datetime

    from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes, SimpleSigner

    renderer.prepare()
    assert renderer._signer is not None
    signer = renderer._signer._signer
    settings = PdfCMSSignedAttributes(signing_time=datetime(2026, 11, 25, 12, 0, tzinfo=UTC))
    ours = asyncio.run(signer.signed_attrs(b"\x01" * 32, "sha256", attr_settings=settings))
    theirs = asyncio.run(SimpleSigner.signed_attrs(signer, b"\x01" * 32, "sha256", attr_settings=settings))
    assert ours.dump() == theirs.dump()
    assert ours.dump(force=True) == ours.dump()  # encoded again (DER), the same bytes


def test_the_signature_holds_when_its_signed_attributes_are_encoded_again(renderer: PdfCertificateRenderer) -> None:
    """A checker may encode the signed attributes again (DER) before checking the signature over them
    (pyHanko did so now and then in a full test run, and read "not cryptographically valid"): the
    signature of a real certificate holds over that encoding too."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    pdf = renderer.render(erasure_data(), "nl")
    sig = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    attrs = sig.signer_info["signed_attrs"].untag()
    assert attrs.dump(force=True) == attrs.dump()
    public = x509.load_der_x509_certificate(sig.signer_cert.dump()).public_key()
    assert isinstance(public, rsa.RSAPublicKey)
    signature = sig.signer_info["signature"].native
    public.verify(signature, attrs.dump(force=True), padding.PKCS1v15(), hashes.SHA256())  # raises when not
