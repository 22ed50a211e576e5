"""The morning view: attached drives (live), due and overdue records, running erasures."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Header, Label, Static

from tui.queries import DriveRow, RecordRow, drive_row, due_page
from tui.rowtable import RowTable, reuse_rows
from tui.screens.drives_pane import DrivesPaneScreen, DriveTable, what_can_be_done
from tui.services import EraseRequest
from tui.texts import K_, N_, _, kind_word, localise_bindings
from tui.widgets import EraseJob, ErasureRow, FittingFooter
from wipestation.common.i18n import KIND_WORDS
from wipestation.records.retention import days_text

if TYPE_CHECKING:
    pass

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


# Below this width the due date and the customer's number are left out (the days say when; Enter
# opens the record with both), so the customer's name and the location stay readable at 80 columns.
DUE_WIDE = 110
NARROW_DUE_COLUMNS = [(N_("Record"), 4), (N_("Kind"), 8), (N_("Serial"), 13), (N_("Customer"), 20), ("", 16)]


def due_columns(narrow: bool = False) -> list[tuple[str, int]]:
    """The due list's columns, the kind and the days as wide as the language's longest words."""
    kind = max([8 if narrow else 9] + [len(kind_word(k)) for k in KIND_WORDS])
    days = max(15, len(days_text(-99)))
    widths = {N_("Kind"): kind, "": days}
    columns = [*NARROW_DUE_COLUMNS, (N_("Location"), 0)] if narrow else DUE_COLUMNS
    return [(label, widths.get(label, width)) for label, width in columns]


def format_due(row: RecordRow) -> list[tuple[str, str]]:
    return [
        (str(row.id), ""),
        (kind_word(row.kind), ""),
        (row.serial, ""),
        (row.customer_name if row.customer_id is None else f"{row.customer_name} ({row.customer_id})", ""),
        (row.due_on.isoformat(), ""),
        _days_cell(row),
        (row.location or "", ""),
    ]


def format_due_narrow(row: RecordRow) -> list[tuple[str, str]]:
    return [
        (str(row.id), ""),
        (kind_word(row.kind), ""),
        (row.serial, ""),
        (row.customer_name, ""),
        _days_cell(row),
        (row.location or "", ""),
    ]


def _days_cell(row: RecordRow) -> tuple[str, str]:
    return (
        days_text(row.days_left) + (" " + _("(held)") if row.on_hold else ""),
        OVERDUE_STYLE if row.days_left < 0 else "",
    )


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


class DashboardScreen(DrivesPaneScreen):
    """The morning view: the attached drives (`DrivesPaneScreen`), the due list, the erasures."""

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
        self.due: list[RecordRow] = []  # the most urgent DUE_SHOWN
        self.due_total = 0  # due records in all

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
        yield FittingFooter()

    def on_resize(self) -> None:
        super().on_resize()
        table = self.due_table
        narrow = self.size.width < DUE_WIDE
        table.columns = due_columns(narrow)
        table.format_row = format_due_narrow if narrow else format_due
        table.refresh()

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
        if row.not_due:  # refused here, before the serial is typed (the core would refuse it after)
            self.notify(
                _(
                    "Record {id} is not due: {status}. If the customer asked for deletion: Enter opens the "
                    "record, d records the request; then e erases the drive."
                ).format(id=row.record_id, status=row.status),
                title=_("{serial} is not due").format(serial=row.serial),
                severity="warning",
                timeout=20,
            )
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
            self.notify(what_can_be_done(row), title=title, timeout=15)
            return
        self.action_open_record()

    def on_row_table_selected(self, event: RowTable.Selected) -> None:
        event.stop()
        self.action_open_record()
