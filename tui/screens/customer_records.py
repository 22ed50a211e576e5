"""One customer and every record of theirs (from the customers screen); Enter opens a record."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, Static

from tui.background import in_background
from tui.rowtable import RowTable
from tui.screens.records import COLUMNS, fit_columns, format_record
from tui.texts import K_, _, localise_bindings, ngettext
from tui.widgets import FittingFooter
from wipestation import views
from wipestation.records.customers import shown_name
from wipestation.views import CustomerDetail, RecordView

if TYPE_CHECKING:
    from tui.console import Console


class CustomerRecordsScreen(Screen[None]):
    BINDINGS = [Binding("escape", "app.pop_screen", K_("Back"))]

    def __init__(self, customer_id: int) -> None:
        super().__init__()
        localise_bindings(self)
        self.customer_id = customer_id
        self.detail: CustomerDetail | None = None

    @property
    def wapp(self) -> Console:
        return cast("Console", self.app)

    @property
    def table(self) -> RowTable[RecordView]:
        return cast("RowTable[RecordView]", self.query_one("#customer-records", RowTable))

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="full"):
            yield Static(id="customer")
            yield RowTable(COLUMNS, format_record, id="customer-records")
        yield FittingFooter()

    def on_resize(self) -> None:
        fit_columns(self.table, self.size.width)

    def on_mount(self) -> None:
        self.sub_title = _("customer {id}").format(id=self.customer_id)
        self.table.focus()
        self.reload()

    def reload(self) -> None:
        in_background(self, self.load, self.apply, group="customer-records", exclusive=True)

    def load(self) -> CustomerDetail:
        """The customer and their records (thread-safe: runs in a worker)."""
        services = self.wapp.services
        with services.sessions.begin() as s:
            return views.customer_detail(s, services.env.today(), self.customer_id)

    def apply(self, detail: CustomerDetail) -> None:
        self.detail = detail
        c = detail.customer
        contact = ", ".join(x for x in (c.email, c.phone, c.address) if x)
        name = shown_name(c.name, c.id, c.anonymised)
        opened = ngettext("{open} open of {n} record", "{open} open of {n} records", len(detail.records)).format(
            open=c.open_records, n=len(detail.records)
        )
        self.query_one("#customer", Static).update(f"{c.id}  {escape(name)}  {escape(contact)}\n{opened}")
        keep = self.table.current
        record_id = keep.id if keep is not None else None
        self.table.set_rows(list(detail.records), keep=lambda r: r.id == record_id)

    def on_row_table_selected(self, event: RowTable.Selected) -> None:
        event.stop()
        current = self.table.current
        if current is not None:
            self.wapp.show_record(current.id)
