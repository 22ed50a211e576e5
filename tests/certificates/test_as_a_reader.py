"""Certificates read as a customer reads them: the Dutch page has no English sentence (the lines the
record keeps in English are shown in Dutch), the statement and the signature block are on page 1,
the footers say "Pagina 1 van 2", nothing spills a few lines onto a page of its own, and nothing of
the shop's internal bookkeeping (evidence paths, batch ids) is shown.

The HPA/DCO and health lines are made by the code that writes them into the record for real drives
(`HiddenArea.text`, `HpaState.text`, `assess` and `summary`), not typed here."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import pytest

from certificates.plugin import PdfCertificateRenderer
from tests.certificates.conftest import destruction_data, erasure_data
from wipestation.common.config import HealthConfig
from wipestation.documents.certify import CertificateData, Evidence
from wipestation.erasure.firmware.parsing import HpaState
from wipestation.erasure.hidden import NO_ANSWER_BUSES, NO_HPA_BUSES, HiddenArea
from wipestation.stock.health.judging import ErasureSigns, assess, summary
from wipestation.stock.health.reading import HealthReading, unknown

# Words that are English and not Dutch (nor a name, a standard or a tool on the page).
ENGLISH = {
    "the", "and", "with", "not", "has", "have", "was", "were", "this", "that", "which", "by", "from",
    "drive", "drives", "disk", "device", "health", "healthy", "failing", "unknown", "applicable", "none",
    "sectors", "visible", "hidden", "hides", "disabled", "enabled", "reported", "real", "max", "signed",
    "page", "batch", "photo", "erasure", "erased", "shop", "passed", "failed", "reallocated", "pending",
    "errors", "used", "power-on", "critical", "warning", "hit", "unwritable", "range", "ran", "usual",
    "limit", "self-assessment", "installed", "gave", "answer", "verdict", "signature",
}  # fmt: skip

# pdfsig's own English message, quoted in the glossary as the reader sees it
QUOTED_TOOL = re.compile(r"„Certificate issuer is unknown”")


def _area_lines() -> list[str]:
    return [
        *(
            HiddenArea("not-applicable", why_unknown=why).text
            for why in (*NO_HPA_BUSES.values(), *NO_ANSWER_BUSES.values())
        ),
        HiddenArea("unknown", why_unknown="hdparm is not installed").text,
        HiddenArea("none", 976773168, 976773168, None).text,
        HiddenArea("none", 976773168, 976773168, 976773168).text,
        HiddenArea("hidden", 976000000, 976500000, 976773168).text,
        HpaState(976773168, 976773168, enabled=False).text,
    ]


def _health_lines() -> list[str]:
    limits = HealthConfig()
    loop = unknown("a loop device has no SMART")
    worn = HealthReading(smart_passed=False, reallocated_sectors=40, pending_sectors=3, power_on_hours=40210)
    nvme = HealthReading(smart_passed=True, media_errors=7, percentage_used=3, temperature_c=41)
    signs = ErasureSigns(io_errors=4, bytes_per_second=20e6, earlier_bytes_per_second=(150e6, 160e6))
    lines = []
    for reading in (loop, worn, nvme, HealthReading(smart_passed=True, power_on_hours=12)):
        judged = assess(reading, limits, signs if reading is worn else None)
        lines.append(summary(judged.verdict, reading, judged.reasons))
    return lines


def _erasures() -> list[CertificateData]:
    base = erasure_data()
    assert base.erasure is not None
    pairs = zip(_area_lines(), [*_health_lines(), *_health_lines()], strict=False)
    return [
        dataclasses.replace(base, erasure=dataclasses.replace(base.erasure, hpa_dco=hpa, health=health))
        for hpa, health in pairs
    ]


def _destructions() -> list[CertificateData]:
    customer = destruction_data()
    assert customer.destruction is not None
    shop = dataclasses.replace(
        customer,
        customer=None,
        destruction=dataclasses.replace(
            customer.destruction,
            owner="shop",
            shop_reason="health: " + "; ".join(assess(HealthReading(smart_passed=False), HealthConfig()).reasons),
            health=_health_lines()[1],
            storage_location=None,
            seal_number=None,
            prior_erasure="WS-2026-000040, WS-2026-000041",
        ),
    )
    lower = dataclasses.replace(
        customer,
        destruction=dataclasses.replace(customer.destruction, level="E-2", lower_level_reason="klant wilde het zo"),
    )
    return [customer, shop, lower]


def pages(pdf: bytes) -> list[str]:
    """Each page's text as pdftotext -layout reads it."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.pdf"
        path.write_bytes(pdf)
        count = int(re.search(r"Pages:\s+(\d+)", _run("pdfinfo", str(path))).group(1))  # type: ignore[union-attr]
        return [_run("pdftotext", "-layout", "-f", str(n), "-l", str(n), str(path), "-") for n in range(1, count + 1)]


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def english_words(text: str) -> list[str]:
    text = QUOTED_TOOL.sub("", " ".join(text.split()))
    words = re.findall(r"[A-Za-z][A-Za-z-]*", text)
    return sorted({w for w in words if w.lower() in ENGLISH})


@pytest.mark.parametrize("data", [*_erasures(), *_destructions()], ids=lambda d: f"{d.kind}")
def test_a_dutch_certificate_has_no_english(renderer: PdfCertificateRenderer, data: CertificateData) -> None:
    text = "\n".join(pages(renderer.render(data, "nl")))
    assert english_words(text) == [], text
    # the same data in English does show the English words (the word list can fail)
    assert english_words("\n".join(pages(renderer.render(data, "en"))))


def test_the_recorded_lines_stay_english_in_the_data(renderer: PdfCertificateRenderer) -> None:
    for data in _erasures():
        assert data.erasure is not None and data.erasure.hpa_dco is not None
        assert data.erasure.hpa_dco in data.canonical().decode()


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize(
    "make",
    [erasure_data, destruction_data, lambda: _destructions()[1], lambda: _destructions()[2]],
    ids=["erasure", "destruction", "shop-destruction", "lower-level-destruction"],
)
def test_statement_and_signature_block_on_page_1_and_the_page_total(
    renderer: PdfCertificateRenderer, lang: str, make: object
) -> None:
    data = make()  # type: ignore[operator]
    texts = pages(renderer.render(data, lang))
    heading, signed = (
        ("Verklaring", "Digitaal ondertekend door") if lang == "nl" else ("Attestation", "Digitally signed by")
    )
    word = "Pagina" if lang == "nl" else "Page"
    of = "van" if lang == "nl" else "of"
    first = texts[0]
    assert heading in first and signed in first, first
    assert f"{data.issuer.name} " in first.split(signed, 1)[1]  # who signed, in the block
    assert renderer.fingerprint in first.split(signed, 1)[1].replace("\n", "")  # and with which key
    for n, text in enumerate(texts, 1):
        assert re.search(rf"{word} {n} {of} {len(texts)}\s*$", text.rstrip()), text[-200:]
    everything = "\n".join(texts)
    assert "____" not in everything  # no blank line for a pen on a digitally signed file
    assert "D-20261125-abcdef12" not in everything  # neither the batch nor the evidence path


def test_the_repair_job_is_named_once_on_a_destruction(renderer: PdfCertificateRenderer) -> None:
    text = "\n".join(pages(renderer.render(destruction_data(), "nl")))
    assert text.count("Reparatieopdracht") == 1


def test_a_destruction_below_the_minimum_level_is_not_green(renderer: PdfCertificateRenderer) -> None:
    lower = _destructions()[2]
    text = " ".join("\n".join(pages(renderer.render(lower, "nl"))).split())
    assert "Vernietigd met uitzondering" in text and "lager dan het minimumniveau" in text
    normal = " ".join("\n".join(pages(renderer.render(destruction_data(), "nl"))).split())
    assert "Vernietigd met uitzondering" not in normal


def test_a_long_certificate_spills_no_few_lines_onto_a_page(renderer: PdfCertificateRenderer) -> None:
    base = destruction_data()
    assert base.destruction is not None
    for count in range(0, 14):
        evidence = tuple(Evidence(file=f"D-1/{n:02d}.jpg", sha256=f"{n:02x}" * 32) for n in range(count))
        facts = dataclasses.replace(
            base.destruction, evidence=evidence, early_reason="De klant vroeg om vroege vernietiging. " * 3
        )
        texts = pages(renderer.render(dataclasses.replace(base, destruction=facts, validator="Els Bakker"), "nl"))
        for text in texts[1:]:
            body = [line for line in text.splitlines() if line.strip()][4:-1]  # without header and footer
            assert len(body) >= 6, (count, text)


def test_the_glossary_says_what_a_pdf_reader_shows(renderer: PdfCertificateRenderer) -> None:
    nl = " ".join("\n".join(pages(renderer.render(erasure_data(), "nl"))).split())
    en = " ".join("\n".join(pages(renderer.render(erasure_data(), "en"))).split())
    assert "Certificate issuer is unknown" in nl and "Certificate issuer is unknown" in en
    assert "tonen haar als geldig" not in nl and "show it as valid" not in en
    assert "wipestation certificate verify" in nl and "vingerafdruk" in nl


def test_pdfsig_says_what_the_glossary_says(renderer: PdfCertificateRenderer, tmp_path: Path) -> None:
    import shutil

    if shutil.which("pdfsig") is None:
        pytest.skip("pdfsig (poppler-utils) is not installed")
    path = tmp_path / "c.pdf"
    path.write_bytes(renderer.render(erasure_data(), "nl"))
    said = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout
    assert "Certificate issuer is unknown" in said


def test_prior_erasures_are_named(renderer: PdfCertificateRenderer) -> None:
    shop = _destructions()[1]
    text = " ".join("\n".join(pages(renderer.render(shop, "nl"))).split())
    assert "WS-2026-000040, WS-2026-000041" in text
    assert date(2026, 11, 25)  # the data's day; the page says it in Dutch
