"""The document reads as a certificate: the result first, the language's own number and date formats,
method descriptions from the catalogue, typographic characters kept, the logo drawn, plain-language
lines, a useful second page, and the manufacturer named."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from certificates.plugin import PdfCertificateRenderer
from tests.certificates.conftest import Shop, destruction_data, erasure_data
from tests.conftest import Cli
from wipestation.common.config import Config
from wipestation.common.errors import ConfigError
from wipestation.common.vendors import manufacturer
from wipestation.documents.certify import CertificateData, CustomerRef, ErasureFacts

URL = "https://www.somcom.nl/controle/"
RANDOM_TECHNIQUE = (
    "One pass of a keyed AES-256-CTR stream; the key is kept only until the erasure ends so the whole pass "
    "can be regenerated for verification., 1 pass, random (AES-256-CTR)"
)


def pages(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def with_url(config: Config, **shop: object) -> PdfCertificateRenderer:
    return PdfCertificateRenderer(
        dataclasses.replace(
            config,
            shop=dataclasses.replace(config.shop, **shop),  # type: ignore[arg-type]
            certificates=dataclasses.replace(config.certificates, verify_url=URL),
        )
    )


def facts(data: CertificateData) -> ErasureFacts:
    """The erasure part of an erasure certificate's data (always there for `erasure_data()`)."""
    assert data.erasure is not None
    return data.erasure


def test_dutch_certificate_in_dutch_formats_with_the_result_first(config: Config) -> None:
    data = erasure_data()
    erasure = dataclasses.replace(
        facts(data), method="random", technique=RANDOM_TECHNIQUE, verify_coverage_percent="10.30"
    )
    text = pages(with_url(config).render(dataclasses.replace(data, erasure=erasure), "nl"))
    first = text[0]
    banner = "Geslaagd: alle gegevens op deze schijf zijn verwijderd en het resultaat is gecontroleerd."
    assert banner in first
    assert first.index(banner) < first.index("Klant")  # right under the title, before every table
    assert f"Echtheid controleren: scan de QR-code of open {URL} en zet dit bestand daar neer." in first
    assert "Uitgegeven op: 25 november 2026, 13:00:00 CET" in first
    assert "10,30 %" in first and "10.30" not in first
    assert "500,1 GB (500.107.862.016 bytes)" in first
    assert "overschrijven, 1 keer, met willekeurige gegevens (AES-256-CTR)" in first
    assert "One pass" not in " ".join(text) and "keyed" not in " ".join(text)
    assert "Clear: overschreven met de gewone schrijfopdrachten" in first
    assert "Herkomst van de gegevens" in first and "Waarom de gegevens bestonden" not in first


def test_english_certificate_in_english_formats(config: Config) -> None:
    text = " ".join(pages(with_url(config).render(erasure_data(), "en")))
    assert "Passed: all data on this drive was erased and the result was verified." in text
    assert "Issued on: 25 November 2026, 13:00:00 CET" in text
    assert "10.00 %" in text and "500.1 GB (500,107,862,016 bytes)" in text
    assert "overwrite, 1 pass, zeros (0x00)" in text


def test_errors_give_the_exceptions_banner(renderer: PdfCertificateRenderer) -> None:
    data = erasure_data()
    text = pages(renderer.render(dataclasses.replace(data, erasure=dataclasses.replace(facts(data), errors=3)), "nl"))
    assert "Geslaagd met uitzonderingen" in text[0]


def test_destruction_states_its_level_in_plain_words_and_keeps_typography(renderer: PdfCertificateRenderer) -> None:
    text = " ".join(pages(renderer.render(destruction_data(), "nl")))
    assert "Vernietigd: deze gegevensdrager is fysiek vernietigd volgens DIN 66399, niveau E-4." in text
    assert "Niveau E-4: deeltjes van hooguit 30 mm²." in text
    assert "Klasse 3: zeer hoge bescherming" in text
    assert "<= 30 mm²" in text and "mm2" not in text  # ² kept, not NFKC'd away
    assert "Als achtergelaten aangemerkt op 1 augustus 2026" in text


def test_a_glyph_the_font_lacks_is_a_visible_replacement(renderer: PdfCertificateRenderer) -> None:
    from certificates.render import safe_text

    assert safe_text("Zoë \U0001f525 Müller ≤ 320 mm² \uff53 ﬁ") == "Zoë \ufffd Müller ≤ 320 mm² s fi"
    data = erasure_data(customer=CustomerRef(name="Zoë \U0001f525 Müller", job_ref="JOB-1"))
    pdf = renderer.render(data, "nl")
    assert renderer.verify(pdf).ok
    assert "\U0001f525" not in pages(pdf)[0]


def test_the_logo_is_drawn_and_a_bad_logo_is_an_error(config: Config, tmp_path: Path) -> None:
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (300, 100), "#1f4e79").save(logo)
    pdf = with_url(config, logo=str(logo)).render(erasure_data(), "nl")
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    resources: Any = page["/Resources"]
    images = [name for name, obj in resources["/XObject"].items() if obj.get_object()["/Subtype"] == "/Image"]
    assert images
    without = PdfReader(io.BytesIO(with_url(config).render(erasure_data(), "nl"))).pages[0]
    plain: Any = without["/Resources"]
    assert "/XObject" not in plain or not [
        o for o in plain["/XObject"].values() if o.get_object()["/Subtype"] == "/Image"
    ]
    bad = tmp_path / "logo.txt"
    bad.write_text("not an image")
    with pytest.raises(ConfigError, match=r"\[shop\] logo cannot be read"):
        with_url(config, logo=str(bad)).render(erasure_data(), "nl")


def test_the_last_page_says_how_to_check_and_what_the_terms_mean(config: Config) -> None:
    text = pages(with_url(config).render(erasure_data(), "nl"))
    last = text[-1]
    assert "Zo controleert u dit certificaat" in last and URL in last
    assert "Wat de begrippen betekenen" in last and "DIN 66399" in last
    assert f"publiceert op {URL}" in " ".join(text)


@pytest.mark.parametrize(
    ("vendor", "model", "expected"),
    [
        (None, "WDC WD10EZEX-08WN4A0", "Western Digital"),
        ("ATA", "ST500DM002-1BD142", "Seagate"),
        ("", "CT500MX500SSD1", "Crucial"),
        (None, "Samsung SSD 860 EVO 250GB", "Samsung"),
        ("Toshiba", "ST500", "Toshiba"),  # what the drive says comes first
        (None, "Bench disk", None),
    ],
)
def test_manufacturer_from_well_known_model_prefixes(vendor: str | None, model: str, expected: str | None) -> None:
    assert manufacturer(vendor, model) == expected


def test_the_certificate_names_the_manufacturer_from_the_model(cli: Cli, shop: Shop) -> None:
    shop.record("WD-1")
    cli.sql("UPDATE drives SET vendor = NULL, model = 'WDC WD10EZEX-08WN4A0' WHERE serial = 'WD-1'")
    out = cli.ok("destroy", "WD-1", "--method", "shred", "--level", "H-5")
    (raw,) = cli.sql("SELECT data FROM certificates WHERE number = :n", n=out["certificate"])[0]
    data = json.loads(raw) if isinstance(raw, str) else raw
    assert data["drive"]["manufacturer"] == "Western Digital"
