"""Issue 15's missing views: certificates (open, print, send), a customer's records, everything `show`
has in the record detail, and the documents folder."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from textual.widgets import Static

from tests.helpers.smtp import smtp_on_loopback
from tests.tui.conftest import add_customers
from tui.screens.certificates import CertificatesScreen
from tui.screens.customer_records import CustomerRecordsScreen
from tui.screens.customers import CustomersScreen
from tui.screens.record_detail import RecordDetailScreen
from wipestation.common.config import Config, MailConfig, load_config
from wipestation.common.identity import DriveIdentity
from wipestation.destruction.destroying import DestructionRequest, destroy
from wipestation.records import custody, registration
from wipestation.store.models import CertificateSend


def _destroyed(store, env, renderer, cid: int, serial: str) -> int:
    with store.begin() as s:
        old = custody.Registration(cid, None, env.today() - relativedelta(months=5), location="B2")
        ident = DriveIdentity(serial=serial, model="WD Blue", capacity_bytes=10**12, media="hdd")
        record = registration.register_abandoned(s, env, ident, old).id
        destroy(s, env, renderer, DestructionRequest(refs=(serial,), method="shred", level="H-4"))
    return record


async def _settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_certificates_screen_lists_opens_and_prints_off_the_ui_thread(
    make_app, store, env, renderer, opened, tmp_path
) -> None:
    (cid,) = add_customers(store, env, "Anna Voorbeeld")
    _destroyed(store, env, renderer, cid, "GONE-1")
    printed: list[Path] = []

    def print_file(path: Path) -> str | None:
        printed.append(path)
        return None

    app = make_app(print_file=print_file, export_dir=tmp_path / "documents")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f5")
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CertificatesScreen)
        assert [c.serial for c in screen.table.rows] == ["GONE-1"]
        number = screen.table.rows[0].number
        assert screen.table.cell_text(0, 0) == number and screen.table.cell_text(0, 4) == "-"
        await pilot.press("o")
        await _settle(app, pilot)
        assert opened == [tmp_path / "documents" / f"{number}.pdf"]
        assert opened[0].read_bytes().startswith(b"%PDF")
        await pilot.press("p")
        await _settle(app, pilot)
        assert printed == opened
        assert any(str(printed[0]) in n.message for n in app._notifications)


async def test_send_from_the_certificates_screen_mails_the_customer(make_app, store, env, renderer) -> None:
    (cid,) = add_customers(store, env, "Anna Voorbeeld")
    _destroyed(store, env, renderer, cid, "GONE-2")
    with smtp_on_loopback() as (inbox, port):
        mail = MailConfig(host="127.0.0.1", port=port, sender="shop@example.nl")
        app = make_app(env=replace(env, config=replace(env.config, mail=mail)))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("f5")
            await _settle(app, pilot)
            await pilot.press("s")
            await _settle(app, pilot)
            await _settle(app, pilot)  # the list reloads after the send
            screen = app.screen
            assert isinstance(screen, CertificatesScreen)
            assert screen.table.cell_text(0, 4) == "sent to anna@example.nl"
    assert inbox.envelopes[0][1] == ["anna@example.nl"]
    with store.begin() as s:
        assert [x.status for x in s.execute(select(CertificateSend)).scalars()] == ["sent"]


async def test_a_customers_records_from_the_customers_screen(make_app, store, env, renderer) -> None:
    anna, bob = add_customers(store, env, "Anna Voorbeeld", "Bob Tester")
    gone = _destroyed(store, env, renderer, anna, "GONE-3")
    with store.begin() as s:
        reg = custody.Registration(anna, "JOB-9", env.today() - timedelta(days=3))
        kept = registration.register_backup(s, env, DriveIdentity(serial="KEPT-1"), reg).id
        bob_reg = custody.Registration(bob, "J", env.today())
        registration.register_backup(s, env, DriveIdentity(serial="BOBS-1"), bob_reg)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, CustomersScreen)
        await pilot.press("enter")  # the first customer: Anna
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CustomerRecordsScreen)
        assert [r.id for r in screen.table.rows] == [gone, kept]
        assert "1 open of 2 records" in str(screen.query_one("#customer", Static).content)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, RecordDetailScreen) and app.screen.record_id == kept


async def test_record_detail_has_the_reasons_show_prints(make_app, store, env, renderer) -> None:
    (cid,) = add_customers(store, env, "Anna Voorbeeld")
    with store.begin() as s:
        reg = custody.Registration(cid, None, env.today() - timedelta(days=10), host_computer="Dell", seal_number="S-7")
        rid = registration.register_abandoned(s, env, DriveIdentity(serial="ASKED-1"), reg).id
        custody.hold(s, env, str(rid), env.today() + timedelta(days=30), "police request")
        custody.release(s, env, str(rid), "case closed")
        custody.request_deletion(s, env, str(rid), "letter of 20 November")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.show_record(rid)
        await pilot.pause()
        text = str(app.screen.query_one("#detail", Static).content)
    assert "requested by the customer on 2026-11-25: letter of 20 November" in text
    assert "released: case closed" in text
    assert "Computer  Dell" in text and "Seal      S-7" in text


async def test_customer_export_goes_to_the_documents_folder_and_says_where(make_app, store, env, tmp_path) -> None:
    add_customers(store, env, "Anna Voorbeeld")
    documents = tmp_path / "data" / "documents"  # not there yet
    app = make_app(export_dir=documents)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        await pilot.press("ctrl+x")
        await pilot.pause()
        path = documents / "customer-1-export.json"
        assert path.is_file()
        assert any(n.message == str(path) for n in app._notifications)


def test_the_documents_folder_is_in_the_data_directory_unless_configured(tmp_path: Path) -> None:
    assert Config(data_dir=tmp_path).documents_dir == tmp_path / "documents"
    conf = tmp_path / "c.toml"
    conf.write_text('documents = "~/Documenten/wipestation"\n', encoding="utf-8")
    assert load_config(conf, env={}).documents_dir == Path("~/Documenten/wipestation").expanduser()


async def test_a_revoked_certificate_says_so_in_the_list_and_the_record(make_app, store, env, renderer) -> None:
    from wipestation.documents.revocations import revoke
    from wipestation.views import certificate_list

    (cid,) = add_customers(store, env, "Anna Voorbeeld")
    record = _destroyed(store, env, renderer, cid, "GONE-4")
    with store.begin() as s:
        (cert,) = certificate_list(s)
        revoke(s, env, cert.number, "issued for the wrong disk")
        (again,) = certificate_list(s)
    assert again.revoked and again.revocation_reason == "issued for the wrong disk"
    assert again.languages == ("nl",) and again.customer_email == "anna@example.nl"
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f5")
        await _settle(app, pilot)
        assert app.screen.table.cell_text(0, 4) == "revoked"
        app.show_record(record)
        await pilot.pause()
        assert app.screen.certificates == [cert.number]
        assert app.screen.detail.certificates[0].revoked
