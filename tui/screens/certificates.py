"""Every certificate: open its PDF, print it, mail it to the customer. The list is read in a worker
(`tui.background`); rendering, signing, printing and sending run in workers too, never on the UI thread."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, cast

from sqlalchemy.orm import Session
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header

from tui.background import in_background, store_write
from tui.rowtable import RowTable
from tui.screens.record_detail import CERTIFICATE_KINDS, certificate_cells
from tui.texts import K_, N_, _, local_time, localise_bindings, ngettext
from tui.widgets import FittingFooter
from wipestation import views
from wipestation.views import CertificateView

if TYPE_CHECKING:
    from tui.console import Console

COLUMNS = [
    (N_("Certificate"), 18),
    (N_("Kind"), 12),
    (N_("Issued"), 21),
    (N_("Serial"), 22),
    (N_("Sent / revoked"), 30),
    (N_("By"), 0),
]


def format_certificate(c: CertificateView, timezone: str) -> list[tuple[str, str]]:
    style = "bold red" if c.revoked else ""
    cells = certificate_cells(c, timezone)
    return [(cell, style if i == 4 else "") for i, cell in enumerate(cells)]


# Below WIDE columns what matters fits without scrolling sideways: the number, the day, the kind, the
# customer and the state in a word; Enter opens the record, whose detail lists the certificate whole
# (time, serial, where it was sent, who issued it).
WIDE = 120
STATE_WORDS = (N_("revoked"), N_("sent"), N_("send failed"))


def narrow_columns() -> list[tuple[str, int]]:
    kind = max(len(_(word)) for word in CERTIFICATE_KINDS.values())
    state = max([len(_("State"))] + [len(_(word)) for word in STATE_WORDS])
    return [(N_("Certificate"), 14), (N_("Date"), 10), (N_("Kind"), kind), (N_("Customer"), -16), (N_("State"), state)]


def state_word(c: CertificateView) -> str:
    if c.revoked:
        return _("revoked")
    if c.sent is not None:
        return _("sent")
    return _("send failed") if c.sends else "-"


def format_narrow(c: CertificateView, timezone: str) -> list[tuple[str, str]]:
    kind = _(CERTIFICATE_KINDS[c.kind]) if c.kind in CERTIFICATE_KINDS else c.kind
    day = local_time(c.issued_at, timezone)[:10]
    return [
        (c.number, ""),
        (day, ""),
        (kind, ""),
        (c.customer_name or "-", ""),
        (state_word(c), "bold red" if c.revoked else ""),
    ]


class CertificatesScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", K_("Back")),
        Binding("o", "open_pdf", K_("Open PDF")),
        Binding("p", "print_pdf", K_("Print")),
        Binding("s", "send", K_("Send to customer")),
    ]

    def __init__(self) -> None:
        super().__init__()
        localise_bindings(self)
        self.rows: list[CertificateView] = []

    @property
    def wapp(self) -> Console:
        return cast("Console", self.app)

    @property
    def table(self) -> RowTable[CertificateView]:
        return cast("RowTable[CertificateView]", self.query_one("#certificates", RowTable))

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="full"):
            zone = self.wapp.services.env.config.timezone
            yield RowTable(COLUMNS, partial(format_certificate, timezone=zone), id="certificates")
        yield FittingFooter()

    def on_resize(self) -> None:
        zone = self.wapp.services.env.config.timezone
        table = self.table
        if self.size.width < WIDE:
            table.columns, table.format_row = narrow_columns(), partial(format_narrow, timezone=zone)
        else:
            table.columns, table.format_row = list(COLUMNS), partial(format_certificate, timezone=zone)
        table.virtual_size = table.virtual_size.with_width(table.full_width())
        table.refresh()

    def on_row_table_selected(self, event: RowTable.Selected) -> None:
        """Enter: the certificate's record, whose detail lists it whole."""
        event.stop()
        cert = self.table.current
        if cert is not None and cert.record_id is not None:
            self.wapp.show_record(cert.record_id)
        elif cert is not None:
            self.notify("  ".join(certificate_cells(cert, self.wapp.services.env.config.timezone)))

    def on_mount(self) -> None:
        self.sub_title = _("certificates")
        self.table.focus()
        self.reload()

    def reload(self) -> None:
        in_background(self, self.load, self.apply, group="certificates", exclusive=True)

    def load(self) -> list[CertificateView]:
        """Every certificate, oldest first (thread-safe: runs in a worker)."""
        with self.wapp.services.sessions.begin() as s:
            return views.certificate_list(s)

    def apply(self, rows: list[CertificateView]) -> None:
        self.rows = rows
        keep = self.table.current
        number = keep.number if keep is not None else None
        self.table.set_rows(rows, keep=lambda c: c.number == number)
        self.sub_title = ngettext("{n} certificate", "{n} certificates", len(rows)).format(n=len(rows))

    def selected(self) -> CertificateView | None:
        current = self.table.current
        if current is None:
            self.notify(_("No certificate selected."), severity="warning")
        return current

    # --- actions: each in a worker ------------------------------------------------------------

    def _with_pdf(self, then: str) -> None:
        cert = self.selected()
        if cert is None:
            return
        access = self.wapp.certificate_access()
        services = self.wapp.services

        def work() -> tuple[Path, str | None]:
            path = access.pdf_path(cert.number)  # renders and signs when needed: never on the UI thread
            if then == "open":
                return path, services.open_file(path)
            return path, services.print_file(path)

        in_background(self, work, lambda result: self._pdf_done(then, *result), group="pdf")

    def _pdf_done(self, then: str, path: Path, error: str | None) -> None:
        if error:
            self.notify(f"{path}\n{error}", title=_("Could not open or print the PDF"), severity="warning", timeout=20)
        elif then == "open":
            self.notify(_("Written to {path}, and opened in the PDF viewer.").format(path=path), title=_("Opened"))
        else:
            self.notify(_("Written to {path}, and sent to the printer.").format(path=path), title=_("Printing"))

    def action_open_pdf(self) -> None:
        self._with_pdf("open")

    def action_print_pdf(self) -> None:
        self._with_pdf("print")

    def action_send(self) -> None:
        from wipestation.documents.sending import send_certificate

        cert = self.selected()
        if cert is None:
            return
        env = self.wapp.services.env
        renderer = self.wapp.renderer

        def work(session: Session) -> str:
            result = send_certificate(session, env, renderer(), cert.number)
            return result.status if result.error is None else f"{result.status}: {result.error}"

        def done(status: str) -> None:
            title = _("Certificate {number}").format(number=cert.number)
            if status == "sent":
                self.notify(_("sent to the customer"), title=title)
            else:
                self.notify(status, title=title, severity="error")
            self.wapp.changed()

        self.notify(_("sending certificate {number}...").format(number=cert.number))
        store_write(self, work, done, group="send")
