"""`verify` accepts a genuine certificate and names what is wrong with every kind of forgery."""

from __future__ import annotations

import dataclasses
import io
import json

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers

from certificates.plugin import PdfCertificateRenderer
from certificates.render import render_unsigned
from certificates.signing import ATTACHMENT_NAME, PdfSigner
from tests.certificates.conftest import erasure_data
from wipestation.certify import CustomerRef, canonical_json


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
    resigned = signers.PdfSigner(meta, signer=other_renderer._signer._signer).sign_pdf(writer).getvalue()
    report = renderer.verify(resigned)
    assert not report.ok
    assert any("not made with the shop's key" in p for p in report.problems)


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
