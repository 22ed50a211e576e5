"""Live: records, due lists and drive statuses refresh by themselves — a change made by the CLI (or
another workstation) shows within 5 s without a key; the day rolls over at midnight."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from textual.widgets import Label

from tests.fakes import FakeClock
from tests.tui.conftest import FakeDriveSource, disk
from tui.screens.dashboard import DashboardScreen
from tui.screens.records import RecordsScreen

LIVE_WITHIN = 5.0


async def wait_until(pilot: Any, condition: Callable[[], bool], seconds: float = LIVE_WITHIN) -> float:
    """Real time until `condition` holds (no key pressed), or fail after `seconds`."""
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < seconds, f"not shown within {seconds} s"
        await pilot.pause(0.05)
    return time.monotonic() - start


async def test_a_cli_registration_shows_within_5_seconds(
    make_app, sessions, cli, clock: FakeClock, drive_source: FakeDriveSource
) -> None:
    cid = cli.ok("customer", "add", "--name", "Klant Van De CLI")["id"]
    drive_source.drives.append(disk("/dev/sdb", "CLI-REG-1"))
    app = make_app(sessions=sessions)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        assert screen.rows["/dev/sdb"].status == "unknown drive"
        assert screen.due == []
        made_on = (clock.now().date() - timedelta(days=40)).isoformat()
        register = ("backup", "register", "--customer", str(cid), "--job", "J-1")
        cli.ok(*register, "--serial", "CLI-REG-1", "--made-on", made_on)
        await wait_until(pilot, lambda: [r.serial for r in screen.due] == ["CLI-REG-1"])
        await wait_until(pilot, lambda: screen.rows["/dev/sdb"].due)
        assert "Klant Van De CLI" in screen.rows["/dev/sdb"].status
        assert "overdue" in str(screen.query_one("#due-title", Label).content)
        # the records list is live too
        app.push_screen(RecordsScreen())
        await pilot.pause()
        records = app.screen
        assert isinstance(records, RecordsScreen)
        assert records.table.row_count == 1
        cli.ok(*register, "--serial", "CLI-REG-2")
        await wait_until(pilot, lambda: records.table.row_count == 2)


async def test_the_day_rolls_over_at_midnight(make_app, sessions, cli, clock: FakeClock) -> None:
    cid = cli.ok("customer", "add", "--name", "Middernacht")["id"]
    # made 29 days ago: due tomorrow (30 days' retention)
    made_on = (clock.now().date() - timedelta(days=29)).isoformat()
    cli.ok("backup", "register", "--serial", "MIDNIGHT-1", "--customer", str(cid), "--job", "J", "--made-on", made_on)
    app = make_app(sessions=sessions)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        assert screen.due == []
        clock.advance(hours=12)  # past midnight in Amsterdam (the clock starts at noon UTC)
        await wait_until(pilot, lambda: [r.serial for r in screen.due] == ["MIDNIGHT-1"])
