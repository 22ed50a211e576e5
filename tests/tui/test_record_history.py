"""The console's record detail lists every erasure of the record's drive and says when the last one
was interrupted (issue 12, point 9): the same history `show` prints."""

from __future__ import annotations

from textual.coordinate import Coordinate
from textual.widgets import DataTable, Static

from tests.tui.conftest import add_customers
from tui.screens.record_detail import RecordDetailScreen
from wipestation.common.identity import DriveIdentity
from wipestation.common.outcome import ErasureOutcome
from wipestation.erasure.engine import Checkpoint, EngineResult
from wipestation.erasure.methods import get_method
from wipestation.erasure.service import abandon_erasure, begin_erasure, finish_erasure, save_checkpoint
from wipestation.records import custody, registration

GB = 10**9
DRIVE = DriveIdentity(serial="HIST-1", model="Disk", capacity_bytes=8 * GB, bus="usb", media="hdd")


def _erasure(store, env, *, interrupt_at: int | None) -> int:
    with store.begin() as s:
        start = begin_erasure(
            s,
            env,
            identity=DRIVE,
            device="/dev/sdx",
            method=get_method("zero"),
            verify="full",
            category="Clear",
            tool="wipestation",
            resume=False,
            key=None,
        )
    with store.begin() as s:
        if interrupt_at is not None:
            save_checkpoint(s, env, start.erasure_id, Checkpoint(0, interrupt_at, interrupt_at, ()))
            abandon_erasure(s, env, start.erasure_id, "stopped")
        else:
            finish_erasure(
                s,
                env,
                start.erasure_id,
                EngineResult(ErasureOutcome.SUCCEEDED, 8 * GB, 8 * GB, verify_mode="full", verify_result="passed"),
            )
    return start.erasure_id


async def test_record_detail_shows_the_erasures_and_the_interrupted_last_one(make_app, store, env):
    (cid,) = add_customers(store, env, "Hanna Historie")
    with store.begin() as s:
        record = registration.register_abandoned(s, env, DRIVE, custody.Registration(cid, "JOB-9", env.today())).id
    first = _erasure(store, env, interrupt_at=None)
    second = _erasure(store, env, interrupt_at=1_800_000_000)
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await app.workers.wait_for_complete()
        app.push_screen(RecordDetailScreen(record))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RecordDetailScreen)
        table = screen.query_one("#erasures", DataTable)
        rows = [
            [str(table.get_cell_at(Coordinate(i, c))) for c in range(len(table.columns))]
            for i in range(table.row_count)
        ]
        assert [r[0] for r in rows] == [str(first), str(second)]
        assert rows[0][2] == "succeeded" and rows[0][5] == "8.0 GB" and rows[0][8] == "-"
        assert rows[1][2] == "interrupted" and rows[1][5] == "1.8 GB" and rows[1][8] == "1.8 GB of 8.0 GB"
        detail = str(screen.query_one("#detail", Static).render())
        assert f"the last erasure ({second}, zeros) was interrupted at 1.8 GB of 8.0 GB" in detail
        assert "erasing the drive again (e) with the same method resumes it" in detail
        assert "--restart" not in detail  # the console's terms, not the command line's
        assert [e["outcome"] for e in screen.data["erasures"]] == ["succeeded", "interrupted"]
