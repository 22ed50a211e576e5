"""One record: its drive, dates, holds, audit history and certificates; hold / release /
request-deletion; open a certificate's PDF."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from rich.markup import escape
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, Static

from wipestation import custody, views
from wipestation.errors import WipestationError
from wipestation.history import position_text
from wipestation.retention import days_text
from wipestation.units import format_capacity
from wipestation.views import CertificateView, RecordDetail, RecordView

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.orm import Session

    from tui.app import WipestationApp
    from tui.screens.confirm import ReasonScreen
    from wipestation.env import Env
    from wipestation.models import CustodyRecord


CERTIFICATE_COLUMNS = (
    ("Certificate", 18),
    ("Kind", 12),
    ("Issued", 17),
    ("Serial", 20),
    ("Sent / revoked", 28),
    ("By", None),
)


class RecordDetailScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("h", "hold", "Hold"),
        Binding("r", "release", "Release"),
        Binding("d", "request_deletion", "Deletion asked"),
        Binding("o", "open_pdf", "Open PDF"),
        Binding("p", "pdf_path", "PDF path"),
    ]

    def __init__(self, record_id: int) -> None:
        super().__init__()
        self.record_id = record_id
        self.data: dict[str, Any] = {}
        self.detail: RecordDetail | None = None
        self.certificates: list[str] = []

    @property
    def wapp(self) -> WipestationApp:
        return cast("WipestationApp", self.app)

    def compose(self) -> ComposeResult:
        certs: DataTable[Any] = DataTable(id="certificates", cursor_type="row")
        for label, width in CERTIFICATE_COLUMNS:
            certs.add_column(label, width=width)
        erasures: DataTable[Any] = DataTable(id="erasures", cursor_type="row")
        for label, width in (
            ("#", 5),
            ("Method", 18),
            ("Outcome", 16),
            ("Started (UTC)", 17),
            ("Ended (UTC)", 17),
            ("Written", 10),
            ("Verified", 10),
            ("Bad", 4),
            ("Checkpoint", 22),
            ("Certificate", None),
        ):
            erasures.add_column(label, width=width)
        history: DataTable[Any] = DataTable(id="history", cursor_type="row", zebra_stripes=True)
        for label, width in (("#", 5), ("When (UTC)", 17), ("Who", 12), ("What", 26), ("Change", None)):
            history.add_column(label, width=width)
        yield Header()
        with Vertical(classes="full"):
            yield Static(id="detail")
            yield Label("Certificates (o: open PDF, p: show its path)", classes="pane-title")
            certs.styles.height = 4
            yield certs
            yield Label("Erasures of this drive (oldest first)", classes="pane-title")
            erasures.styles.height = 5
            yield erasures
            yield Label("History (audit log)", classes="pane-title")
            yield history
        yield Footer(compact=True, show_command_palette=False)

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
        self.sub_title = f"record {self.record_id}"
        self.query_one("#detail", Static).update(_describe(detail))
        table = self.query_one("#certificates", DataTable)
        table.clear()
        self.certificates = [c.number for c in detail.certificates]
        for c in detail.certificates:
            table.add_row(*certificate_cells(c), key=c.number)
        erasure_table = self.query_one("#erasures", DataTable)
        erasure_table.clear()
        for er in detail.erasures:
            erasure_table.add_row(*_erasure_row(er), key=str(er["erasure_id"]))
        history = self.query_one("#history", DataTable)
        history.clear()
        for e in detail.events:
            history.add_row(str(e.id), e.at.strftime("%Y-%m-%d %H:%M"), e.actor, e.action, e.change())

    # --- actions ----------------------------------------------------------------------------

    def action_hold(self) -> None:
        from tui.screens.hold import HoldScreen

        self.app.push_screen(HoldScreen(self.record_id))

    def action_release(self) -> None:
        from tui.screens.confirm import ReasonScreen

        holds = [h for h in self.data.get("holds", []) if not h["released"]]
        if not holds:
            self.notify(f"record {self.record_id} is not on hold", severity="warning")
            return
        text = "\n".join(f"hold until {h['until']}: {h['reason']}" for h in holds)
        rule = self.data["rule_due_on"]
        self._confirm(
            ReasonScreen(
                f"Release record {self.record_id}?",
                f"{text}\n\nThe hold ends now; the record is due again by its rule ({rule}).",
                yes="Release",
                reason_label="Why does the hold end early?",
            ),
            custody.release,
            "released",
        )

    def action_request_deletion(self) -> None:
        from tui.screens.confirm import ReasonScreen

        text = (
            f"The customer asked for early deletion: record {self.record_id} becomes due today "
            "(a running hold still comes first). The request is kept in the audit log."
        )
        self._confirm(
            ReasonScreen(
                f"Deletion requested for record {self.record_id}?",
                text,
                yes="Record request",
                reason_label="How did the customer ask (letter, phone call, e-mail of ...)?",
            ),
            custody.request_deletion,
            "deletion requested",
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
            self.notify(f"record {self.record_id} {done}")
            self.wapp.changed()

        self.app.push_screen(screen, answer)

    def _selected_certificate(self) -> str | None:
        table = self.query_one("#certificates", DataTable)
        if table.row_count == 0:
            self.notify("This record has no certificate yet.", severity="warning")
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
            self.app.call_from_thread(self.notify, str(path), title="Certificate PDF", timeout=30)

    def action_open_pdf(self) -> None:
        self._pdf(True)

    def action_pdf_path(self) -> None:
        self._pdf(False)


def _when(r: RecordView) -> str:
    """No "overdue" once the record is closed; a hold says so."""
    if not r.is_open:
        return f"  (closed: {r.state})"
    if r.on_hold:
        return "  (ON HOLD)"
    return f" ({days_text(r.days_left)})"


def _describe(detail: RecordDetail) -> str:
    r = detail.record
    d = r.drive
    e = escape
    lines = [
        f"[b]Record {r.id}[/b]: {r.kind}, [b]{r.state}[/b]" + ("  (on hold)" if r.on_hold else ""),
        f"Drive     {e(d.serial)}  {e(d.vendor or '')} {e(d.model or '')}  "
        f"{format_capacity(d.capacity_bytes)}  {d.bus or ''} {d.media or ''}",
        f"Customer  {e(r.customer_name)} ({r.customer_id})   job {e(r.job or '-')}"
        if r.customer_id is not None
        else f"Owner     the shop's own drive, retired: {e(r.destroy_reason or '-')}",
        f"Since     {r.started_on}   due {r.due_on}" + _when(r),
    ]
    if r.rule_due_on != r.due_on:
        lines.append(f"Rule      due {r.rule_due_on} by the retention rule")
    if r.deletion_requested_on:
        how = f": {e(r.deletion_reason)}" if r.deletion_reason else ""
        lines.append(f"Deletion  requested by the customer on {r.deletion_requested_on}{how}")
    for h in r.holds:
        state = "released" if h.released else "active"
        lines.append(f"Hold      until {h.until} ({state}): {e(h.reason)}  \\[{e(h.by)}]")
        if h.release_reason:
            lines.append(f"          released: {e(h.release_reason)}")
    if r.location:
        lines.append(f"Location  {e(r.location)}")
    if r.host_computer:
        lines.append(f"Computer  {e(r.host_computer)}")
    if r.seal_number:
        lines.append(f"Seal      {e(r.seal_number)}")
    if detail.last_erasure_warning:
        lines.append(f"[b]Warning[/b]   {e(detail.last_erasure_warning)}")
    return "\n".join(lines)


def certificate_cells(c: CertificateView) -> tuple[str, ...]:
    """A certificate as the record detail and the certificates screen list it."""
    if c.revoked:
        status = "revoked"
    elif c.sent is not None:
        status = "sent to " + c.sent.address
    elif c.sends:
        status = "send failed"
    else:
        status = "-"
    return (c.number, c.kind, c.issued_at.strftime("%Y-%m-%d %H:%M"), c.serial or "-", status, c.issued_by)


def _erasure_row(er: dict[str, Any]) -> tuple[str, ...]:
    outcome = er["outcome"] + (" (superseded)" if er["superseded"] and er["outcome"] == "interrupted" else "")
    checkpoint = position_text(er) if er["outcome"] in ("interrupted", "running") else "-"
    return (
        str(er["erasure_id"]),
        er["method"],
        outcome,
        er["started_at"].strftime("%Y-%m-%d %H:%M") if er["started_at"] else "-",
        er["ended_at"].strftime("%Y-%m-%d %H:%M") if er["ended_at"] else "-",
        format_capacity(int(er["bytes_written"])),
        format_capacity(int(er["bytes_verified"])),
        str(len(er["bad_ranges"])),
        checkpoint,
        er["certificate"] or "-",
    )
