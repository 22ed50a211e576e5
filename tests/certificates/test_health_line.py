"""The erasure certificate carries the drive's health after the erasure (as nwipe's report does);
a certificate issued before health was recorded keeps its canonical bytes."""

from __future__ import annotations

import dataclasses

import pytest

from certificates.plugin import PdfCertificateRenderer
from tests.certificates.conftest import erasure_data
from tests.certificates.test_render import assert_all_in, text_of
from wipestation.documents.certify import CertificateData

LINE = "health healthy; reallocated 0, pending 0, power-on 1730 h, 32 C"


def with_health(line: str | None) -> CertificateData:
    data = erasure_data()
    assert data.erasure is not None
    return dataclasses.replace(data, erasure=dataclasses.replace(data.erasure, health=line))


DUTCH = "gezondheid gezond; vervangen sectoren 0, wachtende sectoren 0, 1.730 uur aan, 32 °C"


@pytest.mark.parametrize(
    ("lang", "label", "line"), [("nl", "Gezondheid (SMART)", DUTCH), ("en", "Drive health (SMART)", LINE)]
)
def test_the_health_line_is_printed(renderer: PdfCertificateRenderer, lang: str, label: str, line: str) -> None:
    """The record keeps the English line; the page shows it in the certificate's language."""
    pdf = renderer.render(with_health(LINE), lang)
    assert_all_in(pdf, [label, line])


def test_without_health_no_row_and_the_same_canonical_data_as_before() -> None:
    data = with_health(None)
    assert "health" not in data.to_dict()["erasure"]
    assert data.canonical() == erasure_data().canonical()
    assert CertificateData.from_dict(data.to_dict()) == data
    assert "health" in with_health(LINE).to_dict()["erasure"]


def test_no_health_row_when_none(renderer: PdfCertificateRenderer) -> None:
    assert "SMART" not in text_of(renderer.render(with_health(None), "en"))
