"""What the console needs from the outside world, as small Protocols (harlequin: the App takes its
services in its constructor, so tests build it with fakes).

The real implementations live in the core (`wipestation.detection`, `wipestation.erasure`,
`wipestation.certify`); this module only names the seams and bundles them.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

from wipestation.certify import CertificateRenderer
from wipestation.devices import DetectedDrive, DriveSource
from wipestation.env import Env
from wipestation.identity import DriveIdentity


class DriveEventLike(Protocol):
    """What the watcher hands to its sink (`wipestation.detection.watcher.DriveEvent`)."""

    @property
    def action(self) -> str: ...  # "attached" | "changed" | "detached"

    @property
    def device(self) -> str: ...

    @property
    def identity(self) -> DriveIdentity | None: ...

    @property
    def protected_reason(self) -> str | None: ...


class Watcher(Protocol):
    def start(self) -> None: ...

    def stop(self) -> None: ...


WatcherFactory = Callable[[Callable[[DriveEventLike], None]], Watcher]
"""Builds a watcher around a sink; the sink is called from the watcher's own thread."""


@dataclass(frozen=True)
class MethodChoice:
    """One sanitisation method as offered for one drive."""

    name: str
    nist_category: str  # "Clear" / "Purge"
    description: str = ""
    supported: bool = True
    note: str | None = None  # why it is not supported, or a caveat
    passes: int = 1
    recommended: bool = False  # the one method the core recommends for this drive
    recommended_verify: str | None = None  # and its verification (full / sample), for an overwrite


@dataclass(frozen=True)
class EraseRequest:
    device: str
    serial: str  # the serial the technician typed and that the engine must find again
    method: str
    verify: str = "full"  # full / sample / none


@dataclass(frozen=True)
class EraseProgress:
    """A snapshot of a running erasure, as the engine reports it."""

    bytes_done: int
    bytes_total: int
    pass_no: int = 1
    passes: int = 1
    rate: float = 0.0  # bytes per second
    eta_seconds: float | None = None
    phase: str = "write"  # write / verify / firmware


@dataclass(frozen=True)
class EraseResult:
    outcome: str  # succeeded / failed / interrupted
    error: str | None = None
    erasure_id: int | None = None
    record_id: int | None = None
    certificate: str | None = None


class EraseBackend(Protocol):
    """Runs erasures through the core's erasure service (the same one `wipestation erase` calls)."""

    def methods(self, drive: DetectedDrive, *, probe: bool = True) -> list[MethodChoice]:
        """Every method, each with whether this drive supports it and its NIST category.

        `probe=False` answers at once (overwrites only); the full answer asks the drive."""
        ...

    def erase(
        self,
        request: EraseRequest,
        progress: Callable[[EraseProgress], None],
        should_stop: Callable[[], bool],
    ) -> EraseResult:
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
        return "xdg-open is not installed"
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
        from wipestation.certify import certificate_pdf, load_renderer

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
    from wipestation.certify import find_certificate

    return find_certificate(session, number)
