"""Erase several attached drives side by side (nwipe's select-and-start): one method for all, and each
drive confirmed by its own serial in its own field; a wrong serial refuses that drive only."""

from __future__ import annotations

from dataclasses import dataclass, replace

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, OptionList, Select, Static

from tui.queries import DriveRow
from tui.screens.erase import MIN_SUFFIX, VERIFY_CHOICES, _options, read_resume_points, resume_text, serial_confirmed
from tui.screens.form import FormScreen
from tui.services import EraseRequest
from tui.texts import K_, _, ngettext
from tui.widgets import Field
from wipestation.common.devices import DetectedDrive
from wipestation.erasure.run import MethodOffer
from wipestation.erasure.service import ResumePoint


@dataclass(frozen=True)
class ManyErase:
    """What the dialog decided: the drives to start, and the ones refused (device, why)."""

    requests: list[EraseRequest]
    refused: list[tuple[str, str]]


def common_methods(per_drive: list[list[MethodOffer]]) -> list[MethodOffer]:
    """The methods every drive supports (as the first drive describes them); the others listed as not
    supported by all."""
    first = per_drive[0]
    supported_by_all = {m.name for m in first if m.supported}
    for methods in per_drive[1:]:
        supported_by_all &= {m.name for m in methods if m.supported}
    return [
        m
        if m.name in supported_by_all
        else replace(m, supported=False, reason=_("not on every drive"), recommended=False)
        for m in first
    ]


class EraseManyScreen(FormScreen[ManyErase | None]):
    BINDINGS = [
        Binding("escape", "cancel", K_("Cancel")),
        Binding("ctrl+s", "submit", K_("Erase")),
    ]

    def __init__(self, rows: list[DriveRow], detected: list[DetectedDrive], methods: list[MethodOffer]) -> None:
        super().__init__()
        self.rows = rows
        self.detected = detected
        self.methods = methods
        self._points: dict[str, ResumePoint | None] | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="erase-many-dialog"):
            title = ngettext("Erase {n} drive side by side", "Erase {n} drives side by side", len(self.rows))
            yield Label(title.format(n=len(self.rows)), classes="dialog-title")
            yield Field(
                _("Method for every drive (NIST SP 800-88 category)"),
                OptionList(*_options(self.methods), id="method"),
                name="method",
            )
            yield Field(
                _("Verification"),
                Select(
                    [(_(label), value) for label, value in VERIFY_CHOICES], value="full", allow_blank=False, id="verify"
                ),
                name="verify",
            )
            for i, r in enumerate(self.rows):
                yield Static(f"{r.device}  {r.serial}  {r.model}  {r.capacity}", classes="many-drive")
                yield Static("", id=f"resume-{i}", classes="many-resume")
                yield Field(
                    _("Serial of {device} (or its last {n} characters)").format(device=r.device, n=MIN_SUFFIX),
                    Input(placeholder=r.serial[:3] + "…", id=f"confirm-{i}"),
                    name=f"confirm-{i}",
                )
            yield Static("", classes="form-error", id="form-error")
            with Horizontal(classes="buttons"):
                yield Button(_("Erase"), variant="error", id="go")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        option_list = self.query_one("#method", OptionList)
        option_list.highlighted = next((i for i, m in enumerate(self.methods) if m.supported), None)
        self.query_one("#confirm-0", Input).focus()
        from tui.background import in_background

        sessions = self.app.services.sessions  # type: ignore[attr-defined]
        serials = [r.serial for r in self.rows]
        in_background(self, lambda: read_resume_points(sessions, serials), self._resume_read, group="resume")

    def _resume_read(self, points: dict[str, ResumePoint | None]) -> None:
        self._points = points
        self._show_resume()

    def _chosen(self) -> MethodOffer | None:
        index = self.query_one("#method", OptionList).highlighted
        return self.methods[index] if index is not None and index < len(self.methods) else None

    def _show_resume(self) -> None:
        if self._points is None:
            return
        chosen = self._chosen()
        for i, (r, d) in enumerate(zip(self.rows, self.detected, strict=True)):
            text = resume_text(
                self._points.get(r.serial), chosen.name if chosen else None, d.identity.capacity_bytes or 0
            )
            self.query_one(f"#resume-{i}", Static).update(text)

    def on_option_list_option_highlighted(self, _event: OptionList.OptionHighlighted) -> None:
        if self.is_mounted:
            self._show_resume()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter (or a scanner's Enter) in a serial field moves to the next drive's; on the last it erases."""
        event.stop()
        event.prevent_default()  # not FormScreen's submit-on-Enter
        index = int((event.input.id or "confirm-0").rsplit("-", 1)[1])
        if index + 1 < len(self.rows):
            self.query_one(f"#confirm-{index + 1}", Input).focus()
        else:
            self.action_submit()

    def action_submit(self) -> None:
        chosen = self._chosen()
        method_field = self.query_one("#field-method", Field)
        if chosen is None or not chosen.supported:
            method_field.set_error(_("choose a method every drive supports"))
            return
        method_field.set_error(None)
        verify = str(self.query_one("#verify", Select).value)
        requests: list[EraseRequest] = []
        refused: list[tuple[str, str]] = []
        for i, r in enumerate(self.rows):
            field = self.query_one(f"#field-confirm-{i}", Field)
            typed = self.query_one(f"#confirm-{i}", Input).value
            if serial_confirmed(typed, r.serial):
                field.set_error(None)
                requests.append(EraseRequest(r.device, r.serial, chosen.name, verify))
            else:
                why = _("that is not this drive's serial") if typed.strip() else _("no serial typed")
                field.set_error(why)
                refused.append((r.device, why))
        if not requests:
            self.query_one("#form-error", Static).update(_("no drive is confirmed: type each drive's serial"))
            return
        self.dismiss(ManyErase(requests, refused))
