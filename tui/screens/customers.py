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
from textual.widgets import DataTable, Header, Input, Label, OptionList
from textual.widgets.option_list import Option

from tui.background import in_background
from tui.queries import CustomerRow, customer_rows
from tui.screens.form import FormScreen
from tui.texts import K_, N_, _, localise_bindings, ngettext
from tui.widgets import Field, FittingFooter
from wipestation.records import customers as svc
from wipestation.store.tx import in_transaction
from wipestation.views.export import export_customer

if TYPE_CHECKING:
    from tui.console import Console

NEW = "new"


def _app(screen: Screen[Any]) -> Console:
    return cast("Console", screen.app)


class CustomerForm(FormScreen[int | None]):
    """Add a customer (customer_id None) or edit one. Dismisses with the customer's id."""

    BINDINGS = [Binding("escape", "cancel", K_("Cancel")), Binding("ctrl+s", "submit", K_("Save"))]
    FIELDS = (("name", N_("Name")), ("email", N_("E-mail")), ("phone", N_("Phone")), ("address", N_("Address")))

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
            if self.customer_id is None:
                title = _("New customer")
            else:
                title = _("Edit customer {id}").format(id=self.customer_id)
            yield Label(title, classes="dialog-title")
            for name, label in self.FIELDS:
                yield Field(_(label), Input(value=self.initial.get(name, ""), id=name), name=name)
            yield from self.form_footer(_("Save"))

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def action_submit(self) -> None:
        values = {name: self.query_one(f"#{name}", Input).value for name, _ in self.FIELDS}
        errors: dict[str, str] = {}
        if not values["name"].strip():
            errors["name"] = _("a customer needs a name")
        email = values["email"].strip()
        if email and ("@" not in email or " " in email):
            errors["email"] = _("not an e-mail address: '{email}'").format(email=email)
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

    BINDINGS = [Binding("escape", "cancel", K_("Cancel")), Binding("ctrl+n", "new", K_("New customer"))]

    def __init__(self) -> None:
        super().__init__()
        localise_bindings(self)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="customer-picker"):
            yield Label(_("Pick a customer"), classes="dialog-title")
            yield Input(placeholder=_("search name, e-mail, phone, address"), id="search")
            yield OptionList(id="choices")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#search", Input).focus()

    def _fill(self, text: str) -> None:
        services = _app(self).services
        with services.sessions.begin() as s:
            rows = [r for r in customer_rows(s, text.strip() or None) if not r.anonymised]
        new = _("+ new customer") + (": " + text.strip() if text.strip() else "")
        options = [Option(new, id=NEW)]
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
    first = _(
        "Customer {id} ({name}) will be anonymised: the name becomes '{anonymous}', e-mail, phone and "
        "address are erased, also from the free space of the database file."
    ).format(id=row.id, name=row.name, anonymous=svc.ANONYMISED_NAME.format(id=row.id))
    second = ngettext(
        "Their {n} open record, every record number and certificate number are kept (tax law: 7 years). "
        "This cannot be undone.",
        "Their {n} open records, every record number and certificate number are kept (tax law: 7 years). "
        "This cannot be undone.",
        row.open_records,
    ).format(n=row.open_records)
    return f"{first}\n{second}"


class CustomersScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", K_("Back")),
        Binding("ctrl+f", "focus_search", K_("Search")),
        Binding("ctrl+n", "add", K_("Add")),
        Binding("ctrl+e", "edit", K_("Edit")),
        Binding("ctrl+x", "export", K_("Export")),
        Binding("ctrl+a", "anonymise", K_("Anonymise")),
        Binding("ctrl+r", "records", K_("Records")),
    ]

    def __init__(self) -> None:
        super().__init__()
        localise_bindings(self)

    def compose(self) -> ComposeResult:
        table: DataTable[Any] = DataTable(id="customers", cursor_type="row", zebra_stripes=True)
        for key, label, width in (
            ("id", N_("Id"), 6),
            ("name", N_("Name"), 30),
            ("email", N_("E-mail"), 28),
            ("phone", N_("Phone"), 14),
            ("open", N_("Open"), 5),
            ("address", N_("Address"), None),
        ):
            table.add_column(_(label), key=key, width=width)
        yield Header()
        with Vertical(classes="full"):
            yield Input(placeholder=_("search name, e-mail, phone, address"), id="search")
            yield table
        yield FittingFooter()

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
            name = svc.shown_name(r.name, r.id, r.anonymised)
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
            self.notify(
                _("customer {id} is anonymised; their details cannot be edited").format(id=cid), severity="error"
            )
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
            doc = in_transaction(services.sessions, lambda s: export_customer(s, cid, services.env.today()))
            try:
                path.parent.mkdir(parents=True, exist_ok=True)  # the documents folder, made on first use
                path.write_text(json.dumps(doc, indent=2, default=str, ensure_ascii=False), encoding="utf-8")
            except OSError as exc:
                raise OSError(
                    _("could not write {path}: {error}").format(path=path, error=exc.strerror or exc)
                ) from exc
            return path

        title = _("Customer {id} exported").format(id=cid)
        in_background(self, export, lambda written: self.notify(str(written), title=title))

    def action_anonymise(self) -> None:
        from tui.screens.confirm import ConfirmScreen

        cid = self.selected()
        if cid is None:
            return
        row = self.rows[cid]
        if row.anonymised:
            self.notify(_("customer {id} is already anonymised").format(id=cid), severity="warning")
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self._anonymise(cid)

        title = _("Anonymise customer {id}?").format(id=cid)
        self.app.push_screen(ConfirmScreen(title, anonymise_text(row), yes=_("Anonymise")), answer)

    def _anonymise(self, cid: int) -> None:
        from wipestation.store.db import scrub_sqlite

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
                self.notify(_("values replaced; old text still on disk: scrub pending"), severity="warning")
            self.notify(_("customer {id} anonymised").format(id=cid), title=_("Anonymised"))
            _app(self).changed()
            self.reload()

        in_background(self, anonymise, done)
