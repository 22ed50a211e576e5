"""Selection by identity: the cursor stays on the drive (by serial) or record (by id) it was on across
refreshes, attaches and detaches; the selected row stays visible; `e` acts on what has focus."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from textual.widget import Widget

from tests.tui.conftest import FakeDriveSource, FakeWatcher, add_customers, disk
from tui.screens.dashboard import DashboardScreen
from tui.screens.erase import EraseScreen
from wipestation.common.identity import DriveIdentity
from wipestation.records import custody, registration


def backup(store: Any, env: Any, serial: str, days_ago: int = 31) -> int:
    (cid,) = add_customers(store, env, f"Klant {serial}")
    with store.begin() as s:
        reg = custody.Registration(cid, "JOB-1", env.today() - timedelta(days=days_ago))
        return registration.register_backup(s, env, DriveIdentity(serial=serial), reg).id


def visible(table: Widget, index: int) -> bool:
    """The row is inside the table's viewport (below the header)."""
    top = int(table.scroll_y)
    rows = table.scrollable_content_region.height - 1
    return top <= index < top + rows


def selected_serial(screen: DashboardScreen) -> str:
    """The serial of the drive the dashboard has selected."""
    device = screen.selected_device()
    assert device is not None, "no drive is selected"
    return str(screen.rows[device].serial)


async def test_cursor_stays_on_its_drive_across_attach_and_detach(
    make_app, store, env, drive_source: FakeDriveSource, watcher: FakeWatcher
) -> None:
    for n in range(7):
        drive_source.drives.append(disk(f"/dev/sd{'bcdefgh'[n]}", f"DRIVE-{n}"))
    backup(store, env, "DUE-NEW-1")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        table = screen.drives_table
        for _ in range(6):
            await pilot.press("down")
        await pilot.pause()
        assert selected_serial(screen) == "DRIVE-6"
        assert visible(table, table.cursor_row)
        # a due drive is plugged in: the technician's choice stays
        watcher.attach(disk("/dev/sda", "DUE-NEW-1"))
        await pilot.pause()
        assert selected_serial(screen) == "DRIVE-6"
        assert visible(table, table.cursor_row)
        # a drive above it is pulled: still on DRIVE-6 (no shift)
        watcher.detach("/dev/sdc")
        await pilot.pause()
        assert selected_serial(screen) == "DRIVE-6"
        assert visible(table, table.cursor_row)
        # e erases what is selected, not the drive just plugged in
        await pilot.press("e")
        assert isinstance(app.screen, EraseScreen)
        assert app.screen.row.serial == "DRIVE-6"


async def test_plugged_in_due_drive_takes_the_cursor_only_when_nothing_was_chosen(
    make_app, store, env, drive_source: FakeDriveSource, watcher: FakeWatcher
) -> None:
    backup(store, env, "DUE-NEW-2")
    drive_source.drives.append(disk("/dev/sdb", "OTHER-1"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        watcher.attach(disk("/dev/sdc", "DUE-NEW-2"))
        await pilot.pause()
        assert app.screen.rows[app.screen.selected_device()].serial == "DUE-NEW-2"


async def test_e_on_a_focused_due_record_erases_its_drive_or_says_which_to_plug_in(
    make_app, store, env, drive_source: FakeDriveSource
) -> None:
    first = backup(store, env, "REC-OLDEST", days_ago=40)
    backup(store, env, "REC-ATTACHED", days_ago=35)
    drive_source.drives.append(disk("/dev/sdb", "UNRELATED-1"))
    drive_source.drives.append(disk("/dev/sdc", "REC-ATTACHED"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        screen.due_table.focus()
        await pilot.pause()
        assert screen.selected_due_id() == first
        await pilot.press("e")
        assert isinstance(app.screen, DashboardScreen)
        assert any("Plug in REC-OLDEST" in n.message for n in app._notifications)
        await pilot.press("down", "e")
        assert isinstance(app.screen, EraseScreen)
        assert app.screen.row.serial == "REC-ATTACHED" and app.screen.row.device == "/dev/sdc"


async def test_enter_on_a_drive_without_a_record_says_what_can_be_done(
    make_app, store, env, drive_source: FakeDriveSource
) -> None:
    drive_source.drives.append(disk("/dev/sdb", "NOBODY-1"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.screen.drives_table.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        (note,) = [n for n in app._notifications if "NOBODY-1" in n.title]
        assert "r: register as a customer's backup" in note.message
        assert "a: register as an abandoned disk" in note.message


async def test_due_cursor_stays_on_its_record_when_an_older_one_appears(make_app, store, env) -> None:
    backup(store, env, "DUE-A", days_ago=33)
    chosen = backup(store, env, "DUE-B", days_ago=32)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        screen.due_table.focus()
        await pilot.press("down")
        assert screen.selected_due_id() == chosen
        backup(store, env, "DUE-OLDER", days_ago=50)  # sorts first
        app.changed()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.due[0].serial == "DUE-OLDER"
        assert screen.selected_due_id() == chosen
