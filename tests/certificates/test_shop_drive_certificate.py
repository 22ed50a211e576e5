"""The destruction certificate of the shop's own retired drive, in both languages: the shop is the
owner, no customer or custody section, the reason and the last health reading; its data round-trips."""

from __future__ import annotations

import dataclasses
import subprocess
import tempfile
from pathlib import Path

import pytest

from certificates.plugin import PdfCertificateRenderer
from tests.certificates.conftest import destruction_data
from wipestation.documents.certify import CertificateData


def shop_data() -> CertificateData:
    data = destruction_data(customer=None)
    assert data.destruction is not None
    facts = dataclasses.replace(
        data.destruction,
        owner="shop",
        shop_reason="health: NVMe media errors 7 > 0",
        health="health failing; media errors 7, used 3 %; NVMe media errors 7 > 0",
        storage_location=None,
        seal_number=None,
    )
    drive = dataclasses.replace(data.drive, host_computer=None)
    return dataclasses.replace(data, destruction=facts, drive=drive)


def pdftotext(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.pdf"
        path.write_bytes(pdf)
        done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(done.stdout.split())


@pytest.mark.parametrize(
    ("lang", "owner", "basis_word", "custody_word"),
    [
        ("nl", "De winkel zelf: een eigen back-upschijf, uit gebruik genomen", "Laatste gezondheidsmeting", "Bewaring"),
        ("en", "The shop itself: its own backup drive, retired", "Last health reading", "Custody"),
    ],
)
def test_the_shops_own_drive(
    renderer: PdfCertificateRenderer, lang: str, owner: str, basis_word: str, custody_word: str
) -> None:
    data = shop_data()
    text = pdftotext(renderer.render(data, lang))
    assert owner in text and basis_word in text
    if lang == "en":  # as recorded
        assert "health: NVMe media errors 7 > 0" in text and "health failing; media errors 7" in text
    else:  # the recorded English line in the certificate's language
        assert "gezondheid: NVMe-mediafouten 7 > 0" in text and "gezondheid slecht; mediafouten 7" in text
        assert "health" not in text
    assert custody_word not in text and "HP ProBook" not in text and "Zoë" not in text and "JOB-2026-0815" not in text
    assert CertificateData.from_dict(data.to_dict()) == data
    assert {"owner", "shop_reason", "health"} <= set(data.to_dict()["destruction"])
    assert not {"owner", "shop_reason", "health"} & set(destruction_data().to_dict()["destruction"])
