"""The `wipestation.console` entry point: `wipestation tui [--demo]` hands over the core's application
object (`wipestation.app.AppContext`, the one the CLI built); the console takes its seams from it (drive
source, watcher, command runner, block opener, renderer: injected ones too) and runs the App on the real
store or on the demo's throw-away one."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from tui.services import ConsoleServices
from wipestation.app import AppContext
from wipestation.common.config import Config
from wipestation.common.devices import DetectedDrive, DriveEvent, DriveSink, DriveSource, Watcher
from wipestation.common.env import Env
from wipestation.common.i18n import N_, _
from wipestation.documents.certify import CertificateRenderer

DEMO_LOOPS = ("demo-backup-1.img", "demo-backup-2.img", "demo-backup-3.img")
DEMO_LOOP_SIZE = 64 << 20
DEMO_ONLY = N_("demo: only the demo's own loop devices can be erased")  # translated where it is shown


def run(app: AppContext, *, demo: bool) -> None:
    from tui.app import WipestationApp

    if demo:
        with demo_services(app) as services:
            WipestationApp(services).run()
        return
    WipestationApp(real_services(app)).run()


def real_services(app: AppContext) -> ConsoleServices:
    from tui.erasing import CoreEraseBackend

    def renderer() -> CertificateRenderer:
        return app.certificate_renderer

    source = app.drive_source
    eraser = CoreEraseBackend(
        app.sessions,
        app.env,
        source,
        runner=app.overrides.command_runner,  # None: the real tools, through the root helper when not root
        opener=app.block_opener,
        renderer_factory=renderer,
        before_verify=app.erase_before_verify,
        rescan=app.capacity_rescan,
    )
    return ConsoleServices(
        sessions=app.sessions,
        env=app.env,
        drive_source=source,
        watcher_factory=app.watcher_factory,
        eraser=eraser,
        renderer_factory=renderer,
        export_dir=app.config.documents_dir,
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
        return DetectedDrive(d.identity, _(DEMO_ONLY))

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
    from wipestation.shop.demo import DEMO_SHOP, seed_demo
    from wipestation.store.db import open_store

    directory = Path(tempfile.mkdtemp(prefix="wipestation-demo-"))
    engine = None
    try:
        shop = app.config.shop if app.config.shop.configured else DEMO_SHOP
        config = replace(app.config, data_dir=directory / "data", shop=shop)
        with demo_loops(directory, config) as loops:
            engine, sessions = open_store(f"sqlite:///{directory / 'demo.sqlite3'}")
            env = Env(clock=app.clock, config=config, actor=app.actor)
            with sessions.begin() as session:
                seed_demo(session, env, backup_serials=list(loops.values()))
            source = DemoDriveSource(app.drive_source, set(loops))
            real_watcher = app.watcher_factory

            def watcher(config: Config, sink: DriveSink) -> Watcher:
                def guarded(event: DriveEvent) -> None:
                    if event.identity is not None and event.device not in loops and not event.protected_reason:
                        event = replace(event, protected_reason=_(DEMO_ONLY))
                    sink(event)

                return real_watcher(config, guarded)

            def renderer() -> CertificateRenderer:
                from wipestation.documents.certify import load_renderer

                # the demo signs with a throw-away key in its own data folder, never the shop's
                return app.overrides.certificate_renderer or load_renderer(config)

            eraser = CoreEraseBackend(
                sessions,
                env,
                source,
                runner=app.overrides.command_runner,
                opener=app.block_opener,
                renderer_factory=renderer,
                before_verify=app.erase_before_verify,
                rescan=app.capacity_rescan,
            )
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
