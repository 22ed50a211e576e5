"""The hostile battery's shop: one SQLite store seeded once per session (a customer with an address, a
backup drive in the pool, two destruction certificates, one of them revoked), copied for each case."""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, text

from tests.certificates.conftest import KeyFiles, config_for, shop_key
from tests.conftest import Cli
from tests.fakes import FakeClock
from wipestation.app import Overrides
from wipestation.cli import main
from wipestation.common.config import MailConfig

__all__ = ["shop_key"]

EXAMPLE_ADDRESS = "anna@example.nl"


@dataclass(frozen=True)
class Seeded:
    db: Path  # the template store
    certificate: str  # a genuine certificate
    revoked: str  # a revoked one


def _seed(cli: Cli) -> tuple[str, str]:
    cid = cli.ok("customer", "add", "--name", "Anna Jansen", "--email", EXAMPLE_ADDRESS)["id"]
    made = ["--job", "J1", "--made-on", "2026-11-01", "--location", "Kast B"]
    cli.ok("backup", "register", "--serial", "POOL-1", "--customer", str(cid), *made)
    for serial in ("A1", "A2"):
        cli.ok(
            "abandoned",
            "register",
            "--serial",
            serial,
            "--model",
            "Barracuda",
            "--capacity",
            "500GB",
            "--customer",
            str(cid),
            "--abandoned-on",
            "2026-01-05",
            "--received-on",
            "2026-01-05",
            "--location",
            "Kast B",
        )
    first = cli.ok("destroy", "A1", "--method", "shred", "--level", "H-5")["certificate"]
    second = cli.ok("destroy", "A2", "--method", "shred", "--level", "H-5")["certificate"]
    cli.ok("certificate", "revoke", second, "--reason", "issued by mistake")
    return str(first), str(second)


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory, shop_key: KeyFiles) -> Seeded:
    base = tmp_path_factory.mktemp("hostile-seed")
    config = config_for(base / "data", shop_key)
    db = base / "seed.sqlite3"
    cli = Cli(url=f"sqlite:///{db}", clock=FakeClock(), config=config)
    old = os.umask(0o022)
    try:
        first, second = _seed(cli)
    finally:
        os.umask(old)
    return Seeded(db=db, certificate=first, revoked=second)


def dump(url: str) -> dict[str, list[str]]:
    """Every row of every table: what a refused command must leave as it was."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = [r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))]
            return {t: sorted(map(repr, conn.execute(text(f'SELECT * FROM "{t}"')))) for t in sorted(tables)}
    finally:
        engine.dispose()


def files_under(root: Path) -> set[str]:
    """Every path under root but SQLite's own side files (-wal, -shm, -journal come and go)."""
    return {
        str(p.relative_to(root))
        for p in root.rglob("*")
        if not p.name.endswith(("-wal", "-shm", "-journal")) and "pytest" not in p.name
    }


@dataclass
class Hostile:
    """One case's world: a copy of the seeded store, a config (as an object or a TOML file), a
    current folder of its own, and the places a refused command must not write to."""

    tmp: Path
    url: str
    cli: Cli
    seeded: Seeded
    key: KeyFiles

    def run(self, *args: str, input: str | bytes | None = None, config_file: Path | None = None) -> Result:
        if config_file is None and "--config" not in args:
            return self.cli(*args, input=input)  # type: ignore[arg-type]
        obj = replace(self.cli.overrides, clock=self.cli.clock, config=None)  # the file is read
        given = ["--config", str(config_file)] if config_file is not None else []
        return CliRunner().invoke(
            main,
            ["--db", self.url, "--as", "tester", *given, *args],
            obj=obj,
            catch_exceptions=False,
            input=input,
        )

    def toml(self, body: str) -> Path:
        """A config file with this case's body, the data folder and the shop key set unless it sets them."""
        head = "" if body.lstrip().startswith("data_dir") else f'data_dir = "{self.tmp / "data"}"\n'
        if "[certificates]" not in body:
            body += f'\n[certificates]\nkey_path = "{self.key.key}"\ncert_path = "{self.key.cert}"\n'
        path = self.tmp / "case.toml"
        path.write_text(head + body, encoding="utf-8")
        return path


@pytest.fixture
def hostile(tmp_path: Path, seeded: Seeded, shop_key: KeyFiles, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hostile]:
    db = tmp_path / "ws.sqlite3"
    shutil.copy(seeded.db, db)
    url = f"sqlite:///{db}"
    config = config_for(tmp_path / "data", shop_key)
    config = replace(config, mail=MailConfig(host="127.0.0.1", port=9, sender="winkel@somcom.nl"))
    cli = Cli(
        url=url, clock=FakeClock(), config=config, overrides=Overrides(executables=("/usr/bin/true", "/usr/bin/true"))
    )
    (tmp_path / "data").mkdir(mode=0o700)  # the data folder (opening the store makes it, refused or not)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)

    def hung(signum: int, frame: object) -> None:
        raise TimeoutError("the command hung (60 s): a read without a limit?")

    old = signal.signal(signal.SIGALRM, hung)
    signal.alarm(60)
    try:
        yield Hostile(tmp=tmp_path, url=url, cli=cli, seeded=seeded, key=shop_key)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def fill(value: Any, hostile: Hostile, extra: dict[str, str]) -> Any:
    if isinstance(value, str):
        names = {"tmp": str(hostile.tmp), "cert": hostile.seeded.certificate, "revoked": hostile.seeded.revoked}
        names.update(extra)
        for name, replacement in names.items():
            value = value.replace("{" + name + "}", replacement)
    return value
