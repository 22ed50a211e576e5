"""Erase one attached drive: pick a method the drive supports, confirm by typing its serial."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from tui.queries import DriveRow
from tui.screens.form import FormScreen
from tui.services import EraseRequest
from tui.texts import K_, N_, _, method_word, ngettext
from tui.widgets import Field
from wipestation.common.devices import DetectedDrive
from wipestation.common.errors import WipestationError
from wipestation.common.i18n import shown
from wipestation.erasure.methods import get_method
from wipestation.erasure.run import NOT_PROBED, MethodOffer
from wipestation.erasure.service import ResumePoint, resume_point, resume_preview, resume_refusal

MIN_SUFFIX = 6
VERIFY_CHOICES = [(N_("full read-back"), "full"), (N_("sampled read-back"), "sample"), (N_("no verification"), "none")]


def serial_confirmed(typed: str, serial: str) -> bool:
    """The whole serial, or (for a long one) at least its last MIN_SUFFIX characters."""
    typed = typed.strip()
    if not typed:
        return False
    if typed == serial:
        return True
    return len(serial) > MIN_SUFFIX and len(typed) >= MIN_SUFFIX and serial.endswith(typed)


def read_resume_points(sessions: sessionmaker[Session], serials: list[str]) -> dict[str, ResumePoint | None]:
    """Each drive's interrupted erasure (a read, in a worker)."""
    with sessions.begin() as session:
        return {serial: resume_point(session, serial) for serial in serials}


def _resumes(point: ResumePoint, method: str, capacity: int) -> bool:
    """Whether erasing with `method` would resume the drive's interrupted erasure `point`."""
    try:
        return resume_refusal(point, get_method(method), capacity) is None
    except WipestationError:
        return False


def resume_text(point: ResumePoint | None, method: str | None, capacity: int) -> str:
    """What the erasure will do with the chosen method: the core's resume rule, in its own words."""
    if method is None:
        return ""
    try:
        return _("This erasure {what}.").format(what=resume_preview(point, get_method(method), capacity))
    except WipestationError:
        return ""


class EraseScreen(FormScreen[EraseRequest | None]):
    BINDINGS = [
        Binding("escape", "cancel", K_("Cancel")),
        Binding("ctrl+s", "submit", K_("Erase")),
    ]

    def __init__(
        self,
        row: DriveRow,
        detected: DetectedDrive,
        methods: list[MethodOffer],
        *,
        probe: Callable[[], list[MethodOffer]] | None = None,
    ) -> None:
        super().__init__()
        self.row = row
        self.detected = detected
        self.methods = methods
        self.probe = probe

    def compose(self) -> ComposeResult:
        r = self.row
        with Vertical(classes="dialog", id="erase-dialog"):
            yield Label(_("Erase {device}").format(device=r.device), classes="dialog-title")
            yield Static(f"{r.serial}  {r.model}  {r.capacity}\n{r.status}", id="erase-drive")
            yield Static("", id="erase-resume")
            # shown only when the chosen method would resume the drive's interrupted erasure: the choice
            # the command line makes with --restart
            yield Checkbox(_("Start over from the first byte instead"), id="restart")
            options = _options(self.methods)
            yield Field(_("Method (NIST SP 800-88 category)"), OptionList(*options, id="method"), name="method")
            verify = [(_(label), value) for label, value in VERIFY_CHOICES]
            yield Field(_("Verification"), Select(verify, value="full", allow_blank=False, id="verify"), name="verify")
            yield Field(
                _("Type the serial to confirm (or its last {n} characters)").format(n=MIN_SUFFIX),
                Input(placeholder=r.serial[:3] + "…", id="confirm"),
                name="confirm",
            )
            with Horizontal(classes="buttons"):
                yield Button(_("Erase"), variant="error", id="go")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#restart", Checkbox).display = False  # until an interrupted erasure would resume
        self._preselect(self.methods)
        self.query_one("#confirm", Input).focus()
        if self.probe is not None:
            self._probe()
        self._read_resume()

    _resume: ResumePoint | None = None
    _resume_known = False

    def _read_resume(self) -> None:
        from tui.background import in_background

        sessions = self.app.services.sessions  # type: ignore[attr-defined]
        serial = self.row.serial
        in_background(self, lambda: read_resume_points(sessions, [serial])[serial], self._resume_read, group="resume")

    def _resume_read(self, point: ResumePoint | None) -> None:
        self._resume, self._resume_known = point, True
        self._show_resume()

    def _show_resume(self) -> None:
        if not self._resume_known:
            return
        option_list = self.query_one("#method", OptionList)
        index = option_list.highlighted
        method = self.methods[index].name if index is not None and index < len(self.methods) else None
        capacity = self.detected.identity.capacity_bytes or 0
        restart = self.query_one("#restart", Checkbox)
        resumable = self._resume is not None and method is not None and _resumes(self._resume, method, capacity)
        restart.display = resumable
        if not resumable:
            restart.value = False
        text = resume_text(self._resume, method, capacity)
        if resumable and restart.value:
            text = _("This erasure starts from the first byte (you chose to start over).")
        self.query_one("#erase-resume", Static).update(text)

    def on_checkbox_changed(self, _event: Checkbox.Changed) -> None:
        self._show_resume()

    def on_option_list_option_highlighted(self, _event: OptionList.OptionHighlighted) -> None:
        if self.is_mounted:
            self._show_resume()

    @work(thread=True, exit_on_error=False, group="probe")
    def _probe(self) -> None:
        assert self.probe is not None
        try:
            methods = self.probe()
        except WipestationError as exc:
            message = _("could not read what the drive supports: {error}").format(error=exc)
            self.app.call_from_thread(self.notify, message, severity="warning")
            return
        self.app.call_from_thread(self._probed, methods)

    def _probed(self, methods: list[MethodOffer]) -> None:
        """The drive's own answer: the list grows, the technician's choice stays."""
        option_list = self.query_one("#method", OptionList)
        current = option_list.highlighted
        chosen = self.methods[current].name if current is not None and current < len(self.methods) else None
        self.methods = methods
        option_list.clear_options()
        option_list.add_options(_options(methods))
        names = [m.name for m in methods]
        if chosen in names and methods[names.index(chosen)].supported and chosen != self._preselected:
            option_list.highlighted = names.index(chosen)
        else:
            self._preselect(methods)

    _preselected: str | None = None

    def _preselect(self, methods: list[MethodOffer]) -> None:
        """The recommended method (and its verification), else the first supported one."""
        option_list = self.query_one("#method", OptionList)
        index = next((i for i, m in enumerate(methods) if m.recommended and m.supported), None)
        if index is None:
            index = next((i for i, m in enumerate(methods) if m.supported), None)
        option_list.highlighted = index
        self._preselected = methods[index].name if index is not None else None
        if index is not None and methods[index].recommended_verify:
            self.query_one("#verify", Select).value = methods[index].recommended_verify

    def action_submit(self) -> None:
        methods = self.query_one("#method", OptionList)
        method_field = self.query_one("#field-method", Field)
        confirm_field = self.query_one("#field-confirm", Field)
        ok = True
        chosen: MethodOffer | None = None
        if methods.highlighted is not None:
            chosen = self.methods[methods.highlighted]
        if chosen is None or not chosen.supported:
            method_field.set_error(_("choose a method this drive supports"))
            ok = False
        else:
            method_field.set_error(None)
        typed = self.query_one("#confirm", Input).value
        if not serial_confirmed(typed, self.row.serial):
            confirm_field.set_error(
                _("that is not this drive's serial") if typed.strip() else _("type the drive's serial to confirm")
            )
            ok = False
        else:
            confirm_field.set_error(None)
        if not ok or chosen is None:
            return
        verify = str(self.query_one("#verify", Select).value)
        restart = self.query_one("#restart", Checkbox)
        self.dismiss(
            EraseRequest(self.row.device, self.row.serial, chosen.name, verify, restart.display and restart.value)
        )


def _options(methods: list[MethodOffer]) -> list[Option]:
    options = []
    for m in methods:
        passes = ngettext("{n} pass", "{n} passes", m.passes).format(n=m.passes)
        text = f"{method_word(m.name):<24} {m.nist_category:<6} {passes}"
        if m.reason == NOT_PROBED:
            text += "  " + _("(asking the drive…)")
        elif not m.supported:
            text += "  " + _("(not supported: {why})").format(
                why=shown(m.reason) if m.reason else _("this drive cannot")
            )
        if m.recommended and m.supported:
            text += "  " + _("(recommended)")
        options.append(Option(text, id=m.name, disabled=not m.supported))
    return options
