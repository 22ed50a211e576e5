"""The console in Dutch (the default), as a technician sees it: footer keys, pane titles, dialogs,
statuses, toasts; and in English on request (the other console tests run in English)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.widgets import Static

from tests.tui.conftest import FakeDriveSource, FakeEraser, disk
from tests.tui.test_keys_layout import due_backups, ready, screen_lines, shown
from tui.screens.confirm import ConfirmScreen
from tui.screens.dashboard import DashboardScreen
from tui.screens.erase import EraseScreen
from wipestation.common import i18n
from wipestation.common.i18n import N_, Phrase


@pytest.fixture
def dutch() -> Iterator[None]:
    i18n.set_language("nl")
    yield
    i18n.set_language("en")


async def test_the_dashboard_at_80x24_in_dutch(dutch: None, make_app, store, env, drive_source) -> None:
    due_backups(store, env, 3)
    drive_source.drives.append(disk("/dev/sdb", "DUE-0000"))
    drive_source.drives.append(disk("/dev/sdc", "NIEUW-0001"))
    drive_source.drives.append(
        disk("/dev/sda", "SYS-1", protected=Phrase(N_("holds the root file system / (on {name})"), name="sda"))
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        footer = screen_lines(app)[-1]
        # the footer's words are short ("key" context), so its keys fit 80 columns as in English
        for key in ("e Wissen", "r Back-up", "a Verlaten", "h Pauze", "x Stop", "^q Sluiten", "Dossiers", "^p Meer"):
            assert key in footer, footer
        assert "Klanten" not in footer  # left out whole (F3 is in the command palette), not cut
        assert "Erase" not in footer and "Quit" not in footer
        assert shown(app, "Aangesloten schijven")
        assert shown(app, "Vandaag te doen en te laat: 3 (3 te laat)")
        assert shown(app, "Nog geen wissingen. Kies een schijf en druk op e.")
        assert shown(app, "onbekende schijf")
        assert shown(app, "BESCHERMD: bevat het")  # the core's reason is a Phrase: shown in Dutch
        assert shown(app, "Serienummer") and shown(app, "Klant")  # column headers
        assert shown(app, "3 dagen te laat") and shown(app, "1 dag te laat")
        assert shown(app, "Nr.") and shown(app, "Soort")


async def test_the_erase_dialog_and_its_errors_in_dutch(
    dutch: None, make_app, store, env, drive_source: FakeDriveSource
) -> None:
    drive_source.drives.append(disk("/dev/sdb", "WISSEN-000123"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EraseScreen)
        assert shown(app, "/dev/sdb wissen")
        assert shown(app, "Methode (NIST SP 800-88-categorie)")
        await pilot.press(*"WRONG1", "enter")
        await pilot.pause()
        assert shown(app, "dat is niet het serienummer van deze schijf")
        assert shown(app, "Annuleren")


async def test_an_erasure_and_its_toast_in_dutch(
    dutch: None, make_app, store, env, drive_source, eraser: FakeEraser
) -> None:
    due_backups(store, env, 1)
    drive_source.drives.append(disk("/dev/sdb", "DUE-0000"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("e", *"DUE-0000", "enter")
        await ready(app, pilot)
        (job,) = app.jobs.values()
        assert job.outcome == "succeeded"  # the state the code compares stays English
        assert job.summary().startswith("gewist in 0.0 s, gemiddeld ")
        assert job.summary().endswith(", certificaat WS-2026-000001")
        toasts = [(n.title, n.message) for n in app._notifications]
        assert any(t == "Wissing klaar" and "gewist met nullen" in m for t, m in toasts), toasts


async def test_quitting_during_an_erasure_asks_in_dutch(
    dutch: None, make_app, store, env, drive_source, eraser: FakeEraser
) -> None:
    eraser.hold = True
    due_backups(store, env, 1)
    drive_source.drives.append(disk("/dev/sdb", "DUE-0000"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await pilot.press("e", *"DUE-0000", "enter")
        assert eraser.started.acquire(timeout=5)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert shown(app, "wipestation afsluiten?")
        text = str(app.screen.query_one("#confirm-text", Static).content)
        assert text.startswith("1 wissing bezig: DUE-0000 op /dev/sdb.")
        assert "onderbroken" in text and "gaat verder waar ze stopte" in text
        assert shown(app, "Afsluiten (y)") and shown(app, "Annuleren (n)")
        await pilot.press("y")
        await pilot.pause()
        eraser.release.set()
    assert not app.is_running


async def test_english_on_request(make_app, store, env, drive_source) -> None:
    """`--lang en` (or `language = "en"`) sets the language before the console starts."""
    i18n.set_language("en")
    drive_source.drives.append(disk("/dev/sdb", "NEW-0001"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        footer = screen_lines(app)[-1]
        assert "Erase" in footer and "Wissen" not in footer
        assert shown(app, "Attached drives") and shown(app, "unknown drive")


async def test_the_records_list_in_dutch_fits_its_words(dutch: None, make_app, store, env) -> None:
    """F2 in Dutch: headers, states and kinds in full (the columns widen to the language's words)."""
    from tests.tui.conftest import add_customers
    from wipestation.common.identity import DriveIdentity
    from wipestation.records import custody, registration

    (cid,) = add_customers(store, env, "Piet Puk")
    with store.begin() as s:
        reg = custody.Registration(cid, "WB-1", env.today())
        registration.register_backup(s, env, DriveIdentity(serial="HOUD-0001"), reg)
        registration.register_abandoned(
            s, env, DriveIdentity(serial="ACHTER-01", model="Oude schijf", capacity_bytes=10**9), reg
        )
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        await pilot.press("f2")
        await ready(app, pilot)
        assert app.screen.sub_title == "2 van 2 dossiers"
        assert shown(app, "in bewaring") and shown(app, "opgeslagen")
        assert shown(app, "verlaten") and shown(app, "back-up")
        assert shown(app, "Werkbon") and shown(app, "Vervalt") and shown(app, "over 30 dagen")
        footer = screen_lines(app)[-1]
        assert "Terug" in footer and "Zoeken" in footer and "Pauze" in footer
