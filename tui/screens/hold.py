"""Pause a record's due date until a date, for a stated reason."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, cast

from sqlalchemy.orm import Session
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from tui.screens.form import FormScreen
from tui.texts import K_, _
from tui.widgets import Field
from wipestation.common.errors import WipestationError
from wipestation.common.units import parse_date
from wipestation.records import custody

if TYPE_CHECKING:
    from tui.console import Console


class HoldScreen(FormScreen[bool]):
    BINDINGS = [Binding("escape", "cancel", K_("Cancel")), Binding("ctrl+s", "submit", K_("Hold"))]
    CANCEL_VALUE = False

    def __init__(self, record_id: int) -> None:
        super().__init__()
        self.record_id = record_id

    @property
    def wapp(self) -> Console:
        return cast("Console", self.app)

    def compose(self) -> ComposeResult:
        default = self.wapp.services.env.today() + timedelta(days=30)
        with Vertical(classes="dialog", id="hold-dialog"):
            yield Label(_("Hold record {id}").format(id=self.record_id), classes="dialog-title")
            yield Static(_("The record will not be due before the hold ends. The reason is kept in the audit log."))
            yield Field(_("Until (YYYY-MM-DD)"), Input(value=default.isoformat(), id="until"), name="until")
            yield Field(_("Reason (dispute, police request, ...)"), Input(id="reason"), name="reason")
            yield from self.form_footer(_("Hold"))

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    def action_submit(self) -> None:
        if self.busy:
            return
        errors: dict[str, str] = {}
        env = self.wapp.services.env
        until = None
        try:
            until = parse_date(self.query_one("#until", Input).value)
            if until <= env.today():
                errors["until"] = _("the hold must end after today ({today})").format(today=env.today())
        except WipestationError as exc:
            errors["until"] = str(exc)
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            errors["reason"] = _("a hold needs a reason")
        self.show_errors(errors)
        if errors or until is None:
            return
        record_id = self.record_id

        def work(session: Session) -> None:
            custody.hold(session, env, str(record_id), until, reason)

        def done(_result: None) -> None:
            self.notify(_("record {id} on hold until {until}").format(id=record_id, until=until), title=_("Hold"))
            self.wapp.changed()
            self.dismiss(True)

        self.write_in_background(work, done)
