"""One erasure, start to finish: the single orchestration that `wipestation erase` and the console
both call (identify -> confirm -> capabilities -> open exclusively -> begin -> run -> finish -> certify).

Everything with a side effect comes in through `EraseServices`; the caller supplies the progress
callback and the stop flag (signals on a terminal, a worker's cancel in the console).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from wipestation.certify import CertificateRenderer, issue_erasure_certificate
from wipestation.custody import open_record_for_drive
from wipestation.devices import DetectedDrive, DriveSource
from wipestation.env import Env
from wipestation.erasure.blockio import BlockOpener, block_device_present
from wipestation.erasure.engine import Checkpoint, EngineResult, OpenedDevice, OverwriteEngine, OverwriteJob, Progress
from wipestation.erasure.firmware import CommandRunner, FirmwareEngine, build_commands, detect_support, tool_versions
from wipestation.erasure.hidden import Rescan, rescan_capacity, settle_hidden
from wipestation.erasure.methods import CLEAR, Method, get_method, nist_category
from wipestation.erasure.patterns import new_key
from wipestation.erasure.service import (
    abandon_erasure,
    begin_erasure,
    erasure_to_dict,
    finish_erasure,
    heartbeat,
    precheck_begin,
    save_checkpoint,
)
from wipestation.erasure.verify import SamplePlan, new_seed
from wipestation.errors import InvalidState, SafetyRefusal, WipestationError
from wipestation.identity import DriveIdentity
from wipestation.models import CustodyKind, Drive

log = logging.getLogger(__name__)


def tool_name() -> str:
    try:
        return f"wipestation {version('wipestation')}"
    except PackageNotFoundError:
        return "wipestation"


@dataclass(frozen=True)
class EraseOrder:
    """What the technician asked for."""

    device: str
    method: str
    verify: str  # full / sample / none
    confirm_serial: str
    resume: bool = False
    via: str = "cli"
    restore_hidden: bool = False  # make sectors hidden by an HPA/DCO visible first, and erase them too
    restart: bool = False  # start over instead of resuming the drive's interrupted erasure


@dataclass
class EraseServices:
    sessions: sessionmaker[Session]
    env: Env
    source: DriveSource
    runner: CommandRunner
    opener: BlockOpener
    renderer: Callable[[], CertificateRenderer]
    before_verify: Callable[[OpenedDevice, SamplePlan | None], None] | None = None
    attached: Callable[[str], bool] = block_device_present
    rescan: Rescan = rescan_capacity  # the kernel reads the capacity again (after --restore-hidden)

    def still_attached(self, device: str) -> Callable[[], bool]:
        return lambda: self.attached(device)


@dataclass
class EraseReport:
    """The stored erasure (as `erasure_to_dict`) and its certificate number, if one was issued."""

    erasure: dict[str, Any] = field(default_factory=dict)

    @property
    def outcome(self) -> str:
        return str(self.erasure["outcome"])

    @property
    def certificate(self) -> str | None:
        return self.erasure.get("certificate")


def same_drive(confirmed: DriveIdentity, now: DetectedDrive, device: str) -> None:
    """Refuse (exit 3) when the device is not the drive the technician confirmed, or became protected."""
    if now.protected_reason is not None:
        raise SafetyRefusal(f"{device} is protected now: {now.protected_reason}; nothing was written")
    fresh = now.identity
    for what, a, b in (
        ("serial", confirmed.serial, fresh.serial),
        ("capacity", confirmed.capacity_bytes, fresh.capacity_bytes),
        ("model", confirmed.model, fresh.model),
    ):
        if a != b:
            raise SafetyRefusal(
                f"{device} changed since it was confirmed ({what} {a!r} is now {b!r}); nothing was written"
            )


def confirmed_identity(source: DriveSource, device: str, confirm_serial: str) -> DriveIdentity:
    detected = source.identify(device)
    identity = detected.identity
    if detected.protected_reason is not None:
        raise SafetyRefusal(f"{device} is protected: {detected.protected_reason}")
    if confirm_serial.strip() != identity.serial:
        raise SafetyRefusal(f"the confirmed serial does not match the serial of {device}; nothing was written")
    if not identity.capacity_bytes:
        raise SafetyRefusal(f"{device}: capacity unknown; refused")
    return identity


def _abandon(services: EraseServices, erasure_id: int, exc: BaseException) -> None:
    """Record an erasure that stopped on an unexpected error as interrupted (best effort: the error
    that stopped it is the one the caller sees)."""
    what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    try:
        with services.sessions.begin() as s:
            abandon_erasure(s, services.env, erasure_id, f"stopped on an unexpected error ({what})")
    except Exception:
        log.exception("could not record erasure %s as interrupted", erasure_id)


def _needs_certificate(sessions: sessionmaker[Session], serial: str) -> bool:
    with sessions.begin() as s:
        drive = s.query(Drive).filter(Drive.serial == serial).one_or_none()
        record = open_record_for_drive(s, drive.id) if drive is not None else None
        return record is not None and record.kind is CustodyKind.BACKUP


def run_erasure(
    services: EraseServices,
    order: EraseOrder,
    *,
    on_progress: Callable[[Progress], None],
    should_stop: Callable[[], bool],
    on_start: Callable[[str], None] | None = None,
) -> EraseReport:
    """Erase one whole drive; returns the stored result. Raises before writing when it must refuse."""
    env, sessions = services.env, services.sessions
    method: Method = get_method(order.method)
    identity = confirmed_identity(services.source, order.device, order.confirm_serial)
    device, size = order.device, identity.capacity_bytes or 0
    renderer: CertificateRenderer | None = None
    if _needs_certificate(sessions, identity.serial):
        renderer = services.renderer()
        renderer.prepare()  # a damaged signing key is found now, before anything is written
    details: dict[str, Any] = {"bus": identity.bus, "media": identity.media, "via": order.via}
    tool = tool_name()
    enhanced = False
    purge_possible = True
    plan = None
    if method.kind == "firmware":
        support = detect_support(services.runner, identity, device)[method.name]
        if not support.supported:
            raise SafetyRefusal(f"{method.name} is not possible on {device}: {support.reason}; nothing was written")
        plan = build_commands(support, device)
        enhanced = support.action == "enhanced"
        purge_possible = support.purge
        tool = f"{tool}; {tool_versions(services.runner, method.name)}"
        details.update({"firmware_action": support.action, "firmware_reason": support.reason})
        hpa = (support.details or {}).get("hpa_dco")
        if hpa:
            details["hpa_dco"] = hpa
    not_written = 0
    if method.kind == "overwrite":
        # An overwrite reaches the visible sectors only: hidden ones are restored first when asked,
        # or the erasure ends "with exceptions" and says how many were not written.
        confirmed = identity

        def reread() -> DriveIdentity:
            now = services.source.identify(device)
            same_drive(replace(confirmed, capacity_bytes=now.identity.capacity_bytes), now, device)
            return now.identity

        if order.restore_hidden:
            with sessions.begin() as s:
                precheck_begin(s, env, identity.serial)  # the rules first: a drive they keep stays as it is
        hidden = settle_hidden(
            services.runner, device, identity, restore=order.restore_hidden, rescan=services.rescan, reread=reread
        )
        identity, size, not_written = hidden.identity, hidden.identity.capacity_bytes or 0, hidden.sectors_not_written
        details.update(hidden.details)
    elif order.restore_hidden:
        raise InvalidState(f"--restore-hidden is for overwrite methods; {method.name} is a firmware method")
    category = nist_category(method, identity, enhanced=enhanced)
    if not purge_possible:
        category = CLEAR  # what the drive can do here (e.g. SANITIZE OVERWRITE on flash) is no Purge
    erasure_id = 0

    def checkpoint(cp: Checkpoint) -> None:
        with sessions.begin() as s:
            save_checkpoint(s, env, erasure_id, cp)

    def alive() -> None:
        with sessions.begin() as s:
            heartbeat(s, env, erasure_id)

    engine = OverwriteEngine(
        services.opener,
        reidentify=lambda: same_drive(identity, services.source.identify(device), device),
        on_progress=on_progress,
        should_stop=should_stop,
        on_checkpoint=checkpoint,
        before_verify=services.before_verify,
        still_attached=services.still_attached(device),
    )
    with engine.open(device, size) as opened:
        with sessions.begin() as s:
            start = begin_erasure(
                s,
                env,
                identity=identity,
                device=device,
                method=method,
                verify=order.verify,
                category=category,
                tool=tool,
                resume=order.resume,
                restart=order.restart,
                key=new_key() if method.needs_key else None,
                details=details,
            )
        erasure_id = start.erasure_id
        if on_start is not None:
            on_start(start.message)
        result: EngineResult
        try:
            if plan is not None:
                firmware = FirmwareEngine(services.runner, on_progress=on_progress, heartbeat=alive)
                result = firmware.run(opened, plan, size)
            else:
                job = OverwriteJob(
                    device=device,
                    size=size,
                    passes=method.passes,
                    key=start.key,
                    verify=order.verify,  # type: ignore[arg-type]
                    verify_seed=new_seed(),
                    start_pass=start.start_pass,
                    start_offset=start.start_offset,
                    bytes_written=start.bytes_written,
                    bad_ranges=start.bad_ranges,
                )
                result = engine.run(opened, job)
        except BaseException as exc:
            _abandon(services, erasure_id, exc)
            raise
    finished: dict[str, Any] = {}
    if not_written and result.outcome == "succeeded":
        result.outcome = "with-exceptions"
        finished = {"sectors_not_written": not_written, "sector_size": details.get("sector_size", 512)}
    with sessions.begin() as s:
        erasure = finish_erasure(s, env, erasure_id, result, details=finished)
        out = erasure_to_dict(erasure)
    out["certificate"] = None
    out["certificate_error"] = None
    if out["outcome"] in ("succeeded", "with-exceptions") and out["record_id"] is not None and renderer is not None:
        # Its own transaction: the erasure stays recorded even if issuing fails (then it says why).
        try:
            with sessions.begin() as s:
                out["certificate"] = str(issue_erasure_certificate(s, env, renderer, erasure_id).number)
        except WipestationError as exc:
            out["certificate_error"] = str(exc)
    return EraseReport(out)


@dataclass(frozen=True)
class MethodOffer:
    """One sanitisation method as offered for one drive (or in general, without a drive)."""

    name: str
    kind: str  # overwrite / firmware
    passes: int
    patterns: str
    nist_category: str
    description: str
    supported: bool | None = None  # None: no drive given
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            "passes": self.passes,
            "patterns": self.patterns,
            "nist_category": self.nist_category,
            "description": self.description,
        }
        if self.supported is not None:
            out["supported"], out["reason"] = self.supported, self.reason
        return out


NOT_PROBED = "capabilities not read yet"


def method_offers(runner: CommandRunner, detected: DetectedDrive | None, *, probe: bool = True) -> list[MethodOffer]:
    """Every method with its NIST category; for a drive, which it supports and why (capabilities first).

    `probe=False` answers at once without asking the drive (hdparm, nvme, ... can take a second over
    a USB bridge): overwrites are offered, firmware methods wait for the probe."""
    from wipestation.erasure.methods import METHODS, category_text

    support = {}
    if probe and detected is not None and detected.protected_reason is None and detected.identity.device:
        support = detect_support(runner, detected.identity, detected.identity.device)
    media = detected.identity.media if detected is not None else "unknown"
    offers = []
    for m in METHODS.values():
        category = category_text(m, media)
        supported: bool | None = None
        reason: str | None = None
        if detected is not None:
            if detected.protected_reason is not None:
                supported, reason = False, f"protected: {detected.protected_reason}"
            elif m.kind == "overwrite":
                supported, reason = True, "host overwrite of every addressable block"
            elif m.name in support:
                s = support[m.name]
                supported, reason = bool(s.supported), str(s.reason)
                if s.supported:
                    category = "Purge" if s.purge else "Clear"
            else:
                supported, reason = False, "capabilities unknown" if probe else NOT_PROBED
        offers.append(
            MethodOffer(m.name, m.kind, m.pass_count, m.pattern_label, category, m.description, supported, reason)
        )
    return offers
