"""`destroy --asset-tag`: the shop's own asset or service tag of the drive is stored with the
destruction and shown on its certificate, as on an erasure's; a hostile value is one line and
changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.certificates.conftest import Shop
from tests.certificates.test_as_a_reader import pages
from tests.conftest import Cli

DESTROY = ["--method", "shred", "--level", "H-5"]


def test_the_asset_tag_is_stored_and_on_the_certificate(cli: Cli, shop: Shop, tmp_path: Path) -> None:
    shop.record("HDD-A")
    out = cli.ok("destroy", "HDD-A", *DESTROY, "--asset-tag", "  INV-0042 ")
    (details,) = cli.sql("SELECT details FROM destructions")
    stored = details[0] if isinstance(details[0], dict) else json.loads(details[0])  # psycopg decodes JSON
    assert stored["asset_tag"] == "INV-0042"
    for lang, label in (("nl", "Inventarisnummer winkel"), ("en", "Shop asset tag")):
        pdf = tmp_path / f"{lang}.pdf"
        assert cli("certificate", "pdf", out["certificate"], "--lang", lang, "-o", str(pdf)).exit_code == 0
        first = " ".join(pages(pdf.read_bytes())[0].split())  # the label may wrap beside its value
        assert all(word in first for word in label.split()) and first.count("INV-0042") == 1, first


def test_without_an_asset_tag_the_certificate_has_no_such_row(cli: Cli, shop: Shop, tmp_path: Path) -> None:
    shop.record("HDD-B")
    out = cli.ok("destroy", "HDD-B", *DESTROY)
    pdf = tmp_path / "c.pdf"
    assert cli("certificate", "pdf", out["certificate"], "--lang", "nl", "-o", str(pdf)).exit_code == 0
    assert "Inventarisnummer" not in "\n".join(pages(pdf.read_bytes()))


HOSTILE = [
    ("INV\x1b[31m", "--asset-tag contains a control character (0x1b): type plain text"),
    ("X" * 65, "--asset-tag is longer than 64 characters"),
    ("   ", "--asset-tag is empty"),
]


@pytest.mark.parametrize(("value", "message"), HOSTILE, ids=["escape", "long", "blank"])
def test_a_hostile_asset_tag_is_refused_in_one_line(cli: Cli, shop: Shop, value: str, message: str) -> None:
    shop.record("HDD-C")
    before = cli.snapshot()
    result = cli("destroy", "HDD-C", *DESTROY, "--asset-tag", value)
    assert result.exit_code == 1, result.stdout
    assert result.stderr.strip() == f"error: {message}"
    assert cli.snapshot() == before


def test_one_asset_tag_for_a_batch_is_refused(cli: Cli, shop: Shop) -> None:
    shop.record("HDD-D")
    shop.record("HDD-E")
    before = cli.snapshot()
    result = cli("destroy", "HDD-D", "HDD-E", *DESTROY, "--asset-tag", "INV-1")
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: --asset-tag names one drive: give one record with it"
    assert cli.snapshot() == before
