"""Finished erasures: this session's (with duration, average speed and result) and the store's."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import select
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Label

from tui.texts import K_, _, local_time, localise_bindings, method_word
from tui.widgets import FittingFooter, format_duration, status_word
from wipestation.store.models import Drive, Erasure

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
            rows = s.execute(
                select(Erasure.id, Erasure.started_at, Drive.serial, Erasure.method, Erasure.outcome, Erasure.ended_at)
                .join(Drive, Drive.id == Erasure.drive_id)
                .order_by(Erasure.id.desc())
                .limit(STORE_ROWS)
            ).all()
        stored = self.query_one("#stored-erasures", DataTable)
        stored.clear()
        zone = services.env.config.timezone
        for eid, started, serial, method, outcome, ended in rows:
            took = format_duration((ended - started).total_seconds()) if ended else "-"
            when = local_time(started, zone)
            stored.add_row(str(eid), when, serial, method_word(method), status_word(outcome.value), took)
