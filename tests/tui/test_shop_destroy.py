"""The shop's own retired drive queued for destruction, in the console: the due list shows it as the
shop's own (no customer), the pool view says it is queued, and the destroy screen lists and destroys
it with an abandoned customer's disk."""

from __future__ import annotations

from typing import cast

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from textual.widgets import SelectionList

from tests.tui.conftest import add_customers, disk
from tui.queries import drive_row
from tui.screens.dashboard import DashboardScreen
from tui.screens.destroy import DestroyScreen
from tui.screens.pool import PoolScreen, format_pool_drive
from tui.screens.record_detail import _describe
from wipestation import views
from wipestation.common.identity import DriveIdentity
from wipestation.records import custody, registration
from wipestation.stock.pool import list_pool, queue_for_destruction, retire_drive
from wipestation.store.models import Certificate, CustodyKind, CustodyRecord, CustodyState, Drive, DriveOwner


async def test_a_queued_shop_drive_is_due_in_the_pool_and_destroyed_from_the_console(
    make_app, store, env, renderer
) -> None:
    (cid,) = add_customers(store, env, "Anna Voorbeeld")
    with store.begin() as s:
        reg = custody.Registration(cid, None, env.today() - relativedelta(months=4), "Plank A1")
        ident = DriveIdentity(serial="AB-1", model="WD Blue", capacity_bytes=10**12, media="hdd")
        abandoned = registration.register_abandoned(s, env, ident, reg).id
        drive = Drive(serial="POOL-OLD", model="WD Elements", capacity_bytes=10**12, media="hdd")
        drive.owner, drive.erase_count, drive.created_at = DriveOwner.SHOP, 40, env.now()
        s.add(drive)
        s.flush()
        retire_drive(s, env, drive, "health: reallocated sectors 200 > 10")
        shop = queue_for_destruction(s, env, drive).id
        (row,) = list_pool(s, env)
        cells = [text for text, _style in format_pool_drive(row)]
        assert cells[2] == "retired"
        assert cells[-1] == f"#{shop} queued for destruction, due {env.today()}: health: reallocated sectors 200 > 10"
        # attached, on the dashboard; and the record's detail: the shop's own, with why
        attached = drive_row(s, env.today(), disk("/dev/sdc", "POOL-OLD"))
        assert attached.status == "shop drive retired, queued for destruction, due today" and attached.due
        detail = _describe(views.record_detail(s, env.today(), str(shop)), env.config.timezone)
        assert "the shop's own drive, retired: health: reallocated sectors 200 > 10" in detail
        assert "Customer" not in detail
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        due = {r.id: r for r in app.screen.due}
        assert due[shop].kind == "shop" and due[shop].customer_id is None
        assert due[shop].customer_name == "the shop's own drive"
        await pilot.press("f6")
        assert isinstance(app.screen, PoolScreen)
        assert [(d.serial, d.state, d.destruction) for d in app.screen.drives] == [("POOL-OLD", "retired", "queued")]
        await pilot.press("escape")
        await pilot.press("d")
        screen = app.screen
        assert isinstance(screen, DestroyScreen)
        records = screen.query_one("#records", SelectionList)
        prompts = {records.get_option_at_index(i).value: str(records.get_option_at_index(i).prompt) for i in (0, 1)}
        assert set(prompts) == {abandoned, shop} and "the shop's own drive" in prompts[shop]
        records.select(shop)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert app.screen is not screen
        assert [r.id for r in cast(DashboardScreen, app.screen).due] == [abandoned]
    with store.begin() as s:
        record = s.get_one(CustodyRecord, shop)
        assert (record.kind, record.state, record.customer_id) == (CustodyKind.SHOP, CustodyState.DESTROYED, None)
        (cert,) = s.execute(select(Certificate)).scalars()
        assert cert.record_id == shop and cert.data["customer"] is None
        assert cert.data["destruction"]["owner"] == "shop"
        assert s.get_one(CustodyRecord, abandoned).state is CustodyState.STORED
