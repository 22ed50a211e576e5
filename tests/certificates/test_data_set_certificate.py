"""The certificate of erasing one backup on a shared pool drive (issue 27): an erasure certificate
whose scope is the data set. It says what was done and what was not, never "Purge", in both languages."""

from __future__ import annotations

import dataclasses

import pytest

from certificates.plugin import PdfCertificateRenderer
from tests.certificates.conftest import data_set_data, erasure_data
from tests.certificates.test_shop_drive_certificate import pdftotext
from wipestation.documents.certify import CertificateData

STATEMENT = {
    "en": (
        "cryptographic erasure of this data set (backup 17 of customer 4, job JOB-2026-0815, 48,213 files, "
        "73,400,320,000 bytes); the key was destroyed (overwritten in place and read back) and its encrypted "
        "data deleted and overwritten; drive WD-POOL-0001 was not sanitized because it holds other customers' "
        "encrypted backups; it is sanitized when it leaves the pool."
    ),
    "nl": (
        "cryptografisch wissen van deze gegevensset (back-up 17 van klant 4, opdracht JOB-2026-0815, "
        "48.213 bestanden, 73.400.320.000 bytes); de sleutel is vernietigd (op de plaats zelf overschreven en "
        "teruggelezen) en de versleutelde gegevens zijn verwijderd en overschreven; schijf WD-POOL-0001 is niet "
        "gewist, omdat er versleutelde back-ups van andere klanten op staan; hij wordt gewist wanneer hij uit de "
        "back-upvoorraad gaat."
    ),
}
NIST = {"en": "Cryptographic erase (NIST SP 800-88 Rev. 2)", "nl": "cryptographic erase, NIST SP 800-88 Rev. 2"}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_statement_says_what_was_done_and_not_and_never_purge(renderer: PdfCertificateRenderer, lang: str) -> None:
    text = pdftotext(renderer.render(data_set_data(), lang))
    assert STATEMENT[lang] in text, text
    assert NIST[lang] in text
    assert "Purge" not in text and "purge" not in text
    # a whole drive's erasure certificate does name Purge (in its glossary): the check can fail
    assert "Purge" in pdftotext(renderer.render(erasure_data(), lang))


def test_a_data_set_certificate_verifies_and_round_trips(renderer: PdfCertificateRenderer) -> None:
    data = data_set_data()
    assert CertificateData.from_dict(data.to_dict()) == data
    report = renderer.verify(renderer.render(data, "nl"))
    assert report.ok and report.number == data.number and report.data == data.to_dict(), report
    # a certificate without the scope keeps its canonical bytes
    assert "data_set" not in data_set_data(data_set=None).to_dict()


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("nl", "kon niet worden vastgesteld als draaiende schijf"),
        ("en", "could not be identified as a rotating disk"),
    ],
)
def test_a_pool_drive_not_known_to_rotate_is_named_so(renderer: PdfCertificateRenderer, lang: str, line: str) -> None:
    data = data_set_data()
    assert line not in pdftotext(renderer.render(data, lang))  # a rotating disk: no such line
    unknown = dataclasses.replace(data, drive=dataclasses.replace(data.drive, media=None))
    assert line in pdftotext(renderer.render(unknown, lang))
