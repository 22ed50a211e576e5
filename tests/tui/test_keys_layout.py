"""Keys and layout: 80x24 and up, Tab/Shift+Tab, F1 always home, F2/F3 switch (no stacking),
quitting during an erasure asks, toasts coalesced per drive, a scanner's burst lands field by field."""

from __future__ import annotations

import html
import re
import time
from datetime import timedelta
from typing import Any

import pytest
from textual import events
from textual.widgets import Input, Static
from textual.widgets._footer import FooterKey

from tests.tui.conftest import FakeDriveSource, FakeEraser, FakeWatcher, add_customers, disk
from tui.screens.confirm import ConfirmScreen
from tui.screens.customers import CustomersScreen
from tui.screens.dashboard import DashboardScreen
from tui.screens.record_detail import RecordDetailScreen
from tui.screens.records import RecordsScreen
from tui.screens.register import RegisterScreen
from wipestation.common.identity import DriveIdentity
from wipestation.records import custody, registration


def screen_lines(app: Any) -> list[str]:
    """What the terminal shows, line by line (from the app's own screenshot)."""
    svg = app.export_screenshot()
    found: dict[float, list[str]] = {}
    for m in re.finditer(r'<text[^>]*y="([\d.]+)"[^>]*>(.*?)</text>', svg, re.S):
        found.setdefault(float(m.group(1)), []).append(html.unescape(re.sub("<[^>]+>", "", m.group(2))))
    return ["".join(parts).replace("\xa0", " ") for _, parts in sorted(found.items())]


async def ready(app: Any, pilot: Any) -> None:
    """The start-up work done and the footer drawn: the footer shows its keys only once the screen's
    bindings are known, a refresh later (under load the screenshot could come first)."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    deadline = time.monotonic() + 10
    while not app.screen.query(FooterKey) and time.monotonic() < deadline:
        await pilot.pause(0.05)
    await pilot.pause()


def shown(app: Any, text: str) -> bool:
    return any(text in line for line in screen_lines(app))


def due_backups(store: Any, env: Any, count: int) -> list[int]:
    (cid,) = add_customers(store, env, "Anna Voorbeeld")
    ids = []
    with store.begin() as s:
        for n in range(count):
            reg = custody.Registration(cid, f"JOB-{n}", env.today() - timedelta(days=31 + n))
            ids.append(registration.register_backup(s, env, DriveIdentity(serial=f"DUE-{n:04d}"), reg).id)
    return ids


async def test_80x24_due_list_shows_5_rows_and_the_footer_keeps_its_keys(
    make_app, store, env, drive_source: FakeDriveSource
) -> None:
    due_backups(store, env, 8)
    for n in range(8):
        drive_source.drives.append(disk(f"/dev/sd{'bcdefghi'[n]}", f"ATTACHED-{n}"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        assert screen.due_table.size.height - 1 >= 5  # below its header
        footer = screen_lines(app)[-1]
        for key in ("Erase", "Records", "Quit", "More"):  # F3 and the rest: in the command palette
            assert key in footer, footer
        # the drive status is readable at 80 columns
        assert shown(app, "unknown drive")


@pytest.mark.parametrize(
    ("key", "title", "first_field"),
    [
        ("e", "Erase /dev/sdb", "Method"),
        ("r", "Register /dev/sdb", "Kind"),
        ("l", "Register an abandoned disk from its label", "Serial"),
        ("d", "Destroy due abandoned disks", "Disks"),
    ],
)
async def test_80x24_dialogs_open_with_title_and_first_field_visible(
    make_app, store, env, drive_source: FakeDriveSource, key: str, title: str, first_field: str
) -> None:
    drive_source.drives.append(disk("/dev/sdb", "DIALOG-0001"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press(key)
        await pilot.pause()
        assert not isinstance(app.screen, DashboardScreen)
        assert shown(app, title)
        assert shown(app, first_field)


async def test_tab_moves_focus_between_the_dashboard_panes(make_app, store, env, drive_source) -> None:
    due_backups(store, env, 2)
    drive_source.drives.append(disk("/dev/sdb", "TAB-0001"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert app.focused is screen.drives_table
        await pilot.press("tab")
        assert app.focused is screen.due_table
        await pilot.press("shift+tab")
        assert app.focused is screen.drives_table


async def test_f1_returns_home_from_deep_and_f2_f3_switch_without_stacking(make_app, store, env) -> None:
    (record_id,) = due_backups(store, env, 1)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        depth = len(app.screen_stack)
        for _ in range(3):
            await pilot.press("f2")
            await pilot.press("f3")
        assert isinstance(app.screen, CustomersScreen)
        assert len(app.screen_stack) == depth + 1
        await pilot.press("f2", "enter")  # records list, then a record: two screens deep
        assert isinstance(app.screen, RecordDetailScreen) and app.screen.record_id == record_id
        await pilot.press("h")  # a dialog on top: three deep
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert len(app.screen_stack) == depth
        await pilot.press("f2")
        assert isinstance(app.screen, RecordsScreen)


async def test_quit_during_an_erasure_asks_and_says_it_will_be_interrupted(
    make_app, store, env, drive_source, eraser: FakeEraser
) -> None:
    eraser.hold = True
    due_backups(store, env, 1)
    drive_source.drives.append(disk("/dev/sdb", "DUE-0000"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("e", *"DUE-0000", "enter")
        assert eraser.started.acquire(timeout=5)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        text = str(app.screen.query_one("#confirm-text", Static).content)
        assert "interrupted" in text and "resum" in text
        await pilot.press("n")
        await pilot.pause()
        assert app.is_running
        (job,) = app.jobs.values()
        assert job.running and not job.stop.is_set()
        await pilot.press("ctrl+q")
        await pilot.press("y")
        await pilot.pause()
        assert job.stop.is_set()
        eraser.release.set()
    assert not app.is_running


async def test_quit_with_nothing_running_quits_at_once(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert not app.is_running


async def test_a_flapping_drive_shows_one_toast(make_app, watcher: FakeWatcher) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        for _ in range(15):
            watcher.attach(disk("/dev/sdb", "FLAPPING-1"))
            await pilot.pause()
            watcher.detach("/dev/sdb")
            await pilot.pause()
        watcher.attach(disk("/dev/sdb", "FLAPPING-1"))
        await pilot.pause()
        about = [n for n in app._notifications if "FLAPPING-1" in n.message or "/dev/sdb" in n.title]
        assert len(about) == 1


async def test_a_scanner_burst_lands_in_the_right_fields(make_app, store, env) -> None:
    """A scanner types text, Tab, text at once: every key is queued before the first is handled."""
    add_customers(store, env, "Anna Voorbeeld")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("l")
        assert isinstance(app.screen, RegisterScreen)
        burst = [*"S3Z9NB0K", "tab", *"Samsung 860", "tab", *"500GB"]
        for key in burst:
            char = key if len(key) == 1 else ("\t" if key == "tab" else None)
            app.post_message(events.Key(key if key != " " else "space", char))
        await pilot.pause()
        await pilot.pause()
        values = {i.id: i.value for i in app.screen.query(Input)}
        assert (values["serial"], values["model"], values["capacity"]) == ("S3Z9NB0K", "Samsung 860", "500GB")
