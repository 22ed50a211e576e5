"""The console is built from the core's application object, the one the CLI builds: the seams
injected into it (drive source, command runner, block opener, renderer, watcher) are the ones the
console's erasures use, never the real tools behind the test's back."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import cast

from tests.conftest import TEST_SHOP
from tests.erasure.conftest import FakeBlockDevice, FakeOpener, FakeRunner
from tests.erasure.test_run import IDENTITY, SIZE, OneDrive
from tests.fakes import FakeClock
from tests.tui.conftest import FakeDriveSource, FakeRenderer, FakeWatcher, add_customers
from tui.app import WipestationApp
from tui.plugin import real_services
from tui.screens.dashboard import DashboardScreen
from tui.screens.drives_pane import DriveTable
from tui.widgets import ErasureRow
from wipestation.app import AppContext, Overrides
from wipestation.common.config import Config
from wipestation.common.devices import DetectedDrive
from wipestation.records import custody, registration
from wipestation.store.models import CustodyState


async def test_the_console_erases_through_the_injected_runner_and_opener(tmp_path: Path) -> None:
    drive = DetectedDrive(IDENTITY)
    device = IDENTITY.device
    assert device is not None
    disk = FakeBlockDevice(SIZE)
    disk.data[:] = b"\xa5" * SIZE
    runner, opener, renderer = FakeRunner({}), FakeOpener(disk), FakeRenderer()
    watcher = FakeWatcher(FakeDriveSource([drive]))
    overrides = Overrides(
        clock=FakeClock(),
        config=Config(data_dir=tmp_path / "data", shop=TEST_SHOP),
        drive_source=OneDrive(drive),
        watcher_factory=watcher.factory,
        command_runner=runner,
        block_opener=opener,
        certificate_renderer=renderer,
    )
    app = AppContext.create(
        config_path=None, db_url=f"sqlite:///{tmp_path / 'shop.sqlite3'}", actor="tester", overrides=overrides
    )
    env = app.env
    (cid,) = add_customers(app.sessions, env, "Anna Voorbeeld")
    with app.sessions.begin() as s:
        reg = custody.Registration(cid, "JOB-SEAM", env.today() - timedelta(days=31))
        record_id = registration.register_backup(s, env, IDENTITY, reg).id
    console = WipestationApp(real_services(app))
    try:
        async with console.run_test(size=(120, 40)) as pilot:
            await console.workers.wait_for_complete()
            await pilot.pause()
            assert watcher.started and watcher.config is app.config  # the injected watcher, with the app's config
            assert cast(DashboardScreen, console.screen).rows[device].due
            table = console.screen.query_one("#drives", DriveTable)
            table.move_cursor(row=table.get_row_index(device))
            await pilot.press("e", *IDENTITY.serial, "enter")
            await console.workers.wait_for_complete()
            await pilot.pause()
            (row,) = console.screen.query(ErasureRow)
            assert row.job.outcome == "succeeded", row.job.error
            number = row.job.certificate
        with app.sessions.begin() as s:
            assert custody.find_record(s, str(record_id)).state is CustodyState.ERASED
    finally:
        app.close()
    assert opener.opened >= 1 and bytes(disk.data) == bytes(SIZE)  # the injected opener's disk was written
    assert runner.calls  # the drive's capabilities and health were asked through the injected runner
    assert number is not None and [n for n, _lang in renderer.rendered] == [number]


def test_the_demo_takes_the_app_objects_seams_and_guards_them(tmp_path: Path) -> None:
    """`tui --demo`: a throw-away store, but the same seams; every drive not the demo's own is protected."""
    from tui.erasing import CoreEraseBackend
    from tui.plugin import DEMO_ONLY, demo_services
    from wipestation.common.devices import DriveEvent

    runner, opener, renderer = FakeRunner({}), FakeOpener(FakeBlockDevice(SIZE)), FakeRenderer()
    watcher = FakeWatcher(FakeDriveSource())
    overrides = Overrides(
        clock=FakeClock(),
        config=Config(data_dir=tmp_path / "data", shop=TEST_SHOP),
        drive_source=OneDrive(DetectedDrive(IDENTITY)),
        watcher_factory=watcher.factory,
        command_runner=runner,
        block_opener=opener,
        certificate_renderer=renderer,
    )
    app = AppContext.create(
        config_path=None, db_url=f"sqlite:///{tmp_path / 'shop.sqlite3'}", actor="tester", overrides=overrides
    )
    with demo_services(app) as services:
        assert services.demo
        assert [d.protected_reason for d in services.drive_source.list_drives()] == [DEMO_ONLY]
        eraser = services.eraser
        assert isinstance(eraser, CoreEraseBackend)
        assert eraser.runner_for("/dev/sdz", IDENTITY.serial) is runner and eraser.opener is opener
        assert services.renderer_factory is not None and services.renderer_factory() is renderer
        assert services.watcher_factory is not None
        seen: list[DriveEvent] = []
        assert services.watcher_factory(services.env.config, seen.append) is watcher
        assert watcher.sink is not None
        watcher.sink(DriveEvent("attached", "/dev/sdz", IDENTITY))
        assert [e.protected_reason for e in seen] == [DEMO_ONLY]
    assert not (tmp_path / "shop.sqlite3").exists()  # the demo never opened the shop's store
