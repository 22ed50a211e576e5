"""A shop on loop devices for the backup tests: the CLI run in-process with test devices allowed, its
own data folder (the shop's backup key) and database (SQLite, or PostgreSQL when it runs)."""

from __future__ import annotations

import hashlib
import json
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tests.helpers.loop import IS_ROOT, attach, detach, make_backing
from wipestation.cli import main

blockdev = [
    pytest.mark.blockdev,
    pytest.mark.skipif(not IS_ROOT, reason="needs root to attach loop devices (losetup) and mount them"),
]


@dataclass
class Shop:
    root: Path
    url: str

    @property
    def data(self) -> Path:
        return self.root / "data"

    def __call__(self, *args: str) -> Result:
        config = self.root / "shop.toml"
        if not config.exists():
            config.write_text('[shop]\nname = "Testwinkel Voorbeeld"\ncontact = "winkel@example.nl"\n')
        env = {
            "WIPESTATION_ALLOW_LOOP": "1",
            "WIPESTATION_CONFIG": str(config),
            "WIPESTATION_DATA_DIR": str(self.data),
        }
        runner = CliRunner(env=env)
        return runner.invoke(main, ["--db", self.url, "--as", "tester", *args], catch_exceptions=False)

    def ok(self, *args: str) -> Any:
        result = self(*args, "--json")
        assert result.exit_code == 0, result.stderr
        if args[:2] == ("backup", "make"):  # progress lines first, the result last
            return json.loads(result.stdout.strip().splitlines()[-1])
        return json.loads(result.stdout)

    def refused(self, code: int, *args: str) -> str:
        result = self(*args)
        assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert "Traceback" not in result.stderr, result.stderr
        if code == 2:  # click's usage error: the usage, then the one line that says what was wrong
            return lines[-1]
        assert len(lines) == 1, result.stderr
        return lines[0]


@pytest.fixture
def shop(tmp_path: Path, db_url: str) -> Shop:
    return Shop(tmp_path, db_url)


@pytest.fixture
def sqlite_shop(tmp_path: Path) -> Shop:
    """For the tests about sources and drives: the store does not matter there."""
    return Shop(tmp_path, f"sqlite:///{tmp_path / 'ws.sqlite3'}")


@pytest.fixture
def loops(tmp_path: Path) -> Iterator[list[str]]:
    """Loop devices this test attaches (`attach_new`), detached by name at the end."""
    attached: list[str] = []
    yield attached
    for device in reversed(attached):
        detach(device)


def new_loop(loops: list[str], directory: Path, name: str, size: int) -> str:
    directory.mkdir(exist_ok=True)
    device = attach(make_backing(directory, name, size))
    loops.append(device)
    return device


def pool_drive(shop: Shop, loops: list[str], name: str = "pool.img", size: int = 64 << 20) -> str:
    """A loop device erased whole (recorded) and prepared as a pool drive. Its serial is LOOP-<name>:
    the name is made unique on this machine (loop devices of other test runs may be attached)."""
    name = f"{shop.root.name[-12:]}-{os.getpid()}-{name}"
    device = new_loop(loops, shop.root / "loop", name, size)
    done = shop("erase", device, "--method", "zero", "--verify", "none", "--confirm", f"LOOP-{name}", "--json")
    assert done.exit_code == 0, done.stderr
    prepared = shop.ok("pool", "prepare", device, "--confirm", f"LOOP-{name}")
    assert prepared["serial"] == f"LOOP-{name}"
    return device


def tree_hashes(root: Path) -> dict[str, str]:
    """Every regular file under root by relative path: its SHA-256 (links: their target)."""
    out: dict[str, str] = {}
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            path = Path(dirpath) / name
            rel = str(path.relative_to(root))
            if path.is_symlink():
                out[rel] = "-> " + os.readlink(path)
            else:
                out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def fill_tree(root: Path, marker: bytes, *, extras: bool = True, links: bool = True) -> None:
    """A customer's folder: nested folders, a known marker in one file, Unicode and very long names,
    an empty and a sparse file, a hard and a symbolic link (the same bytes every time for one marker)."""
    docs = root / "Users" / "Jan" / "Documents"
    docs.mkdir(parents=True)
    (docs / "brief.txt").write_bytes(b"Beste klant, " + marker + b"\n" * 100)
    (docs / "groot.bin").write_bytes(random.Random(marker).randbytes(300_000))
    if not extras:
        return
    (docs / "Ærøskøbing \u2013 überprüfung ☃ 日本語.txt").write_text("unicode naam\n")
    (docs / ("l" * 240 + ".txt")).write_text("lange naam\n")
    (docs / "leeg.txt").write_bytes(b"")
    with open(docs / "sparse.img", "wb") as fh:
        fh.truncate(2 << 20)
        fh.seek(1 << 20)
        fh.write(b"midden")
    if links:
        os.link(docs / "brief.txt", docs / "brief-hardlink.txt")
        os.symlink("brief.txt", docs / "brief-symlink.txt")
