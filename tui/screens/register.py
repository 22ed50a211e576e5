"""Register a drive: an attached one (identity read from the device) as backup or abandoned disk,
or an abandoned disk by hand from its label."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from rich.markup import escape
from sqlalchemy.orm import Session
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static

from tui.screens.form import FormScreen
from tui.texts import K_, N_, _, kind_word
from tui.widgets import Field
from wipestation.common.devices import DetectedDrive
from wipestation.common.errors import WipestationError
from wipestation.common.identity import DriveIdentity
from wipestation.common.units import format_capacity, parse_capacity, parse_date
from wipestation.records import custody, registration
from wipestation.records.customers import shown_name

if TYPE_CHECKING:
    from tui.console import Console


MEDIA_CHOICES = [
    (N_("not known"), "unknown"),
    (N_("hard disk (hdd)"), "hdd"),
    (N_("SSD"), "ssd"),
    (N_("flash / USB stick"), "flash"),
]


class RegisterScreen(FormScreen[int | None]):
    """Dismisses with the new record's id."""

    # the Registration's names for the fields this form names otherwise
    FIELD_NAMES = {
        "customer_id": "customer",
        "job_ref": "job",
        "started_on": "started",
        "host_computer": "computer",
        "seal_number": "seal",
    }

    BINDINGS = [
        Binding("escape", "cancel", K_("Cancel")),
        Binding("ctrl+s", "submit", K_("Register")),
        Binding("f3", "pick_customer", K_("Pick customer")),  # F3: Customers, as everywhere,
    ]

    def __init__(self, kind: str, detected: DetectedDrive | None) -> None:
        super().__init__()
        self.kind = kind
        self.detected = detected
        self.customer_id: int | None = None

    @property
    def wapp(self) -> Console:
        return cast("Console", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="register-dialog"):
            if self.detected is not None:
                ident = self.detected.identity
                yield Label(_("Register {device}").format(device=ident.device), classes="dialog-title")
                yield Static(f"{ident.serial}  {ident.model or ''}  {format_capacity(ident.capacity_bytes)}")
                yield Field(
                    _("Kind"),
                    Select(
                        [(_("backup (kept 30 days)"), "backup"), (_("abandoned disk (kept 3 months)"), "abandoned")],
                        value=self.kind,
                        allow_blank=False,
                        id="kind",
                    ),
                    name="kind",
                )
            else:
                yield from self._label_fields()
                return
            yield Field(
                _("Customer (F3 to pick, or type an id)"),
                Input(placeholder=_("customer id"), id="customer"),
                name="customer",
            )
            yield Static("", id="customer-name")
            yield Field(_("Repair job reference"), Input(id="job"), name="job")
            yield Field(
                _("Date the backup was made / the disk was abandoned (YYYY-MM-DD)"),
                Input(value=self.wapp.services.env.today().isoformat(), id="started"),
                name="started",
            )
            yield Field(_("Location"), Input(id="location"), name="location")
            yield from self.form_footer(_("Register"))

    def _label_fields(self) -> ComposeResult:
        """Registration from the label: two fields a line, so the form fits 80x24 with its title."""
        yield Label(_("Register an abandoned disk from its label"), classes="dialog-title")
        with Horizontal(classes="pair"):
            yield Field(_("Serial"), Input(id="serial"), name="serial")
            yield Field(_("Model"), Input(id="model"), name="model")
        media = [(_(label), value) for label, value in MEDIA_CHOICES]
        # in the order a label is read and typed; media and the date (today) keep their defaults and
        # come after, so tab goes serial, model, capacity, customer, job, location
        with Horizontal(classes="pair"):
            yield Field(_("Capacity (500GB, 2TB, 1TiB)"), Input(id="capacity"), name="capacity")
            yield Field(
                _("Customer (F3 to pick, or an id)"),
                Input(placeholder=_("customer id"), id="customer"),
                name="customer",
            )
        yield Static("", id="customer-name")
        with Horizontal(classes="pair"):
            yield Field(_("Repair job reference"), Input(id="job"), name="job")
            yield Field(_("Location"), Input(id="location"), name="location")
        with Horizontal(classes="pair"):
            yield Field(_("Media"), Select(media, value="unknown", allow_blank=False, id="media"), name="media")
            yield Field(
                _("Abandoned on (YYYY-MM-DD)"),
                Input(value=self.wapp.services.env.today().isoformat(), id="started"),
                name="started",
            )
        with Horizontal(classes="pair"):
            yield Field(_("Computer it came from"), Input(id="computer"), name="computer")
            yield Field(_("Seal number"), Input(id="seal"), name="seal")
        yield from self.form_footer(_("Register"))

    def on_mount(self) -> None:
        first = "#serial" if self.detected is None else "#customer"
        self.query_one(first, Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "customer" and not event.value.strip():
            self.action_pick_customer()
        else:
            self.action_submit()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "customer":
            self._show_customer(event.value)

    def _show_customer(self, text: str) -> None:
        from wipestation.records.customers import get_customer

        label = self.query_one("#customer-name", Static)
        self.customer_id = None
        if not text.strip().isdigit():
            label.update("")
            return
        try:
            with self.wapp.services.sessions.begin() as s:
                c = get_customer(s, int(text))
                label.update("  " + escape(shown_name(c.name, c.id, c.anonymised_at is not None)))
                self.customer_id = c.id
        except WipestationError as exc:
            label.update(f"  {exc}")

    def action_pick_customer(self) -> None:
        from tui.screens.customers import CustomerPicker

        def picked(customer_id: int | None) -> None:
            if customer_id is not None:
                self.query_one("#customer", Input).value = str(customer_id)
                self._show_customer(str(customer_id))
                self.query_one("#job", Input).focus()

        self.app.push_screen(CustomerPicker(), picked)

    def _value(self, name: str) -> str:
        return self.query_one(f"#{name}", Input).value.strip()

    def _label_identity(self, errors: dict[str, str]) -> DriveIdentity | None:
        """The drive as typed from its label; what is missing or wrong goes into `errors`."""
        serial = self._value("serial")
        model = self._value("model")
        if not serial:
            errors["serial"] = _("type the serial from the label")
        if not model:
            errors["model"] = _("type the model from the label")
        capacity = None
        try:
            capacity = parse_capacity(self._value("capacity"))
        except WipestationError as exc:
            errors["capacity"] = str(exc)
        if serial and model and capacity:
            media = str(self.query_one("#media", Select).value)
            return DriveIdentity(serial=serial, model=model, capacity_bytes=capacity, media=media)
        return None

    def action_submit(self) -> None:
        if self.busy:
            return
        errors: dict[str, str] = {}
        kind = self.kind
        if self.detected is not None:
            kind = str(self.query_one("#kind", Select).value)
        customer_text = self._value("customer")
        if not customer_text:
            errors["customer"] = _("pick a customer (F3), or add a new one there")
        elif not customer_text.isdigit():
            errors["customer"] = _("a customer id is a number (F3 to search)")
        job = self._value("job") or None
        if kind == "backup" and not job:
            errors["job"] = _("a backup needs the repair job reference")
        started = None
        try:
            started = parse_date(self._value("started"))
        except WipestationError as exc:
            errors["started"] = str(exc)
        identity = self.detected.identity if self.detected is not None else self._label_identity(errors)
        self.show_errors(errors)
        if errors or identity is None or started is None:
            return
        by_label = self.detected is None
        reg = custody.Registration(
            int(customer_text),
            job,
            started,
            self._value("location") or None,
            host_computer=(self._value("computer") or None) if by_label else None,
            seal_number=(self._value("seal") or None) if by_label else None,
        )
        service = registration.register_backup if kind == "backup" else registration.register_abandoned
        env = self.wapp.services.env
        serial = identity.serial

        def work(session: Session) -> tuple[int, Any]:
            record = service(session, env, identity, reg)
            return record.id, custody.effective_due(record)

        def done(result: tuple[int, Any]) -> None:
            record_id, due = result
            text = _("{kind} record {id} for {serial}: due {due}")
            self.notify(text.format(kind=kind_word(kind), id=record_id, serial=serial, due=due), title=_("Registered"))
            self.wapp.changed()
            self.dismiss(record_id)

        self.write_in_background(work, done)
