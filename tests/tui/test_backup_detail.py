"""The record detail of a backup made by wipestation shows its manifest summary (files, size, what could
not be read, the pool drive) and the last restore check (issue 27, point 7), in Dutch at 80x24."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.tui.conftest import add_customers
from tests.tui.test_console_80x24 import dutch, english_on, terminal_lines  # noqa: F401 - the fixture
from tests.tui.test_record_history import DRIVE, _erasure
from tui.screens.record_detail import RecordDetailScreen
from wipestation.common.identity import DriveIdentity
from wipestation.records import custody, registration
from wipestation.store.models import Drive
from wipestation.store.pool_models import BackupSet, PoolStore

CUSTOMER_DISK = DriveIdentity(serial="KLANT-7", model="Disk", capacity_bytes=10**12, bus="usb", media="hdd")
AT = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def _backup(store, env) -> tuple[int, int]:
    (cid,) = add_customers(store, env, "Jan de Vries")
    erasure = _erasure(store, env, interrupt_at=None)  # the pool drive's whole-drive erasure (HIST-1)
    with store.begin() as s:
        record = registration.register_backup(s, env, CUSTOMER_DISK, custody.Registration(cid, "R-7", env.today()))
        pool_drive = s.query(Drive).filter_by(serial=DRIVE.serial).one()
        pool = PoolStore(drive_id=pool_drive.id, pool_uuid="ab" * 16, slots=64, erasure_id=erasure,
                         prepared_at=AT, prepared_by="tester")  # fmt: skip
        s.add(pool)
        s.flush()
        row = BackupSet(pool_id=pool.id, slot=3, backup_uuid="cd" * 16, record_id=record.id, customer_id=cid,
                        job_ref="R-7", source_hash="0" * 64, state="complete", journal_object="j", objects=["a"],
                        files=48_213, bytes=73_400_320_000, unreadable=2, started_at=AT, finished_at=AT)  # fmt: skip
        row.last_check = {"files": 48_213, "missing": 0, "different": 0, "complete": True, "at": AT.isoformat()}
        s.add(row)
        s.flush()
        return record.id, row.id


async def test_a_made_backup_shows_its_summary_and_last_check_in_dutch(make_app, store, env, dutch) -> None:  # noqa: F811
    record, set_id = _backup(store, env)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        screen = RecordDetailScreen(record)
        app.push_screen(screen)
        await pilot.pause()
        text = "\n".join(terminal_lines(app))
        assert "Back-up   48.213 bestanden, 73.4 GB, 2 onleesbaar" in text, text
        assert f"Voorraad  {DRIVE.serial}" in text, text
        assert "alle 48.213 bestanden teruggezet" in text, text
        assert not english_on(terminal_lines(app)), english_on(terminal_lines(app))

        with store.begin() as s:
            s.get_one(BackupSet, set_id).last_check = {
                "files": 48_213, "missing": 17, "different": 1, "complete": False, "at": AT.isoformat(),
            }  # fmt: skip
        screen.reload()
        await pilot.pause()
        text = "\n".join(terminal_lines(app))
        assert "17 bestanden ontbreken, 1 bestand anders van 48.213" in text, text
        assert "teruggezet" not in text
        assert not english_on(terminal_lines(app)), english_on(terminal_lines(app))
