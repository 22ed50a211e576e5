"""The technician's console: one App that owns the services, the attached drives and the running
erasures; screens show them and start flows."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from textual import work
from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from tui.console_base import ConsoleBase
from tui.messages import (
    DriveAttached,
    DriveChanged,
    DriveDetached,
    DriveEventMessage,
    DrivesScanned,
    RecordsChanged,
)
from tui.queries import DriveRow, drive_row
from tui.services import (
    CertificateAccess,
    ConsoleServices,
    CoreCertificates,
)
from tui.texts import K_, _, localise_bindings, ngettext
from wipestation.common.devices import DetectedDrive, DriveEvent, Watcher
from wipestation.documents.certify import CertificateRenderer

if TYPE_CHECKING:
    pass

_MESSAGES: dict[str, type[DriveEventMessage]] = {
    "attached": DriveAttached,
    "changed": DriveChanged,
    "detached": DriveDetached,
}


def event_to_message(event: DriveEvent) -> DriveEventMessage:
    """The watcher's frozen event as the App's message (the whole of the sink's work)."""
    cls = _MESSAGES.get(event.action, DriveChanged)
    return cls(event.device, event.identity, event.protected_reason)


class WipestationApp(ConsoleBase):
    """wipestation: custody, erasure and destruction of storage media."""

    CSS_PATH = "app.tcss"
    TITLE = "wipestation"
    BINDINGS = [
        Binding("f1", "show_dashboard", K_("Home"), show=False, priority=True),
        Binding("f2", "show_records", K_("Records")),
        Binding("f3", "show_customers", K_("Customers")),
        Binding("f4", "show_history", K_("History")),
        Binding("f5", "show_certificates", K_("Certificates"), show=False),
        Binding("f6", "show_pool", K_("Pool"), show=False),
        Binding("ctrl+q", "quit", K_("Quit"), priority=True),
        # Priority: the App moves focus before it routes the next queued key, so a barcode
        # scanner's burst (text, Tab, text) lands field by field instead of all in the first.
        Binding("tab", "app.focus_next", K_("Next"), show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", K_("Previous"), show=False, priority=True),
    ]

    def __init__(self, services: ConsoleServices) -> None:
        super().__init__(services)
        localise_bindings(self)
        self.sub_title = _("demo database") if services.demo else ""
        self.attached: dict[str, DetectedDrive] = {}
        self._watcher: Watcher | None = None
        self.last_attached: str | None = None
        self.scanned = False
        self._renderer: CertificateRenderer | None = None
        self._loads: dict[int, int] = {}  # screen -> generation of its newest background load

    # --- life cycle --------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        from tui.screens.dashboard import DashboardScreen

        return DashboardScreen()

    def on_mount(self) -> None:
        self._scan_drives()
        self._signature: tuple[object, ...] | None = None
        self.set_interval(self.services.refresh_seconds, self._poll, name="store-poll")
        self._poll()
        if self.services.watcher_factory is not None:
            self._watcher = self.services.watcher_factory(self.services.env.config, self._sink)
            self._watcher.start()

    def on_unmount(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None
        for job in self.jobs.values():
            job.stop.set()

    def _sink(self, event: DriveEvent) -> None:
        """Called from the watcher's thread: only posts (thread-safe)."""
        self.post_message(event_to_message(event))

    @work(thread=True, exit_on_error=False, group="scan")
    def _scan_drives(self) -> None:
        for detected in self.services.drive_source.list_drives():
            ident = detected.identity
            self.post_message(DriveAttached(ident.device or "?", ident, detected.protected_reason, initial=True))
        self.post_message(DrivesScanned())

    def on_drives_scanned(self, _message: DrivesScanned) -> None:
        self.scanned = True
        dash = self.dashboard
        if dash is not None:
            dash.select_first_due()

    # --- drives ------------------------------------------------------------------------------

    def on_drive_attached(self, message: DriveAttached) -> None:
        self._drive_event(message)

    def on_drive_changed(self, message: DriveChanged) -> None:
        self._drive_event(message)

    def on_drive_detached(self, message: DriveDetached) -> None:
        self._drive_event(message)

    def _drive_event(self, message: DriveEventMessage) -> None:
        device = message.device
        announce: str | None = None
        if isinstance(message, DriveDetached):
            self.attached.pop(device, None)
            for job in self.jobs.values():
                if job.device == device and job.running:
                    job.detached = True
                    job.stop.set()
                    self._refresh_job(job)
            if self.last_attached == device:
                self.last_attached = None
        elif message.identity is not None:
            ident = message.identity
            if ident.device is None:
                from dataclasses import replace

                ident = replace(ident, device=device)
            is_new = device not in self.attached
            self.attached[device] = DetectedDrive(ident, message.protected_reason)
            if is_new and isinstance(message, DriveAttached) and not message.initial:
                self.last_attached = device
                announce = device
        dash = self.dashboard
        if dash is not None:
            dash.refresh_drives()
        if announce is not None:
            self._announce(announce)  # after the refresh: it says whether the cursor is on it

    def drive_rows(self) -> list[DriveRow]:
        today = self.services.env.today()
        with self.services.sessions.begin() as session:
            return [drive_row(session, today, d) for _, d in sorted(self.attached.items())]

    def _announce(self, device: str) -> None:
        detected = self.attached[device]
        with self.services.sessions.begin() as session:
            row = drive_row(session, self.services.env.today(), detected)
        key = row.serial
        if row.due and self.services.eraser is not None:
            dash = self.dashboard
            selected = dash is not None and dash.selected_device() == device
            how = _("Press [b]e[/b] to erase it now.") if selected else _("Select it and press [b]e[/b] to erase it.")
            self.notify_about(
                key,
                f"{escape(row.serial)}: {escape(row.status)}.\n{how}",  # `how` is markup: the key in bold
                title=_("Due drive on {device}").format(device=device),
                severity="warning",
                timeout=30,
                markup=True,
            )
        elif row.protected:
            self.notify_about(key, row.status, title=_("{device} attached").format(device=device))
        else:
            self.notify_about(key, f"{row.serial}: {row.status}", title=_("{device} attached").format(device=device))

    # --- store changes -----------------------------------------------------------------------

    def _poll(self) -> None:
        if not any(w.group == "poll" and w.is_running for w in self.workers):
            self._poll_store()

    @work(thread=True, exit_on_error=False, group="poll")
    def _poll_store(self) -> None:
        """In a worker: has anything changed in the store (or the day)? Views reload when so."""
        from sqlalchemy.exc import SQLAlchemyError

        from tui.queries import store_signature

        try:
            with self.services.sessions.begin() as session:
                signature = store_signature(session, self.services.env.today())
        except SQLAlchemyError:
            return  # busy or unreachable: the next poll asks again
        self.call_from_thread(self._polled, signature)

    def _polled(self, signature: tuple[object, ...]) -> None:
        if self._signature is not None and signature != self._signature:
            self.post_message(RecordsChanged(polled=True))
        self._signature = signature

    def on_records_changed(self, message: RecordsChanged) -> None:
        for screen in self.screen_stack:
            if message.polled and self.reload_in_background(screen):
                continue
            reload = getattr(screen, "reload", None)
            if callable(reload):
                reload()

    def reload_in_background(self, screen: Screen[Any]) -> bool:
        """`screen.load()` in a worker, then `screen.apply(data)` on the UI thread; False when the screen
        has no such pair. The newest load wins (a slower, older one is dropped when it arrives)."""
        from tui.background import in_background

        load = getattr(screen, "load", None)
        apply = getattr(screen, "apply", None)
        if not (callable(load) and callable(apply)):
            return False
        generation = self._loads.get(id(screen), 0) + 1
        self._loads[id(screen)] = generation

        def latest(data: object) -> None:
            if self._loads.get(id(screen)) == generation:
                apply(data)

        in_background(screen, load, latest, lambda _m: None, group="reload")
        return True

    def changed(self) -> None:
        self.post_message(RecordsChanged())

    # --- navigation --------------------------------------------------------------------------

    def action_show_dashboard(self) -> None:
        """F1: back to the dashboard from however deep (dialogs included)."""
        from tui.screens.dashboard import DashboardScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, DashboardScreen):
            self.pop_screen()

    def _switch_to(self, screen: Screen[Any]) -> None:
        """F2/F3: the list replaces whatever was open over the dashboard (no stacking)."""
        self.action_show_dashboard()
        self.push_screen(screen)

    def action_show_records(self) -> None:
        from tui.screens.records import RecordsScreen

        if not isinstance(self.screen, RecordsScreen):
            self._switch_to(RecordsScreen())

    def action_show_customers(self) -> None:
        from tui.screens.customers import CustomersScreen

        if not isinstance(self.screen, CustomersScreen):
            self._switch_to(CustomersScreen())

    def action_show_history(self) -> None:
        from tui.screens.history import HistoryScreen

        if not isinstance(self.screen, HistoryScreen):
            self._switch_to(HistoryScreen())

    async def action_quit(self) -> None:
        """Ctrl+Q: at once, unless erasures are running — then ask, saying what happens to them."""
        from tui.screens.confirm import ConfirmScreen

        running = [j for j in self.jobs.values() if j.running]
        if not running:
            self.exit()
            return
        names = ", ".join(_("{serial} on {device}").format(serial=j.serial, device=j.device) for j in running)
        text = (
            ngettext("{n} erasure running: {names}.", "{n} erasures running: {names}.", len(running)).format(
                n=len(running), names=names
            )
            + "\n"
            + _(
                "If you quit now they are interrupted. Each record stays due, and each erasure can be "
                "resumed from where it stopped by erasing the drive again."
            )
        )

        def answer(yes: bool | None) -> None:
            if yes:
                for job in running:
                    job.stop.set()
                self.exit()

        await self.push_screen(ConfirmScreen(_("Quit wipestation?"), text, yes=_("Quit")), answer)

    def action_show_certificates(self) -> None:
        from tui.screens.certificates import CertificatesScreen

        if not isinstance(self.screen, CertificatesScreen):
            self._switch_to(CertificatesScreen())

    def action_show_pool(self) -> None:
        from tui.screens.pool import PoolScreen

        if not isinstance(self.screen, PoolScreen):
            self._switch_to(PoolScreen())

    def show_record(self, record_id: int) -> None:
        from tui.screens.record_detail import RecordDetailScreen

        self.push_screen(RecordDetailScreen(record_id))

    def certificate_access(self) -> CertificateAccess:
        if self.services.certificates is None:
            s = self.services
            self.services.certificates = CoreCertificates(s.sessions, s.env, s.export_dir, self.renderer)
        return self.services.certificates

    def renderer(self) -> CertificateRenderer:
        """The certificate renderer (the entry point's, unless one was injected), built once."""
        if self._renderer is None:
            from wipestation.documents.certify import load_renderer

            factory = self.services.renderer_factory or (lambda: load_renderer(self.services.env.config))
            self._renderer = factory()
        return self._renderer

    def open_path(self, path: Path) -> None:
        error = self.services.open_file(path)
        if error:
            self.notify(
                _("{path}\n(could not open a viewer: {error})").format(path=path, error=error),
                title=_("Certificate PDF"),
                timeout=20,
            )
        else:
            self.notify(str(path), title=_("Opened"))

    # --- command palette ---------------------------------------------------------------------

    def action_command_palette(self) -> None:
        """Ctrl+P: the command palette, in the reader's language."""
        from tui.palette import open_palette

        open_palette(self)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        from tui.palette import system_commands

        yield from system_commands(self, screen)
        dash = self.dashboard

        def on_dash(name: str) -> Callable[[], Any]:
            def run() -> object:
                self.action_show_dashboard()
                return getattr(dash, f"action_{name}")()

            return run

        if dash is not None:
            yield SystemCommand(
                _("Register attached drive as backup"),
                _("Register the selected drive: a customer's backup"),
                on_dash("register_backup"),
            )
            yield SystemCommand(
                _("Register attached drive as abandoned disk"),
                _("Register the selected drive: abandoned"),
                on_dash("register_abandoned"),
            )
            yield SystemCommand(
                _("Register abandoned disk from its label"),
                _("Serial, model, capacity typed in"),
                on_dash("register_label"),
            )
            yield SystemCommand(
                _("Erase attached drive"), _("Erase the selected (or just attached due) drive"), on_dash("erase")
            )
            yield SystemCommand(_("Cancel erasure"), _("Stop the selected running erasure"), on_dash("cancel_erase"))
            yield SystemCommand(_("Destroy due abandoned disks"), _("Record a destruction"), on_dash("destroy"))
        yield SystemCommand(_("Records"), _("All custody records (F2)"), self.action_show_records)
        yield SystemCommand(_("Customers"), _("Search, add, edit, export, anonymise (F3)"), self.action_show_customers)
        yield SystemCommand(
            _("Certificates"), _("Open, print or send a certificate (F5)"), self.action_show_certificates
        )
        yield SystemCommand(
            _("Dashboard"), _("Attached drives, due records, erasures (F1)"), self.action_show_dashboard
        )
        yield SystemCommand(_("History"), _("Erasures of this session and stored ones (F4)"), self.action_show_history)
        yield SystemCommand(
            _("Pool drives"), _("The shop's backup drives, their state and health (F6)"), self.action_show_pool
        )
