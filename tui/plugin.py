"""The `wipestation.console` entry point: `wipestation tui [--demo]` builds the real services (or the
demo's throw-away ones) and runs the App."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from tui.services import ConsoleServices, DriveEventLike, Watcher
from wipestation.cli.context import AppContext
from wipestation.config import Config
from wipestation.devices import DetectedDrive, DriveSource
from wipestation.env import Env

if TYPE_CHECKING:
    from wipestation.certify import CertificateRenderer
    from wipestation.detection.watcher import DriveEvent

DEMO_LOOPS = ("demo-backup-1.img", "demo-backup-2.img", "demo-backup-3.img")
DEMO_LOOP_SIZE = 64 << 20
DEMO_ONLY = "demo: only the demo's own loop devices can be erased"


def run(app: AppContext, *, demo: bool) -> None:
    from tui.app import WipestationApp

    if demo:
        with demo_services(app) as services:
            WipestationApp(services).run()
        return
    WipestationApp(real_services(app)).run()


def real_services(app: AppContext) -> ConsoleServices:
    from tui.erasing import CoreEraseBackend
    from wipestation.cli.records import drive_source
    from wipestation.detection.watcher import DriveWatcher

    config = app.config
    source = drive_source(app)

    def watcher(sink: Callable[[DriveEventLike], None]) -> Watcher:
        return DriveWatcher(config, sink)

    def renderer() -> CertificateRenderer:
        from wipestation.certify import load_renderer

        return app.service("certificate_renderer", lambda: load_renderer(config))

    eraser = CoreEraseBackend(app.sessions, app.env, source, renderer_factory=renderer)
    return ConsoleServices(
        sessions=app.sessions,
        env=app.env,
        drive_source=source,
        watcher_factory=watcher,
        eraser=eraser,
        renderer_factory=renderer,
        export_dir=Path.cwd(),
    )


class DemoDriveSource:
    """The real drives, but only the demo's loop devices are erasable: every other disk is shown
    as protected, so trying the demo can never touch a real drive."""

    def __init__(self, inner: DriveSource, allowed: set[str]) -> None:
        self.inner = inner
        self.allowed = allowed

    def _guard(self, d: DetectedDrive) -> DetectedDrive:
        if d.identity.device in self.allowed or d.protected_reason:
            return d
        return DetectedDrive(d.identity, DEMO_ONLY)

    def list_drives(self) -> list[DetectedDrive]:
        return [self._guard(d) for d in self.inner.list_drives()]

    def identify(self, device: str) -> DetectedDrive:
        return self._guard(self.inner.identify(device))

    def identify_fd(self, fd: int) -> DetectedDrive:
        return self._guard(self.inner.identify_fd(fd))


def _attach_loop(backing: Path) -> str:
    out = subprocess.run(["losetup", "--find", "--show", str(backing)], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def _detach_loop(device: str) -> None:
    subprocess.run(["losetup", "--detach", device], check=False, capture_output=True)


@contextmanager
def demo_loops(directory: Path, config: Config) -> Iterator[dict[str, str]]:
    """Loop devices over small files (device -> serial), when root and test devices are allowed;
    detached by name on exit."""
    attached: dict[str, str] = {}
    try:
        if os.geteuid() == 0 and config.allow_test_devices and shutil.which("losetup"):
            for name in DEMO_LOOPS:
                backing = directory / name
                with open(backing, "wb") as fh:
                    fh.write(os.urandom(1 << 20) * (DEMO_LOOP_SIZE >> 20))
                try:
                    attached[_attach_loop(backing)] = f"LOOP-{name}"
                except (OSError, subprocess.CalledProcessError):
                    break
        yield attached
    finally:
        for device in attached:
            _detach_loop(device)


@contextmanager
def demo_services(app: AppContext) -> Iterator[ConsoleServices]:
    """A throw-away database in a temporary directory, seeded with sample data; removed on exit."""
    from tui.erasing import CoreEraseBackend
    from wipestation.db import open_store
    from wipestation.demo import seed_demo
    from wipestation.detection import default_drive_source
    from wipestation.detection.watcher import DriveWatcher

    directory = Path(tempfile.mkdtemp(prefix="wipestation-demo-"))
    engine = None
    try:
        config = replace(app.config, data_dir=directory / "data")
        with demo_loops(directory, config) as loops:
            engine, sessions = open_store(f"sqlite:///{directory / 'demo.sqlite3'}")
            env = Env(clock=app.clock, config=config, actor=app.actor)
            with sessions.begin() as session:
                seed_demo(session, env, backup_serials=list(loops.values()))
            source = DemoDriveSource(default_drive_source(config), set(loops))

            def watcher(sink: Callable[[DriveEventLike], None]) -> Watcher:
                def guarded(event: DriveEvent) -> None:
                    if event.identity is not None and event.device not in loops and not event.protected_reason:
                        event = replace(event, protected_reason=DEMO_ONLY)
                    sink(event)

                return DriveWatcher(config, guarded)

            def renderer() -> CertificateRenderer:
                from wipestation.certify import load_renderer

                return load_renderer(config)

            eraser = CoreEraseBackend(sessions, env, source, renderer_factory=renderer)
            yield ConsoleServices(
                sessions=sessions,
                env=env,
                drive_source=source,
                watcher_factory=watcher,
                eraser=eraser,
                renderer_factory=renderer,
                export_dir=directory,
                demo=True,
            )
    finally:
        if engine is not None:
            engine.dispose()
        shutil.rmtree(directory, ignore_errors=True)
