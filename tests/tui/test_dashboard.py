"""The morning view: attached drives live, due and overdue records, running erasures."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import Label

import tui.screens.dashboard as dashboard
from tests.tui.conftest import FakeDriveSource, FakeWatcher, add_customers, disk
from tui.screens.dashboard import DashboardScreen
from wipestation.common.identity import DriveIdentity
from wipestation.records import custody, registration


def register_backup(store, env, customer_id, serial, days_ago, job="JOB-1"):
    with store.begin() as s:
        reg = custody.Registration(customer_id, job, env.today() - timedelta(days=days_ago))
        return registration.register_backup(s, env, DriveIdentity(serial=serial), reg).id


async def test_attached_drives_and_due_list(
    make_app, store, env, drive_source: FakeDriveSource, watcher: FakeWatcher
) -> None:
    (cid,) = add_customers(store, env, "Anna Voorbeeld")
    overdue = register_backup(store, env, cid, "SER-OLD", 35)
    today = register_backup(store, env, cid, "SER-TODAY", 30)
    register_backup(store, env, cid, "SER-LATER", 10)
    drive_source.drives.append(disk("/dev/sdb", "SER-LATER"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        due = screen.due_table
        assert [r.id for r in screen.due] == [overdue, today]
        assert due.row_count == 2
        assert due.cell_text(0, 5) == "5 days overdue"
        assert screen.rows["/dev/sdb"].status.startswith("backup of Anna Voorbeeld (customer 1), due in 20 days")
        assert watcher.started
        watcher.attach(disk("/dev/sdc", "SER-TODAY"))
        watcher.attach(disk("/dev/sdd", "NEW-ONE"))
        watcher.attach(disk("/dev/sda", "ROOT", protected="holds / (the system disk)"))
        await pilot.pause()
        assert screen.rows["/dev/sdc"].due
        assert screen.rows["/dev/sdd"].status == "unknown drive"
        assert screen.rows["/dev/sda"].status == "PROTECTED: holds / (the system disk)"
        watcher.detach("/dev/sdd")
        await pilot.pause()
        assert "/dev/sdd" not in screen.rows
    assert watcher.stopped


async def test_a_long_due_list_shows_the_most_urgent_and_says_it_is_cut(make_app, store, env, monkeypatch) -> None:
    monkeypatch.setattr(dashboard, "DUE_SHOWN", 2)
    (cid,) = add_customers(store, env, "Anna Voorbeeld")
    ids = [register_backup(store, env, cid, f"SER-{n}", 31 + n, job=f"JOB-{n}") for n in range(4)]
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        assert screen.due_total == 4 and len(screen.due) == 2  # only the rows shown are read
        assert screen.due_table.row_count == 2
        assert [r.id for r in screen.due[:2]] == [ids[3], ids[2]]  # the most overdue first
        title = str(screen.query_one("#due-title", Label).content)
        assert "Due today and overdue: 4 (4 overdue)" in title
        assert "showing 2 of 4, all in the record list (F2)" in title
