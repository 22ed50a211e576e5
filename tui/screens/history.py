"""Finished erasures: this session's (with duration, average speed and result) and the store's."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import select
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label

from tui.widgets import format_duration
from wipestation.models import Drive, Erasure

if TYPE_CHECKING:
    from tui.app import WipestationApp

STORE_ROWS = 200


class HistoryScreen(Screen[None]):
    BINDINGS = [Binding("escape", "app.show_dashboard", "Back")]

    @property
    def wapp(self) -> WipestationApp:
        return cast("WipestationApp", self.app)

    def compose(self) -> ComposeResult:
        session: DataTable[Any] = DataTable(id="session-jobs", cursor_type="row", zebra_stripes=True)
        for label, width in (("Device", 10), ("Serial", 18), ("Method", 12), ("Result", None)):
            session.add_column(label, width=width)
        stored: DataTable[Any] = DataTable(id="stored-erasures", cursor_type="row", zebra_stripes=True)
        for label, width in (("#", 5), ("Started (UTC)", 16), ("Serial", 18), ("Method", 12), ("Outcome", 11)):
            stored.add_column(label, width=width)
        stored.add_column("Duration", width=9)
        yield Header()
        with Vertical(classes="full"):
            yield Label("Finished in this session", classes="pane-title")
            yield session
            yield Label(f"Erasures in the store (newest {STORE_ROWS})", classes="pane-title")
            yield stored
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.sub_title = "erasure history"
        self.reload()
        self.query_one("#session-jobs", DataTable).focus()

    def reload(self) -> None:
        table = self.query_one("#session-jobs", DataTable)
        table.clear()
        for job in sorted(self.wapp.jobs.values(), key=lambda j: j.id, reverse=True):
            if not job.running:
                table.add_row(job.device, job.serial, job.method, job.summary(), key=str(job.id))
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
        for eid, started, serial, method, outcome, ended in rows:
            took = format_duration((ended - started).total_seconds()) if ended else "-"
            stored.add_row(str(eid), started.strftime("%Y-%m-%d %H:%M"), serial, method, outcome.value, took)
