"""Customers: search, add, edit, export (GDPR access / portability), anonymise; and the picker
that registration uses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Header, Input, Label, OptionList
from textual.widgets.option_list import Option

from tui.background import in_background
from tui.queries import CustomerRow, customer_rows
from tui.screens.form import FormScreen
from tui.widgets import Field
from wipestation import customers as svc
from wipestation.tx import in_transaction

if TYPE_CHECKING:
    from tui.app import WipestationApp

NEW = "new"


def _app(screen: Screen[Any]) -> WipestationApp:
    return cast("WipestationApp", screen.app)


class CustomerForm(FormScreen[int | None]):
    """Add a customer (customer_id None) or edit one. Dismisses with the customer's id."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "submit", "Save")]
    FIELDS = (("name", "Name"), ("email", "E-mail"), ("phone", "Phone"), ("address", "Address"))

    def __init__(self, customer_id: int | None = None, *, name: str = "") -> None:
        super().__init__()
        self.customer_id = customer_id
        self.initial: dict[str, str] = {"name": name}

    def compose(self) -> ComposeResult:
        if self.customer_id is not None:
            with _app(self).services.sessions.begin() as s:
                c = svc.get_customer(s, self.customer_id)
                self.initial = {f: getattr(c, f) or "" for f, _ in self.FIELDS}
        with Vertical(classes="dialog", id="customer-form"):
            title = "New customer" if self.customer_id is None else f"Edit customer {self.customer_id}"
            yield Label(title, classes="dialog-title")
            for name, label in self.FIELDS:
                yield Field(label, Input(value=self.initial.get(name, ""), id=name), name=name)
            yield from self.form_footer("Save")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def action_submit(self) -> None:
        values = {name: self.query_one(f"#{name}", Input).value for name, _ in self.FIELDS}
        errors: dict[str, str] = {}
        if not values["name"].strip():
            errors["name"] = "a customer needs a name"
        email = values["email"].strip()
        if email and ("@" not in email or " " in email):
            errors["email"] = f"not an e-mail address: '{email}'"
        self.show_errors(errors)
        if errors:
            return
        services, customer_id = _app(self).services, self.customer_id
        if customer_id is None:
            data = svc.CustomerInput(**{k: (v.strip() or None) for k, v in values.items()})
        else:
            # Only what changed; an emptied field is cleared.
            changed = {k: v for k, v in values.items() if v != self.initial.get(k, "")}
            if not changed:
                self.dismiss(customer_id)
                return
            data = svc.CustomerInput(**changed)

        def work(s: Session) -> int:
            if customer_id is None:
                return svc.add_customer(s, services.env, data).id
            return svc.edit_customer(s, services.env, customer_id, data).id

        def done(saved: int) -> None:
            _app(self).changed()
            self.dismiss(saved)

        if not self.busy:
            self.write_in_background(work, done)


class CustomerPicker(ModalScreen[int | None]):
    """Search as you type; Enter picks; the first entry adds a new customer."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+n", "new", "New customer")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="customer-picker"):
            yield Label("Pick a customer", classes="dialog-title")
            yield Input(placeholder="search name, e-mail, phone, address", id="search")
            yield OptionList(id="choices")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#search", Input).focus()

    def _fill(self, text: str) -> None:
        services = _app(self).services
        with services.sessions.begin() as s:
            rows = [r for r in customer_rows(s, text.strip() or None) if not r.anonymised]
        options = [Option(f"+ new customer{': ' + text.strip() if text.strip() else ''}", id=NEW)]
        options += [Option(f"{r.id:>5}  {r.name}  {r.email or ''} {r.phone or ''}", id=str(r.id)) for r in rows]
        choices = self.query_one("#choices", OptionList)
        choices.clear_options()
        choices.add_options(options)
        choices.highlighted = 1 if rows else 0

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        choices = self.query_one("#choices", OptionList)
        if choices.highlighted is not None:
            self._choose(choices.get_option_at_index(choices.highlighted).id)

    def on_key(self, event: events.Key) -> None:
        # Up / down move through the results while typing in the search box.
        if event.key in ("down", "up") and self.focused is self.query_one("#search", Input):
            choices = self.query_one("#choices", OptionList)
            (choices.action_cursor_down if event.key == "down" else choices.action_cursor_up)()
            event.stop()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option.id)

    def _choose(self, option_id: str | None) -> None:
        if option_id == NEW:
            self.action_new()
        elif option_id is not None:
            self.dismiss(int(option_id))

    def action_new(self) -> None:
        def added(customer_id: int | None) -> None:
            if customer_id is not None:
                self.dismiss(customer_id)

        self.app.push_screen(CustomerForm(name=self.query_one("#search", Input).value.strip()), added)

    def action_cancel(self) -> None:
        self.dismiss(None)


def anonymise_text(row: CustomerRow) -> str:
    return (
        f"Customer {row.id} ({row.name}) will be anonymised: the name becomes "
        f"'{svc.ANONYMISED_NAME.format(id=row.id)}', e-mail, phone and address are erased, also from the "
        "free space of the database file.\n"
        f"Their {row.open_records} open record(s), every record number and certificate number are kept "
        "(tax law: 7 years). This cannot be undone."
    )


class CustomersScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("ctrl+f", "focus_search", "Search"),
        Binding("ctrl+n", "add", "Add"),
        Binding("ctrl+e", "edit", "Edit"),
        Binding("ctrl+x", "export", "Export"),
        Binding("ctrl+a", "anonymise", "Anonymise"),
        Binding("ctrl+r", "records", "Records"),
    ]

    def compose(self) -> ComposeResult:
        table: DataTable[Any] = DataTable(id="customers", cursor_type="row", zebra_stripes=True)
        for key, label, width in (
            ("id", "Id", 6),
            ("name", "Name", 30),
            ("email", "E-mail", 28),
            ("phone", "Phone", 14),
            ("open", "Open", 5),
            ("address", "Address", None),
        ):
            table.add_column(label, key=key, width=width)
        yield Header()
        with Vertical(classes="full"):
            yield Input(placeholder="search name, e-mail, phone, address", id="search")
            yield table
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#customers", DataTable).focus()

    def reload(self) -> None:
        text = self.query_one("#search", Input).value
        services = _app(self).services
        with services.sessions.begin() as s:
            self.rows = {r.id: r for r in customer_rows(s, text.strip() or None)}
        table = self.query_one("#customers", DataTable)
        keep = self.selected()
        table.clear()
        for r in self.rows.values():
            name = f"{r.name} (anonymised)" if r.anonymised else r.name
            table.add_row(
                str(r.id), name, r.email or "", r.phone or "", str(r.open_records), r.address or "", key=str(r.id)
            )
        if keep is not None and keep in self.rows:
            table.move_cursor(row=table.get_row_index(str(keep)))

    def on_input_changed(self, event: Input.Changed) -> None:
        self.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#customers", DataTable).focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a customer: their records."""
        event.stop()
        self.action_records()

    def action_records(self) -> None:
        from tui.screens.customer_records import CustomerRecordsScreen

        cid = self.selected()
        if cid is not None:
            self.app.push_screen(CustomerRecordsScreen(cid))

    def selected(self) -> int | None:
        table = self.query_one("#customers", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key) if key is not None else None

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_add(self) -> None:
        self.app.push_screen(CustomerForm(), lambda _id: self.reload())

    def action_edit(self) -> None:
        cid = self.selected()
        if cid is None:
            return
        if self.rows[cid].anonymised:
            self.notify(f"customer {cid} is anonymised; their details cannot be edited", severity="error")
            return
        self.app.push_screen(CustomerForm(cid), lambda _id: self.reload())

    def action_export(self) -> None:
        cid = self.selected()
        if cid is None:
            return
        services = _app(self).services
        path = services.export_dir / f"customer-{cid}-export.json"

        def export() -> Path:
            """The export and its file, in a worker (the export's read is logged in the audit chain)."""
            doc = in_transaction(services.sessions, lambda s: svc.export_customer(s, cid, services.env.today()))
            try:
                path.parent.mkdir(parents=True, exist_ok=True)  # the documents folder, made on first use
                path.write_text(json.dumps(doc, indent=2, default=str, ensure_ascii=False), encoding="utf-8")
            except OSError as exc:
                raise OSError(f"could not write {path}: {exc.strerror or exc}") from exc
            return path

        in_background(self, export, lambda written: self.notify(str(written), title=f"Customer {cid} exported"))

    def action_anonymise(self) -> None:
        from tui.screens.confirm import ConfirmScreen

        cid = self.selected()
        if cid is None:
            return
        row = self.rows[cid]
        if row.anonymised:
            self.notify(f"customer {cid} is already anonymised", severity="warning")
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self._anonymise(cid)

        self.app.push_screen(ConfirmScreen(f"Anonymise customer {cid}?", anonymise_text(row), yes="Anonymise"), answer)

    def _anonymise(self, cid: int) -> None:
        from wipestation.db import scrub_sqlite

        services = _app(self).services

        def replace_values(s: Session) -> Engine:
            svc.anonymise_customer(s, services.env, cid)
            return cast("Engine", s.get_bind())  # the console's sessions are bound to its engine

        def anonymise() -> bool:
            """Anonymise in one (retried) transaction, then scrub the old text from the file: a worker."""
            engine = in_transaction(services.sessions, replace_values)
            return scrub_sqlite(engine, data_dir=services.env.config.data_dir)

        def done(scrubbed: bool) -> None:
            if not scrubbed:
                self.notify("values replaced; old text still on disk: scrub pending", severity="warning")
            self.notify(f"customer {cid} anonymised", title="Anonymised")
            _app(self).changed()
            self.reload()

        in_background(self, anonymise, done)
