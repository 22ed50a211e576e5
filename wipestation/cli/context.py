"""The object every command gets in ctx.obj: config, clock, actor, store, and injected devices."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from wipestation.clock import Clock, SystemClock
from wipestation.config import Config, load_config, with_language
from wipestation.db import default_db_url, finish_pending_scrub, open_store, scrub_sqlite
from wipestation.env import Env
from wipestation.files import ensure_data_dir
from wipestation.tx import in_transaction

T = TypeVar("T")


@dataclass
class Overrides:
    """What a test injects through `CliRunner.invoke(main, args, obj=Overrides(...))`.

    `services` holds fakes by name ("drive_source", "command_runner", ...), looked up with
    `AppContext.service(name, factory)`.
    """

    clock: Clock | None = None
    config: Config | None = None
    services: dict[str, Any] = field(default_factory=dict)


class AppContext:
    def __init__(self, *, config: Config, db_url: str, actor: str, clock: Clock, overrides: Overrides) -> None:
        self.config = config
        self.db_url = db_url
        self.actor = actor
        self.clock = clock
        self.overrides = overrides
        self._engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None
        self._services: dict[str, Any] = dict(overrides.services)

    @classmethod
    def create(
        cls,
        *,
        config_path: Path | None,
        db_url: str | None,
        actor: str,
        overrides: Overrides,
        language: str | None = None,
    ) -> AppContext:
        """`language`: `--lang`, for the shop's language and the certificates' default."""
        if overrides.config is not None:
            config = with_language(overrides.config, language)
        else:
            config = load_config(config_path, language=language)
        return cls(
            config=config,
            db_url=db_url or default_db_url(config),
            actor=actor,
            clock=overrides.clock or SystemClock(),
            overrides=overrides,
        )

    @property
    def env(self) -> Env:
        return Env(clock=self.clock, config=self.config, actor=self.actor)

    @property
    def sessions(self) -> sessionmaker[Session]:
        """The session factory; the database is opened (and its schema upgraded) on first use."""
        if self._sessions is None:
            ensure_data_dir(self.config.data_dir)
            self._engine, self._sessions = open_store(self.db_url)
            finish_pending_scrub(self._engine, self.config.data_dir)
            self._recover_stale_erasures(self._sessions)
        return self._sessions

    def _recover_stale_erasures(self, sessions: sessionmaker[Session]) -> None:
        """An erasure whose process died (kill -9, power cut) says `interrupted` from the next start on,
        and its record is due again; nothing is written when there is none."""
        from wipestation.erasure.service import recover_stale

        with sessions.begin() as session:
            recover_stale(session, self.env)

    @property
    def engine(self) -> Engine:
        self.sessions  # noqa: B018 - opens the store
        assert self._engine is not None
        return self._engine

    def transaction(self, work: Callable[[Session], T]) -> T:
        """Run `work(session)` in one transaction, retried whole if it lost a race (wipestation.tx)."""
        return in_transaction(self.sessions, work)

    def service(self, name: str, factory: Callable[[], T]) -> T:
        """An injected service by name, or the real one built once by factory."""
        if name not in self._services:
            self._services[name] = factory()
        return self._services[name]  # type: ignore[no-any-return]

    def scrub_freed_space(self) -> bool:
        """After personal data was overwritten: leave no old copy in the database's files. False when
        another process's read transaction keeps the old pages for now (finished at the next command)."""
        return scrub_sqlite(self.engine, data_dir=self.config.data_dir)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
            self._sessions = None
