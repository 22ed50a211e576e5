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
from tui.screens.record_detail import certificate_cells
from tui.texts import K_, N_, _, localise_bindings, ngettext
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
