"""`certificate verify` tells genuine (0), changed/forged/revoked (1) and "cannot be checked here"
(5) apart, and creates nothing on the customer's machine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from certificates.plugin import PdfCertificateRenderer
from tests.certificates.conftest import Shop, erasure_data
from tests.conftest import Cli
from wipestation.common.config import Config

VERIFY_URL = "https://www.somcom.nl/controle/"


def _customer_machine(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """An environment with an empty home: no config, no database, no key, no data folder."""
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WIPESTATION_", "XDG_"))}
    env["HOME"] = str(home)
    env["WIPESTATION_LANG"] = "en"  # the messages these tests read are the English ones (Dutch is the default)
    return env, home


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from wipestation.cli import main; sys.exit(main())"
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*"))


@pytest.fixture
def genuine(tmp_path: Path, config: Config, renderer: PdfCertificateRenderer) -> Path:
    import dataclasses

    shop = PdfCertificateRenderer(
        dataclasses.replace(config, certificates=dataclasses.replace(config.certificates, verify_url=VERIFY_URL))
    )
    path = tmp_path / "certificaat.pdf"
    path.write_bytes(shop.render(erasure_data(), "nl"))
    return path


def test_without_the_shops_key_a_genuine_certificate_cannot_be_checked_exit_5(
    tmp_path: Path, genuine: Path, renderer: PdfCertificateRenderer
) -> None:
    env, home = _customer_machine(tmp_path)
    result = _run(env, "certificate", "verify", str(genuine))
    assert result.returncode == 5, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "cannot be checked here" in lines[0] and "key is unknown" in lines[0]
    assert VERIFY_URL in lines[0] and "--fingerprint" in lines[0]
    assert "NOT authentic" not in lines[0]
    assert _files(home) == []  # no database, no data folder, no key


def test_cannot_be_checked_here_is_said_in_dutch_by_default(tmp_path: Path, genuine: Path) -> None:
    env, _home = _customer_machine(tmp_path)
    del env["WIPESTATION_LANG"]  # a machine as installed: Dutch
    result = _run(env, "certificate", "verify", str(genuine))
    assert result.returncode == 5, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"fout: {genuine}: kan hier niet gecontroleerd worden: de sleutel van de winkel is onbekend; de winkel "
        f"publiceert die op {VERIFY_URL} en voer dan `wipestation certificate verify FILE --fingerprint SHA256` uit "
        "(het bestand zelf toont geen teken van wijziging)"
    ]


def test_with_the_published_fingerprint_it_is_genuine_and_not_checked_against_records(
    tmp_path: Path, genuine: Path, renderer: PdfCertificateRenderer
) -> None:
    env, home = _customer_machine(tmp_path)
    result = _run(env, "certificate", "verify", str(genuine), "--fingerprint", renderer.fingerprint.upper())
    assert result.returncode == 0, result.stderr
    assert "authentic certificate WS-2026-000042" in result.stdout
    assert "not checked against the shop's records" in result.stdout
    # a revoked certificate verifies the same here: the output says where a revocation is known
    assert (
        f"whether the shop revoked it can only be checked on the shop's page: {VERIFY_URL}#WS-2026-000042"
        in result.stdout
    )
    assert _files(home) == []


def test_on_the_customers_machine_a_missing_file_is_usage_exit_2_one_line(tmp_path: Path) -> None:
    env, _home = _customer_machine(tmp_path)
    result = _run(env, "certificate", "verify", str(tmp_path / "nothing.pdf"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"error: file not found: {tmp_path / 'nothing.pdf'}"]


def test_a_changed_file_is_exit_1_even_without_the_key(tmp_path: Path, genuine: Path) -> None:
    env, home = _customer_machine(tmp_path)
    data = bytearray(genuine.read_bytes())
    data[data.index(b"Certificate data")] ^= 0x20
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(bytes(data))
    result = _run(env, "certificate", "verify", str(changed))
    assert result.returncode == 1
    assert "NOT authentic" in result.stderr and "changed" in result.stderr
    assert _files(home) == []


def test_a_certificate_of_another_key_is_exit_1_with_the_fingerprint(
    tmp_path: Path, other_renderer: PdfCertificateRenderer, renderer: PdfCertificateRenderer
) -> None:
    env, _ = _customer_machine(tmp_path)
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(other_renderer.render(erasure_data(), "nl"))
    result = _run(env, "certificate", "verify", str(forged), "--fingerprint", renderer.fingerprint)
    assert result.returncode == 1
    assert "not made with the shop's key" in result.stderr


def test_a_malformed_fingerprint_is_one_line(tmp_path: Path, genuine: Path) -> None:
    env, _ = _customer_machine(tmp_path)
    result = _run(env, "certificate", "verify", str(genuine), "--fingerprint", "abc")
    assert result.returncode == 2  # usage
    assert result.stderr.strip().splitlines() == [
        "error: --fingerprint must be 64 hexadecimal digits (SHA-256), not 'abc'"
    ]


def test_fingerprint_prints_the_shops_fingerprint(cli: Cli, renderer: PdfCertificateRenderer) -> None:
    assert cli("certificate", "fingerprint").stdout.strip() == renderer.fingerprint


def test_at_the_shop_a_certificate_missing_from_the_records_is_not_a_forgery(
    cli: Cli, tmp_path: Path, renderer: PdfCertificateRenderer
) -> None:
    assert cli.ok("certificate", "list") == []  # the shop's (empty) database exists
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(renderer.render(erasure_data(), "en"))
    result = cli("certificate", "verify", str(pdf))
    assert result.exit_code == 0, result.stderr
    assert "not checked against the shop's records (WS-2026-000042 is not in this database)" in result.stdout


def test_a_revoked_certificate_is_exit_1_with_the_reason(cli: Cli, shop: Shop, tmp_path: Path) -> None:
    out = cli.ok("destroy", str(shop.record("HDD-R")), "--method", "shred", "--level", "H-5")
    pdf = tmp_path / "c.pdf"
    cli("certificate", "pdf", out["certificate"], "-o", str(pdf))
    assert cli("certificate", "verify", str(pdf)).exit_code == 0
    revoked = cli.ok("certificate", "revoke", out["certificate"], "--reason", "wrong disk scanned")
    assert revoked["reason"] == "wrong disk scanned"
    result = cli("certificate", "verify", str(pdf))
    assert result.exit_code == 1
    assert "revoked on 2026-" in result.stderr and "wrong disk scanned" in result.stderr
    again = cli("certificate", "revoke", out["certificate"], "--reason", "x")
    assert again.exit_code == 1 and "revoked already" in again.stderr
    events = cli.sql("SELECT action, after FROM audit_events WHERE action = 'certificate.revoked'")
    assert len(events) == 1


def test_verify_on_the_customers_machine_loads_no_store_no_layout_and_no_signer(
    tmp_path: Path, genuine: Path, renderer: PdfCertificateRenderer
) -> None:
    """What makes it start fast (bench/cert_bench.py measures it): no SQLAlchemy, no reportlab, no
    pyHanko at all (its reader pulled in its certificate validator and asyncio; pypdf reads the file)
    and no HTTP client is imported to check a file."""
    env, _home = _customer_machine(tmp_path)
    code = (
        "import sys\nfrom wipestation.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit as exc:\n    code = exc.code\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('sqlalchemy', 'reportlab', 'aiohttp', 'pyhanko', 'pyhanko_certvalidator', 'asyncio'))\n"
        "print(code, heavy, file=sys.stderr)\n"
    )
    args = ["certificate", "verify", str(genuine), "--fingerprint", renderer.fingerprint]
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=False)
    assert "authentic certificate WS-2026-000042" in done.stdout, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "0 []"
