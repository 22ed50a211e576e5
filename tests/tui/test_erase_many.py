"""nwipe's select-and-start: several drives marked with space and erased side by side, each confirmed by
its own serial; the dialog says whether an erasure resumes, and from where (the core's resume rule)."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import Checkbox, Input, OptionList, Static

from tests.tui.conftest import FakeEraser, add_customers, disk
from tui.screens.dashboard import DashboardScreen
from tui.screens.erase import EraseScreen
from tui.screens.erase_many import EraseManyScreen
from tui.widgets import Field
from wipestation.common.identity import DriveIdentity
from wipestation.erasure.engine import Checkpoint
from wipestation.erasure.methods import get_method
from wipestation.erasure.service import abandon_erasure, begin_erasure, save_checkpoint
from wipestation.records import custody, registration

GB = 1_000_000_000


def due_backup(store, env, serial: str) -> int:
    (cid,) = add_customers(store, env, f"Klant {serial}")
    with store.begin() as s:
        reg = custody.Registration(cid, "JOB-M", env.today() - timedelta(days=31))
        return registration.register_backup(s, env, DriveIdentity(serial=serial), reg).id


async def test_marked_drives_are_erased_side_by_side_and_a_wrong_serial_refuses_only_its_drive(
    make_app, store, env, drive_source, eraser: FakeEraser
) -> None:
    eraser.hold = True
    for device, serial in (("/dev/sdb", "AAA-111111"), ("/dev/sdc", "BBB-222222"), ("/dev/sdd", "CCC-333333")):
        due_backup(store, env, serial)
        drive_source.drives.append(disk(device, serial))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        dash = app.screen
        assert isinstance(dash, DashboardScreen)
        table = dash.drives_table
        table.focus()
        table.move_cursor(row=table.get_row_index("/dev/sdb"))
        await pilot.press("space", "down", "space", "down", "space", "space")  # sdd marked, then unmarked
        assert dash.marked == {"AAA-111111", "BBB-222222"}
        assert str(table.get_cell("/dev/sdb", "device")) == "*/dev/sdb"
        await pilot.press("e")
        assert isinstance(app.screen, EraseManyScreen)
        assert [r.device for r in app.screen.rows] == ["/dev/sdb", "/dev/sdc"]
        assert app.focused is app.screen.query_one("#confirm-0", Input)
        # each drive its own field: the first right (a scanner's text and Enter), the second wrong
        await pilot.press(*"AAA-111111", "enter")
        assert app.focused is app.screen.query_one("#confirm-1", Input)
        await pilot.press(*"AAA-111111", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        for _ in range(100):
            if eraser.calls:
                break
            await pilot.pause(0.02)
        assert [(c.device, c.serial) for c in eraser.calls] == [("/dev/sdb", "AAA-111111")]
        assert any("/dev/sdc not erased: that is not this drive's serial" in n.message for n in app._notifications)
        assert dash.marked == {"BBB-222222"}  # the refused drive stays marked, the started one is not
        # the refused one again, on its own; both then run side by side
        await pilot.press("e")
        assert isinstance(app.screen, EraseManyScreen)
        await pilot.press(*"222222", "enter")
        await pilot.pause()
        eraser.started.acquire(timeout=5)
        eraser.started.acquire(timeout=5)
        running = [j for j in app.jobs.values() if j.running]
        assert sorted(j.device for j in running) == ["/dev/sdb", "/dev/sdc"]
        eraser.release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert sorted(c.serial for c in eraser.calls) == ["AAA-111111", "BBB-222222"]
    assert all(j.outcome == "succeeded" for j in app.jobs.values())


async def test_no_confirmed_drive_keeps_the_dialog_open(make_app, store, env, drive_source, eraser) -> None:
    for device, serial in (("/dev/sdb", "AAA-111111"), ("/dev/sdc", "BBB-222222")):
        drive_source.drives.append(disk(device, serial))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        dash = app.screen
        dash.drives_table.focus()
        await pilot.press("space", "down", "space", "e", "ctrl+s")
        assert isinstance(app.screen, EraseManyScreen)
        assert app.screen.query_one("#field-confirm-0", Field).error == "no serial typed"
        assert eraser.calls == []


def _interrupted(store, env, serial: str, size: int, at: int) -> int:
    with store.begin() as s:
        start = begin_erasure(
            s,
            env,
            identity=DriveIdentity(serial=serial, capacity_bytes=size, device="/dev/sdb"),
            device="/dev/sdb",
            method=get_method("zero"),
            verify="full",
            category="Clear",
            tool="wipestation",
            resume=False,
            key=None,
        )
    with store.begin() as s:
        save_checkpoint(s, env, start.erasure_id, Checkpoint(0, at, at, ()))
        abandon_erasure(s, env, start.erasure_id, "stopped")
    return start.erasure_id


async def test_erase_dialog_says_it_will_resume_and_from_where(make_app, store, env, drive_source) -> None:
    erasure_id = _interrupted(store, env, "RES-123456", 8 * GB, 2 * GB)
    drive_source.drives.append(disk("/dev/sdb", "RES-123456", size=8 * GB))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("e")
        assert isinstance(app.screen, EraseScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = str(app.screen.query_one("#erase-resume", Static).content)
        assert text == f"This erasure will resume erasure {erasure_id} at 2.0 GB of 8.0 GB.", text
        # another method does not continue it, and says why
        option_list = app.screen.query_one("#method", OptionList)
        option_list.highlighted = [m.name for m in app.screen.methods].index("random")
        await pilot.pause()
        text = str(app.screen.query_one("#erase-resume", Static).content)
        assert f"interrupted erasure {erasure_id} is not resumed (it used zero" in text, text


async def test_many_dialog_says_per_drive_whether_it_resumes(make_app, store, env, drive_source) -> None:
    erasure_id = _interrupted(store, env, "RES-123456", 8 * GB, 4 * GB)
    drive_source.drives.append(disk("/dev/sdb", "RES-123456", size=8 * GB))
    drive_source.drives.append(disk("/dev/sdc", "NEW-654321", size=8 * GB))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.screen.drives_table.focus()
        await pilot.press("space", "down", "space", "e")
        assert isinstance(app.screen, EraseManyScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        first = str(app.screen.query_one("#resume-0", Static).content)
        second = str(app.screen.query_one("#resume-1", Static).content)
        assert first == f"This erasure will resume erasure {erasure_id} at 4.0 GB of 8.0 GB."
        assert second == "This erasure starts from the first byte (nothing to resume)."


async def test_erase_dialog_offers_starting_over_as_a_choice(make_app, store, env, drive_source, eraser) -> None:
    """Resuming is the default; starting over is a checkbox in the dialog (not a CLI flag to quote), shown
    only when the chosen method would resume, and it reaches the engine's order."""
    _interrupted(store, env, "RES-654321", 8 * GB, 2 * GB)
    drive_source.drives.append(disk("/dev/sdb", "RES-654321", size=8 * GB))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("e")
        assert isinstance(app.screen, EraseScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        box = app.screen.query_one("#restart", Checkbox)
        assert box.display and not box.value
        assert "--restart" not in str(app.screen.query_one("#erase-resume", Static).content)
        option_list = app.screen.query_one("#method", OptionList)
        names = [m.name for m in app.screen.methods]
        option_list.highlighted = names.index("random")  # would not resume: no choice to make
        await pilot.pause()
        assert not box.display
        option_list.highlighted = names.index("zero")
        await pilot.pause()
        assert box.display
        box.value = True
        await pilot.pause()
        assert "starts from the first byte" in str(app.screen.query_one("#erase-resume", Static).content)
        app.screen.query_one("#confirm", Input).value = "RES-654321"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert [(c.method, c.restart) for c in eraser.calls] == [("zero", True)]
