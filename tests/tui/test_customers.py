"""Customers from the console: search, add, edit, export, anonymise (with a clear confirmation)."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import DataTable, Input

from tests.tui.conftest import add_customers, current_screen
from tui.screens.confirm import ConfirmScreen
from tui.screens.customers import CustomerForm, CustomersScreen
from tui.widgets import Field
from wipestation.records.customers import get_customer


async def test_search_add_edit_export_anonymise(make_app, store, env, tmp_path: Path) -> None:
    add_customers(store, env, "Anna Voorbeeld", "Bram Proef")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("f3")
        screen = app.screen
        assert isinstance(screen, CustomersScreen)
        table = screen.query_one("#customers", DataTable)
        assert table.row_count == 2
        await pilot.press("ctrl+f", *"bram")
        assert table.row_count == 1 and screen.selected() == 2
        # add
        await pilot.press("ctrl+n")
        assert isinstance(app.screen, CustomerForm)
        await pilot.press("ctrl+s")
        assert app.screen.query_one("#field-name", Field).error == "a customer needs a name"
        await pilot.press(*"Carla Test", "enter")
        await app.workers.wait_for_complete()  # the write runs in a worker
        await pilot.pause()
        assert current_screen(app) is screen
        screen.query_one("#search", Input).value = ""
        await pilot.pause()
        assert table.row_count == 3
        # edit Bram's phone
        table.focus()
        table.move_cursor(row=1)
        await pilot.press("ctrl+e")
        form = app.screen
        assert isinstance(form, CustomerForm) and form.customer_id == 2
        form.query_one("#phone", Input).value = "0592-000999"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        # export
        await pilot.press("ctrl+x")
        await app.workers.wait_for_complete()
        exported = json.loads((tmp_path / "customer-2-export.json").read_text())
        assert exported["customer"]["phone"] == "0592-000999"
        # anonymise: the confirmation says what will happen; n keeps everything
        await pilot.press("ctrl+a")
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert "will be anonymised" in confirm.text and "anonymised customer 2" in confirm.text
        assert "cannot be undone" in confirm.text
        await pilot.press("n")
        with store.begin() as s:
            assert get_customer(s, 2).anonymised_at is None
        await pilot.press("ctrl+a", "y")
        await app.workers.wait_for_complete()
        await pilot.pause()
    with store.begin() as s:
        bram = get_customer(s, 2)
        assert bram.anonymised_at is not None and bram.name == "anonymised customer 2" and bram.phone is None
        assert get_customer(s, 3).name == "Carla Test"
