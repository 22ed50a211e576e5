"""The console's EraseBackend over the core erasure service: the same steps, in the same order, as
`wipestation erase` (wipestation/cli/erase.py), with the progress callback and should_stop of a
console worker instead of a terminal and signals.

NOTE for the lead: this orchestration belongs in the core (one function both the CLI and the console
call); until it moves there it reuses the CLI's own identity check (`_same_drive`) rather than a copy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from tui.services import EraseProgress, EraseRequest, EraseResult, MethodChoice
from wipestation.certify import CertificateRenderer
from wipestation.devices import DetectedDrive, DriveSource
from wipestation.env import Env
from wipestation.errors import InvalidState, SafetyRefusal, WipestationError


class CoreEraseBackend:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        env: Env,
        source: DriveSource,
        *,
        runner: Any | None = None,
        opener: Any | None = None,
        renderer_factory: Callable[[], CertificateRenderer] | None = None,
    ) -> None:
        from wipestation.erasure.blockio import OsBlockOpener
        from wipestation.erasure.firmware import SubprocessRunner

        self.sessions = sessions
        self.env = env
        self.source = source
        self.runner = runner if runner is not None else SubprocessRunner()
        self.opener = opener if opener is not None else OsBlockOpener()
        self.renderer_factory = renderer_factory
        self._renderer: CertificateRenderer | None = None

    def methods(self, drive: DetectedDrive) -> list[MethodChoice]:
        from wipestation.erasure.firmware import detect_support
        from wipestation.erasure.methods import METHODS, category_text

        ident = drive.identity
        support: dict[str, Any] = {}
        if ident.device and drive.protected_reason is None:
            try:
                support = detect_support(self.runner, ident, ident.device)
            except (OSError, WipestationError):
                support = {}
        out = []
        for m in METHODS.values():
            category = category_text(m, ident.media)
            if drive.protected_reason is not None:
                supported, note = False, f"protected: {drive.protected_reason}"
            elif m.kind == "overwrite":
                supported, note = True, None
            elif m.name in support:
                s = support[m.name]
                supported, note = bool(s.supported), (None if s.supported else str(s.reason))
                if s.supported:
                    category = "Purge" if s.purge else "Clear"
            else:
                supported, note = False, "capabilities unknown"
            out.append(MethodChoice(m.name, category, m.description, supported, note, m.pass_count))
        out.sort(key=lambda c: not c.supported)
        return out

    def _certify(self, erasure_id: int, record_id: int | None) -> tuple[str | None, str | None]:
        if record_id is None:
            return None, None
        from wipestation.certify import issue_erasure_certificate, load_renderer

        try:
            if self._renderer is None:
                factory = self.renderer_factory or (lambda: load_renderer(self.env.config))
                self._renderer = factory()
            with self.sessions.begin() as s:
                return str(issue_erasure_certificate(s, self.env, self._renderer, erasure_id).number), None
        except WipestationError as exc:
            return None, f"erased, but no certificate was issued: {exc}"

    def erase(
        self,
        request: EraseRequest,
        progress: Callable[[EraseProgress], None],
        should_stop: Callable[[], bool],
    ) -> EraseResult:
        from wipestation.cli.erase import _same_drive, _tool_name
        from wipestation.erasure.engine import Checkpoint, EngineResult, OverwriteEngine, OverwriteJob, Progress
        from wipestation.erasure.firmware import FirmwareEngine, build_commands, detect_support, tool_versions
        from wipestation.erasure.methods import get_method, nist_category
        from wipestation.erasure.patterns import new_key
        from wipestation.erasure.service import begin_erasure, finish_erasure, save_checkpoint
        from wipestation.erasure.verify import new_seed

        device = request.device
        method = get_method(request.method)
        detected = self.source.identify(device)
        identity = detected.identity
        if detected.protected_reason is not None:
            raise SafetyRefusal(f"{device} is protected: {detected.protected_reason}")
        if request.serial.strip() != identity.serial:
            raise SafetyRefusal(f"the confirmed serial does not match the serial of {device}; nothing was written")
        if not identity.capacity_bytes:
            raise SafetyRefusal(f"{device}: capacity unknown; refused")
        details: dict[str, Any] = {"bus": identity.bus, "media": identity.media, "via": "console"}
        tool = _tool_name()
        enhanced = False
        plan = None
        if method.kind == "firmware":
            support = detect_support(self.runner, identity, device)[method.name]
            if not support.supported:
                raise InvalidState(f"{method.name} is not possible on {device}: {support.reason}")
            plan = build_commands(support, device)
            enhanced = support.action == "enhanced"
            tool = f"{tool}; {tool_versions(self.runner, method.name)}"
            details.update({"firmware_action": support.action, "firmware_reason": support.reason})
            hpa = (support.details or {}).get("hpa_dco")
            if hpa:
                details["hpa_dco"] = hpa
        category = nist_category(method, identity, enhanced=enhanced)

        def show(p: Progress) -> None:
            progress(EraseProgress(p.bytes_done, p.bytes_total, p.pass_number, p.passes, p.rate, p.eta_seconds,
                                   p.phase))

        erasure_id = 0

        def checkpoint(cp: Checkpoint) -> None:
            with self.sessions.begin() as s:
                save_checkpoint(s, self.env, erasure_id, cp)

        engine = OverwriteEngine(
            self.opener,
            reidentify=lambda: _same_drive(identity, self.source.identify(device), device),
            on_progress=show,
            should_stop=should_stop,
            on_checkpoint=checkpoint,
        )
        with engine.open(device, identity.capacity_bytes) as opened:
            with self.sessions.begin() as s:
                start = begin_erasure(
                    s, self.env, identity=identity, device=device, method=method, verify=request.verify,
                    category=category, tool=tool, resume=False, key=new_key() if method.needs_key else None,
                    details=details,
                )
            erasure_id = start.erasure_id
            result: EngineResult
            if plan is not None:
                result = FirmwareEngine(self.runner, on_progress=show).run(opened, plan, identity.capacity_bytes)
            else:
                job = OverwriteJob(
                    device=device, size=identity.capacity_bytes, passes=method.passes, key=start.key,
                    verify=request.verify,  # type: ignore[arg-type]
                    verify_seed=new_seed(), start_pass=start.start_pass, start_offset=start.start_offset,
                    bytes_written=start.bytes_written, bad_ranges=start.bad_ranges,
                )
                result = engine.run(opened, job)
        with self.sessions.begin() as s:
            erasure = finish_erasure(s, self.env, erasure_id, result)
            outcome, error, record_id = erasure.outcome.value, erasure.error, erasure.record_id
        certificate, note = self._certify(erasure_id, record_id) if outcome == "succeeded" else (None, None)
        return EraseResult(outcome, error or note, erasure_id, record_id, certificate)
