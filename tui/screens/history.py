"""Finished erasures: this session's (with duration, average speed and result) and the store's."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Label

from tui.texts import K_, _, local_time, localise_bindings, method_word
from tui.widgets import FittingFooter, format_duration, status_word
from wipestation import views

if TYPE_CHECKING:
    from tui.console import Console

STORE_ROWS = 200


class HistoryScreen(Screen[None]):
    BINDINGS = [Binding("escape", "app.show_dashboard", K_("Back"))]

    def __init__(self) -> None:
        super().__init__()
        localise_bindings(self)

    @property
    def wapp(self) -> Console:
        return cast("Console", self.app)

    def compose(self) -> ComposeResult:
        session: DataTable[Any] = DataTable(id="session-jobs", cursor_type="row", zebra_stripes=True)
        for label, width in ((_("Device"), 10), (_("Serial"), 18), (_("Method"), 14), (_("Result"), None)):
            session.add_column(label, width=width)
        stored: DataTable[Any] = DataTable(id="stored-erasures", cursor_type="row", zebra_stripes=True)
        for label, width in (
            ("#", 5),
            (_("Started"), 21),
            (_("Serial"), 18),
            (_("Method"), 14),
            (_("Outcome"), 11),
        ):
            stored.add_column(label, width=width)
        stored.add_column(_("Duration"), width=9)
        yield Header()
        with Vertical(classes="full"):
            yield Label(_("Finished in this session"), classes="pane-title")
            yield session
            yield Label(_("Erasures in the store (newest {n})").format(n=STORE_ROWS), classes="pane-title")
            yield stored
        yield FittingFooter()

    def on_mount(self) -> None:
        self.sub_title = _("erasure history")
        self.reload()
        self.query_one("#session-jobs", DataTable).focus()

    def reload(self) -> None:
        table = self.query_one("#session-jobs", DataTable)
        table.clear()
        for job in sorted(self.wapp.jobs.values(), key=lambda j: j.id, reverse=True):
            if not job.running:
                table.add_row(job.device, job.serial, method_word(job.method), job.summary(), key=str(job.id))
        services = self.wapp.services
        with services.sessions.begin() as s:
            entries = views.recent_erasures(s, STORE_ROWS)
        stored = self.query_one("#stored-erasures", DataTable)
        stored.clear()
        zone = services.env.config.timezone
        for e in entries:
            took = format_duration((e.ended_at - e.started_at).total_seconds()) if e.ended_at else "-"
            when = local_time(e.started_at, zone)
            stored.add_row(str(e.erasure_id), when, e.serial, method_word(e.method), status_word(e.outcome.value), took)
