"""Shelf labels (PDF, QR decoded by zbarimg from pdftoppm images) and the shelf check on scripted
scans, through the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tests.conftest import Cli

needs_tools = pytest.mark.skipif(
    not (shutil.which("zbarimg") and shutil.which("pdftoppm")), reason="needs zbarimg and pdftoppm (poppler-utils)"
)


def from_db(value: Any) -> Any:
    """A JSON column as read back: text on SQLite, already parsed on PostgreSQL."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def decode(pdf: Path, tmp_path: Path) -> list[list[str]]:
    """The QR codes on each page, in the order zbarimg finds them."""
    prefix = tmp_path / "page"
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(pdf), str(prefix)], check=True)
    pages = []
    for image in sorted(tmp_path.glob("page-*.png")):
        done = subprocess.run(["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True)
        pages.append(sorted(done.stdout.split()))
    return pages


def _setup(cli: Cli) -> dict[str, int]:
    cid = int(cli.ok("customer", "add", "--name", "Jan de Vries", "--email", "jan@example.nl")["id"])
    ids = {}
    ids["A1"] = cli.ok(
        "abandoned", "register", "--serial", "Z1D2-ABC", "--model", "ST500DM002", "--capacity", "500GB",
        "--customer", str(cid), "--abandoned-on", "2026-08-20", "--location", "shelf B3",
    )["id"]  # fmt: skip
    ids["A2"] = cli.ok(
        "abandoned", "register", "--serial", "WD-AB2", "--model", "WD10", "--capacity", "1TB",
        "--customer", str(cid), "--abandoned-on", "2026-11-01", "--location", "shelf B3",
    )["id"]  # fmt: skip
    ids["B1"] = cli.ok(
        "backup", "register", "--serial", "BK-001", "--customer", str(cid), "--job", "R-77", "--location", "shelf B3"
    )["id"]
    ids["E1"] = cli.ok(
        "abandoned", "register", "--serial", "ELSE-1", "--model", "M", "--capacity", "1TB",
        "--customer", str(cid), "--location", "shelf C1",
    )["id"]  # fmt: skip
    ids["N1"] = cli.ok(
        "abandoned", "register", "--serial", "NOWHERE-1", "--model", "M", "--capacity", "1TB", "--customer", str(cid)
    )["id"]
    return ids


@needs_tools
@pytest.mark.parametrize("fmt", ["roll62", "a4"])
def test_labels_carry_a_readable_qr_and_no_name(cli: Cli, tmp_path: Path, fmt: str) -> None:
    ids = _setup(cli)
    out = tmp_path / "labels.pdf"
    result = cli("label", str(ids["A1"]), "BK-001", str(ids["A2"]), "-o", str(out), "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == f"wrote 3 labels to {out} ({fmt})"
    reader = PdfReader(out)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Jan" not in text and "Vries" not in text and "jan@" not in text
    assert f"#{ids['A1']} abandoned" in text and "Z1D2-ABC" in text and "customer 1" in text
    assert "due 2026-11-20" in text and "at shelf B3" in text and f"#{ids['B1']} backup" in text
    codes = [f"WSLBL:{ids['A1']}:Z1D2-ABC", f"WSLBL:{ids['B1']}:BK-001", f"WSLBL:{ids['A2']}:WD-AB2"]
    pages = decode(out, tmp_path)
    if fmt == "roll62":
        assert len(reader.pages) == 3 and pages == [[c] for c in codes]
        width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
        assert round(width / 72 * 25.4) == 62 and round(height / 72 * 25.4) == 40
    else:
        assert len(reader.pages) == 1 and pages == [sorted(codes)]
        width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
        assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)


def test_label_bad_input(cli: Cli, tmp_path: Path) -> None:
    ids = _setup(cli)
    cli.sql("update custody_records set state = 'destroyed' where id = :id", id=ids["E1"])
    out = tmp_path / "l.pdf"
    for args, message in (
        (["999"], "error: no record or drive serial '999'"),
        (["ELSE-1"], f"error: record {ids['E1']} is destroyed: it is closed and needs no shelf label"),
        (["--format", "a5", str(ids["A1"])], "Invalid value for '--format'"),
    ):
        result = cli("label", *args, "-o", str(out))
        assert result.exit_code != 0 and message in result.stderr and "Traceback" not in result.stderr
        assert not out.exists()


def scan(cli: Cli, location: str, codes: list[str]) -> dict[str, Any]:
    result = cli("shelf", "check", location, "--json", input="".join(c + "\r\n" for c in codes))
    assert result.exit_code == 0, result.stderr
    return dict(json.loads(result.stdout))


def test_shelf_check_on_scripted_scans(cli: Cli) -> None:
    ids = _setup(cli)
    out = scan(
        cli,
        "shelf B3",
        [f"WSLBL:{ids['A1']}:Z1D2-ABC", "", f"WSLBL:{ids['E1']}:ELSE-1", f"wslbl:{ids['N1']}:NOWHERE-1"],
    )
    ref = lambda key: [item["id"] for item in out[key]]  # noqa: E731
    assert out["scanned"] == 3
    assert ref("present") == [ids["A1"]]
    assert ref("missing") == [ids["A2"], ids["B1"]]
    assert ref("misplaced") == [ids["E1"]] and out["misplaced"][0]["registered_at"] == "shelf C1"
    assert ref("unexpected") == [ids["N1"]]
    assert ref("due") == [ids["A1"]]  # abandoned on 2026-08-20: due 2026-11-20, before the clock's 2026-11-25
    ((after,),) = cli.sql("select after from audit_events where action = 'shelf.checked'")
    recorded = from_db(after)
    assert recorded["location"] == "shelf B3" and recorded["missing"] == [ids["A2"], ids["B1"]]
    assert out["audit_event"] and cli("audit", "verify").exit_code == 0
    human = cli(
        "shelf",
        "check",
        "shelf B3",
        input=f"WSLBL:{ids['A1']}:Z1D2-ABC\nWSLBL:{ids['A2']}:WD-AB2\nWSLBL:{ids['B1']}:BK-001\n",
    )
    assert human.exit_code == 0
    assert "shelf shelf B3: 3 scanned, 3 in place" in human.stdout
    assert "everything registered here was scanned, and nothing else" in human.stdout


def test_shelf_check_bad_input_changes_nothing(cli: Cli) -> None:
    ids = _setup(cli)
    good = f"WSLBL:{ids['A1']}:Z1D2-ABC"
    before = cli.snapshot()
    for location, lines, message in (
        ("shelf B3", [good, "4006381333931"], "error: line 2: '4006381333931' is not a wipestation shelf label"),
        ("shelf B3", [good, good], f"error: line 2: record {ids['A1']} was scanned twice (first on line 1)"),
        ("shelf B3", ["WSLBL:99:Z1D2-ABC"], "error: line 1: 'WSLBL:99:Z1D2-ABC' names no record of this shop"),
        ("shelf B3", [f"WSLBL:{ids['A1']}:OTHER"], "names no record of this shop"),
        ("shelf Z9", [good], "error: unknown location 'shelf Z9': no record was ever registered there"),
    ):
        result = cli("shelf", "check", location, input="\n".join(lines) + "\n")
        assert result.exit_code == 1, result.stderr
        assert message in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert cli.snapshot() == before
