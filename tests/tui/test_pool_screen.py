"""The pool view in the console (F6): the shop's drives with state and health; a scanned shelf
label opens its record; an available drive takes a new backup."""

from __future__ import annotations

from datetime import date

from textual.widgets import Input

from tests.tui.conftest import add_customers, current_screen
from tui.screens.pool import PoolScreen
from tui.screens.record_detail import RecordDetailScreen
from tui.screens.register import RegisterScreen
from wipestation.common.identity import DriveIdentity
from wipestation.records import custody, registration
from wipestation.stock.labels import label_code
from wipestation.store.models import Drive, DriveOwner


async def test_pool_view_scan_opens_the_record_and_register_on_an_available_drive(make_app, store, env) -> None:
    (cid,) = add_customers(store, env, "Anna Voorbeeld")
    with store.begin() as s:
        record = registration.register_backup(
            s,
            env,
            DriveIdentity(serial="POOL-A", model="WD Elements", capacity_bytes=2 * 10**12),
            custody.Registration(cid, "J-1", date(2026, 11, 20)),
        )
        record_id = record.id
        s.add(
            Drive(
                serial="POOL-FREE",
                model="Seagate",
                capacity_bytes=10**12,
                owner=DriveOwner.SHOP,
                erase_count=3,
                created_at=env.now(),
            )
        )
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("f6")
        screen = app.screen
        assert isinstance(screen, PoolScreen)
        assert [(d.serial, d.state, d.erase_count, d.health) for d in screen.drives] == [
            ("POOL-A", "holding", 0, "unknown"),
            ("POOL-FREE", "available", 3, "unknown"),
        ]
        assert screen.sub_title == "2 drives, 1 available"
        # a scanner types the code and Enter into the focused scan box
        assert screen.focused is screen.query_one("#scan", Input)
        await pilot.press(*"not-a-label", "enter")
        assert app.screen is screen
        await pilot.press(*label_code(record_id, "POOL-A"), "enter")
        await pilot.pause()
        assert isinstance(app.screen, RecordDetailScreen) and app.screen.record_id == record_id
        await pilot.press("escape")
        assert app.screen is screen
        # register a backup on the available drive
        screen.table.focus()
        await pilot.press("down", "r")
        assert isinstance(app.screen, RegisterScreen)
        await pilot.press(*str(cid), "tab", *"J-2", "ctrl+s")
        await pilot.pause()
        assert current_screen(app) is screen
        assert [(d.serial, d.state) for d in screen.drives] == [("POOL-A", "holding"), ("POOL-FREE", "holding")]
