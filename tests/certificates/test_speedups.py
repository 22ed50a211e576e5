"""The speed-ups keep the page the same: the QR matrix equals reportlab's own, and paragraphs shared
between certificates carry nothing from one certificate into the next."""

from __future__ import annotations

import dataclasses
import io
import random
import string

import pytest
from pypdf import PdfReader
from reportlab.graphics.barcode.qr import QrCodeWidget

from certificates import sections
from certificates.qr import qr_matrix
from certificates.render import render_unsigned
from tests.certificates.conftest import destruction_data
from wipestation.documents.certify import DestructionFacts


def reportlab_matrix(payload: str, mask: int) -> list[list[bool]]:
    qr = QrCodeWidget(payload, barLevel="M").qr
    qr.version = qr.calculate_version()
    qr.makeImpl(False, mask)
    return [[bool(cell) for cell in row] for row in qr.modules]


@pytest.mark.parametrize("mask", [0, 2, 7])
def test_the_qr_matrix_is_reportlabs(mask: int) -> None:
    rnd = random.Random(mask)
    payloads = ["", "WSCERT:WS-2026-000042:" + "ab" * 32, "https://somcom.nl/controle/#WS-2026-000042." + "0f" * 32]
    payloads += ["".join(rnd.choice(string.printable + "éß€") for _ in range(n)) for n in range(1, 400, 23)]
    for payload in payloads:
        assert qr_matrix(payload, mask) == reportlab_matrix(payload, mask), payload


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _facts() -> DestructionFacts:
    facts = destruction_data().destruction
    assert facts is not None
    return facts


def test_a_certificate_lays_out_the_same_after_others() -> None:
    """A heading that the layout grouped with its table in one certificate (reportlab then clears
    the heading's keepWithNext) must keep it in the next: the witness list here puts the destruction
    section at a page break."""
    data = destruction_data(technician="x", destruction=dataclasses.replace(_facts(), witness="Wim " * 300))
    sections._fixed.clear()
    alone = pages(render_unsigned(data, "en", signer_fingerprint="ab" * 32))
    for witnesses in (30, 90, 150):
        other = destruction_data(destruction=dataclasses.replace(_facts(), witness="Wim " * witnesses))
        render_unsigned(other, "en", signer_fingerprint="ab" * 32)
    assert pages(render_unsigned(data, "en", signer_fingerprint="ab" * 32)) == alone
    assert len(alone) == 3


def test_font_subsets_are_made_once_and_the_pdf_is_byte_for_byte_the_same() -> None:
    from reportlab.pdfbase import pdfmetrics

    from certificates import fonts

    data = destruction_data()
    fonts.register_fonts()
    font = pdfmetrics.getFont(fonts.FONT)
    assert isinstance(font, fonts.CertificateFont)
    font._subsets.clear()
    fonts._FLATE._done.clear()
    first = render_unsigned(data, "nl", signer_fingerprint="ab" * 32)
    made = dict(font._subsets)
    assert made and fonts._FLATE._done
    again = render_unsigned(data, "nl", signer_fingerprint="ab" * 32)
    assert again == first
    assert font._subsets == made  # nothing new: the second render used the subsets of the first
