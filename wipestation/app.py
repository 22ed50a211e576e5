"""The application object: config, clock, actor, store, and the seams to the machine, typed.

The CLI's root group builds one `AppContext` into `ctx.obj`; the console (`tui.plugin`) is handed the
same object. Tests inject fakes with `Overrides`: every seam is a typed field, so a mistyped name is a
TypeError when the Overrides is built (and a mypy error before that), never a silent fall-back to the
real drive source. Each seam's real implementation is imported only when it is first asked for, so a
command that never touches a drive loads no device library.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from wipestation.common.clock import Clock, SystemClock
from wipestation.common.config import Config, default_db_url, load_config, with_language
from wipestation.common.env import Env
from wipestation.common.files import ensure_data_dir

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from wipestation.common.commands import CommandRunner
    from wipestation.common.devices import DriveSource, WatcherFactory
    from wipestation.documents.certify import CertificateRenderer
    from wipestation.erasure.blockio import BlockOpener
    from wipestation.erasure.engine import OpenedDevice
    from wipestation.erasure.hidden import Rescan
    from wipestation.erasure.verify import SamplePlan
    from wipestation.shop.doctor import System
    from wipestation.shop.workstation import Host

T = TypeVar("T")

BeforeVerify = Callable[["OpenedDevice", "SamplePlan | None"], None]
"""Called between writing and verifying (tests use it to change the medium behind the engine)."""

CommandRun = Callable[..., "subprocess.CompletedProcess[Any]"]
"""`subprocess.run` or a stand-in (`install-udev-rules` reloading udevd)."""


@dataclass(frozen=True, kw_only=True)
class Overrides:
    """What a test injects: `CliRunner.invoke(main, args, obj=Overrides(drive_source=fake, ...))`, or
    `AppContext.create(..., overrides=Overrides(...))` for the console. None: the real one."""

    clock: Clock | None = None
    config: Config | None = None
    drive_source: DriveSource | None = None
    watcher_factory: WatcherFactory | None = None
    command_runner: CommandRunner | None = None  # every tool (hdparm, nvme, sg_*, smartctl) runs through it
    block_opener: BlockOpener | None = None
    erase_before_verify: BeforeVerify | None = None
    capacity_rescan: Rescan | None = None
    command_run: CommandRun | None = None
    certificate_renderer: CertificateRenderer | None = None
    doctor_system: System | None = None
    executables: tuple[str, str] | None = None  # (wipestation, wipestation-helper)
    host: Host | None = None


class AppContext:
    def __init__(self, *, config: Config, db_url: str, actor: str, clock: Clock, overrides: Overrides) -> None:
        self.config = config
        self.db_url = db_url
        self.actor = actor
        self.clock = clock
        self.overrides = overrides
        self._engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None
        self._drive_source: DriveSource | None = overrides.drive_source
        self._renderer: CertificateRenderer | None = overrides.certificate_renderer

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

    # -- the store

    @property
    def sessions(self) -> sessionmaker[Session]:
        """The session factory; the database is opened (and its schema upgraded) on first use."""
        if self._sessions is None:
            # the store is imported on first use: a command without one (verify on a customer's
            # machine, --help) starts without SQLAlchemy
            from wipestation.store.db import finish_pending_scrub, open_store

            ensure_data_dir(self.config.data_dir)
            self._engine, self._sessions = open_store(self.db_url)
            finish_pending_scrub(self._engine, self.config.data_dir)
            self._recover_stale_erasures(self._sessions)
            self._finish_interrupted_work(self._sessions)
        return self._sessions

    def _finish_interrupted_work(self, sessions: sessionmaker[Session]) -> None:
        """Before anything else: issue every certificate a closed record is owed (a database written
        before the erasure's end and its certificate were one transaction), and remove what interrupted
        work left in the data folder. What cannot be done now is left for `doctor` and `audit verify`
        to report; the command itself goes on."""
        import logging

        from sqlalchemy import select

        from wipestation.common.errors import WipestationError
        from wipestation.common.leftovers import clean_leftovers
        from wipestation.documents.certify.owed import any_owed, issue_owed
        from wipestation.store.models import Destruction

        log = logging.getLogger(__name__)

        def recorded() -> set[str]:
            with sessions.begin() as session:
                return set(session.scalars(select(Destruction.batch).distinct()))

        clean_leftovers(self.config.data_dir, recorded)
        if not any_owed(sessions):
            return
        try:
            report = issue_owed(sessions, self.env, self.certificate_renderer)
        except WipestationError as exc:
            log.warning("certificates owed were not issued: %s", exc)
            return
        for item, why in report.failed:
            log.warning("%s: %s", item.line(), why)

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
        """Run `work(session)` in one transaction, retried whole if it lost a race (wipestation.store.tx)."""
        from wipestation.store.tx import in_transaction

        return in_transaction(self.sessions, work)

    def scrub_freed_space(self) -> bool:
        """After personal data was overwritten: leave no old copy in the database's files. False when
        another process's read transaction keeps the old pages for now (finished at the next command)."""
        from wipestation.store.db import scrub_sqlite

        return scrub_sqlite(self.engine, data_dir=self.config.data_dir)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
            self._sessions = None

    # -- the seams: the injected one, or the real one

    @property
    def drive_source(self) -> DriveSource:
        """What is attached (pyudev is imported on first use), built once."""
        if self._drive_source is None:
            from wipestation.detection import default_drive_source

            self._drive_source = default_drive_source(self.config)
        return self._drive_source

    @property
    def watcher_factory(self) -> WatcherFactory:
        if self.overrides.watcher_factory is not None:
            return self.overrides.watcher_factory
        from wipestation.detection.watcher import DriveWatcher

        return DriveWatcher

    def command_runner(self, real: Callable[[], CommandRunner] | None = None) -> CommandRunner:
        """The injected runner, or `real()` (default: run the tools here, as `SubprocessRunner`)."""
        if self.overrides.command_runner is not None:
            return self.overrides.command_runner
        if real is not None:
            return real()
        from wipestation.common.commands import SubprocessRunner

        return SubprocessRunner()

    def device_runner(self, device: str, serial: str) -> CommandRunner:
        """The runner for the tools that write to DEVICE: root runs them itself, a technician through
        the narrow root helper (which checks the identity and protection itself)."""
        from wipestation.shop.helper import runner_for

        return self.command_runner(lambda: runner_for(device, serial))

    @property
    def block_opener(self) -> BlockOpener:
        if self.overrides.block_opener is not None:
            return self.overrides.block_opener
        from wipestation.erasure.blockio import OsBlockOpener

        return OsBlockOpener()

    @property
    def erase_before_verify(self) -> BeforeVerify | None:
        return self.overrides.erase_before_verify

    @property
    def capacity_rescan(self) -> Rescan:
        if self.overrides.capacity_rescan is not None:
            return self.overrides.capacity_rescan
        from wipestation.erasure.hidden import rescan_capacity

        return rescan_capacity

    @property
    def command_run(self) -> CommandRun:
        return self.overrides.command_run or subprocess.run

    @property
    def certificate_renderer(self) -> CertificateRenderer:
        """The renderer registered through the entry point, loaded once."""
        if self._renderer is None:
            from wipestation.documents.certify import load_renderer

            self._renderer = load_renderer(self.config)
        return self._renderer

    @property
    def doctor_system(self) -> System:
        if self.overrides.doctor_system is not None:
            return self.overrides.doctor_system
        from wipestation.shop.doctor import System

        return System()

    @property
    def executables(self) -> tuple[str, str]:
        if self.overrides.executables is not None:
            return self.overrides.executables
        from wipestation.shop.workstation import default_executables

        return default_executables()

    @property
    def host(self) -> Host:
        if self.overrides.host is not None:
            return self.overrides.host
        from wipestation.shop.workstation import Host

        return Host()
