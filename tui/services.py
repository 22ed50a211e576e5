"""What the console needs from the outside world, bundled (harlequin: the App takes its services in
its constructor, so tests build it with fakes).

The seams to the machine are the core's: `DriveSource`, `Watcher`, `WatcherFactory` and `DriveEvent`
(`wipestation.common.devices`), the engine's `Progress` and the `MethodOffer`s (`wipestation.erasure`). This
module only names what is the console's own: the erasure backend a worker calls, and the bundle.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

from wipestation.common.devices import DetectedDrive, DriveSource, WatcherFactory
from wipestation.common.env import Env
from wipestation.common.i18n import _, shown
from wipestation.common.outcome import ErasureOutcome
from wipestation.documents.certify import CertificateRenderer
from wipestation.erasure.engine import Progress
from wipestation.erasure.result import ErasureResult
from wipestation.erasure.run import MethodOffer


@dataclass(frozen=True)
class EraseRequest:
    device: str
    serial: str  # the serial the technician typed and that the engine must find again
    method: str
    verify: str = "full"  # full / sample / none
    restart: bool = False  # start over instead of resuming the drive's interrupted erasure


@dataclass(frozen=True)
class EraseNotRun:
    """An erasure that ended without a result of the core's: refused before its record began, stopped
    by an I/O error, or its worker failed. What ended with a stored erasure is an `ErasureResult`."""

    outcome: ErasureOutcome  # failed, or interrupted when the technician had asked it to stop
    error: str


EraseEnd = ErasureResult | EraseNotRun  # how one console erasure ended


def end_note(end: EraseEnd) -> str | None:
    """The one line the console shows with an erasure's end: why it failed, or what went wrong after a
    good erasure (no certificate, or one that was not mailed: `certificate send --pending` retries it)."""
    if isinstance(end, EraseNotRun):
        return end.error
    if end.error:
        return shown(end.error)
    if end.certificate_error:
        return _("erased, but no certificate was issued: {error}").format(error=end.certificate_error)
    if end.mail_warning and end.mail is not None:
        return _("certificate {number} was issued but not sent ({error}); retry: certificate send --pending").format(
            number=end.certificate, error=end.mail.get("error")
        )
    return None


class EraseBackend(Protocol):
    """Runs erasures through the core's erasure service (the same one `wipestation erase` calls)."""

    def methods(self, drive: DetectedDrive, *, probe: bool = True) -> list[MethodOffer]:
        """Every method, each with whether this drive supports it (and why not) and its NIST category;
        the supported ones first.

        `probe=False` answers at once (overwrites only); the full answer asks the drive."""
        ...

    def erase(
        self,
        request: EraseRequest,
        progress: Callable[[Progress], None],
        should_stop: Callable[[], bool],
    ) -> ErasureResult:
        """Run one erasure to its end (in a worker thread). Raises WipestationError when refused."""
        ...


class CertificateAccess(Protocol):
    def pdf_path(self, number: str) -> Path:
        """Write (or find) the PDF of a certificate and return where it is."""
        ...


def xdg_open(path: Path) -> str | None:
    """Open a file with the desktop's viewer; returns an error text, or None when started."""
    opener = shutil.which("xdg-open")
    if opener is None:
        return _("xdg-open is not installed")
    try:
        subprocess.Popen([opener, str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError as exc:
        return str(exc)
    return None


def lp_print(path: Path) -> str | None:
    """Print a file with `lp` (CUPS) on the default printer; returns an error text, or None when queued."""
    lp = shutil.which("lp")
    if lp is None:
        return "lp is not installed (CUPS)"
    try:
        done = subprocess.run([lp, str(path)], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    return (done.stderr.strip() or f"lp exited with {done.returncode}") if done.returncode else None


@dataclass
class ConsoleServices:
    """Everything the console talks to. Tests pass fakes for the devices and the engine."""

    sessions: sessionmaker[Session]
    env: Env
    drive_source: DriveSource
    watcher_factory: WatcherFactory | None = None
    eraser: EraseBackend | None = None
    renderer_factory: Callable[[], CertificateRenderer] | None = None
    certificates: CertificateAccess | None = None
    open_file: Callable[[Path], str | None] = xdg_open
    print_file: Callable[[Path], str | None] = lp_print
    export_dir: Path = field(default_factory=Path.cwd)  # the documents folder: exports and PDFs go here
    demo: bool = False
    finished_visible_seconds: float = 120.0  # a finished erasure stays in the pane, then moves to history
    refresh_seconds: float = 2.0  # how often the store is asked whether anything changed (CLI, other stations)


class CoreCertificates:
    """Writes a certificate's stored PDF (rendered on first use, as `wipestation certificate pdf`)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        env: Env,
        directory: Path,
        renderer_factory: Callable[[], CertificateRenderer] | None = None,
    ) -> None:
        self.sessions = sessions
        self.env = env
        self.directory = directory
        self.renderer_factory = renderer_factory

    def pdf_path(self, number: str) -> Path:
        from wipestation.documents.certify import certificate_pdf, load_renderer

        renderer: CertificateRenderer | None = None
        with self.sessions.begin() as session:
            cert_langs = {d.lang for d in _find(session, number).documents}
            if self.env.config.certificates.language not in cert_langs:
                factory = self.renderer_factory or (lambda: load_renderer(self.env.config))
                renderer = factory()
            pdf = certificate_pdf(session, self.env, renderer, number)
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{number}.pdf"
        path.write_bytes(pdf)
        return path


def _find(session: Session, number: str) -> Any:
    from wipestation.documents.certify import find_certificate

    return find_certificate(session, number)
