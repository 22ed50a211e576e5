"""What the lists and the record detail say: hold markers, no "overdue" on closed records."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from textual.widgets import Static

from tests.tui.conftest import add_customers
from tui.screens.record_detail import RecordDetailScreen
from tui.screens.records import RecordsScreen
from wipestation.common.identity import DriveIdentity
from wipestation.destruction.destroying import DestructionRequest, destroy
from wipestation.records import custody, registration


async def test_hold_marker_in_the_list_and_no_overdue_on_closed_records(make_app, store, env, renderer) -> None:
    (cid,) = add_customers(store, env, "Anna Voorbeeld")
    with store.begin() as s:
        reg = custody.Registration(cid, "JOB-1", env.today() - timedelta(days=20))
        held = registration.register_backup(s, env, DriveIdentity(serial="HELD-1"), reg).id
        custody.hold(s, env, str(held), env.today() + timedelta(days=60), "dispute")
        old = custody.Registration(cid, None, env.today() - relativedelta(months=5))
        ident = DriveIdentity(serial="GONE-1", model="WD Blue", capacity_bytes=10**12, media="hdd")
        closed = registration.register_abandoned(s, env, ident, old).id
        destroy(s, env, renderer, DestructionRequest(refs=("GONE-1",), method="shred", level="H-4"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("f2")
        screen = app.screen
        assert isinstance(screen, RecordsScreen)
        by_id = {r.id: i for i, r in enumerate(screen.table.rows)}
        assert screen.table.cell_text(by_id[held], 7) == "ON HOLD"
        assert screen.table.cell_text(by_id[closed], 7) == ""
        app.show_record(closed)
        await pilot.pause()
        assert isinstance(app.screen, RecordDetailScreen)
        text = str(app.screen.query_one("#detail", Static).content)
        assert "overdue" not in text
        assert "closed: destroyed" in text
        await pilot.press("escape")
        app.show_record(held)
        await pilot.pause()
        assert "ON HOLD" in str(app.screen.query_one("#detail", Static).content)


async def test_register_by_label_with_media_computer_and_seal(make_app, store, env) -> None:
    from textual.widgets import Input, Select

    from tui.screens.register import RegisterScreen

    add_customers(store, env, "Anna Voorbeeld")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("l")
        screen = app.screen
        assert isinstance(screen, RegisterScreen)
        for name, value in (
            ("serial", "LBL-0001"),
            ("model", "Samsung 860 EVO"),
            ("capacity", "250GB"),
            ("customer", "1"),
            ("computer", "HP ProBook 450 G5"),
            ("seal", "SEAL-0099"),
        ):
            screen.query_one(f"#{name}", Input).value = value
        screen.query_one("#media", Select).value = "ssd"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is not screen
    with store.begin() as s:
        record = custody.find_record(s, "LBL-0001")
        assert (record.host_computer, record.seal_number, record.drive.media) == (
            "HP ProBook 450 G5",
            "SEAL-0099",
            "ssd",
        )


async def test_the_record_list_reads_a_first_page_on_the_ui_thread_and_the_rest_in_a_worker(
    make_app, store, env, monkeypatch
) -> None:
    """With more records than the first page, the UI thread reads only the first page (what a terminal
    shows and more); every record arrives from a worker, and the subtitle says so until then."""
    import threading

    from tui import queries
    from tui.screens import records

    monkeypatch.setattr(records, "FIRST_PAGE", 3)
    (cid,) = add_customers(store, env, "Anna Voorbeeld")
    with store.begin() as s:
        for n in range(7):
            reg = custody.Registration(cid, f"JOB-{n}", env.today() - timedelta(days=n))
            registration.register_backup(s, env, DriveIdentity(serial=f"PAGE-{n}"), reg)
    reads: list[tuple[bool, int | None]] = []
    real = queries.record_rows

    def counted(session: Any, today: Any, limit: int | None = None) -> Any:
        reads.append((threading.current_thread() is threading.main_thread(), limit))
        return real(session, today, limit)

    monkeypatch.setattr(records, "record_rows", counted)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        app.push_screen(RecordsScreen())
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RecordsScreen)
        shown_first = (len(screen.table.rows), screen.sub_title)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [r.serial for r in screen.table.rows] == [f"PAGE-{n}" for n in range(7)]
        assert screen.sub_title == "7 of 7 records"
    assert reads[0] == (True, 3)  # the UI thread: the first page only
    assert (False, None) in reads and (True, None) not in reads  # every record: in a worker only
    # before the worker's rows came: the first page, said to be partial (or every row, said to be all)
    assert shown_first in ((3, "3 of the first 3 records; reading the others…"), (7, "7 of 7 records"))


async def test_the_record_list_searches_and_filters_every_record_once_they_are_in(
    make_app, store, env, monkeypatch
) -> None:
    """Typed while the rest is being read, a search covers every record once they are in: id, serial,
    customer, job, location; the state filter and the search together."""
    from textual.widgets import Input, Select

    from tui.screens import records

    monkeypatch.setattr(records, "FIRST_PAGE", 2)
    anna, bob = add_customers(store, env, "Anna Voorbeeld", "Bob Jansen")
    with store.begin() as s:
        for n in range(6):
            reg = custody.Registration(
                bob if n == 4 else anna, f"JOB-{n}", env.today() - timedelta(days=40 if n % 2 else 3), location=f"K{n}"
            )
            registration.register_backup(s, env, DriveIdentity(serial=f"FIND-{n}"), reg)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        app.push_screen(RecordsScreen())
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RecordsScreen)
        search = screen.query_one("#search", Input)
        search.value = "jansen"  # typed at once: Bob's record is not in the first page
        await app.workers.wait_for_complete()
        await pilot.pause()

        def serials() -> list[str]:
            return [r.serial for r in screen.table.rows]

        assert serials() == ["FIND-4"] and screen.sub_title == "1 of 6 records"
        for text, found in (("find-5", ["FIND-5"]), ("job-1", ["FIND-1"]), ("k3", ["FIND-3"]), ("", None)):
            search.value = text
            await pilot.pause()
            assert serials() == (found or [f"FIND-{n}" for n in range(6)])
        screen.query_one("#state", Select).value = "due"
        await pilot.pause()
        assert serials() == ["FIND-1", "FIND-3", "FIND-5"]
        search.value = "find-3"
        await pilot.pause()
        assert serials() == ["FIND-3"] and screen.sub_title == "1 of 6 records"
        screen.query_one("#state", Select).value = "closed"
        await pilot.pause()
        assert serials() == []
