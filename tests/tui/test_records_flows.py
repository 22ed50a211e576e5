"""Registering drives, holds, deletion requests, destruction and the record detail, from the console."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import cast

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Input, SelectionList

from tests.tui.conftest import FakeWatcher, add_customers, disk
from tui.screens.customers import CustomerForm, CustomerPicker
from tui.screens.dashboard import DashboardScreen
from tui.screens.destroy import DestroyScreen
from tui.screens.hold import HoldScreen
from tui.screens.record_detail import RecordDetailScreen
from tui.screens.records import RecordsScreen
from tui.screens.register import RegisterScreen
from tui.widgets import Field
from wipestation.audit.log import events_for
from wipestation.common.identity import DriveIdentity
from wipestation.records import custody, registration
from wipestation.store.models import Certificate, CustodyRecord, CustodyState


async def test_register_attached_drive_as_backup_with_customer_search(make_app, store, env, watcher: FakeWatcher):
    add_customers(store, env, "Anna Voorbeeld", "Bram Proef")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        watcher.attach(disk("/dev/sdb", "WD-NEW-1"))
        await pilot.pause()
        assert app.screen.rows["/dev/sdb"].status == "unknown drive"
        await pilot.press("r")
        assert isinstance(app.screen, RegisterScreen)
        # Enter in the empty customer box opens the picker; typing searches
        await pilot.press("enter")
        assert isinstance(app.screen, CustomerPicker)
        await pilot.press(*"bram", "enter")
        assert isinstance(app.screen, RegisterScreen)
        assert app.screen.query_one("#customer", Input).value == "2"
        # submitting without a job shows the error beside the job field, and registers nothing
        await pilot.press("ctrl+s")
        assert app.screen.query_one("#field-job", Field).error == "a backup needs the repair job reference"
        app.screen.query_one("#job", Input).value = "JOB-77"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, RegisterScreen)
        assert app.screen.rows["/dev/sdb"].status == "backup of Bram Proef (customer 2), due in 30 days"
    with store.begin() as s:
        record = custody.find_record(s, "WD-NEW-1")
        assert (record.kind.value, record.customer_id, record.job_ref) == ("backup", 2, "JOB-77")


async def test_register_with_a_new_customer_from_the_picker(make_app, store, env, watcher: FakeWatcher):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        watcher.attach(disk("/dev/sdb", "WD-NEW-2"))
        await pilot.pause()
        await pilot.press("a")  # abandoned disk
        await pilot.press("f3")
        await pilot.press(*"Nieuwe Klant")
        await pilot.press("enter")  # nothing found: "+ new customer: Nieuwe Klant" is highlighted
        assert isinstance(app.screen, CustomerForm)
        assert app.screen.query_one("#name", Input).value == "Nieuwe Klant"
        app.screen.query_one("#email", Input).value = "not-an-email"
        await pilot.press("ctrl+s")
        assert app.screen.query_one("#field-email", Field).error == "not an e-mail address: 'not-an-email'"
        app.screen.query_one("#email", Input).value = "nieuw@example.nl"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, RegisterScreen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, RegisterScreen)
    with store.begin() as s:
        record = custody.find_record(s, "WD-NEW-2")
        assert record.kind.value == "abandoned"
        assert record.customer.name == "Nieuwe Klant"


async def test_register_abandoned_disk_by_label_validates_every_field(make_app, store, env):
    add_customers(store, env, "Anna Voorbeeld")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("l")
        screen = app.screen
        assert isinstance(screen, RegisterScreen)
        screen.query_one("#capacity", Input).value = "lots"
        screen.query_one("#started", Input).value = "25-11-2026"
        await pilot.press("ctrl+s")
        errors = {f.field_name: f.error for f in screen.query(Field) if f.error}
        assert errors == {
            "serial": "type the serial from the label",
            "model": "type the model from the label",
            "capacity": "not a capacity: 'lots' (examples: 500GB, 2TB, 1TiB, 4096)",
            "customer": "pick a customer (F3), or add a new one there",
            "started": "not a date: '25-11-2026' (use YYYY-MM-DD)",
        }
        for name, value in (
            ("serial", "S3Z9NB0K"),
            ("model", "Samsung 860 EVO"),
            ("capacity", "500GB"),
            ("customer", "9"),
            ("started", (env.today() + timedelta(days=1)).isoformat()),
        ):
            screen.query_one(f"#{name}", Input).value = value
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()  # the service runs in a worker
        await pilot.pause()
        # the service refuses: its message is shown beside the field it is about
        assert screen.query_one("#field-customer", Field).error == "no customer with id 9"
        screen.query_one("#customer", Input).value = "1"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "is in the future" in screen.query_one("#field-started", Field).error
        screen.query_one("#started", Input).value = env.today().isoformat()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is not screen
    with store.begin() as s:
        record = custody.find_record(s, "S3Z9NB0K")
        assert record.drive.capacity_bytes == 500_000_000_000
        assert record.due_on == env.today() + relativedelta(months=3)


def _backup(store, env, serial, days_ago=31):
    (cid,) = add_customers(store, env, f"Klant {serial}")
    with store.begin() as s:
        reg = custody.Registration(cid, "JOB-1", env.today() - timedelta(days=days_ago))
        return registration.register_backup(s, env, DriveIdentity(serial=serial), reg).id


async def test_hold_from_dashboard_then_release_and_request_deletion_from_detail(make_app, store, env):
    due = _backup(store, env, "HOLD-1")
    later = _backup(store, env, "LATER-1", days_ago=5)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.screen.due_table.focus()
        await pilot.press("h")
        assert isinstance(app.screen, HoldScreen)
        app.screen.query_one("#until", Input).value = env.today().isoformat()
        await pilot.press("enter")
        assert app.screen.query_one("#field-reason", Field).error == "a hold needs a reason"
        assert app.screen.query_one("#field-until", Field).error.startswith("the hold must end after today")
        app.screen.query_one("#until", Input).value = (env.today() + timedelta(days=10)).isoformat()
        app.screen.query_one("#reason", Input).value = "klant betwist de factuur"
        await pilot.press("enter")
        await pilot.pause()
        assert cast(DashboardScreen, app.screen).due == []  # held: no longer due
        # record detail through the records list: release, request deletion
        await pilot.press("f2")
        assert isinstance(app.screen, RecordsScreen)
        assert app.screen.table.row_count == 2
        await pilot.press("enter")
        assert isinstance(app.screen, RecordDetailScreen) and app.screen.record_id == due
        assert app.screen.data["on_hold"]
        await pilot.press("r")
        await pilot.press(*"paid")
        await pilot.press("enter")
        await pilot.pause()
        assert not app.screen.data["on_hold"]
        assert app.screen.data["holds"][0]["release_reason"] == "paid"
        await pilot.press("escape", "down", "enter")
        assert app.screen.record_id == later
        await pilot.press("d")
        await pilot.press("escape")  # cancelled: nothing changes
        await pilot.pause()
        assert app.screen.data["deletion_requested_on"] is None
        await pilot.press("d")
        await pilot.press(*"phone")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.data["state"] == "due"
        assert app.screen.data["deletion_reason"] == "phone"
        history = app.screen.query_one("#history", DataTable)
        assert "deletion requested" in [  # the event, as a person reads it
            str(history.get_cell_at(Coordinate(i, 3))) for i in range(history.row_count)
        ]
    with store.begin() as s:
        actions = [e.action for e in events_for(s, entity="record", entity_id=due)]
        assert actions == ["record.registered", "record.held", "record.released"]


async def test_destroy_due_abandoned_disks(make_app, store, env, renderer, tmp_path: Path):
    (cid,) = add_customers(store, env, "Anna Voorbeeld")
    ids = []
    with store.begin() as s:
        for serial in ("AB-1", "AB-2"):
            reg = custody.Registration(cid, None, env.today() - relativedelta(months=4), "Plank A1")
            ident = DriveIdentity(serial=serial, model="WD Blue", capacity_bytes=10**12, media="hdd")
            ids.append(registration.register_abandoned(s, env, ident, reg).id)
    photo = tmp_path / "shredder.jpg"
    photo.write_bytes(b"\xff\xd8 photo")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("d")
        screen = app.screen
        assert isinstance(screen, DestroyScreen)
        await pilot.press("ctrl+s")
        assert screen.query_one("#field-records", Field).error == "select at least one disk"
        screen.query_one("#records", SelectionList).select_all()
        screen.query_one("#evidence", Input).value = str(tmp_path / "missing.jpg")
        await pilot.press("ctrl+s")
        assert screen.query_one("#field-evidence", Field).error.startswith("not a file:")
        screen.query_one("#evidence", Input).value = str(photo)
        screen.query_one("#witness", Input).value = "B. Getuige"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is not screen
        assert app.screen.due == []
    with store.begin() as s:
        states = [s.get(CustodyRecord, i).state for i in ids]
        assert states == [CustodyState.DESTROYED, CustodyState.DESTROYED]
        assert len(list(s.execute(select(Certificate)).scalars())) == 2


async def test_record_detail_opens_certificate_pdf(make_app, store, env, opened, renderer, tmp_path: Path):
    from wipestation.destruction.destroying import DestructionRequest, destroy
    from wipestation.documents.certify import issue_destruction_certificate  # noqa: F401 - the core issues it

    (cid,) = add_customers(store, env, "Anna Voorbeeld")
    with store.begin() as s:
        reg = custody.Registration(cid, None, env.today() - relativedelta(months=4))
        ident = DriveIdentity(serial="AB-9", model="WD Blue", capacity_bytes=10**12, media="hdd")
        record_id = registration.register_abandoned(s, env, ident, reg).id
        (result,) = destroy(s, env, renderer, DestructionRequest(refs=("AB-9",), method="shred", level="H-4"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        app.show_record(record_id)
        await pilot.pause()
        assert isinstance(app.screen, RecordDetailScreen)
        assert app.screen.certificates == [result.certificate]
        await pilot.press("o")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert opened == [tmp_path / f"{result.certificate}.pdf"]
    assert opened[0].read_bytes().startswith(b"%PDF")
