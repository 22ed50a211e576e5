"""A yes/no question that says exactly what will happen."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from tui.texts import K_, _, localise_bindings


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [Binding("escape", "no", K_("Cancel")), Binding("y", "yes", K_("Yes")), Binding("n", "no", K_("No"))]

    def __init__(self, title: str, text: str, *, yes: str | None = None) -> None:
        super().__init__()
        localise_bindings(self)
        self.title_text = title
        self.text = text
        self.yes = yes or _("Yes")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="confirm-dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static(self.text, classes="warning-text", id="confirm-text")
            with Horizontal(classes="buttons"):
                yield Button(_("{action} (y)").format(action=self.yes), variant="error", id="yes")
                yield Button(_("Cancel (n)"), id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)


class ReasonScreen(ModalScreen[str | None]):
    """A confirmation that also asks why (kept with the record, not in the audit log).

    Enter confirms with what was typed (it may be empty); Escape cancels (None)."""

    BINDINGS = [Binding("escape", "cancel", K_("Cancel"))]

    def __init__(self, title: str, text: str, *, yes: str, reason_label: str) -> None:
        super().__init__()
        localise_bindings(self)
        self.title_text = title
        self.text = text
        self.yes = yes
        self.reason_label = reason_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="reason-dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Static(self.text, classes="warning-text", id="reason-text")
            yield Label(self.reason_label)
            yield Input(placeholder=_("reason (optional)"), id="reason")
            with Horizontal(classes="buttons"):
                yield Button(_("{action} (enter)").format(action=self.yes), variant="error", id="yes")
                yield Button(_("Cancel (esc)"), id="no")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(self.query_one("#reason", Input).value.strip() if event.button.id == "yes" else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
