"""Erasing from the console: one step from plug-in, several side by side, cancel, failures."""

from __future__ import annotations

import threading
from datetime import timedelta

from textual.widgets import Input, OptionList

from tests.tui.conftest import FakeEraser, FakeWatcher, add_customers, disk
from tui.screens.dashboard import DashboardScreen
from tui.screens.erase import EraseScreen, serial_confirmed
from tui.widgets import ErasureRow, Field
from wipestation.common.identity import DriveIdentity
from wipestation.records import custody, registration


def due_backup(store, env, serial: str) -> int:
    (cid,) = add_customers(store, env, f"Klant {serial}")
    with store.begin() as s:
        reg = custody.Registration(cid, "JOB-9", env.today() - timedelta(days=31))
        return registration.register_backup(s, env, DriveIdentity(serial=serial), reg).id


async def test_plugged_in_due_drive_is_three_keystrokes_from_erasing(
    make_app, store, env, watcher: FakeWatcher, eraser: FakeEraser
) -> None:
    record_id = due_backup(store, env, "WD-DUE-0001")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        watcher.attach(disk("/dev/sdb", "NOT-DUE"))
        watcher.attach(disk("/dev/sdc", "WD-DUE-0001"))
        await pilot.pause()
        assert any("Press [b]e[/b] to erase" in n.message for n in app._notifications)
        # 1: e opens the erase dialog on the drive just plugged in, serial box focused
        await pilot.press("e")
        assert isinstance(app.screen, EraseScreen)
        assert app.screen.row.device == "/dev/sdc"
        assert isinstance(app.focused, Input)
        # the methods the drive does not support are offered but disabled, with their category
        await app.workers.wait_for_complete()  # the drive's own answer (the probe worker)
        await pilot.pause()
        methods = app.screen.query_one("#method", OptionList)
        assert methods.get_option("ata-secure-erase").disabled
        assert "Clear" in str(methods.get_option("zero").prompt)
        # serial (its last 6 characters), 2: enter
        await pilot.press(*"E-0001", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
    assert [(c.device, c.serial, c.method) for c in eraser.calls] == [("/dev/sdc", "WD-DUE-0001", "zero")]
    (job,) = app.jobs.values()
    assert job.outcome == "succeeded" and job.certificate == "WS-2026-000001"
    assert job.record_id == record_id


async def test_wrong_serial_is_refused_beside_the_field(make_app, store, env, drive_source, eraser) -> None:
    due_backup(store, env, "SER-123456789")
    drive_source.drives.append(disk("/dev/sdb", "SER-123456789"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("e")
        await pilot.press(*"999999", "enter")
        assert isinstance(app.screen, EraseScreen)
        assert app.screen.query_one("#field-confirm", Field).error == "that is not this drive's serial"
        await pilot.press("escape")
    assert eraser.calls == []


def test_serial_confirmation_rule() -> None:
    assert serial_confirmed("ABC", "ABC")
    assert serial_confirmed("456789", "SER-123456789")
    assert not serial_confirmed("6789", "SER-123456789")
    assert not serial_confirmed("", "ABC")
    assert not serial_confirmed("XBC", "ABC")


async def test_several_erasures_side_by_side_and_cancel_one(
    make_app, store, env, drive_source, eraser: FakeEraser
) -> None:
    eraser.hold = True
    for dev, serial in (("/dev/sdb", "AAA-111111"), ("/dev/sdc", "BBB-222222")):
        due_backup(store, env, serial)
        drive_source.drives.append(disk(dev, serial))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        for serial in ("AAA-111111", "BBB-222222"):
            await pilot.press("e")
            await pilot.press(*serial, "enter")
            eraser.started.acquire(timeout=5)
            await pilot.pause()
            await pilot.press("down")
        await pilot.pause()
        rows = list(app.screen.query(ErasureRow))
        assert len(rows) == 2
        assert all(r.job.phase == "running" for r in rows)
        assert "pass 1/1 writing" in rows[0].job.summary()
        # cancel the first one only: focus its row, press x
        rows[0].focus()
        await pilot.press("x")
        await pilot.pause()
        assert rows[0].job.stop.is_set() and not rows[1].job.stop.is_set()
        eraser.release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert rows[0].job.outcome == "interrupted"
        assert "the record stays due" in rows[0].job.summary()
        assert rows[1].job.outcome == "succeeded"


async def test_failing_erasure_shows_reason_and_record_stays_due(
    make_app, store, env, drive_source, eraser: FakeEraser
) -> None:
    eraser.outcome, eraser.error = "failed", "I/O error at bytes 4096-8192"
    record_id = due_backup(store, env, "BAD-000001")
    drive_source.drives.append(disk("/dev/sdb", "BAD-000001"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("e", *"BAD-000001", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        (row,) = app.screen.query(ErasureRow)
        assert row.has_class("-failed")
        assert "FAILED: I/O error at bytes 4096-8192; the record stays due" in row.job.summary()
        assert record_id in [r.id for r in app.screen.due]


async def test_refused_erasure_shows_the_core_message(make_app, store, env, drive_source, eraser) -> None:
    drive_source.drives.append(disk("/dev/sdb", "REFUSE-ME-1"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("e", *"REFUSE-ME-1", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        (row,) = app.screen.query(ErasureRow)
        assert row.job.outcome == "failed"
        assert "changed identity: refusing" in (row.job.error or "")


async def test_drive_pulled_mid_erasure_shows_interrupted(
    make_app, store, env, drive_source, watcher: FakeWatcher, eraser: FakeEraser
) -> None:
    eraser.hold = True
    due_backup(store, env, "PULL-000001")
    drive_source.drives.append(disk("/dev/sdb", "PULL-000001"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("e", *"PULL-000001", "enter")
        assert eraser.started.acquire(timeout=5)
        watcher.detach("/dev/sdb")
        await app.workers.wait_for_complete()
        await pilot.pause()
        (row,) = app.screen.query(ErasureRow)
        assert row.job.outcome == "interrupted"
        assert row.job.error is not None and row.job.error.startswith("drive removed during the erasure")
        assert "/dev/sdb" not in app.screen.rows


async def test_protected_drive_cannot_be_erased(make_app, drive_source, eraser) -> None:
    drive_source.drives.append(disk("/dev/sda", "SYS-1", protected="holds the root file system /"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("e")
        assert isinstance(app.screen, DashboardScreen)
        assert any("never erased" in n.message for n in app._notifications)


async def test_the_drive_is_asked_what_it_supports_without_holding_up_the_technician(
    make_app, store, env, drive_source, eraser: FakeEraser
) -> None:
    due_backup(store, env, "SLOW-PROBE-1")
    drive_source.drives.append(disk("/dev/sdb", "SLOW-PROBE-1"))
    gate = threading.Event()
    quick = eraser.methods

    def slow_methods(drive, *, probe: bool = True):
        if probe:
            gate.wait(5)  # hdparm over a slow USB bridge
        return quick(drive, probe=probe)

    eraser.methods = slow_methods  # type: ignore[method-assign]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("e")
        assert isinstance(app.screen, EraseScreen)
        screen = app.screen
        methods = screen.query_one("#method", OptionList)
        assert [m.name for m in screen.methods] == ["zero", "random"]  # the overwrites, at once
        await pilot.press(*"OBE-1")  # typing goes on while the drive is asked
        assert screen.query_one("#confirm", Input).value == "OBE-1"
        methods.highlighted = 1  # the technician picks random
        await pilot.pause()
        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(screen.methods) > 2 and methods.get_option("ata-secure-erase").disabled
        assert screen.methods[methods.highlighted].name == "random"  # the choice survives the probe
    assert eraser.probed == [False, True]
