"""The destroy dialog: its asset tag (the shop's own asset or service tag), stored with the destruction
of the one disk selected and refused beside the field for a batch or a hostile value; its level, set by typing."""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from textual.widgets import Input, SelectionList

from tests.tui.conftest import add_customers
from tui.screens.destroy import DestroyScreen
from tui.widgets import Field
from wipestation.common.identity import DriveIdentity
from wipestation.records import custody, registration
from wipestation.store.models import Destruction


async def test_the_destroy_dialog_stores_the_asset_tag_of_one_disk(make_app, store, env, renderer) -> None:
    (cid,) = add_customers(store, env, "Anna Voorbeeld")
    with store.begin() as s:
        for serial in ("AB-1", "AB-2"):
            reg = custody.Registration(cid, None, env.today() - relativedelta(months=4), "Plank A1")
            ident = DriveIdentity(serial=serial, model="WD Blue", capacity_bytes=10**12, media="hdd")
            registration.register_abandoned(s, env, ident, reg)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("d")
        screen = app.screen
        assert isinstance(screen, DestroyScreen)
        records = screen.query_one("#records", SelectionList)
        records.select_all()
        screen.query_one("#asset_tag", Input).value = "INV-0042"
        await pilot.press("ctrl+s")
        assert screen.query_one("#field-asset_tag", Field).error == "an asset tag names one disk: select only that disk"
        records.deselect_all()
        records.select(records.get_option_at_index(0).value)
        screen.query_one("#asset_tag", Input).value = "INV\x1b[31m"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "control character" in screen.query_one("#field-asset_tag", Field).error
        screen.query_one("#asset_tag", Input).value = " INV-0042 "
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is not screen
    with store.begin() as s:
        (destruction,) = s.execute(select(Destruction)).scalars()
        assert destruction.details["asset_tag"] == "INV-0042"


async def test_the_level_is_set_by_typing_without_opening_the_list(make_app, store, env) -> None:
    from tui.screens.destroy import LevelSelect

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("d")
        level = app.screen.query_one("#level", LevelSelect)
        level.focus()
        await pilot.pause()
        seen = []
        for key in ("5", "e", "2", "h", "x", "7"):
            await pilot.press(key)
            seen.append(level.value)
        assert seen == ["H-5", "E-5", "E-2", "H-2", "H-2", "H-7"]
        assert not level.expanded
        await pilot.press("enter")  # the list still opens
        assert level.expanded
