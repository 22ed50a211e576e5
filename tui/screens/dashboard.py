"""The morning view: attached drives (live), due and overdue records, running erasures."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple, cast

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, Static

from tui.queries import DriveRow, RecordRow, drive_row, due_page
from tui.rowtable import RowTable, reuse_rows
from tui.services import EraseRequest
from tui.texts import K_, N_, _, kind_word, localise_bindings
from tui.widgets import EraseJob, ErasureRow
from wipestation.i18n import KIND_WORDS
from wipestation.retention import days_text

if TYPE_CHECKING:
    from tui.app import WipestationApp

OVERDUE_STYLE = "bold dark_orange"
# negative width: at least that wide, and a share of what is left on a wide terminal
DUE_COLUMNS = [
    (N_("Record"), 6),
    (N_("Kind"), 9),
    (N_("Serial"), -13),
    (N_("Customer"), -13),
    (N_("Due"), 10),
    ("", 15),
    (N_("Location"), 0),
]


def due_columns() -> list[tuple[str, int]]:
    """The due list's columns, the kind and the days as wide as the language's longest words."""
    kind = max([9] + [len(kind_word(k)) for k in KIND_WORDS])
    days = max(15, len(days_text(-99)))
    widths = {N_("Kind"): kind, "": days}
    return [(label, widths.get(label, width)) for label, width in DUE_COLUMNS]


def _what_can_be_done(row: DriveRow) -> str:
    if row.protected:
        return _("{status}. It is never erased or registered.").format(status=row.status)
    lines = [f"{row.status}."]
    if row.tone == "unknown" or row.status == _("customer disk, no open record"):
        lines += [_("r: register as a customer's backup"), _("a: register as an abandoned disk")]
    else:
        lines += [_("r: register it as a customer's backup")]
    lines.append(_("e: erase it"))
    return "\n".join(lines)


def format_due(row: RecordRow) -> list[tuple[str, str]]:
    return [
        (str(row.id), ""),
        (kind_word(row.kind), ""),
        (row.serial, ""),
        (row.customer_name if row.customer_id is None else f"{row.customer_name} ({row.customer_id})", ""),
        (row.due_on.isoformat(), ""),
        (
            days_text(row.days_left) + (" " + _("(held)") if row.on_hold else ""),
            OVERDUE_STYLE if row.days_left < 0 else "",
        ),
        (row.location or "", ""),
    ]


DUE_SHOWN = 300
"""At most this many due rows in the pane (most overdue first); the title says when it cuts, the record
list (F2) has them all. SQL orders, cuts and counts (`views.due_page`): reading every due record cost
over a second at 100 000 records."""


class DashboardData(NamedTuple):
    """What a refresh reads (in a worker): the most urgent due records, the attached drives' rows, and
    how many records are due and overdue in all."""

    due: list[RecordRow]
    drives: list[DriveRow]
    total: int
    late: int


def _record_id(r: RecordRow) -> int:
    return r.id


class DriveTable(DataTable[Any]):
    """The attached drives, keyed by device; remembers the drive (by serial) the technician put the
    cursor on, so refreshes, attaches and detaches never move it to another drive."""

    chosen: str | None = None
    serials: dict[str, str] = {}

    def _chose(self) -> None:
        if self.row_count:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
            self.chosen = self.serials.get(str(key))

    def action_cursor_up(self) -> None:
        super().action_cursor_up()
        self._chose()

    def action_cursor_down(self) -> None:
        super().action_cursor_down()
        self._chose()

    def action_page_up(self) -> None:
        super().action_page_up()
        self._chose()

    def action_page_down(self) -> None:
        super().action_page_down()
        self._chose()

    def action_scroll_top(self) -> None:
        super().action_scroll_top()
        self._chose()

    def action_scroll_bottom(self) -> None:
        super().action_scroll_bottom()
        self._chose()

    async def _on_click(self, event: events.Click) -> None:
        await super()._on_click(event)
        self._chose()


# Below WIDE columns the model is left out and the rest narrowed, so the status stays readable at 80.
WIDE = 120
DRIVE_COLUMNS: list[tuple[str, str, int | None]] = [
    (N_("Device"), "device", 12),
    (N_("Serial"), "serial", 22),
    (N_("Model"), "model", 22),
    (N_("Size"), "size", 9),
    (N_("Status"), "status", None),
]
NARROW_WIDTHS = {"device": 10, "serial": 16, "size": 8}

TONE_STYLE = {"protected": "bold red", "due": "bold dark_orange", "held": "cyan", "known": "", "unknown": "dim"}


class DashboardScreen(Screen[None]):
    # The footer must keep its keys at 80 columns: the less frequent ones (l, d) are in the
    # command palette (Ctrl+P) and in what Enter on a drive says.
    BINDINGS = [
        Binding("e", "erase", K_("Erase")),
        Binding("r", "register_backup", K_("Backup")),
        Binding("a", "register_abandoned", K_("Abandoned")),
        Binding("l", "register_label", K_("By label"), show=False),
        Binding("d", "destroy", K_("Destroy"), show=False),
        Binding("h", "hold", K_("Hold")),
        Binding("x", "cancel_erase", K_("Stop")),
        Binding("space", "mark", K_("Mark"), show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        localise_bindings(self)
        self._shown: set[str] = set()
        self.rows: dict[str, DriveRow] = {}
        self.due: list[RecordRow] = []  # the most urgent DUE_SHOWN
        self.due_total = 0  # due records in all
        self._ready = False
        self._wide: bool | None = None
        self.marked: set[str] = set()  # serials of the drives marked (space) for erasing side by side

    @property
    def wapp(self) -> WipestationApp:
        return cast("WipestationApp", self.app)

    def compose(self) -> ComposeResult:
        drives = DriveTable(id="drives", cursor_type="row", zebra_stripes=True)
        due: RowTable[RecordRow] = RowTable(due_columns(), format_due, id="due")
        yield Header()
        with Vertical(id="drives-pane", classes="pane"):
            yield Label(_("Attached drives"), classes="pane-title", id="drives-title")
            yield drives
        with Vertical(id="due-pane", classes="pane"):
            yield Label(_("Due today and overdue"), classes="pane-title", id="due-title")
            yield due
        with Vertical(id="erase-pane", classes="pane"):
            yield Label(_("Erasures"), classes="pane-title")
            with VerticalScroll(id="erasures"):
                yield Static(_("No erasures yet. Select a drive and press e."), id="no-erasures")
        yield Footer(compact=True, show_command_palette=False)

    def on_resize(self) -> None:
        if self._ready and (self.size.width >= WIDE) != self._wide:
            self.refresh_drives(list(self.rows.values()))

    def on_mount(self) -> None:
        self._ready = True
        self.reload()
        if self.wapp.scanned:
            self.select_first_due()
        for job in self.wapp.jobs.values():
            self.add_job(job)
        self.query_one("#drives", DataTable).focus()

    # --- data -------------------------------------------------------------------------------

    def reload(self) -> None:
        """Reload what comes from the store (due list, drive statuses), on the UI thread."""
        if not self._ready:
            return
        self.apply(self.load())

    def load(self) -> DashboardData:
        """Read the due list and the attached drives' statuses (thread-safe: runs in a worker
        when the periodic check found a change)."""
        services = self.wapp.services
        attached = sorted(dict(self.wapp.attached).items())
        today = services.env.today()
        with services.sessions.begin() as session:
            page = due_page(session, today, DUE_SHOWN)
            drives = [drive_row(session, today, d) for _, d in attached]
        return DashboardData(reuse_rows(self.due, page.rows, _record_id), drives, page.total, page.overdue)

    def apply(self, data: DashboardData) -> None:
        """The UI thread's part of a refresh: nothing here walks the due list (load counted it)."""
        if not self._ready:
            return
        self.due, drives, self.due_total, late = data
        self.due_table.set_rows(self.due, key=_record_id)
        title = (
            _("Due today and overdue: {n} ({late} overdue)").format(n=self.due_total, late=late)
            if self.due
            else _("Nothing due today")
        )
        if self.due_total > len(self.due):
            title += " — " + _("showing {shown} of {n}, all in the record list (F2)").format(
                shown=len(self.due), n=self.due_total
            )
        self.query_one("#due-title", Label).update(title)
        current = {d: a.identity.serial for d, a in self.wapp.attached.items()}
        if current == {r.device: r.serial for r in drives}:
            self.refresh_drives(drives)
        else:  # a drive came or went while loading
            self.refresh_drives()

    @property
    def drives_table(self) -> DriveTable:
        return self.query_one("#drives", DriveTable)

    def refresh_drives(self, rows: list[DriveRow] | None = None) -> None:
        """Redraw the attached drives; the cursor stays on the drive (by serial) it was on. A due
        drive just plugged in takes the cursor only when the technician has not chosen one."""
        if not self._ready:
            return
        table = self.drives_table
        if rows is None:
            rows = self.wapp.drive_rows()
        index = table.cursor_row
        target = self._cursor_target(table, rows)
        wide = self.size.width >= WIDE
        self._clear_drives(table, wide)
        self._shown = {r.device for r in rows}
        self.marked &= {r.serial for r in rows}  # a detached drive is no longer marked
        self.query_one("#drives-title", Label).update(
            _("Attached drives: {n} marked, e erases them side by side").format(n=len(self.marked))
            if self.marked
            else _("Attached drives")
        )
        for r in rows:
            status = Text(r.status, style=TONE_STYLE.get(r.tone, ""))
            device: str | Text = Text("*" + r.device, style="bold") if r.serial in self.marked else r.device
            cells = (device, r.serial, r.model, r.capacity, status) if wide else (device, r.serial, r.capacity, status)
            table.add_row(*cells, key=r.device)
        self.rows = {r.device: r for r in rows}
        table.serials = {r.device: r.serial for r in rows}
        if target in self._shown:
            index = table.get_row_index(target)
        if rows:
            index = max(0, min(index, len(rows) - 1))
            table.move_cursor(row=index, animate=False)
            self.call_after_refresh(self._show_cursor)

    def _cursor_target(self, table: DriveTable, rows: list[DriveRow]) -> str | None:
        """The device the cursor goes to among `rows` (before they replace the shown ones): the drive
        the technician chose, else a due drive just plugged in, else the drive it was on, else a drive
        just plugged in when none was shown; None: keep the cursor's index."""
        current = self.selected_device()
        current_serial = self.rows[current].serial if current in self.rows else None
        by_serial = {r.serial: r.device for r in rows}
        new = self.wapp.last_attached if self.wapp.last_attached not in self._shown else None
        if table.chosen in by_serial:
            return by_serial[table.chosen]
        if new is not None and any(r.device == new and r.due for r in rows):
            return new
        if current_serial in by_serial:
            return by_serial[current_serial]
        if new is not None and not self.rows:
            return new
        return None

    def _clear_drives(self, table: DriveTable, wide: bool) -> None:
        """Empty the table; its columns are made again when the width class changed."""
        if wide != self._wide or not table.columns:
            self._wide = wide
            table.clear(columns=True)
            for label, key, width in DRIVE_COLUMNS:
                if wide or key != "model":
                    table.add_column(_(label), key=key, width=width if wide else NARROW_WIDTHS.get(key, width))
        else:
            table.clear()

    def _show_cursor(self) -> None:
        """Scroll the selected drive into view once the table is laid out."""
        table = self.drives_table
        if table.row_count:
            table.move_cursor(row=table.cursor_row, animate=False)

    def select_first_due(self) -> None:
        """After the start-up scan: the cursor on the first attached drive that is due."""
        first = next((r.device for r in self.rows.values() if r.due), None)
        if first is not None and self._ready:
            table = self.drives_table
            table.move_cursor(row=table.get_row_index(first), animate=False)

    def selected_device(self) -> str | None:
        table = self.query_one("#drives", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return str(key.value) if key.value is not None else None

    @property
    def due_table(self) -> RowTable[RecordRow]:
        return cast("RowTable[RecordRow]", self.query_one("#due", RowTable))

    def selected_due_id(self) -> int | None:
        current = self.due_table.current
        return current.id if current is not None else None

    # --- erasures ---------------------------------------------------------------------------

    def add_job(self, job: EraseJob) -> None:
        box = self.query_one("#erasures", VerticalScroll)
        for placeholder in box.query("#no-erasures"):
            placeholder.remove()
        box.mount(ErasureRow(job))

    def retire_job(self, job: EraseJob) -> None:
        for row in self.query(ErasureRow):
            if row.job.id == job.id:
                row.remove()
        if not any(r.job.id != job.id for r in self.query(ErasureRow)):
            box = self.query_one("#erasures", VerticalScroll)
            box.mount(Static(_("No erasure running. Finished ones: F4 (history)."), id="no-erasures"))

    def update_job(self, job: EraseJob) -> None:
        for row in self.query(ErasureRow):
            if row.job.id == job.id:
                row.refresh_job()

    # --- actions ----------------------------------------------------------------------------

    def _selected_drive(self) -> DriveRow | None:
        device = self.selected_device()
        if device is None:
            self.notify(_("No drive attached."), severity="warning")
            return None
        return self.rows.get(device)

    def _drive_for_record(self, record: RecordRow) -> DriveRow | None:
        """The attached drive of a due record, or None after saying which drive to plug in."""
        device = next((d for d, r in self.rows.items() if r.serial == record.serial), None)
        if device is None:
            self.notify(
                _("Plug in {serial} (record {id}, {customer}) to erase it.").format(
                    serial=record.serial, id=record.id, customer=record.customer_name
                ),
                title=_("Drive not attached"),
                severity="warning",
            )
            return None
        return self.rows[device]

    def action_mark(self) -> None:
        """Space marks (or unmarks) the selected drive; `e` then erases every marked drive side by side."""
        if self.focused is not self.drives_table:
            return
        row = self._selected_drive()
        if row is None:
            return
        if row.serial in self.marked:
            self.marked.discard(row.serial)
        elif row.protected:
            self.notify(
                _("{device} is {status}; it is never erased.").format(device=row.device, status=row.status),
                severity="error",
            )
            return
        else:
            self.marked.add(row.serial)
        self.refresh_drives(list(self.rows.values()))

    def _erase_marked(self) -> None:
        from tui.screens.erase_many import EraseManyScreen, ManyErase, common_methods

        eraser = self.wapp.services.eraser
        if eraser is None:
            self.notify(_("No erasure engine is available."), severity="error")
            return
        rows = [r for r in self.rows.values() if r.serial in self.marked]
        busy = [r for r in rows if self.wapp.running_job_for(r.device) is not None or r.protected]
        for r in busy:
            self.notify(
                _("{device} is left out: it is being erased or protected.").format(device=r.device), severity="warning"
            )
        rows = [r for r in rows if r not in busy]
        if not rows:
            return
        detected = [self.wapp.attached[r.device] for r in rows]
        methods = common_methods([eraser.methods(d, probe=False) for d in detected])
        records = {r.device: r.record_id for r in rows}

        def started(result: ManyErase | None) -> None:
            if result is None:
                return
            for request in result.requests:
                self.marked.discard(request.serial)
                self.wapp.start_erase(request, records.get(request.device))
            for device, why in result.refused:
                self.notify(
                    _("{device} not erased: {why}.").format(device=device, why=why), severity="error", timeout=10
                )
            self.refresh_drives(list(self.rows.values()))

        self.app.push_screen(EraseManyScreen(rows, detected, methods), started)

    def action_erase(self) -> None:
        from tui.screens.erase import EraseScreen

        if self.marked and self.focused is self.drives_table:
            self._erase_marked()
            return
        if self.focused is self.due_table and self.due_table.current is not None:
            row = self._drive_for_record(self.due_table.current)
        elif isinstance(self.focused, ErasureRow) and self.focused.job.device in self.rows:
            row = self.rows[self.focused.job.device]
        else:
            row = self._selected_drive()
        if row is None:
            return
        if row.protected:
            self.notify(
                _("{device} is {status}; it is never erased.").format(device=row.device, status=row.status),
                severity="error",
            )
            return
        if self.wapp.running_job_for(row.device) is not None:
            self.notify(_("An erasure is already running on {device}.").format(device=row.device), severity="warning")
            return
        eraser = self.wapp.services.eraser
        if eraser is None:
            self.notify(_("No erasure engine is available."), severity="error")
            return
        detected = self.wapp.attached[row.device]

        def started(request: EraseRequest | None) -> None:
            if request is not None:
                self.wapp.start_erase(request, row.record_id)

        # Overwrites at once; what the firmware can do is asked in a worker while the serial is typed.
        screen = EraseScreen(
            row, detected, eraser.methods(detected, probe=False), probe=lambda: eraser.methods(detected)
        )
        self.app.push_screen(screen, started)

    def action_cancel_erase(self) -> None:
        focused = self.focused
        job: EraseJob | None = None
        if isinstance(focused, ErasureRow):
            job = focused.job
        else:
            running = [j for j in self.wapp.jobs.values() if j.running]
            device = self.selected_device()
            job = next((j for j in running if j.device == device), None)
            if job is None and len(running) == 1:
                job = running[0]
        if job is None:
            self.notify(_("Select a running erasure first (tab to the Erasures pane)."), severity="warning")
            return
        if self.wapp.cancel_erase(job.id):
            self.notify(_("Stopping the erasure of {serial}; the record stays due.").format(serial=job.serial))

    def _register(self, kind: str, *, by_label: bool = False) -> None:
        from tui.screens.register import RegisterScreen

        detected = None
        if not by_label:
            row = self._selected_drive()
            if row is None:
                return
            if row.protected:
                self.notify(_("{device} is {status}.").format(device=row.device, status=row.status), severity="error")
                return
            detected = self.wapp.attached[row.device]
        self.app.push_screen(RegisterScreen(kind, detected))

    def action_register_backup(self) -> None:
        self._register("backup")

    def action_register_abandoned(self) -> None:
        self._register("abandoned")

    def action_register_label(self) -> None:
        self._register("abandoned", by_label=True)

    def action_destroy(self) -> None:
        from tui.screens.destroy import DestroyScreen

        self.app.push_screen(DestroyScreen())

    def action_hold(self) -> None:
        from tui.screens.hold import HoldScreen

        record_id = self._focused_record()
        if record_id is None:
            self.notify(_("Select a record first."), severity="warning")
            return
        self.app.push_screen(HoldScreen(record_id))

    def _focused_record(self) -> int | None:
        if self.focused is self.drives_table:
            device = self.selected_device()
            row = self.rows.get(device) if device else None
            return row.record_id if row is not None else None
        return self.selected_due_id()

    def action_open_record(self) -> None:
        record_id = self._focused_record()
        if record_id is not None:
            self.wapp.show_record(record_id)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        device = self.selected_device()
        row = self.rows.get(device) if device else None
        if row is not None and row.record_id is None:
            title = _("{serial} on {device}").format(serial=row.serial, device=row.device)
            self.notify(_what_can_be_done(row), title=title, timeout=15)
            return
        self.action_open_record()

    def on_row_table_selected(self, event: RowTable.Selected) -> None:
        event.stop()
        self.action_open_record()
