"""The rendered certificate: every field in both languages, safe with hostile text, a QR code that
a real reader decodes, a page that renders."""

from __future__ import annotations

import dataclasses
import io
import subprocess
import unicodedata
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from certificates.plugin import PdfCertificateRenderer
from certificates.texts import fmt_bytes, fmt_date, fmt_datetime, fmt_duration, fmt_percent, t
from certificates.texts.stored import hpa_dco_line
from tests.certificates.conftest import destruction_data, erasure_data
from wipestation.documents.certify import CertificateData, CustomerRef, DriveFacts, canonical_json, qr_payload

TZ = "Europe/Amsterdam"


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def squeeze(text: str) -> str:
    """No white space (long values wrap), NFKC like the renderer ("mm²" is printed "mm2")."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def assert_all_in(pdf: bytes, values: list[str]) -> None:
    text = squeeze(text_of(pdf))
    missing = [v for v in values if squeeze(v) not in text]
    assert not missing, f"not on the certificate: {missing}"


def test_data_round_trips_through_json() -> None:
    for data in (erasure_data(), destruction_data()):
        assert CertificateData.from_dict(data.to_dict()) == data
        assert data.canonical() == canonical_json(data.to_dict())
        assert len(data.sha256()) == 64


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_erasure_certificate_shows_every_field(renderer: PdfCertificateRenderer, lang: str) -> None:
    data = erasure_data()
    pdf = renderer.render(data, lang)
    e = data.erasure
    assert e is not None
    assert_all_in(
        pdf,
        [
            t("title.erasure", lang),
            data.number,
            fmt_datetime(datetime(2026, 11, 25, 12, 0, tzinfo=UTC), TZ, lang),  # issued, in the shop's time zone
            data.issuer.name,
            data.issuer.address,
            data.issuer.kvk,
            data.issuer.contact,
            "Zoë Ærøskøbing-Müller",
            "JOB-2026-0815",
            t("reason.backup_text", lang, date=fmt_date(date(2026, 10, 20), lang), job="JOB-2026-0815"),
            t("rule.retention-period", lang, days=30),
            fmt_date(date(2026, 11, 19), lang),
            "Seagate",
            "ST500DM002-1BD142",
            "Z3TX1234",
            fmt_bytes(500_107_862_016, lang),
            "KC48",
            t("bus.usb", lang),
            t("media.hdd", lang),
            "Clear",
            t("technique.zero", lang),
            "wipestation 0.1.0",
            hpa_dco_line("HPA: none; DCO: none", lang),
            fmt_datetime(datetime(2026, 11, 25, 9, 0, tzinfo=UTC), TZ, lang),
            fmt_datetime(datetime(2026, 11, 25, 10, 2, 3, tzinfo=UTC), TZ, lang),
            fmt_duration(3723, lang),
            fmt_bytes(50_010_786_201, lang),
            t("verify.sample", lang),
            t("result.passed", lang),
            "9f2c61d0",
            fmt_percent("10.00", lang),
            t("destination.backup-pool", lang),
            "Jan de Vries",
            t("attest.erasure", lang),
            data.sha256(),
            renderer.fingerprint,
        ],
    )


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_destruction_certificate_shows_every_field(renderer: PdfCertificateRenderer, lang: str) -> None:
    data = destruction_data()
    pdf = renderer.render(data, lang)
    assert_all_in(
        pdf,
        [
            t("title.destruction", lang),
            data.number,
            data.issuer.name,
            "Zoë Ærøskøbing-Müller",
            "JOB-2026-0815",
            "HP ProBook 450 G5",
            fmt_date(date(2026, 8, 1), lang),
            fmt_date(date(2026, 11, 1), lang),
            "Samsung",
            "SSD 860 EVO 250GB",
            "S3YJNB0K123456",
            t("media.ssd", lang),
            fmt_date(date(2026, 7, 15), lang),
            "Kast B, plank 3",
            "SEAL-0099",
            t("custody.serial_rescanned", lang),
            t("yes", lang),
            t("method.shred", lang),
            "HSM Powerline HDS 230",
            "DIN 66399 / ISO/IEC 21964",
            t("destruction.protection_class", lang),
            "E-4",
            "<= 30 mm²",
            t("place.in-house", lang),
            "Jan de Vries",
            "Piet Jansen",
            t("destruction.evidence_item", lang, n=1),
            "ab" * 32,
            t("attest.destruction", lang),
            data.sha256(),
        ],
    )


def test_markup_in_values_is_printed_not_obeyed(renderer: PdfCertificateRenderer) -> None:
    hostile = '<b>Bold</b> & <font size="40">Huge</font> &amp; <br/> "x" \'y\''
    data = erasure_data(customer=CustomerRef(name=hostile, job_ref="<a href='x'>JOB</a>"))
    pdf = renderer.render(data, "en")
    assert_all_in(pdf, [hostile, "<a href='x'>JOB</a>"])


def test_very_long_values_wrap_and_nothing_is_cut(renderer: PdfCertificateRenderer) -> None:
    long_words = " ".join(f"woord{i}" for i in range(600))
    unbroken = "X" * 180 + "Y" * 180
    data = erasure_data(
        customer=CustomerRef(name=long_words, job_ref=unbroken),
        drive=dataclasses.replace(erasure_data().drive, model="Model " + "é" * 300, serial=unbroken),
    )
    pdf = renderer.render(data, "nl")
    assert len(PdfReader(io.BytesIO(pdf)).pages) >= 2
    assert_all_in(pdf, [unbroken, "é" * 300, data.sha256()])
    # The name runs over a page break, where the next page's header comes between its halves.
    words = text_of(pdf).split()
    assert [w for w in words if w.startswith("woord")] == long_words.split()
    assert renderer.verify(pdf).ok


def test_nfkc_normalises_device_strings(renderer: PdfCertificateRenderer) -> None:
    wide = "\uff33\uff25\uff21\uff27\uff21\uff34\uff25"  # SEAGATE in full-width letters
    data = erasure_data(drive=DriveFacts(wide, "\ufb01rm", "SER\x00IAL", None, None, None, None, None))
    assert_all_in(renderer.render(data, "en"), ["SEAGATE", "firm", "SER IAL"])


def test_page_one_renders_and_its_qr_code_carries_number_and_hash(
    renderer: PdfCertificateRenderer, tmp_path: Path, zbar: None
) -> None:
    data = erasure_data()
    pdf_path = tmp_path / "cert.pdf"
    pdf_path.write_bytes(renderer.render(data, "nl"))
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile", pdf_path, tmp_path / "p1"], check=True
    )
    png = tmp_path / "p1.png"
    assert png.stat().st_size > 20_000  # a real page, not a blank one
    out = subprocess.run(["zbarimg", "--quiet", "--raw", png], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == qr_payload(data.number, data.sha256())


def test_very_long_names_in_the_signature_block_run_on(renderer: PdfCertificateRenderer) -> None:
    data = erasure_data(technician="Jan " * 2000 + "de Vries")
    pdf = renderer.render(data, "nl")
    assert "deVries" in squeeze(text_of(pdf))
    assert renderer.verify(pdf).ok


def test_a_long_shop_name_and_address_never_run_under_the_qr_code() -> None:
    from reportlab.pdfbase import pdfmetrics

    from certificates import render
    from wipestation.documents.certify import Issuer

    class Recorder:
        def __init__(self) -> None:
            self.font = ("", 0.0)
            self.drawn: list[tuple[float, str, str, float]] = []

        def setFont(self, name: str, size: float) -> None:
            self.font = (name, size)

        def setFillColor(self, color: object) -> None:
            pass

        def drawString(self, x: float, y: float, text: str) -> None:
            self.drawn.append((x, text, *self.font))

    issuer = Issuer(
        name="SOMCOM COMPUTERREPARATIE EN DATAHERSTEL B.V.",
        address="EUROPAWEG NOORD 5, 9403 BC ASSEN, DRENTHE, NEDERLAND (INGANG ACHTERZIJDE)",
        kvk="01234567",
        contact="WWW.SOMCOM.NL, INFO@SOMCOM.NL, 0592-308260",
    )
    data = erasure_data(issuer=issuer)
    render.stylesheet()  # registers the fonts
    canvas = Recorder()
    ctx = render.PageContext(data=data, lang="nl", payload="x", modules=[])
    render._draw_shop(canvas, ctx)
    qr_left = render.PAGE_WIDTH - render.MARGIN_RIGHT - render.QR_SIZE
    for x, text, font, size in canvas.drawn:
        assert x + pdfmetrics.stringWidth(text, font, size) < qr_left, text
    printed = " ".join(text for _, text, _, _ in canvas.drawn)
    for value in (issuer.name, issuer.address, issuer.contact):
        assert value in printed
