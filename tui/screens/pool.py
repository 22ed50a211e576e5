"""The backup-drive pool, and the shelf scanner: every shop backup drive with its state, erase
count and health; a scanned shelf label (a USB scanner types its code and Enter) opens its record;
`r` registers a backup on the selected available drive."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, Input

from tui.rowtable import RowTable
from tui.texts import K_, N_, _, localise_bindings, state_word
from tui.widgets import FittingFooter
from wipestation.common.devices import DetectedDrive
from wipestation.common.identity import DriveIdentity
from wipestation.common.units import format_capacity
from wipestation.stock.labels import parse_label_code
from wipestation.stock.pool import AVAILABLE, DESTROYED, QUEUED, PoolDrive, list_pool
from wipestation.store.models import CustodyRecord

if TYPE_CHECKING:
    from tui.console import Console

STATE_STYLE = {"available": "green", "due": "bold dark_orange", "retired": "dim", "erasing": "cyan"}
HEALTH_STYLE = {"healthy": "green", "failing": "bold red", "unknown": "yellow"}
HEALTH_WORDS = {"healthy": N_("healthy"), "failing": N_("failing"), "unknown": N_("unknown")}
COLUMNS = [
    (N_("Serial"), 24),
    (N_("Capacity"), 10),
    (N_("State"), 10),
    (N_("Erased"), 7),
    (N_("Last erased"), 12),
    (N_("Health"), 9),
    (N_("Checked"), 11),
    (N_("Record"), 0),
]


def pool_columns() -> list[tuple[str, int]]:
    """The columns fitting 80 columns up to the record (scrolled to): the serial narrower, the state
    and the health as wide as their longest word or heading in the reader's language."""
    state = max(len(_(N_("State"))), *(len(state_word(s)) for s in STATE_STYLE), len(state_word("holding")))
    health = max(len(_(N_("Health"))), *(len(_(w)) for w in HEALTH_WORDS.values()))
    widths = {
        N_("Serial"): 16,
        N_("Capacity"): 9,
        N_("State"): state,
        N_("Erased"): max(4, len(_(N_("Erased")))),
        N_("Last erased"): 10,
        N_("Health"): health,
        N_("Checked"): 10,
    }
    return [(label, widths.get(label, width)) for label, width in COLUMNS]


def format_pool_drive(p: PoolDrive) -> list[tuple[str, str]]:
    record = ""
    if p.record_id is not None:
        record = f"#{p.record_id}" + (" " + _("due {date}").format(date=p.due_on.isoformat()) if p.due_on else "")
    elif p.destruction == QUEUED:
        when = p.destruction_due_on
        due = ", " + _("due {date}").format(date=when.isoformat()) if when else ""
        queued = _("#{id} queued for destruction").format(id=p.destruction_record_id)
        record = f"{queued}{due}: {p.retired_reason or ''}"
    elif p.destruction == DESTROYED:
        record = _("#{id} destroyed").format(id=p.destruction_record_id)
    elif p.retired_reason:
        record = p.retired_reason
    return [
        (p.serial, ""),
        (format_capacity(p.capacity_bytes), ""),
        (state_word(p.state), STATE_STYLE.get(p.state, "")),
        (f"{p.erase_count}x", ""),
        (p.last_erased_at.date().isoformat() if p.last_erased_at else _("never"), ""),
        (_(HEALTH_WORDS[p.health]) if p.health in HEALTH_WORDS else p.health, HEALTH_STYLE.get(p.health, "")),
        (p.health_at.date().isoformat() if p.health_at else "-", ""),
        (record, ""),
    ]


class PoolScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", K_("Back")),
        Binding("ctrl+f", "focus_scan", K_("Scan")),
        Binding("r", "register_backup", K_("Register backup")),
    ]

    def __init__(self) -> None:
        super().__init__()
        localise_bindings(self)
        self.drives: list[PoolDrive] = []

    @property
    def wapp(self) -> Console:
        return cast("Console", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="full"):
            yield Input(placeholder=_("scan a shelf label (or type its code) to open its record"), id="scan")
            yield RowTable(pool_columns(), format_pool_drive, id="pool")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.title = _("Backup-drive pool")
        self.reload()
        self.query_one("#scan", Input).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        services = self.wapp.services
        with services.sessions.begin() as s:
            self.drives = list_pool(s, services.env)
        self.table.set_rows(self.drives)
        free = sum(1 for d in self.drives if d.state == AVAILABLE)
        self.sub_title = _("{n} drives, {free} available").format(n=len(self.drives), free=free)

    @property
    def table(self) -> RowTable[PoolDrive]:
        return cast("RowTable[PoolDrive]", self.query_one("#pool", RowTable))

    def action_focus_scan(self) -> None:
        self.query_one("#scan", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        scan = self.query_one("#scan", Input)
        code = event.value.strip()
        scan.value = ""
        if not code:
            self.table.focus()
            return
        record_id = self.record_for(code)
        if record_id is not None:
            self.wapp.show_record(record_id)

    def record_for(self, code: str) -> int | None:
        """The record a scanned label names, or None (with a notice saying why)."""
        parsed = parse_label_code(code)
        if parsed is None:
            self.notify(
                _("'{code}' is not a wipestation shelf label").format(code=code[:60]), title=_("Scan"), severity="error"
            )
            return None
        record_id, serial = parsed
        with self.wapp.services.sessions.begin() as s:
            record = s.get(CustodyRecord, record_id)
            if record is None or record.drive.serial != serial:
                self.notify(
                    _("'{code}' names no record of this shop").format(code=code[:60]), title=_("Scan"), severity="error"
                )
                return None
        return record_id

    def action_register_backup(self) -> None:
        """Register a customer's backup on the selected drive, if it is available."""
        from tui.screens.register import RegisterScreen

        drive = self.table.current
        if drive is None:
            return
        if drive.state != AVAILABLE:
            self.notify(
                _("{serial} is {state}, not available").format(serial=drive.serial, state=state_word(drive.state)),
                title=_("Pool"),
                severity="warning",
            )
            return
        ident = DriveIdentity(
            serial=drive.serial, model=drive.model, capacity_bytes=drive.capacity_bytes, device=_("pool drive")
        )
        self.app.push_screen(RegisterScreen("backup", DetectedDrive(ident)), lambda _id: self.reload())
