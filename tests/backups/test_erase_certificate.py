"""Erasing one backup issues its certificate (issue 27): an erasure certificate whose scope is the data
set, numbered and signed as every certificate, that `certificate verify` accepts; and when issuing it
fails after the key is gone, the erasure's end is recorded and the certificate is owed, then issued at
the next start, marked "issued later"."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.backups.conftest import Shop, blockdev, pool_drive
from tests.certificates.test_shop_drive_certificate import pdftotext
from wipestation.backups import using
from wipestation.common.errors import InvalidState

pytestmark = blockdev


def _erasable(shop: Shop, loops: list[str], tmp_path: Path) -> dict[str, object]:
    pool_drive(shop, loops)
    customer = shop.ok("customer", "add", "--name", "Jan de Vries")["id"]
    source = tmp_path / "klant"
    (source / "Documents").mkdir(parents=True)
    (source / "Documents/brief.txt").write_text("Beste Jan,\n")
    (source / "Documents/foto.jpg").write_bytes(b"\xff\xd8" + bytes(5000))
    made = shop.ok("backup", "make", "--from", str(source), "--customer", str(customer), "--job", "R-7")
    assert shop("request-deletion", str(made["id"]), "--reason", "klant belde").exit_code == 0
    return {**made, "customer": customer}


def test_backup_erase_issues_a_certificate_that_verifies(shop: Shop, loops: list[str], tmp_path: Path) -> None:
    made = _erasable(shop, loops, tmp_path)
    erased = shop.ok("backup", "erase", str(made["id"]))
    number = erased["certificate"]
    assert isinstance(number, str) and number.startswith("WS-")
    pdf = tmp_path / "cert.pdf"
    assert shop("certificate", "pdf", number, "-o", str(pdf)).exit_code == 0
    text = pdftotext(pdf.read_bytes())
    assert (
        f"back-up {made['id']} van klant {made['customer']}, opdracht R-7, 2 bestanden, 5.013 bytes" in text
        or f"backup {made['id']} of customer {made['customer']}, job R-7, 2 files, 5,013 bytes" in text
    ), text
    assert f"{made['serial']}" in text and "Purge" not in text
    verified = shop("certificate", "verify", str(pdf))
    assert verified.exit_code == 0, verified.stdout + verified.stderr
    listed = [c for c in shop.ok("certificate", "list") if c["number"] == number]
    assert [(c["kind"], c["record_id"], c["serial"]) for c in listed] == [("erasure", made["id"], made["serial"])]


def test_a_certificate_that_fails_after_the_key_is_gone_is_owed_and_issued_later(
    shop: Shop, loops: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = _erasable(shop, loops, tmp_path)

    def broken(*args: object, **kwargs: object) -> object:
        raise InvalidState("the signing key is damaged")

    monkeypatch.setattr(using, "issue_data_set_certificate", broken)
    erased = shop.ok("backup", "erase", str(made["id"]))
    assert erased["certificate"] is None and erased["state"] == "erased"
    monkeypatch.undo()
    assert shop.ok("show", str(made["id"]))["state"] == "erased"  # this start issues what is owed
    numbers = [c["number"] for c in shop.ok("certificate", "list") if c.get("record_id") == made["id"]]
    assert len(numbers) == 1
    pdf = tmp_path / "later.pdf"
    assert shop("certificate", "pdf", numbers[0], "-o", str(pdf)).exit_code == 0
    text = pdftotext(pdf.read_bytes())
    assert "Later uitgegeven" in text and "cryptografisch wissen van deze gegevensset" in text
