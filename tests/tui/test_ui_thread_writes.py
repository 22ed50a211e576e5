"""No store write on the console's UI thread: the customers screen (add, edit, export, anonymise) and a
hold write in workers. The store's session factory is watched: a flush or an UPDATE/INSERT/DELETE on the
thread that runs the event loop is recorded, and the test fails on it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker
from textual.widgets import DataTable, Input

from tests.tui.conftest import add_customers
from tui.screens.confirm import ConfirmScreen
from tui.screens.customers import CustomerForm, CustomersScreen
from tui.screens.hold import HoldScreen
from wipestation.common.identity import DriveIdentity
from wipestation.records import custody, registration
from wipestation.records.customers import get_customer


class WritesOnUiThread:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions
        self.seen: list[str] = []
        self.in_workers = 0
        self.ui_thread = threading.current_thread()  # the test's thread runs the App's event loop

    def flushed(self, session: Session, _context: object, _instances: object) -> None:
        if session.new or session.dirty or session.deleted:
            self._write(f"flush of {[type(o).__name__ for o in (*session.new, *session.dirty, *session.deleted)]}")

    def executed(self, state: ORMExecuteState) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            self._write(str(state.statement).split("\n")[0])

    def _write(self, what: str) -> None:
        if threading.current_thread() is self.ui_thread:
            self.seen.append(what)
        else:
            self.in_workers += 1


@pytest.fixture
def watched(store: sessionmaker[Session]) -> Iterator[WritesOnUiThread]:
    watch = WritesOnUiThread(store)
    event.listen(store, "before_flush", watch.flushed)
    event.listen(store, "do_orm_execute", watch.executed)
    yield watch
    event.remove(store, "before_flush", watch.flushed)
    event.remove(store, "do_orm_execute", watch.executed)


def test_the_watch_sees_a_write_on_this_thread(store, env, watched: WritesOnUiThread) -> None:
    """The check itself can fail: a write made here is caught."""
    add_customers(store, env, "Op De Draad")
    assert watched.seen and watched.in_workers == 0


async def test_customer_writes_run_in_workers(make_app, store, env, tmp_path: Path, watched) -> None:
    add_customers(store, env, "Anna Voorbeeld", "Bram Proef")
    watched.seen.clear()  # the set-up above ran on this thread on purpose
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("f3")
        screen = app.screen
        assert isinstance(screen, CustomersScreen)
        await pilot.press("ctrl+n", *"Carla Test", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is screen
        table = screen.query_one("#customers", DataTable)
        table.focus()
        table.move_cursor(row=table.get_row_index("2"))
        await pilot.press("ctrl+e")
        form = app.screen
        assert isinstance(form, CustomerForm)
        form.query_one("#phone", Input).value = "0592-000111"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("ctrl+x")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert json.loads((tmp_path / "customer-2-export.json").read_text())["customer"]["phone"] == "0592-000111"
        await pilot.press("ctrl+a")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("customer 2 anonymised" in n.message for n in app._notifications)
    assert watched.seen == []
    assert watched.in_workers >= 4
    with store.begin() as s:
        assert get_customer(s, 2).anonymised_at is not None
        assert get_customer(s, 3).name == "Carla Test"


async def test_a_hold_is_written_in_a_worker(make_app, store, env, watched) -> None:
    (cid,) = add_customers(store, env, "Hanna Hold")
    with store.begin() as s:
        reg = custody.Registration(cid, "JOB-H", env.today() - timedelta(days=31))
        record_id = registration.register_backup(s, env, DriveIdentity(serial="HOLD-0001"), reg).id
    watched.seen.clear()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.screen.due_table.focus()
        await pilot.press("h")
        assert isinstance(app.screen, HoldScreen)
        await pilot.press(*"police request", "ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, HoldScreen)
    assert watched.seen == []
    with store.begin() as s:
        assert custody.find_record(s, str(record_id)).holds
