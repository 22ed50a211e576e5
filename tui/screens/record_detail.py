"""One record: its drive, dates, holds, audit history and certificates; hold / release /
request-deletion; open a certificate's PDF."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from rich.markup import escape
from sqlalchemy import ColumnElement, or_, select
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, Static

from tui.texts import K_, N_, _, kind_word, localise_bindings, state_word
from tui.widgets import status_word
from wipestation import custody
from wipestation.errors import WipestationError
from wipestation.history import drive_erasures, last_attempt_warning, position_text
from wipestation.models import AuditEvent, Certificate, Erasure
from wipestation.retention import days_text
from wipestation.units import format_capacity

if TYPE_CHECKING:
    from tui.app import WipestationApp


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
        self.certificates: list[str] = []

    @property
    def wapp(self) -> WipestationApp:
        return cast("WipestationApp", self.app)

    def compose(self) -> ComposeResult:
        certs: DataTable[Any] = DataTable(id="certificates", cursor_type="row")
        for label, width in ((N_("Certificate"), 18), (N_("Kind"), 12), (N_("Issued"), 20), (N_("By"), None)):
            certs.add_column(_(label), width=width)
        erasures: DataTable[Any] = DataTable(id="erasures", cursor_type="row")
        for label, width in (
            ("#", 5),
            (N_("Method"), 18),
            (N_("Outcome"), 16),
            (N_("Started (UTC)"), 17),
            (N_("Ended (UTC)"), 17),
            (N_("Written"), 10),
            (N_("Verified"), 10),
            (N_("Bad"), 4),
            (N_("Checkpoint"), 22),
            (N_("Certificate"), None),
        ):
            erasures.add_column(_(label), width=width)
        history: DataTable[Any] = DataTable(id="history", cursor_type="row", zebra_stripes=True)
        for label, width in (("#", 5), (N_("When (UTC)"), 17), (N_("Who"), 12), (N_("What"), 26), (N_("Change"), None)):
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
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#history", DataTable).focus()

    def reload(self) -> None:
        services = self.wapp.services
        today = services.env.today()
        try:
            with services.sessions.begin() as s:
                record = custody.find_record(s, str(self.record_id))
                self.data = custody.record_to_dict(record, today)
                self.data["erasures"] = drive_erasures(s, record.drive_id)
                self.data["last_erasure_warning"] = last_attempt_warning(self.data["erasures"])
                customer = record.customer.name if record.customer is not None else None
                erasure_ids = list(s.execute(select(Erasure.id).where(Erasure.record_id == record.id)).scalars())
                certs = list(
                    s.execute(
                        select(Certificate).where(Certificate.record_id == record.id).order_by(Certificate.id)
                    ).scalars()
                )
                mine = AuditEvent.entity_id == record.id
                cond: ColumnElement[bool] = AuditEvent.entity.in_(("record", "custody_record")) & mine
                if erasure_ids:
                    cond = or_(cond, (AuditEvent.entity == "erasure") & AuditEvent.entity_id.in_(erasure_ids))
                events = list(s.execute(select(AuditEvent).where(cond).order_by(AuditEvent.id)).scalars())
                cert_rows = [
                    (c.number, c.kind.value, c.issued_at.strftime("%Y-%m-%d %H:%M"), c.issued_by) for c in certs
                ]
                event_rows = [
                    (str(e.id), e.at.strftime("%Y-%m-%d %H:%M"), e.actor, e.action, _change(e.before, e.after))
                    for e in events
                ]
        except WipestationError as exc:
            self.query_one("#detail", Static).update(str(exc))
            return
        self.sub_title = _("record {id}").format(id=self.record_id)
        self.query_one("#detail", Static).update(_describe(self.data, customer))
        table = self.query_one("#certificates", DataTable)
        table.clear()
        self.certificates = [row[0] for row in cert_rows]
        for row in cert_rows:
            table.add_row(*row, key=row[0])
        erasure_table = self.query_one("#erasures", DataTable)
        erasure_table.clear()
        for er in self.data["erasures"]:
            erasure_table.add_row(*_erasure_row(er), key=str(er["erasure_id"]))
        history = self.query_one("#history", DataTable)
        history.clear()
        for erow in event_rows:
            history.add_row(*erow)

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

    def _confirm(self, screen: Any, service: Any, done: str) -> None:
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
            message = _("certificate {number}: {error}").format(number=number, error=exc)
            self.app.call_from_thread(self.notify, message, severity="error")
            return
        if then_open:
            self.app.call_from_thread(self.wapp.open_path, path)
        else:
            self.app.call_from_thread(self.notify, str(path), title=_("Certificate PDF"), timeout=30)

    def action_open_pdf(self) -> None:
        self._pdf(True)

    def action_pdf_path(self) -> None:
        self._pdf(False)


def _change(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    parts = []
    for key, value in (after or {}).items():
        old = (before or {}).get(key)
        if before and key in before and old != value:
            parts.append(f"{key}: {old} -> {value}")
        elif not before or key not in before:
            parts.append(f"{key}: {value}")
    return ", ".join(parts)


CLOSED = ("erased", "destroyed")


def _when(r: dict[str, Any]) -> str:
    """No "overdue" once the record is closed; a hold says so."""
    if r["state"] in CLOSED:
        return "  " + _("(closed: {state})").format(state=state_word(r["state"]))
    if r["on_hold"]:
        return "  " + _("(ON HOLD)")
    return f" ({days_text(r['days_left'])})"


def _describe(r: dict[str, Any], customer: str | None) -> str:
    d = r["drive"]
    e = escape

    def head(word: str) -> str:  # a line's heading, padded so the values line up
        return f"{_(word):<9} "

    title = _("[b]Record {id}[/b]: {kind}, [b]{state}[/b]").format(
        id=r["id"], kind=kind_word(r["kind"]), state=state_word(r["state"])
    )
    lines = [
        title + ("  " + _("(on hold)") if r["on_hold"] else ""),
        head(N_("Drive")) + f"{e(d['serial'])}  {e(d['vendor'] or '')} {e(d['model'] or '')}  "
        f"{format_capacity(d['capacity_bytes'])}  {d['bus'] or ''} {d['media'] or ''}",
        head(N_("Customer")) + f"{e(customer)} ({r['customer_id']})   " + _("job {job}").format(job=e(r["job"] or "-"))
        if customer is not None
        else head(N_("Owner"))
        + _("the shop's own drive, retired: {reason}").format(reason=e(r.get("destroy_reason") or "-")),
        head(N_("Since")) + f"{r['started_on']}   " + _("due {date}").format(date=r["due_on"]) + _when(r),
    ]
    if r["rule_due_on"] != r["due_on"]:
        lines.append(head(N_("Rule")) + _("due {date} by the retention rule").format(date=r["rule_due_on"]))
    if r["deletion_requested_on"]:
        lines.append(
            head(N_("Deletion")) + _("requested by the customer on {date}").format(date=r["deletion_requested_on"])
        )
    for h in r["holds"]:
        state = _("released") if h["released"] else _("active")
        hold = _("until {until} ({state}): {reason}").format(until=h["until"], state=state, reason=e(h["reason"]))
        lines.append(head(N_("Hold")) + f"{hold}  \\[{e(h['by'])}]")
    if r["location"]:
        lines.append(head(N_("Location")) + e(r["location"]))
    if r.get("last_erasure_warning"):
        lines.append(_("[b]Warning[/b]") + f"   {e(r['last_erasure_warning'])}")
    return "\n".join(lines)


def _erasure_row(er: dict[str, Any]) -> tuple[str, ...]:
    superseded = er["superseded"] and er["outcome"] == "interrupted"
    outcome = status_word(er["outcome"]) + (" " + _("(superseded)") if superseded else "")
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
