"""Every override a test can inject (`Overrides`) reaches an erase on both front ends, the CLI (`erase`
through click's CliRunner) and the console (the erase dialog through Textual's pilot): the console used to
drop `erase_before_verify` and `capacity_rescan`, which the CLI honoured (issue 26)."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from tests.conftest import TEST_SHOP, Cli
from tests.erasure.conftest import FakeBlockDevice, FakeOpener, FakeRunner
from tests.erasure.test_run import IDENTITY, SIZE, OneDrive
from tests.fakes import FakeClock
from tests.tui.conftest import FakeDriveSource, FakeRenderer, FakeWatcher, add_customers
from tui.app import WipestationApp
from tui.erasing import CoreEraseBackend
from tui.plugin import real_services
from tui.screens.drives_pane import DriveTable
from tui.widgets import ErasureRow
from wipestation.app import AppContext, Overrides
from wipestation.common.config import Config
from wipestation.common.devices import DetectedDrive
from wipestation.records import custody, registration

# The overrides an erase uses, walked below through both front ends; the others, and why not.
OF_AN_ERASE = (
    "clock",
    "config",
    "drive_source",
    "command_runner",
    "block_opener",
    "erase_before_verify",
    "capacity_rescan",
    "certificate_renderer",
)
NOT_OF_AN_ERASE = {
    "watcher_factory": "udev events: the console's drive pane and `watch` (tests/tui/test_app_seams.py)",
    "command_run": "`install-udev-rules` reloading udevd",
    "doctor_system": "`doctor`",
    "executables": "`doctor` and `install`: where the programs are",
    "host": "`workstation` and `doctor`: the machine's own facts",
}


class Seen:
    """Records the calls of the two overrides the console used to ignore."""

    def __init__(self) -> None:
        self.before_verify: list[str] = []
        self.rescans: list[str] = []

    def verify_hook(self, opened: Any, plan: Any) -> None:
        self.before_verify.append(opened.path if hasattr(opened, "path") else "opened")

    def rescan(self, device: str) -> None:
        self.rescans.append(device)


def _overrides(tmp_path: Path, seen: Seen, renderer: FakeRenderer) -> Overrides:
    disk = FakeBlockDevice(SIZE)
    disk.data[:] = b"\xa5" * SIZE
    return Overrides(
        clock=FakeClock(),
        config=Config(data_dir=tmp_path / "data", shop=TEST_SHOP),
        drive_source=OneDrive(DetectedDrive(IDENTITY)),
        watcher_factory=FakeWatcher(FakeDriveSource([DetectedDrive(IDENTITY)])).factory,
        command_runner=FakeRunner({}),
        block_opener=FakeOpener(disk),
        erase_before_verify=seen.verify_hook,
        capacity_rescan=seen.rescan,
        certificate_renderer=renderer,
    )


def test_every_override_is_walked_or_said_why_not() -> None:
    names = {f.name for f in dataclasses.fields(Overrides)}
    assert names == set(OF_AN_ERASE) | set(NOT_OF_AN_ERASE)


def test_the_cli_erase_honours_every_override(cli: Cli, tmp_path: Path) -> None:
    seen, renderer = Seen(), FakeRenderer()
    given = _overrides(tmp_path, seen, renderer)
    cli.overrides = dataclasses.replace(given, clock=cli.overrides.clock, config=cli.overrides.config)
    cid = cli.ok("customer", "add", "--name", "Anna Voorbeeld")["id"]
    due = ("--customer", str(cid), "--job", "J", "--made-on", "2026-10-01")
    record = cli.ok("backup", "register", "--serial", IDENTITY.serial, *due)
    done = cli(
        "erase", IDENTITY.device or "", "--method", "zero", "--verify", "full", "--confirm", IDENTITY.serial, "--json"
    )
    assert done.exit_code == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert (result["outcome"], result["record_id"]) == ("succeeded", record["id"])
    _assert_walked(given, seen, renderer)


async def test_the_console_erase_honours_every_override(tmp_path: Path) -> None:
    seen, renderer = Seen(), FakeRenderer()
    given = _overrides(tmp_path, seen, renderer)
    app = AppContext.create(
        config_path=None, db_url=f"sqlite:///{tmp_path / 'shop.sqlite3'}", actor="tester", overrides=given
    )
    (cid,) = add_customers(app.sessions, app.env, "Anna Voorbeeld")
    with app.sessions.begin() as s:
        registration.register_backup(
            s, app.env, IDENTITY, custody.Registration(cid, "J", app.env.today() - timedelta(days=31))
        )
    services = real_services(app)
    assert isinstance(services.eraser, CoreEraseBackend)
    assert services.eraser.rescan is given.capacity_rescan  # the console offers no --restore-hidden: passed on
    console = WipestationApp(services)
    try:
        async with console.run_test(size=(120, 40)) as pilot:
            await console.workers.wait_for_complete()
            await pilot.pause()
            table = console.screen.query_one("#drives", DriveTable)
            table.move_cursor(row=table.get_row_index(IDENTITY.device or ""))
            await pilot.press("e", *IDENTITY.serial, "enter")
            await console.workers.wait_for_complete()
            await pilot.pause()
            (row,) = console.screen.query(ErasureRow)
            assert row.job.outcome == "succeeded", row.job.error
    finally:
        app.close()
    _assert_walked(given, seen, renderer)


def _assert_walked(given: Overrides, seen: Seen, renderer: FakeRenderer) -> None:
    runner, opener = given.command_runner, given.block_opener
    assert isinstance(runner, FakeRunner) and isinstance(opener, FakeOpener)
    assert runner.calls and opener.opened >= 1  # the tools and the disk are the injected ones
    assert len(seen.before_verify) == 1  # the hook between writing and verifying ran
    assert len(renderer.rendered) == 1  # the certificate came from the injected renderer
