"""Small self-contained widgets: a form field with its error beside it, one running erasure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from threading import Event

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Footer, Label, ProgressBar, Static
from textual.widgets._footer import FooterKey

from tui.services import EraseEnd, EraseNotRun, end_note
from tui.texts import K_, N_, _
from wipestation.common.i18n import key_text
from wipestation.common.outcome import ErasureOutcome
from wipestation.common.units import format_capacity
from wipestation.erasure.engine import Progress


class Field(Vertical):
    """A labelled input with its error shown right below it."""

    DEFAULT_CSS = """
    Field { height: auto; margin: 0 0 0 0; }
    Field > .field-label { color: $text-muted; }
    Field > .field-error { color: $error; display: none; }
    Field.-invalid > .field-error { display: block; }
    """

    def __init__(self, label: str, widget: Widget, *, name: str) -> None:
        super().__init__(id=f"field-{name}")
        self.field_name = name
        self._label = label
        self._widget = widget

    def compose(self) -> ComposeResult:
        yield Label(self._label, classes="field-label")
        yield self._widget
        yield Static("", classes="field-error", id=f"error-{self.field_name}")

    def set_error(self, message: str | None) -> None:
        self.query_one(".field-error", Static).update(message or "")
        self.set_class(bool(message), "-invalid")

    @property
    def error(self) -> str:
        return str(self.query_one(".field-error", Static).content)


def format_rate(rate: float) -> str:
    if rate <= 0:
        return "-"
    return f"{format_capacity(int(rate))}/s"


def format_duration(seconds: float) -> str:
    """How long a finished erasure took: h:mm:ss; under a minute in seconds with a tenth (a small
    drive's erasure is over in less than a second, which h:mm:ss would call 0:00:00)."""
    if seconds < 60:
        return _("{seconds} s").format(seconds=f"{max(0.0, seconds):.1f}")
    return format_clock(seconds)


def format_clock(seconds: float) -> str:
    """A running erasure's elapsed time, h:mm:ss (a ticking clock: no tenths)."""
    s = int(seconds)
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}"


def format_eta(seconds: float | None) -> str:
    if seconds is None or seconds < 0:
        return _("ETA {time}").format(time="-")
    s = int(seconds)
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return _("ETA {time}").format(time=f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}")


class JobPhase(StrEnum):
    """Where a console erasure is in its life; how it ended is the core's `ErasureOutcome`."""

    STARTING = "starting"
    RUNNING = "running"
    STOPPING = "stopping"  # the technician asked it to stop
    ENDED = "ended"


# An erasure's phase or outcome as the console shows it (the job keeps the English word it compares against).
STATUS_WORDS = {
    "starting": N_("starting"),
    "running": N_("running"),
    "stopping": N_("stopping"),
    "succeeded": N_("succeeded"),
    "with-exceptions": N_("with exceptions"),
    "failed": N_("failed"),
    "interrupted": N_("interrupted"),
}


def status_word(status: str) -> str:
    return _(STATUS_WORDS.get(status, status))


PHASES = {"write": N_("writing"), "verify": N_("verifying"), "firmware": N_("firmware")}


@dataclass
class EraseJob:
    """The App's state of one erasure (owned by message handlers, never by the worker)."""

    id: int
    device: str
    serial: str
    method: str
    record_id: int | None
    stop: Event = field(default_factory=Event)
    progress: Progress | None = None
    phase: JobPhase = JobPhase.STARTING
    outcome: ErasureOutcome | None = None  # once ended
    error: str | None = None
    certificate: str | None = None
    detached: bool = False
    started_at: datetime | None = None  # from the App's (injected) clock
    now: datetime | None = None  # the clock's time at the last progress report
    ended_at: datetime | None = None
    bytes_done: int = 0  # over every pass, for the average speed

    def elapsed(self, now: datetime | None = None) -> float:
        end = self.ended_at or now or self.now
        if self.started_at is None or end is None:
            return 0.0
        return max(0.0, (end - self.started_at).total_seconds())

    @property
    def running(self) -> bool:
        return self.phase is not JobPhase.ENDED

    @property
    def erased(self) -> bool:
        """Ended succeeded, or succeeded with exceptions (hidden sectors not written)."""
        return self.outcome is not None and self.outcome.erased

    @property
    def state(self) -> str:
        """The English word for where it is: its outcome once ended, else its phase (see STATUS_WORDS)."""
        return self.outcome.value if self.outcome is not None else self.phase.value

    def finish(self, end: EraseEnd, now: datetime | None = None) -> None:
        self.ended_at = now
        self.phase = JobPhase.ENDED
        detached = self.detached and end.outcome is not ErasureOutcome.SUCCEEDED
        self.outcome = ErasureOutcome.INTERRUPTED if detached else end.outcome
        note = end_note(end)
        self.error = _("drive removed during the erasure") + (f" ({note})" if note else "") if detached else note
        if not isinstance(end, EraseNotRun):
            self.certificate = end.certificate
            if end.record_id is not None:
                self.record_id = end.record_id

    def final_summary(self) -> str:
        """Duration, average speed and result (what nwipe prints at the end)."""
        took = self.elapsed()
        rate = self.bytes_done / took if took > 0 else 0.0
        return _("{duration}, average {rate}").format(duration=format_duration(took), rate=format_rate(rate))

    def summary(self) -> str:
        if self.erased:
            if self.certificate:
                cert = ", " + _("certificate {number}").format(number=self.certificate)
            else:
                cert = ", " + _("no certificate")
            if self.outcome is ErasureOutcome.WITH_EXCEPTIONS:
                text = _("erased with exceptions (sectors hidden by an HPA/DCO not written) in {summary}")
            else:
                text = _("erased in {summary}")
            return text.format(summary=self.final_summary()) + cert
        if self.outcome is not None:
            return _("{status}: {error}; the record stays due (after {summary})").format(
                status=status_word(self.outcome).upper(),
                error=self.error or _("no reason given"),
                summary=self.final_summary(),
            )
        p = self.progress
        if p is None:
            return status_word(JobPhase.STARTING if self.phase is not JobPhase.STOPPING else JobPhase.STOPPING)
        phase = _(PHASES[p.phase]) if p.phase in PHASES else p.phase
        stopping = "  " + _("stopping...") if self.phase is JobPhase.STOPPING else ""
        ran = f"  {format_clock(self.elapsed(self.now))}" if self.started_at is not None else ""
        step = _("pass {n}/{passes} {phase}").format(n=p.pass_number, passes=p.passes, phase=phase)
        return f"{step}  {format_rate(p.rate)}  {format_eta(p.eta_seconds)}{ran}{stopping}"


class ErasureRow(Widget, can_focus=True):
    """One erasure: device, serial, method, a progress bar, speed and ETA (or the outcome)."""

    DEFAULT_CSS = """
    ErasureRow { height: 2; layout: vertical; }
    ErasureRow:focus { background: $boost; }
    ErasureRow > Horizontal { height: 1; }
    ErasureRow .erase-title { width: auto; margin-right: 2; }
    ErasureRow .erase-info { width: 1fr; }
    ErasureRow ProgressBar Bar { width: 1fr; }
    ErasureRow.-failed .erase-info, ErasureRow.-interrupted .erase-info { color: $error; text-style: bold; }
    ErasureRow.-succeeded .erase-info { color: $success; }
    """

    def __init__(self, job: EraseJob) -> None:
        super().__init__(id=f"erase-{job.id}")
        self.job = job

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(self._title(), classes="erase-title")
            yield Label(self.job.summary(), classes="erase-info")
        yield ProgressBar(total=None, show_eta=False, id=f"bar-{self.job.id}")

    def _title(self) -> str:
        j = self.job
        rec = _("record {id}").format(id=j.record_id) if j.record_id else _("no record")
        return f"{j.device}  {j.serial}  {j.method}  ({rec})"

    def on_mount(self) -> None:
        self.refresh_job()

    def refresh_job(self) -> None:
        j = self.job
        bars = self.query(ProgressBar)
        if not bars:
            return  # not composed yet: on_mount shows the newest state
        bar = bars.first()
        if j.progress is not None and j.progress.bytes_total > 0:
            p = j.progress
            # Overall progress over every pass (verification counts as the last stretch).
            total = p.bytes_total * max(1, p.passes)
            done = p.bytes_total * (max(1, p.pass_number) - 1) + p.bytes_done
            bar.update(total=total, progress=min(done, total))
        if j.erased:
            bar.update(total=1, progress=1)
        self.query_one(".erase-title", Label).update(self._title())
        self.query_one(".erase-info", Label).update(j.summary())
        for status in ("failed", "interrupted", "succeeded"):
            self.set_class(j.outcome == status, f"-{status}")


MORE = Binding("ctrl+p", "command_palette", K_("More"))


class FittingFooter(Footer):
    """The footer at any width, with no key cut off: the screen's own keys first, then the App's
    (F2, F3, F4, Ctrl+Q) as long as they fit; when a key is left out, "^p More" (the command palette,
    which lists every action with its key) takes the last place."""

    def __init__(self) -> None:
        super().__init__(compact=True, show_command_palette=False)

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        app = self.app
        own: list[Binding] = []
        app_level: list[Binding] = []
        seen: set[str] = set()
        for node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or not enabled or binding.action in seen:
                continue
            seen.add(binding.action)
            (app_level if node is app else own).append(binding)
        more = replace(MORE, key=app.COMMAND_PALETTE_BINDING, description=key_text(MORE.description))
        room = self.size.width or app.size.width
        shown, left_out = fit_keys(own + app_level, room, lambda b: footer_width(app.get_key_display(b), b.description))
        if left_out and app.ENABLE_COMMAND_PALETTE:
            reserve = footer_width(app.get_key_display(more), more.description)
            shown, _rest = fit_keys(
                shown, room - reserve, lambda b: footer_width(app.get_key_display(b), b.description)
            )
            shown.append(more)
        self.styles.grid_size_columns = len(shown)
        for binding in shown:
            yield FooterKey(binding.key, app.get_key_display(binding), binding.description, binding.action).data_bind(
                compact=Footer.compact
            )

    def on_resize(self) -> None:
        self.call_after_refresh(self.recompose)


def footer_width(key: str, description: str) -> int:
    """The columns one key takes in the compact footer ("key description ")."""
    return cell_len(key) + 1 + cell_len(description) + 1


def fit_keys(bindings: list[Binding], room: int, width: Callable[[Binding], int]) -> tuple[list[Binding], bool]:
    """The bindings that fit `room` columns in order (a key that does not fit is left out whole, and so
    is every key after it), and whether any was left out."""
    shown: list[Binding] = []
    used = 0
    for binding in bindings:
        used += width(binding)
        if used - 1 > room:  # the last key's trailing space may fall off the edge
            return shown, True
        shown.append(binding)
    return shown, False
