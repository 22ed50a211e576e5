"""The console's EraseBackend: the core's one erasure orchestration (wipestation.erasure.run), the same
that `wipestation erase` runs, with a console worker's progress callback and cancel flag."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from tui.services import EraseRequest
from wipestation.app import BeforeVerify
from wipestation.common.commands import CommandRunner
from wipestation.common.devices import DetectedDrive, DriveSource
from wipestation.common.env import Env
from wipestation.common.errors import WipestationError
from wipestation.common.i18n import _
from wipestation.documents.certify import CertificateData, CertificateRenderer, VerifyReport, load_renderer
from wipestation.erasure.blockio import BlockOpener, OsBlockOpener
from wipestation.erasure.engine import Progress
from wipestation.erasure.hidden import Rescan, rescan_capacity
from wipestation.erasure.result import ErasureResult
from wipestation.erasure.run import EraseOrder, EraseServices, MethodOffer, method_offers, run_erasure
from wipestation.shop.helper import require_device_access, runner_for


class OneAtATime:
    """A renderer shared by erasures running side by side: one thread at a time prepares, renders and
    signs with the one signer. (Creating the shop's key on first use is locked where it happens,
    `certificates.keys.load_shop_key`, for every process.)"""

    def __init__(self, renderer: CertificateRenderer) -> None:
        self.renderer = renderer
        self._lock = threading.Lock()

    def prepare(self) -> None:
        with self._lock:
            self.renderer.prepare()

    def render(self, data: CertificateData, lang: str) -> bytes:
        with self._lock:
            return self.renderer.render(data, lang)

    def verify(self, pdf: bytes) -> VerifyReport:
        with self._lock:
            return self.renderer.verify(pdf)


class CoreEraseBackend:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        env: Env,
        source: DriveSource,
        *,
        runner: CommandRunner | None = None,
        opener: BlockOpener | None = None,
        renderer_factory: Callable[[], CertificateRenderer] | None = None,
        before_verify: BeforeVerify | None = None,
        rescan: Rescan | None = None,
    ) -> None:
        self.sessions = sessions
        self.env = env
        self.source = source
        self.runner: CommandRunner | None = runner  # None: the real tools, through the root helper when not root
        self.opener: BlockOpener = opener if opener is not None else OsBlockOpener()
        self._renderer_factory = renderer_factory or (lambda: load_renderer(env.config))
        self._renderer: CertificateRenderer | None = None
        self._renderer_lock = threading.Lock()
        self.before_verify = before_verify  # the overrides the CLI honours too (`Overrides`)
        self.rescan: Rescan = rescan if rescan is not None else rescan_capacity

    def _renderer_once(self) -> CertificateRenderer:
        with self._renderer_lock:  # erasures side by side ask for it at once
            if self._renderer is None:
                self._renderer = OneAtATime(self._renderer_factory())
            return self._renderer

    def runner_for(self, device: str, serial: str) -> CommandRunner:
        """The injected runner, or the one the CLI uses: root runs the tools itself, a technician
        through the narrow root helper (which checks identity and protection itself)."""
        return self.runner if self.runner is not None else runner_for(device, serial)

    def methods(self, drive: DetectedDrive, *, probe: bool = True) -> list[MethodOffer]:
        runner = self.runner_for(drive.identity.device or "", drive.identity.serial)
        try:
            offers = method_offers(runner, drive, probe=probe)
        except (OSError, WipestationError):
            offers = method_offers(runner, DetectedDrive(drive.identity, _("capabilities could not be read")))
        return sorted(offers, key=lambda o: not o.supported)

    def erase(
        self,
        request: EraseRequest,
        progress: Callable[[Progress], None],
        should_stop: Callable[[], bool],
    ) -> ErasureResult:
        require_device_access(request.device)  # a technician outside the group: refused before anything opens
        services = EraseServices(
            sessions=self.sessions,
            env=self.env,
            source=self.source,
            runner=self.runner_for(request.device, request.serial),
            opener=self.opener,
            renderer=self._renderer_once,
            before_verify=self.before_verify,
            rescan=self.rescan,
        )
        order = EraseOrder(
            device=request.device,
            method=request.method,
            verify=request.verify,
            confirm_serial=request.serial,
            via="console",
            restart=request.restart,
        )
        return run_erasure(services, order, on_progress=progress, should_stop=should_stop)
