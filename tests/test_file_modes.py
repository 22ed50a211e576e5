"""Files only for the shop: the data folder 0700; database, evidence, exports and PDFs 0600; a data
folder other users can write to is refused."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import TEST_SHOP, Cli
from tests.fakes import FakeClock
from wipestation.common.config import Config


@pytest.fixture
def loose_umask() -> Iterator[None]:
    old = os.umask(0o022)  # what a shell usually has: the command must not depend on it
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_everything_the_command_creates_is_the_owners_only(tmp_path: Path, loose_umask: None) -> None:
    data = tmp_path / "shop"
    cli = Cli(
        url=f"sqlite:///{data / 'wipestation.sqlite3'}", clock=FakeClock(), config=Config(data_dir=data, shop=TEST_SHOP)
    )
    cid = cli.ok("customer", "add", "--name", "Anna Jansen", "--email", "anna@example.nl")["id"]
    cli.ok(
        "abandoned", "register", "--serial", "M1", "--model", "M", "--capacity", "1TB", "--media", "hdd",
        "--customer", str(cid), "--abandoned-on", "2026-07-01",
    )  # fmt: skip
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(b"jpeg")
    number = cli.ok("destroy", "M1", "--method", "shred", "--level", "H-5", "--evidence", str(photo))["certificate"]
    export = tmp_path / "out" / "export.json"
    export.parent.mkdir()
    assert cli("customer", "export", str(cid), "-o", str(export)).exit_code == 0
    pdf = tmp_path / "out" / "c.pdf"
    assert cli("certificate", "pdf", number, "-o", str(pdf)).exit_code == 0
    assert _mode(data) == 0o700
    created = [p for p in data.rglob("*")]
    assert any(p.name == "wipestation.sqlite3" for p in created)
    assert any(p.parent.parent.name == "evidence" for p in created)
    for path in created:
        assert _mode(path) == (0o700 if path.is_dir() else 0o600), path
    assert _mode(export) == 0o600
    assert _mode(pdf) == 0o600


def test_an_existing_export_file_is_made_private(cli: Cli, tmp_path: Path, loose_umask: None) -> None:
    cid = cli.ok("customer", "add", "--name", "Anna Jansen")["id"]
    out = tmp_path / "old.json"
    out.write_text("old")
    out.chmod(0o644)
    assert cli("customer", "export", str(cid), "-o", str(out)).exit_code == 0
    assert _mode(out) == 0o600
    assert "Anna Jansen" in out.read_text()


def test_a_data_folder_others_can_write_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "shop"
    data.mkdir()
    data.chmod(0o777)
    cli = Cli(
        url=f"sqlite:///{data / 'wipestation.sqlite3'}", clock=FakeClock(), config=Config(data_dir=data, shop=TEST_SHOP)
    )
    result = cli("customer", "list")
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: data folder {data} can be written by other users (mode 0777): run `chmod o-w,g-w {data}` "
        "(0700 is best)\n"
    )
    assert not (data / "wipestation.sqlite3").exists()
