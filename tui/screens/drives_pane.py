"""The dashboard's attached drives: their table, and the screen's part that keeps the cursor on the drive
(by serial) the technician chose across refreshes, attaches and detaches, and marks drives for erasing
side by side. `DashboardScreen` adds the due list, the erasures and the actions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widgets import DataTable, Label

from tui.queries import DriveRow, RecordRow
from tui.texts import N_, _

if TYPE_CHECKING:
    from tui.console import Console


def what_can_be_done(row: DriveRow) -> str:
    """What Enter on a drive without a record says: what it is, and what can be done with it."""
    if row.protected:
        return _("{status}. It is never erased or registered.").format(status=row.status)
    lines = [f"{row.status}."]
    if row.tone == "unknown" or row.status == _("customer disk, no open record"):
        lines += [_("r: register as a customer's backup"), _("a: register as an abandoned disk")]
    else:
        lines += [_("r: register it as a customer's backup")]
    lines.append(_("e: erase it"))
    return "\n".join(lines)


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


class DrivesPaneScreen(Screen[None]):
    """The attached drives' pane of the dashboard (its table has the id `drives`)."""

    def __init__(self) -> None:
        super().__init__()
        self._shown: set[str] = set()
        self.rows: dict[str, DriveRow] = {}
        self._ready = False
        self._wide: bool | None = None
        self.marked: set[str] = set()  # serials of the drives marked (space) for erasing side by side

    @property
    def wapp(self) -> Console:
        return cast("Console", self.app)

    def on_resize(self) -> None:
        if self._ready:
            self._wide = None  # the status column takes the new width
            self.refresh_drives(list(self.rows.values()))

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
            status = Text(r.status if wide else r.short_status, style=TONE_STYLE.get(r.tone, ""))
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
                    if width is None:  # the status: the rest of the pane (Enter on the drive says it whole)
                        width = max(20, self.size.width - 4 - sum(w + 2 for w in self._fixed_widths(wide)) - 3)
                    table.add_column(_(label), key=key, width=width if wide else NARROW_WIDTHS.get(key, width))
        else:
            table.clear()

    @staticmethod
    def _fixed_widths(wide: bool) -> list[int]:
        return [
            w if wide else NARROW_WIDTHS.get(key, w)
            for _label, key, w in DRIVE_COLUMNS
            if w is not None and (wide or key != "model")
        ]

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
