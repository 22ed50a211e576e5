"""What every form dialog shares: Enter or the first button submits, Escape or Cancel dismisses with
the screen's cancel value, and errors are shown beside their field (or under the form)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy.orm import Session
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from tui.texts import _, localise_bindings
from tui.widgets import Field
from wipestation.common.errors import WipestationError

ResultT = TypeVar("ResultT")
T = TypeVar("T")


class FormScreen(ModalScreen[ResultT], Generic[ResultT]):
    CANCEL_VALUE: ClassVar[Any] = None
    # A service error's `field` (the service's name for the input) -> this form's field, where they differ
    FIELD_NAMES: ClassVar[dict[str, str]] = {}

    def __init__(self) -> None:
        super().__init__()
        localise_bindings(self)

    def form_footer(self, go: str, *, variant: str = "primary") -> ComposeResult:
        yield Static("", classes="form-error", id="form-error")
        with Horizontal(classes="buttons"):
            yield Button(go, variant=variant, id="go")  # type: ignore[arg-type]
            yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        """(Also runs after a subclass's on_mount: Textual calls the handlers of each class.)"""
        self.call_after_refresh(self._show_top)

    def _show_top(self) -> None:
        """A dialog opens with its title in view; the focused field only scrolls it when needed."""
        for dialog in self.query(".dialog"):
            dialog.scroll_home(animate=False, immediate=True)
        focused = self.focused
        if focused is not None and focused.region.bottom > self.region.bottom:
            focused.scroll_visible(animate=False, immediate=True)

    def action_submit(self) -> None:
        raise NotImplementedError

    @property
    def busy(self) -> bool:
        """A submitted form's work is running in a worker (a second Enter does nothing)."""
        return self._busy_note is not None

    _busy_note: str | None = None

    def write_in_background(
        self, work: Callable[[Session], T], done: Callable[[T], object], note: str | None = None
    ) -> None:
        """Run the service call in a worker (one retried transaction); `done(result)` back on the UI
        thread, or the refusal shown beside its field."""
        from tui.background import store_write

        self._set_busy(note or _("Saving…"))

        def finished(result: T) -> None:
            self._set_busy(None)
            done(result)

        def failed(message: str) -> None:
            self._set_busy(None)
            self.show_service_error(message)

        def refused(error: WipestationError) -> None:
            self._set_busy(None)
            self.show_service_error(error)

        store_write(self, work, finished, failed, group="form", refused=refused)

    def _set_busy(self, note: str | None) -> None:
        self._busy_note = note
        for button in self.query(Button):
            button.disabled = note is not None
        for line in self.query("#form-error"):
            if isinstance(line, Static):
                line.update(note or "")

    def action_cancel(self) -> None:
        self.dismiss(self.CANCEL_VALUE)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "go":
            self.action_submit()
        else:
            self.action_cancel()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def show_errors(self, errors: dict[str, str]) -> None:
        """Each field's own error (or none); the form-wide line is cleared."""
        for field in self.query(Field):
            field.set_error(errors.get(field.field_name))
        self.query_one("#form-error", Static).update("")

    def show_service_error(self, error: WipestationError | str) -> None:
        """A refusal from the core: beside the field it is about (`error.field`), else under the form.
        A plain message (I/O, database) is about no field."""
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        field = error.field if isinstance(error, WipestationError) else None
        name = self.FIELD_NAMES.get(field, field) if field else None
        if name and self.query(f"#field-{name}"):
            self.query_one(f"#field-{name}", Field).set_error(message)
            return
        self.query_one("#form-error", Static).update(message)
