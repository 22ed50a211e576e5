"""A real erasure of a loop device, certified in Dutch: the HPA/DCO and SMART lines the erasure
recorded (in English, as hdparm and smartctl answer for a loop device) are Dutch on the page, and
the page carries the sector size and count, the workstation and the shop's asset tag."""

from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path

import pytest

from tests.certificates.test_as_a_reader import english_words, pages
from tests.erasure.conftest import cli
from tests.helpers.loop import IS_ROOT, loop_device

pytestmark = [
    pytest.mark.blockdev,
    pytest.mark.skipif(not IS_ROOT, reason="needs root to attach loop devices (losetup)"),
]


def test_a_loop_erasure_certificate_in_dutch(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    (tmp_path / "loop").mkdir()
    with loop_device(tmp_path / "loop", "nl.img", 4 << 20, fill=b"\x55") as dev:
        customer = json.loads(cli(db, ["customer", "add", "--name", "A. Klant", "--json"]).stdout)
        register = ["backup", "register", "--device", dev, "--customer", str(customer["id"]), "--job", "J-1", "--json"]
        record = json.loads(cli(db, register).stdout)
        assert cli(db, ["request-deletion", str(record["id"])]).exit_code == 0
        erase = ["erase", dev, "--method", "zero", "--verify", "full", "--confirm", "LOOP-nl.img", "--json"]
        done = cli(db, [*erase, "--asset-tag", "INV-0042"])
        assert done.exit_code == 0, done.stderr
        number = json.loads(done.stdout.strip().splitlines()[-1])["certificate"]
    out = tmp_path / "c.pdf"
    assert cli(db, ["certificate", "pdf", number, "--lang", "nl", "-o", str(out)]).exit_code == 0
    texts = pages(out.read_bytes())
    text = " ".join("\n".join(texts).split())
    stored = subprocess.run(
        ["sqlite3", str(db), f"SELECT data FROM certificates WHERE number = '{number}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    erasure = json.loads(stored)["erasure"]
    assert "loop device has no HPA or DCO" in erasure["hpa_dco"]  # the record keeps the English
    # the kernel's model name of a loop device is the drive's data, not a sentence of the page
    assert english_words(text.replace("Model Linux loop device", "Model")) == [], text
    assert "niet van toepassing (een loop-apparaat heeft geen HPA of DCO)" in text
    assert "Sectoren 8.192 sectoren van 512 bytes" in text
    assert f"Werkplek {socket.gethostname()}" in text
    assert "Inventarisnummer winkel INV-0042" in text
    assert (erasure["sector_size"], erasure["sector_count"], erasure["asset_tag"]) == (512, 8192, "INV-0042")
