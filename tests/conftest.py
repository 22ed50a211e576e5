"""Fixtures for the core tests: a fresh in-memory store, a fake clock, and a CLI runner."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy.orm import Session, sessionmaker

from tests.fakes import FakeClock
from wipestation.cli import main
from wipestation.cli.context import Overrides
from wipestation.config import Config
from wipestation.db import open_store
from wipestation.env import Env


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(data_dir=tmp_path / "data")


@pytest.fixture
def env(clock: FakeClock, config: Config) -> Env:
    return Env(clock=clock, config=config, actor="tester")


@pytest.fixture
def sessions() -> Iterator[sessionmaker[Session]]:
    engine, factory = open_store("sqlite://")
    yield factory
    engine.dispose()


@dataclass
class Cli:
    """Runs `wipestation` in-process against one SQLite file, with the fake clock injected."""

    db_path: Path
    clock: FakeClock
    config: Config
    services: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"sqlite:///{self.db_path}"

    def __call__(self, *args: str, input: str | None = None) -> Result:
        runner = CliRunner()
        obj = Overrides(clock=self.clock, config=self.config, services=dict(self.services))
        return runner.invoke(
            main, ["--db", self.url, "--as", "tester", *args], obj=obj, catch_exceptions=False, input=input
        )

    def ok(self, *args: str) -> Any:
        """Run a command that must succeed with --json and return its parsed output."""
        result = self(*args, "--json")
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)


@pytest.fixture
def cli(tmp_path: Path, clock: FakeClock, config: Config) -> Cli:
    return Cli(db_path=tmp_path / "ws.sqlite3", clock=clock, config=config)
