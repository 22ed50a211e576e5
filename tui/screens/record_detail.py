"""One record: its drive, dates, holds, audit history and certificates; hold / release /
request-deletion; open a certificate's PDF."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from rich.markup import escape
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Label, Static

from tui.texts import K_, N_, _, event_word, kind_word, local_time, localise_bindings, method_word, ngettext, state_word
from tui.widgets import FittingFooter, status_word
from wipestation import views
from wipestation.common.errors import WipestationError
from wipestation.common.i18n import Phrase, language, shown
from wipestation.common.identity import drive_name
from wipestation.common.units import format_capacity
from wipestation.records import custody
from wipestation.records.history import INTERRUPTED_WARNING, ErasureEntry
from wipestation.records.retention import days_text
from wipestation.store.models import ErasureOutcome
from wipestation.views import CertificateView, RecordDetail, RecordView

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.orm import Session

    from tui.console import Console
    from tui.screens.confirm import ReasonScreen
    from wipestation.common.env import Env
    from wipestation.store.models import CustodyRecord


CERTIFICATE_COLUMNS = (
    (N_("Certificate"), 18),
    (N_("Kind"), 12),
    (N_("Issued"), 21),
    (N_("Serial"), 20),
    (N_("Sent / revoked"), 28),
    (N_("By"), None),
)


class RecordDetailScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", K_("Back")),
        Binding("h", "hold", K_("Hold")),
        Binding("r", "release", K_("Release")),
        Binding("d", "request_deletion", K_("Deletion asked")),
        Binding("o", "open_pdf", K_("Open PDF")),
        Binding("p", "pdf_path", K_("PDF path")),
    ]

    def __init__(self, record_id: int) -> None:
        super().__init__()
        localise_bindings(self)
        self.record_id = record_id
        self.data: dict[str, Any] = {}
        self.detail: RecordDetail | None = None
        self.certificates: list[str] = []

    @property
    def wapp(self) -> Console:
        return cast("Console", self.app)

    def compose(self) -> ComposeResult:
        certs: DataTable[Any] = DataTable(id="certificates", cursor_type="row")
        for label, width in CERTIFICATE_COLUMNS:
            certs.add_column(_(label), width=width)
        erasures: DataTable[Any] = DataTable(id="erasures", cursor_type="row")
        for label, width in (
            ("#", 5),
            (N_("Method"), 18),
            (N_("Outcome"), 16),
            (N_("Started"), 21),
            (N_("Ended"), 21),
            (N_("Written"), 10),
            (N_("Verified"), 10),
            (N_("Bad"), 4),
            (N_("Checkpoint"), 22),
            (N_("Certificate"), None),
        ):
            erasures.add_column(_(label), width=width)
        history: DataTable[Any] = DataTable(id="history", cursor_type="row", zebra_stripes=True)
        for label, width in (("#", 5), (N_("When"), 21), (N_("Who"), 12), (N_("What"), 26), (N_("Change"), None)):
            history.add_column(_(label), width=width)
        yield Header()
        with Vertical(classes="full"):
            yield Static(id="detail")
            yield Label(_("Certificates (o: open PDF, p: show its path)"), classes="pane-title")
            certs.styles.height = 4
            yield certs
            yield Label(_("Erasures of this drive (oldest first)"), classes="pane-title")
            erasures.styles.height = 5
            yield erasures
            yield Label(_("History (audit log)"), classes="pane-title")
            yield history
        yield FittingFooter()

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#history", DataTable).focus()

    def reload(self) -> None:
        try:
            detail = self.load()
        except WipestationError as exc:
            self.query_one("#detail", Static).update(str(exc))
            return
        self.apply(detail)

    def load(self) -> RecordDetail:
        """Everything `wipestation show` has, and the record's certificates and history (thread-safe:
        a worker runs it when the store changed elsewhere)."""
        services = self.wapp.services
        with services.sessions.begin() as s:
            return views.record_detail(s, services.env.today(), str(self.record_id))

    def apply(self, detail: RecordDetail) -> None:
        self.detail = detail
        self.data = detail.to_dict()
        self.sub_title = _("record {id}").format(id=self.record_id)
        self.query_one("#detail", Static).update(_describe(detail, self.wapp.services.env.config.timezone))
        table = self.query_one("#certificates", DataTable)
        table.clear()
        self.certificates = [c.number for c in detail.certificates]
        zone = self.wapp.services.env.config.timezone
        for c in detail.certificates:
            table.add_row(*certificate_cells(c, zone), key=c.number)
        erasure_table = self.query_one("#erasures", DataTable)
        erasure_table.clear()
        for er in detail.erasures:
            erasure_table.add_row(*_erasure_row(er, zone), key=str(er.erasure_id))
        history = self.query_one("#history", DataTable)
        history.clear()
        for e in detail.events:
            history.add_row(str(e.id), local_time(e.at, zone), e.actor, event_word(e.action), e.change())

    # --- actions ----------------------------------------------------------------------------

    def action_hold(self) -> None:
        from tui.screens.hold import HoldScreen

        self.app.push_screen(HoldScreen(self.record_id))

    def action_release(self) -> None:
        from tui.screens.confirm import ReasonScreen

        holds = [h for h in self.data.get("holds", []) if not h["released"]]
        if not holds:
            self.notify(_("record {id} is not on hold").format(id=self.record_id), severity="warning")
            return
        text = "\n".join(_("hold until {until}: {reason}").format(until=h["until"], reason=h["reason"]) for h in holds)
        rule = self.data["rule_due_on"]
        self._confirm(
            ReasonScreen(
                _("Release record {id}?").format(id=self.record_id),
                text + "\n\n" + _("The hold ends now; the record is due again by its rule ({rule}).").format(rule=rule),
                yes=_("Release"),
                reason_label=_("Why does the hold end early?"),
            ),
            custody.release,
            _("record {id} released").format(id=self.record_id),
        )

    def action_request_deletion(self) -> None:
        from tui.screens.confirm import ReasonScreen

        text = _(
            "The customer asked for early deletion: record {id} becomes due today "
            "(a running hold still comes first). The request is kept in the audit log."
        ).format(id=self.record_id)
        self._confirm(
            ReasonScreen(
                _("Deletion requested for record {id}?").format(id=self.record_id),
                text,
                yes=_("Record request"),
                reason_label=_("How did the customer ask (letter, phone call, e-mail of ...)?"),
            ),
            custody.request_deletion,
            _("record {id}: deletion requested").format(id=self.record_id),
        )

    def _confirm(
        self,
        screen: ReasonScreen,
        service: Callable[[Session, Env, str, str | None], CustodyRecord],
        done: str,
    ) -> None:
        services = self.wapp.services

        def answer(reason: str | None) -> None:
            if reason is None:
                return
            try:
                with services.sessions.begin() as s:
                    service(s, services.env, str(self.record_id), reason or None)
            except WipestationError as exc:
                self.notify(str(exc), severity="error")
                return
            self.notify(done)
            self.wapp.changed()

        self.app.push_screen(screen, answer)

    def _selected_certificate(self) -> str | None:
        table = self.query_one("#certificates", DataTable)
        if table.row_count == 0:
            self.notify(_("This record has no certificate yet."), severity="warning")
            return None
        return self.certificates[table.cursor_row]

    def _pdf(self, then_open: bool) -> None:
        number = self._selected_certificate()
        if number is not None:
            self._fetch_pdf(number, then_open)

    @work(thread=True, exit_on_error=False, group="pdf")
    def _fetch_pdf(self, number: str, then_open: bool) -> None:
        """Rendering and signing may run their own event loop: not on the UI thread."""
        access = self.wapp.certificate_access()
        try:
            path = access.pdf_path(number)
        except (WipestationError, OSError) as exc:
            self.app.call_from_thread(self.notify, f"certificate {number}: {exc}", severity="error")
            return
        if then_open:
            self.app.call_from_thread(self.wapp.open_path, path)
        else:
            self.app.call_from_thread(self.notify, str(path), title=_("Certificate PDF"), timeout=30)

    def action_open_pdf(self) -> None:
        self._pdf(True)

    def action_pdf_path(self) -> None:
        self._pdf(False)


def _when(r: RecordView) -> str:
    """No "overdue" once the record is closed; a hold says so."""
    if not r.is_open:
        return "  " + _("(closed: {state})").format(state=state_word(r.state))
    if r.on_hold:
        return "  " + _("(ON HOLD)")
    return f" ({days_text(r.days_left)})"


def _head(word: str) -> str:
    """A line's heading (translated), padded so the values line up."""
    return f"{_(word):<9} "


def _describe(detail: RecordDetail, zone: str) -> str:
    r = detail.record
    d = r.drive
    e = escape
    title = _("[b]Record {id}[/b]: {kind}, [b]{state}[/b]").format(
        id=r.id, kind=kind_word(r.kind), state=state_word(r.state)
    )
    lines = [
        title + ("  " + _("(on hold until {date})").format(date=r.hold_until) if r.hold_until is not None else ""),
        _head(N_("Drive")) + f"{e(d.serial)}  {e(drive_name(d.vendor, d.model) or '')}  "
        f"{format_capacity(d.capacity_bytes)}  " + " ".join(x for x in (d.bus, d.media) if x and x != "unknown"),
        _head(N_("Customer"))
        + f"{e(r.customer_name)} ({r.customer_id})   "
        + _("job {job}").format(job=e(r.job or "-"))
        if r.customer_id is not None
        else _head(N_("Owner"))
        + _("the shop's own drive, retired: {reason}").format(reason=e(r.destroy_reason or "-")),
        _head(N_("Since")) + f"{r.started_on}   " + _("due {date}").format(date=r.due_on) + _when(r),
    ]
    if r.rule_due_on != r.due_on:
        lines.append(_head(N_("Rule")) + _("due {date} by the retention rule").format(date=r.rule_due_on))
    if r.deletion_requested_on:
        how = f": {e(r.deletion_reason)}" if r.deletion_reason else ""
        requested = _("requested by the customer on {date}").format(date=r.deletion_requested_on)
        lines.append(_head(N_("Deletion")) + requested + how)
    for h in r.holds:
        state = _("released") if h.released else _("active")
        hold = _("until {until} ({state}): {reason}").format(until=h.until, state=state, reason=e(h.reason))
        lines.append(_head(N_("Hold")) + f"{hold}  \\[{e(h.by)}]")
        if h.released_at is not None:
            released = _("released: {reason}").format(reason=e(h.release_reason or "-"))
            lines.append(" " * 10 + f"{released}  ({local_time(h.released_at, zone)})")
    for head, value in (
        (N_("Received"), r.received_on),
        (N_("Location"), r.location),
        (N_("Computer"), r.host_computer),
        (N_("Seal"), r.seal_number),
    ):
        if value is not None:
            lines.append(_head(head) + e(str(value)))
    if r.closed_at is not None:
        lines.append(_head(N_("Closed")) + local_time(r.closed_at, zone))
    if detail.backup_set is not None:
        lines += _backup_lines(detail.backup_set, zone)
    if detail.last_erasure_warning:
        lines.append(_("[b]Warning[/b]") + f"   {e(console_warning(detail.last_erasure_warning))}")
    return "\n".join(lines)


def _count(n: object) -> str:
    """A count as the reader writes it (48.213 in Dutch, 48,213 in English)."""
    if not isinstance(n, int):
        return escape(str(n))
    text = f"{n:,}"
    return text.replace(",", ".") if language() == "nl" else text


def _backup_lines(b: dict[str, Any], zone: str) -> list[str]:
    """A backup made by wipestation: its manifest summary, its pool drive, and the last restore check."""
    files = b.get("files", "?")
    summary = ngettext("{n} file", "{n} files", files if isinstance(files, int) else 2).format(n=_count(files))
    summary += ", " + format_capacity(b["bytes"]) if isinstance(b.get("bytes"), int) else ""
    unreadable = b.get("unreadable", "?")
    summary += ", " + _("{n} not readable").format(n=_count(unreadable))
    lines = [_head(N_("Backup")) + summary, _head(N_("Pool")) + escape(str(b.get("pool_drive") or "-"))]
    if b.get("state") != "complete":
        lines[0] += f"  ({escape(str(b.get('state', '?')))})"
    check = b.get("last_check")
    if not isinstance(check, dict):
        return [*lines, _head(N_("Check")) + _("not checked yet")]
    n, missing, different = check.get("files", 0), check.get("missing", 0), check.get("different", 0)
    if check.get("complete"):
        result = ngettext("all {n} file put back", "all {n} files put back", n).format(n=_count(n))
    else:
        parts = (
            [ngettext("{n} file missing", "{n} files missing", missing).format(n=_count(missing))] if missing else []
        )
        if different:
            parts.append(ngettext("{n} file different", "{n} files different", different).format(n=_count(different)))
        result = ", ".join(parts) + " " + _("of {n}").format(n=_count(n))
    at = check.get("at")
    when = f"  ({local_time(datetime.fromisoformat(at), zone)})" if isinstance(at, str) else ""
    return [*lines, _head(N_("Check")) + escape(result) + when]


CERTIFICATE_KINDS = {"erasure": N_("erasure"), "destruction": N_("destruction")}


def console_warning(warning: str) -> str:
    """The record's warning about its last erasure, in the console's terms: an interrupted one is
    resumed by erasing the drive again (e), or started over by the erase dialog's choice, not by a
    command-line flag."""
    if isinstance(warning, Phrase) and warning.template == INTERRUPTED_WARNING:
        v = warning.values
        return _(
            "the last erasure ({id}, {method}) was interrupted at {position}: erasing the drive again (e) "
            "with the same method resumes it; the erase dialog can start over instead"
        ).format(id=v["id"], method=method_word(str(v["method"])), position=shown(str(v["position"])))
    return shown(warning)


def certificate_cells(c: CertificateView, timezone: str) -> tuple[str, ...]:
    """A certificate as the record detail and the certificates screen list it (its time in the shop's
    zone, saying which, as the PDF does)."""
    if c.revoked:
        status = _("revoked")
    elif c.sent is not None:
        status = _("sent to {address}").format(address=c.sent.address)
    elif c.sends:
        status = _("send failed")
    else:
        status = "-"
    kind = _(CERTIFICATE_KINDS[c.kind]) if c.kind in CERTIFICATE_KINDS else c.kind
    return (c.number, kind, local_time(c.issued_at, timezone), c.serial or "-", status, c.issued_by)


def _erasure_row(er: ErasureEntry, timezone: str) -> tuple[str, ...]:
    superseded = er.superseded and er.outcome is ErasureOutcome.INTERRUPTED
    outcome = status_word(er.outcome.value) + (" " + _("(superseded)") if superseded else "")
    running = er.outcome in (ErasureOutcome.INTERRUPTED, ErasureOutcome.RUNNING)
    return (
        str(er.erasure_id),
        method_word(er.method),
        outcome,
        local_time(er.started_at, timezone),
        local_time(er.ended_at, timezone),
        format_capacity(er.bytes_written),
        format_capacity(er.bytes_verified),
        str(len(er.bad_ranges)),
        shown(er.position) if running else "-",
        er.certificate or "-",
    )
