"""Every certificate: open its PDF, print it, mail it to the customer. The list is read in a worker
(`tui.background`); rendering, signing, printing and sending run in workers too, never on the UI thread."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from sqlalchemy.orm import Session
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header

from tui.background import in_background, store_write
from tui.rowtable import RowTable
from tui.screens.record_detail import certificate_cells
from wipestation import views
from wipestation.views import CertificateView

if TYPE_CHECKING:
    from tui.app import WipestationApp

COLUMNS = [("Certificate", 18), ("Kind", 12), ("Issued", 17), ("Serial", 22), ("Sent / revoked", 30), ("By", 0)]


def format_certificate(c: CertificateView) -> list[tuple[str, str]]:
    style = "bold red" if c.revoked else ""
    cells = certificate_cells(c)
    return [(cell, style if i == 4 else "") for i, cell in enumerate(cells)]


class CertificatesScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("o", "open_pdf", "Open PDF"),
        Binding("p", "print_pdf", "Print"),
        Binding("s", "send", "Send to customer"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[CertificateView] = []

    @property
    def wapp(self) -> WipestationApp:
        return cast("WipestationApp", self.app)

    @property
    def table(self) -> RowTable[CertificateView]:
        return cast("RowTable[CertificateView]", self.query_one("#certificates", RowTable))

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="full"):
            yield RowTable(COLUMNS, format_certificate, id="certificates")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.sub_title = "certificates"
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
        self.sub_title = f"{len(rows)} certificates"

    def selected(self) -> CertificateView | None:
        current = self.table.current
        if current is None:
            self.notify("No certificate selected.", severity="warning")
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
            self.notify(f"{path}\n{error}", title="Could not open or print the PDF", severity="warning", timeout=20)
        elif then == "open":
            self.notify(str(path), title="Opened")
        else:
            self.notify(str(path), title="Sent to the printer")

    def action_open_pdf(self) -> None:
        self._with_pdf("open")

    def action_print_pdf(self) -> None:
        self._with_pdf("print")

    def action_send(self) -> None:
        from wipestation.sending import send_certificate

        cert = self.selected()
        if cert is None:
            return
        env = self.wapp.services.env
        renderer = self.wapp.renderer

        def work(session: Session) -> str:
            result = send_certificate(session, env, renderer(), cert.number)
            return result.status if result.error is None else f"{result.status}: {result.error}"

        def done(status: str) -> None:
            if status == "sent":
                self.notify(status, title=f"Certificate {cert.number}")
            else:
                self.notify(status, title=f"Certificate {cert.number}", severity="error")
            self.wapp.changed()

        self.notify(f"sending certificate {cert.number}...")
        store_write(self, work, done, group="send")
