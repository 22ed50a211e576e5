"""`verify` accepts a genuine certificate and names what is wrong with every kind of forgery."""

from __future__ import annotations

import dataclasses
import io
import json

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers

from certificates.plugin import PdfCertificateRenderer
from certificates.render import render_unsigned
from certificates.signing import PdfSigner
from certificates.verification import ATTACHMENT_NAME
from tests.certificates.conftest import erasure_data
from wipestation.documents.certify import CustomerRef, canonical_json

pytestmark = pytest.mark.drift  # also under the newest and lowest allowed versions (scripts/drift-check)


def test_a_genuine_certificate_verifies(renderer: PdfCertificateRenderer) -> None:
    data = erasure_data()
    report = renderer.verify(renderer.render(data, "nl"))
    assert report.ok, report.problems
    assert report.number == data.number
    assert report.sha256 == report.stated_sha256 == data.sha256()
    assert report.signer_fingerprint == renderer.fingerprint
    assert report.data == data.to_dict()


def test_one_changed_byte_fails(renderer: PdfCertificateRenderer) -> None:
    pdf = bytearray(renderer.render(erasure_data(), "nl"))
    at = pdf.index(b"Certificate data")  # inside the signed range, in the attachment's description
    pdf[at] ^= 0x20
    report = renderer.verify(bytes(pdf))
    assert not report.ok
    assert any("changed" in p for p in report.problems)


def test_a_pdf_re_signed_with_another_key_fails(
    renderer: PdfCertificateRenderer, other_renderer: PdfCertificateRenderer
) -> None:
    pdf = renderer.render(erasure_data(), "nl")
    other_renderer.prepare()
    assert other_renderer._signer is not None
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(field_name="Second", md_algorithm="sha256")
    resigned = _Forger(meta, signer=other_renderer._signer._signer).sign_pdf(writer).getvalue()
    report = renderer.verify(resigned)
    assert not report.ok
    assert any("not made with the shop's key" in p for p in report.problems)


class _Forger(signers.PdfSigner):
    """A forger's tool ignores the certification signature's "no changes allowed" (pyHanko obeys it)."""

    def _enforce_certification_constraints(self, reader: object) -> None:
        return None


def test_a_pdf_whose_embedded_data_was_edited_fails(renderer: PdfCertificateRenderer) -> None:
    data = erasure_data()
    pdf = renderer.render(data, "nl")
    edited = dataclasses.replace(data, customer=CustomerRef(name="Someone Else", job_ref="JOB-9"))
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    names = writer.root["/Names"]["/EmbeddedFiles"]["/Names"]
    assert str(names[0]) == ATTACHMENT_NAME
    filespec = names[1].get_object()
    filespec["/EF"]["/F"] = writer.add_object(generic.StreamObject(stream_data=edited.canonical()))
    writer.update_container(filespec)
    out = io.BytesIO()
    writer.write(out)
    report = renderer.verify(out.getvalue())
    assert not report.ok
    assert any("does not cover the whole file" in p for p in report.problems)


def test_data_that_does_not_match_the_stated_hash_fails_even_when_signed_by_the_shop(
    renderer: PdfCertificateRenderer,
) -> None:
    data = erasure_data()
    edited = json.loads(data.canonical())
    edited["customer"]["name"] = "Someone Else"
    renderer.prepare()
    assert renderer._shop is not None
    unsigned = render_unsigned(data, "nl", signer_fingerprint=renderer.fingerprint)
    forged = PdfSigner(renderer._shop).sign(unsigned, canonical_json(edited), created=data.issued_at, signer_name="x")
    report = renderer.verify(forged)
    assert not report.ok
    assert any("does not match the hash in the QR code" in p for p in report.problems)


def test_a_valid_certificate_of_another_shop_fails(
    renderer: PdfCertificateRenderer, other_renderer: PdfCertificateRenderer
) -> None:
    pdf = other_renderer.render(erasure_data(), "nl")
    assert other_renderer.verify(pdf).ok
    report = renderer.verify(pdf)
    assert not report.ok
    assert any("not made with the shop's key" in p for p in report.problems)


def test_not_a_pdf_fails_cleanly(renderer: PdfCertificateRenderer) -> None:
    report = renderer.verify(b"hello, I am not a PDF")
    assert not report.ok


# --- Review: damaged files are reported, never raised; no byte of the file changes unnoticed ---------


def _flipped(pdf: bytes, at: int, bit: int = 1) -> bytes:
    out = bytearray(pdf)
    out[at] ^= bit
    return bytes(out)


def _other_digit(pdf: bytes, at: int) -> bytes:
    """A hex digit replaced by another (still valid hex, so only the value changes)."""
    return pdf[:at] + (b"2" if pdf[at : at + 1] == b"1" else b"1") + pdf[at + 1 :]


def _contents_span(pdf: bytes) -> tuple[int, int]:
    """Where the hex digits of the signature's /Contents are."""
    start = pdf.index(b"/Contents <") + len(b"/Contents <")
    return start, pdf.index(b">", start)


def test_damaged_files_are_reported_and_never_raise(renderer: PdfCertificateRenderer) -> None:
    pdf = renderer.render(erasure_data(), "nl")
    start, _ = _contents_span(pdf)
    stream = pdf.index(b"stream", pdf.index(b"/Type /EmbeddedFile")) + len(b"stream\r\n")
    damaged = [
        b"",
        b"%PDF-1.7\n",
        pdf[: len(pdf) // 2],
        pdf[:-1],
        _flipped(pdf, stream + 40),  # the compressed attachment no longer inflates
        _flipped(pdf, start + 2 * 600),  # inside the signing certificate in the CMS
        *(_flipped(pdf, at) for at in range(7, len(pdf), len(pdf) // 40)),
    ]
    for index, candidate in enumerate(damaged):
        report = renderer.verify(candidate)
        assert not report.ok, index
        assert report.problems, index


def test_no_byte_of_the_signature_container_changes_unnoticed(renderer: PdfCertificateRenderer) -> None:
    pdf = renderer.render(erasure_data(), "nl")
    start, end = _contents_span(pdf)
    hex_digits = pdf[start:end]
    assert hex_digits == hex_digits.upper()
    lower = next(i for i in range(start, end) if pdf[i : i + 1].isalpha())
    changes = {
        "zero padding": _other_digit(pdf, end - 10),
        "hex digit case": pdf[:lower] + pdf[lower : lower + 1].lower() + pdf[lower + 1 :],
        "SignedData version": _other_digit(pdf, start + 2 * 25 + 1),
        "digest algorithms": _other_digit(pdf, start + 2 * 35 + 1),
    }
    for what, changed in changes.items():
        assert changed != pdf
        assert not renderer.verify(changed).ok, what


def test_an_unused_certificate_copy_in_the_signature_cannot_be_changed(renderer: PdfCertificateRenderer) -> None:
    """Certificates signed before the review carry the signing certificate twice: they still verify,
    but a change to the copy that nothing else reads is caught."""
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    data = erasure_data()
    renderer.prepare()
    assert renderer._shop is not None
    signer = PdfSigner(renderer._shop)
    inner = signer._signer
    inner._cert_registry = SimpleCertificateStore.from_certs([inner.signing_cert])
    unsigned = render_unsigned(data, "nl", signer_fingerprint=renderer.fingerprint)
    pdf = signer.sign(unsigned, data.canonical(), created=data.issued_at, signer_name="x")
    assert renderer.verify(pdf).ok
    assert inner.signing_cert is not None
    der = inner.signing_cert.dump().hex().upper().encode()
    first = pdf.index(der)
    second = pdf.index(der, first + 1)
    changes = [_other_digit(pdf, copy + len(der) // 2) for copy in (first, second)]
    for changed in changes:
        assert not renderer.verify(changed).ok
