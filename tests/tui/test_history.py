"""Erasures: elapsed time while running, a final summary (duration, average speed, result), and
finished erasures moving from the dashboard to the history view (F4)."""

from __future__ import annotations

import time
from datetime import timedelta

from textual.coordinate import Coordinate
from textual.widgets import DataTable

from tests.fakes import FakeClock
from tests.tui.conftest import FakeEraser, add_customers, disk
from tui.screens.history import HistoryScreen
from tui.widgets import ErasureRow
from wipestation.common.identity import DriveIdentity
from wipestation.records import custody, registration


async def test_elapsed_summary_and_history(make_app, store, env, clock: FakeClock, drive_source, eraser: FakeEraser):
    eraser.hold = True
    (cid,) = add_customers(store, env, "Anna Voorbeeld")
    with store.begin() as s:
        reg = custody.Registration(cid, "JOB-1", env.today() - timedelta(days=31))
        registration.register_backup(s, env, DriveIdentity(serial="HIST-000001"), reg)
    drive_source.drives.append(disk("/dev/sdb", "HIST-000001"))
    app = make_app(finished_visible_seconds=0.3)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("e", *"HIST-000001", "enter")
        assert eraser.started.acquire(timeout=5)
        await pilot.pause()
        (job,) = app.jobs.values()
        clock.advance(minutes=10)
        eraser.release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        # 1 MB (the fake's size) in 10 minutes
        assert job.summary() == "erased in 0:10:00, average 1.7 kB/s, certificate WS-2026-000001"
        assert [r.job.id for r in app.screen.query(ErasureRow)] == [job.id]
        deadline = time.monotonic() + 5
        while app.screen.query(ErasureRow) and time.monotonic() < deadline:
            await pilot.pause(0.05)
        assert not app.screen.query(ErasureRow)  # moved to the history
        await pilot.press("f4")
        assert isinstance(app.screen, HistoryScreen)
        table = app.screen.query_one("#session-jobs", DataTable)
        assert table.row_count == 1
        assert "erased in 0:10:00" in str(table.get_cell_at(Coordinate(0, 3)))
