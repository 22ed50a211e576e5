"""The console as a Dutch technician sees it at 80x24, screen by screen (issue 28): each screen's text
is taken from the App's own screenshot; no key in the footer is cut off, and no English text the
catalog knows (a msgid whose Dutch differs) is on any screen."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
from babel.messages.pofile import read_po
from textual.content import Content
from textual.widgets._footer import FooterKey

from tests.tui.conftest import FakeDriveSource, FakeEraser, FakeWatcher, add_customers, disk
from tests.tui.test_keys_layout import due_backups, ready
from tests.tui.test_record_history import DRIVE, _erasure
from tui.screens.dashboard import DashboardScreen
from wipestation.common import i18n
from wipestation.common.i18n import N_, Phrase
from wipestation.common.identity import DriveIdentity
from wipestation.records import custody, registration
from wipestation.records.customers import anonymise_customer

ROOT = Phrase(N_("holds the root file system / (on {name})"), name="nvme0n1")  # as protection.py says it
PO = i18n.LOCALE_DIR / "nl" / "LC_MESSAGES" / "wipestation.po"
# English that is also Dutch (or a name): never evidence of an untranslated text
SAME_IN_DUTCH = {"Status", "Model", "Pool", "Stop", "Start", "Serienummer", "Klaar", "Back-up", "Thema"}


@cache
def known_english() -> list[str]:
    """Every piece of catalog English that is not the same in Dutch: the text between placeholders,
    at least two words long (a single word could be part of a Dutch one), plus the single words the
    console shows alone (a status, a result)."""
    with PO.open("rb") as f:
        catalog = read_po(f)
    found: set[str] = set()
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = [str(x) for x in message.id] if isinstance(message.id, (tuple, list)) else [str(message.id)]
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        dutch = " ".join(str(x) for x in strings)
        for text in ids:
            for piece in re.split(r"\{[^}]*\}|\n|\[/?[a-z]+\]", text):
                piece = piece.strip(" .,:;()'\"-—")
                if " " in piece and len(piece) >= 8 and piece not in dutch:
                    found.add(piece)
    return [*sorted(found), "succeeded", "unknown", "anonymised", "interrupted", "with exceptions"]


def english_on(lines: list[str]) -> list[str]:
    text = "\n".join(lines)
    return [e for e in known_english() if re.search(r"(?<![\w-])" + re.escape(e) + r"(?![\w-])", text)]


def terminal_lines(app: Any) -> list[str]:
    """The terminal's lines as the compositor draws them (what tmux's capture-pane shows)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def footer_problems(app: Any) -> list[str]:
    """Keys of the footer that do not fit the screen, or are not shown whole on its last line."""
    width = app.size.width
    keys = list(app.screen.query(FooterKey))
    last = terminal_lines(app)[-1]
    problems = [f"{k.key_display} {k.description}" for k in keys if k.region.right > width]
    problems += [k.description for k in keys if k.description not in last]
    return problems


def look(app: Any, name: str, seen: dict[str, list[str]]) -> None:
    lines = terminal_lines(app)

    assert len(lines) == 24 and all(len(line) <= 80 for line in lines), name
    seen[name] = lines
    assert not footer_problems(app), (name, footer_problems(app), lines[-1])
    assert not english_on(lines), (name, english_on(lines), "\n" + "\n".join(lines))


@pytest.fixture
def dutch() -> Iterator[None]:
    i18n.set_language("nl")
    yield
    i18n.set_language("en")


def test_the_english_list_finds_english() -> None:
    """The check itself: an English status and an English sentence are found, Dutch is not."""
    assert english_on(["Resultaat: succeeded"]) == ["succeeded"]
    assert "holds the root file system" in " ".join(english_on(["BESCHERMD: holds the root file system / (on sda)"]))
    assert english_on(["Vandaag te doen en te laat: 3 (3 te laat)", "geslaagd", "onbekend"]) == []


async def test_every_screen_at_80x24_in_dutch(
    dutch: None, make_app, store, env, drive_source: FakeDriveSource, eraser: FakeEraser
) -> None:
    ids = due_backups(store, env, 3)
    gone, keep = add_customers(store, env, "Gerrit Weg", "Fietsenmakerij Voorbeeld Noord")
    with store.begin() as s:
        registration.register_abandoned(s, env, DRIVE, custody.Registration(keep, "JOB-77", env.today()))
        anonymise_customer(s, env, gone)
    _erasure(store, env, interrupt_at=None)
    _erasure(store, env, interrupt_at=1_800_000_000)
    drive_source.drives.append(disk("/dev/sdb", "DUE-0000"))
    drive_source.drives.append(disk("/dev/sdc", "NIEUW-0001"))
    drive_source.drives.append(disk("/dev/nvme0n1", "SYS-1", protected=ROOT))
    seen: dict[str, list[str]] = {}
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        look(app, "dashboard", seen)
        steps = (("f2", "records"), ("end", "records, last"), ("enter", "record detail"))
        for key, name in (*steps, ("f3", "customers"), ("enter", "customer")):
            await pilot.press(key)
            await ready(app, pilot)
            look(app, name, seen)
        for key, name in (("f4", "history"), ("f5", "certificates"), ("f6", "pool")):
            await pilot.press(key)
            await ready(app, pilot)
            look(app, name, seen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        look(app, "palette", seen)
        await pilot.press(*"zqzqzq")
        await pilot.pause(0.8)
        look(app, "palette, no match", seen)
        assert "Niets gevonden" in "\n".join(terminal_lines(app))
        await pilot.press("escape", "f1")
        await ready(app, pilot)
    assert ids


async def test_the_dialogs_toasts_and_refusals_at_80x24_in_dutch(
    dutch: None, make_app, store, env, drive_source: FakeDriveSource, watcher: FakeWatcher
) -> None:
    """The erase and registration dialogs fit and are Dutch; a due drive's toast shows its key in bold,
    not as markup; erasing a backup that is not due is refused before the dialog (no serial typed)."""
    due_backups(store, env, 1)
    (cid,) = add_customers(store, env, "Nog Niet")
    with store.begin() as s:
        reg = custody.Registration(cid, "JOB-NOW", env.today())
        registration.register_backup(s, env, DriveIdentity(serial="NOTDUE-1"), reg)
    drive_source.drives.append(disk("/dev/sdb", "NOTDUE-1"))
    drive_source.drives.append(disk("/dev/sdc", "NIEUW-0001"))
    seen: dict[str, list[str]] = {}
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        # the cursor on the not-due drive (the first row): e is refused at once, saying what to do
        screen.drives_table.move_cursor(row=0)
        await pilot.press("e")
        await pilot.pause(0.3)
        assert isinstance(app.screen, DashboardScreen)  # no dialog: no serial typed for nothing
        (refusal,) = list(app._notifications)
        assert refusal.title == "NOTDUE-1 is nog niet aan de beurt"
        assert "Enter opent het dossier, d legt het verzoek vast" in refusal.message
        app.clear_notifications()
        # a due drive plugged in: its toast has the key in bold, no "[b]" on the screen
        watcher.attach(disk("/dev/sdd", "DUE-0000"))
        await pilot.pause(0.3)
        (toast,) = [n for n in app._notifications if "DUE-0000" in n.message]
        shown_text = Content.from_markup(toast.message).plain if toast.markup else toast.message
        assert "Druk op e" in shown_text and "[b]" not in shown_text, shown_text
        look(app, "dashboard with a toast", seen)
        app.clear_notifications()
        await pilot.pause()
        # the erase dialog of the due drive
        screen.drives_table.move_cursor(row=screen.drives_table.get_row_index("/dev/sdd"))
        await pilot.press("e")
        await ready(app, pilot)
        assert not isinstance(app.screen, DashboardScreen)
        look(app, "erase dialog", seen)
        await pilot.press("escape")
        await pilot.pause()
        # registering the new drive as a backup, and a disk by its label
        screen.drives_table.move_cursor(row=screen.drives_table.get_row_index("/dev/sdc"))
        for key, name in (("r", "register backup"), ("l", "register by label")):
            await pilot.press(key)
            await ready(app, pilot)
            assert not isinstance(app.screen, DashboardScreen), name
            look(app, name, seen)
            await pilot.press("escape")
            await pilot.pause()
