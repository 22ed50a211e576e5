"""Console fixtures: a real in-memory store, a fake drive source, watcher and erasure engine."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tui.app import WipestationApp
from tui.services import ConsoleServices, EraseRequest
from wipestation.common.config import Config
from wipestation.common.devices import DetectedDrive, DriveEvent, DriveSink
from wipestation.common.env import Env
from wipestation.common.errors import NotFound, SafetyRefusal
from wipestation.common.identity import DriveIdentity
from wipestation.common.outcome import ErasureOutcome
from wipestation.documents.certify import CertificateData, VerifyReport
from wipestation.erasure.engine import Progress
from wipestation.erasure.result import ErasureResult
from wipestation.erasure.run import MethodOffer
from wipestation.records.customers import CustomerInput, add_customer
from wipestation.store.db import open_store


def disk(
    device: str,
    serial: str,
    *,
    model: str = "Test Disk",
    size: int = 500_000_000_000,
    protected: str | None = None,
    media: str = "hdd",
) -> DetectedDrive:
    ident = DriveIdentity(serial=serial, model=model, capacity_bytes=size, device=device, bus="usb", media=media)
    return DetectedDrive(ident, protected)


class FakeDriveSource:
    def __init__(self, drives: list[DetectedDrive] | None = None) -> None:
        self.drives = list(drives or [])

    def list_drives(self) -> list[DetectedDrive]:
        return list(self.drives)

    def identify(self, device: str) -> DetectedDrive:
        for d in self.drives:
            if d.identity.device == device:
                return d
        raise NotFound(f"no such device {device}")

    def identify_fd(self, fd: int) -> DetectedDrive:
        raise NotFound(f"no drive held open on descriptor {fd}")


class FakeWatcher:
    """Captures the App's sink; `emit` calls it from a thread, as the udev observer does."""

    def __init__(self, source: FakeDriveSource) -> None:
        self.source = source
        self.sink: DriveSink | None = None
        self.config: Config | None = None
        self.started = False
        self.stopped = False

    def factory(self, config: Config, sink: DriveSink) -> FakeWatcher:
        self.config, self.sink = config, sink
        return self

    def start(self) -> None:
        self.started = True

    def stop(self) -> None:
        self.stopped = True

    def emit(self, event: DriveEvent) -> None:
        assert self.sink is not None
        t = threading.Thread(target=self.sink, args=(event,))
        t.start()
        t.join()

    def attach(self, drive: DetectedDrive) -> None:
        self.source.drives.append(drive)
        self.emit(DriveEvent("attached", drive.identity.device or "?", drive.identity, drive.protected_reason))

    def detach(self, device: str) -> None:
        self.source.drives = [d for d in self.source.drives if d.identity.device != device]
        self.emit(DriveEvent("detached", device, None))


METHODS = [
    MethodOffer("zero", "overwrite", 1, "0x00", "Clear", "One pass of zeros", supported=True),
    MethodOffer("random", "overwrite", 1, "random", "Clear", "One pass of AES-CTR", supported=True),
    MethodOffer("dod-3pass", "overwrite", 3, "0x00, 0xFF, random", "Clear", "Three passes", supported=True),
    MethodOffer(
        "ata-secure-erase", "firmware", 1, "firmware", "Purge", "ATA SECURITY ERASE", False, "not an ATA drive"
    ),
]


def fake_result(
    request: EraseRequest,
    outcome: ErasureOutcome,
    error: str | None = None,
    record_id: int | None = None,
    certificate: str | None = None,
) -> ErasureResult:
    """The core's result of an erasure of 1 MB that the fake eraser did not run."""
    written = 1_000_000 if outcome.erased else 0
    when = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    return ErasureResult(
        erasure_id=1,
        drive_id=1,
        record_id=record_id,
        device=request.device,
        method=request.method,
        passes=1,
        nist_category="Clear",
        outcome=outcome,
        bytes_total=1_000_000,
        bytes_written=written,
        bytes_verified=written,
        verify_mode=request.verify,
        verify_result="passed" if outcome.erased else None,
        verify_seed=None,
        verify_coverage=None,
        bad_ranges=(),
        error=error,
        checkpoint_pass=0,
        checkpoint_offset=0,
        tool="fake",
        started_at=when,
        ended_at=when,
        resumed=0,
        hpa_dco=None,
        sectors_not_written=None,
        hidden_restored=None,
        certificate=certificate,
    )


@dataclass
class FakeEraser:
    """Each erasure reports `steps` progress callbacks, then waits for `release` (if set) and ends
    with `outcome` (or `interrupted` once should_stop() says so)."""

    steps: int = 4
    outcome: str = "succeeded"
    error: str | None = None
    hold: bool = False
    certificate: str | None = "WS-2026-000001"
    on_success: Callable[[EraseRequest], int | None] | None = None
    calls: list[EraseRequest] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    probed: list[bool] = field(default_factory=list)
    started: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))

    def methods(self, drive: DetectedDrive, *, probe: bool = True) -> list[MethodOffer]:
        self.probed.append(probe)
        return list(METHODS) if probe else [m for m in METHODS if m.name in ("zero", "random")]

    def erase(
        self, request: EraseRequest, progress: Callable[[Progress], None], should_stop: Callable[[], bool]
    ) -> ErasureResult:
        self.calls.append(request)
        if request.serial.startswith("REFUSE"):
            raise SafetyRefusal(f"{request.device} changed identity: refusing")
        total = 1_000_000
        for i in range(1, self.steps + 1):
            progress(Progress("write", 1, 1, total * i // self.steps, total, 100e6, (self.steps - i) * 1.0))
        self.started.release()
        if self.hold:
            while not self.release.wait(0.01):
                if should_stop():
                    return fake_result(request, ErasureOutcome.INTERRUPTED, "stopped by the technician")
        if should_stop():
            return fake_result(request, ErasureOutcome.INTERRUPTED, "stopped by the technician")
        record_id = self.on_success(request) if self.on_success and self.outcome == "succeeded" else None
        cert = self.certificate if self.outcome == "succeeded" else None
        return fake_result(request, ErasureOutcome(self.outcome), self.error, record_id, cert)


class FakeRenderer:
    """Stands in for the reportlab/pyHanko renderer (the `certificates` package)."""

    def __init__(self) -> None:
        self.rendered: list[tuple[str, str]] = []

    def prepare(self) -> None:
        pass

    def render(self, data: CertificateData, lang: str) -> bytes:
        self.rendered.append((data.number, lang))
        return b"%PDF-1.7 fake " + data.number.encode()

    def verify(self, pdf: bytes) -> VerifyReport:
        raise NotImplementedError


@pytest.fixture
def renderer() -> FakeRenderer:
    return FakeRenderer()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    # a file, as in use: the console's workers (store poll, erasures, writes) each get their own
    # connection; an in-memory store shares one connection between threads
    engine, factory = open_store(f"sqlite:///{tmp_path / 'console.sqlite3'}")
    yield factory
    engine.dispose()


@pytest.fixture
def drive_source() -> FakeDriveSource:
    return FakeDriveSource()


@pytest.fixture
def watcher(drive_source: FakeDriveSource) -> FakeWatcher:
    return FakeWatcher(drive_source)


@pytest.fixture
def eraser() -> FakeEraser:
    return FakeEraser()


@pytest.fixture
def opened() -> list[Path]:
    return []


@pytest.fixture
def services(
    store: sessionmaker[Session],
    env: Env,
    drive_source: FakeDriveSource,
    watcher: FakeWatcher,
    eraser: FakeEraser,
    opened: list[Path],
    tmp_path: Path,
    renderer: FakeRenderer,
) -> ConsoleServices:
    def open_file(path: Path) -> str | None:
        opened.append(path)
        return None

    return ConsoleServices(
        sessions=store,
        env=env,
        drive_source=drive_source,
        watcher_factory=watcher.factory,
        eraser=eraser,
        open_file=open_file,
        export_dir=tmp_path,
        renderer_factory=lambda: renderer,
    )


@pytest.fixture
def make_app(services: ConsoleServices) -> Callable[..., WipestationApp]:
    def make(**changes: Any) -> WipestationApp:
        return WipestationApp(replace(services, **changes))

    return make


def current_screen(app: WipestationApp) -> object:
    """`app.screen`, read afresh, for an identity check: mypy keeps an `isinstance` narrowing of
    `app.screen` across the awaits that change the screen, and would call the check unreachable."""
    return app.screen


def add_customers(store: sessionmaker[Session], env: Env, *names: str) -> list[int]:
    with store.begin() as s:
        return [
            add_customer(s, env, CustomerInput(name=n, email=f"{n.split()[0].lower()}@example.nl")).id for n in names
        ]
