"""The certificates screen at 80x24 in Dutch: the number, the day, the kind, the customer and the
state fit without scrolling sideways; Enter opens the record, whose detail has the rest."""

from __future__ import annotations

from dateutil.relativedelta import relativedelta

from tests.tui.conftest import add_customers
from tests.tui.test_console_80x24 import dutch, english_on, terminal_lines  # noqa: F401 - dutch is a fixture
from tests.tui.test_keys_layout import ready
from tui.screens.certificates import CertificatesScreen
from tui.screens.record_detail import RecordDetailScreen
from wipestation.common.identity import DriveIdentity
from wipestation.destruction.destroying import DestructionRequest, destroy
from wipestation.documents.revocations import revoke
from wipestation.records import custody, registration


async def test_the_certificates_screen_fits_80_columns_in_dutch(dutch, make_app, store, env, renderer) -> None:  # noqa: F811
    (cid,) = add_customers(store, env, "Fietsenmakerij Voorbeeld Noord")
    numbers = []
    with store.begin() as s:
        for serial in ("AB-1", "AB-2"):
            reg = custody.Registration(cid, None, env.today() - relativedelta(months=4), "Plank A1")
            ident = DriveIdentity(serial=serial, model="WD Blue", capacity_bytes=10**12, media="hdd")
            record = registration.register_abandoned(s, env, ident, reg)
            (result,) = destroy(
                s, env, renderer, DestructionRequest(refs=(str(record.id),), method="shred", level="H-4")
            )
            numbers.append((result.certificate, record.id))
        revoke(s, env, numbers[1][0], "verkeerde schijf gescand")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await pilot.press("f5")
        await ready(app, pilot)
        screen = app.screen
        assert isinstance(screen, CertificatesScreen)
        table = screen.table
        assert table.full_width() <= 80  # nothing to scroll sideways to
        lines = terminal_lines(app)
        assert all(len(line) <= 80 for line in lines)
        text = "\n".join(lines)
        header = next(line for line in lines if "Certificaat" in line)
        for word in ("Certificaat", "Datum", "Soort", "Klant", "Status"):
            assert word in header, header
        today = env.today().isoformat()
        for number, _record in numbers:
            row = next(line for line in lines if number in line)
            assert today in row and "vernietiging" in row and "Fietsenmakerij" in row, row
        assert "ingetrokken" in next(line for line in lines if numbers[1][0] in line)
        assert not english_on(lines), text
        table.move_to(0)
        await pilot.press("enter")
        await ready(app, pilot)
        assert isinstance(app.screen, RecordDetailScreen)
        assert app.screen.certificates == [numbers[0][0]]
        await pilot.press("escape")
        await ready(app, pilot)
        await pilot.resize_terminal(160, 48)
        await ready(app, pilot)
        wide = "\n".join(terminal_lines(app))
        assert "AB-1" in wide  # the wide layout keeps the serial and the rest
