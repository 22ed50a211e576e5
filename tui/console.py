"""What a screen may ask of the console it runs in: the application's services, the attached drives and the
erasures running, and a few navigation calls. `tui.app.WipestationApp` is the one implementation; a screen
reaches it through this Protocol (`cast(Console, self.app)`), so the screens never import the app that opens
them and the console's modules form no import cycle."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from textual.screen import Screen

from tui.queries import DriveRow
from tui.services import CertificateAccess, ConsoleServices, EraseRequest
from tui.widgets import EraseJob
from wipestation.common.devices import DetectedDrive
from wipestation.documents.certify import CertificateRenderer


class Console(Protocol):
    services: ConsoleServices
    attached: dict[str, DetectedDrive]
    last_attached: str | None
    scanned: bool
    jobs: dict[int, EraseJob]

    def changed(self) -> None: ...

    def drive_rows(self) -> list[DriveRow]: ...

    def reload_in_background(self, screen: Screen[Any]) -> bool: ...

    def show_record(self, record_id: int) -> None: ...

    def certificate_access(self) -> CertificateAccess: ...

    def renderer(self) -> CertificateRenderer: ...

    def open_path(self, path: Path) -> None: ...

    def start_erase(self, request: EraseRequest, record_id: int | None) -> EraseJob: ...

    def cancel_erase(self, job_id: int) -> bool: ...

    def running_job_for(self, device: str) -> EraseJob | None: ...
