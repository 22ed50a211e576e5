"""Fixtures for the core tests: a fresh in-memory store, a fake clock, and a CLI runner."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from tests.fakes import FakeClock
from wipestation.app import Overrides
from wipestation.cli import main
from wipestation.common.config import Config, ShopConfig
from wipestation.common.env import Env
from wipestation.store.db import open_store


@pytest.fixture(autouse=True)
def _umask_of_the_test_run() -> Iterator[None]:
    """`wipestation` sets the process umask (077) when a command runs; commands run in this process
    through CliRunner, so each test gets the umask back (a later test's files stay as it expects)."""
    old = os.umask(0o022)
    os.umask(old)
    yield
    os.umask(old)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


TEST_SHOP = ShopConfig(
    name="Testwinkel Voorbeeld", address="Proefstraat 1, 9400 AA Assen", contact="winkel@example.nl, 0592-000000"
)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(data_dir=tmp_path / "data", shop=TEST_SHOP)


@pytest.fixture
def env(clock: FakeClock, config: Config) -> Env:
    return Env(clock=clock, config=config, actor="tester")


PG_URL = os.environ.get("WIPESTATION_TEST_PG")
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgres",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(
                not PG_URL, reason="no PostgreSQL server: WIPESTATION_TEST_PG is not set (scripts/test starts one)"
            ),
        ],
    ),
]


@pytest.fixture
def fresh_pg_database() -> Iterator[str]:
    """A new, empty PostgreSQL database on the test server, dropped afterwards."""
    assert PG_URL
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"ws_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The store tests run once on an SQLite file and once on a real PostgreSQL server."""
    if request.param == "postgres":
        return str(request.getfixturevalue("fresh_pg_database"))
    return f"sqlite:///{tmp_path / 'ws.sqlite3'}"


@pytest.fixture
def sessions(db_url: str) -> Iterator[sessionmaker[Session]]:
    engine, factory = open_store(db_url)
    yield factory
    engine.dispose()


@dataclass
class Cli:
    """Runs `wipestation` in-process against one SQLite file, with the fake clock injected."""

    url: str
    clock: FakeClock
    config: Config
    overrides: Overrides = field(default_factory=Overrides)  # the seams: cli.overrides = replace(cli.overrides, ...)

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def db_path(self) -> Path:
        assert self.is_sqlite, "only an SQLite store has a file"
        return Path(make_url(self.url).database or "")

    def sql(self, statement: str, **params: Any) -> list[Any]:
        """Run SQL on the store behind the tool's back (to tamper with it, or to look)."""
        engine = create_engine(self.url)
        try:
            with engine.begin() as conn:
                result = conn.execute(text(statement), params)
                return list(result) if result.returns_rows else []
        finally:
            engine.dispose()

    def snapshot(self) -> Any:
        """What must not change when a command is refused: the SQLite file's bytes, or every row."""
        if self.is_sqlite:
            return self.db_path.read_bytes() if self.db_path.exists() else b""
        from wipestation.store.models import Base

        return {t: sorted(map(repr, self.sql(f'SELECT * FROM "{t}"'))) for t in Base.metadata.tables}

    def __call__(self, *args: str, input: str | None = None) -> Result:
        runner = CliRunner()
        obj = replace(self.overrides, clock=self.clock, config=self.config)
        return runner.invoke(
            main, ["--db", self.url, "--as", "tester", *args], obj=obj, catch_exceptions=False, input=input
        )

    def ok(self, *args: str) -> Any:
        """Run a command that must succeed with --json and return its parsed output."""
        result = self(*args, "--json")
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)


@pytest.fixture
def cli(db_url: str, clock: FakeClock, config: Config) -> Cli:
    return Cli(url=db_url, clock=clock, config=config)


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The tests assert the English texts: the interface language of the test run is English
    (WIPESTATION_LANG, as a technician would set it); the shop's documents keep their own default.
    A Dutch test sets the language itself."""
    from wipestation.common import i18n

    monkeypatch.setenv(i18n.ENV_VAR, "en")
    i18n.set_language("en")
    yield
    i18n.set_language("en")
