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
from wipestation.commands import CommandRunner
from wipestation.custody import open_record_for_drive
from wipestation.devices import DetectedDrive, DriveSource
from wipestation.env import Env
from wipestation.erasure.blockio import BlockDevice, BlockOpener, block_device_present
from wipestation.erasure.engine import Checkpoint, EngineResult, OpenedDevice, OverwriteEngine, OverwriteJob, Progress
from wipestation.erasure.firmware import FirmwareEngine, build_commands, detect_support, tool_versions
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
from wipestation.health import FAILING, erasure_signs, read_health, record_health
from wipestation.identity import DriveIdentity
from wipestation.models import CustodyKind, Drive, DriveOwner, Erasure, ErasureOutcome
from wipestation.pool import queue_failing
from wipestation.sending import send_on_issue

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
    allow_member: bool = False  # erase a disk carrying a RAID/LVM/ZFS member signature (a customer's old array)
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


def same_drive(confirmed: DriveIdentity, now: DetectedDrive, device: str, *, allow_member: bool = False) -> None:
    """Refuse (exit 3) when the device is not the drive the technician confirmed, or became protected:
    serial, model, capacity, the WWN where both are known, and a loop device's backing file (device
    and inode: two files of the same name in different folders are different drives)."""
    reason = now.refusal(allow_member=allow_member)
    if reason is not None:
        raise SafetyRefusal(f"{device} is protected now: {reason}; nothing was written")
    fresh = now.identity
    checks: list[tuple[str, object, object]] = [
        ("serial", confirmed.serial, fresh.serial),
        ("capacity", confirmed.capacity_bytes, fresh.capacity_bytes),
        ("model", confirmed.model, fresh.model),
        ("backing file", confirmed.backing, fresh.backing),
    ]
    if confirmed.wwn and fresh.wwn:  # where both are known (a USB bridge may hide it one time and not the next)
        checks.append(("WWN", confirmed.wwn.casefold(), fresh.wwn.casefold()))
    for what, a, b in checks:
        if a != b:
            raise SafetyRefusal(
                f"{device} changed since it was confirmed ({what} {a!r} is now {b!r}); nothing was written"
            )


def same_held_drive(
    source: DriveSource, confirmed: DriveIdentity, device: BlockDevice, node: str, *, allow_member: bool = False
) -> None:
    """The device held open is the confirmed drive: its identity read through the descriptor
    (fstat -> major:minor -> sysfs and udev; a loop device's backing file by LOOP_GET_STATUS64)."""
    try:
        held = source.identify_fd(device.fileno())
    except WipestationError as exc:
        raise SafetyRefusal(f"{node}: the device held open cannot be identified ({exc}); nothing was written") from None
    if confirmed.device and held.identity.device and held.identity.device != confirmed.device:
        raise SafetyRefusal(
            f"{node}: the device held open is {held.identity.device}, not the confirmed one; nothing was written"
        )
    same_drive(confirmed, held, node, allow_member=allow_member)


def confirmed_identity(
    source: DriveSource, device: str, confirm_serial: str, *, allow_member: bool = False
) -> DriveIdentity:
    """The identity of the drive at `device`, checked against the serial the technician confirmed. The
    path is resolved once here: the identity's `device` is the node every later step uses."""
    detected = source.identify(device)
    identity = detected.identity
    reason = detected.refusal(allow_member=allow_member)
    if reason is not None:
        raise SafetyRefusal(f"{device} is protected: {reason}")
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
    source, allow_member = services.source, order.allow_member
    identity = confirmed_identity(source, order.device, order.confirm_serial, allow_member=allow_member)
    # The one resolution of the path: from here on the node it named, and the descriptor opened on it.
    device, size = identity.device or order.device, identity.capacity_bytes or 0
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
        reidentify=lambda: same_drive(identity, source.identify(device), device, allow_member=allow_member),
        reidentify_held=lambda held: same_held_drive(source, identity, held, device, allow_member=allow_member),
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
                # The commands name the node: right before them it must still be the drive held open and
                # confirmed, and their result only counts if it still is afterwards.
                _node_still_confirmed(source, identity, opened, device, allow_member)
                firmware = FirmwareEngine(services.runner, on_progress=on_progress, heartbeat=alive)
                result = firmware.run(opened, plan, size)
                try:
                    _node_still_confirmed(source, identity, opened, device, allow_member)
                except SafetyRefusal as exc:
                    result.outcome, result.verify_result = "failed", "failed"
                    result.error = f"the firmware command's result is not trusted: {exc}"
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
    health = _read_backup_drive_health(services, erasure_id, device, identity, result)
    finished: dict[str, Any] = {}
    if not_written and result.outcome == "succeeded":
        result.outcome = "with-exceptions"
        finished = {"sectors_not_written": not_written, "sector_size": details.get("sector_size", 512)}
    with sessions.begin() as s:
        erasure = finish_erasure(s, env, erasure_id, result, details=finished)
        out = erasure_to_dict(erasure)
        if health == FAILING:
            # a failing drive that held a backup is queued for destruction once the backup is erased
            queue_failing(s, env, s.get_one(Drive, erasure.drive_id))
    out["health"] = health
    out["certificate"] = None
    out["certificate_error"] = None
    if out["outcome"] in ("succeeded", "with-exceptions") and out["record_id"] is not None and renderer is not None:
        # Its own transaction: the erasure stays recorded even if issuing fails (then it says why).
        try:
            with sessions.begin() as s:
                out["certificate"] = str(issue_erasure_certificate(s, env, renderer, erasure_id).number)
        except WipestationError as exc:
            out["certificate_error"] = str(exc)
    sent = send_on_issue(sessions, env, renderer, out["certificate"]) if out["certificate"] else None
    out["mail"] = sent.to_dict() if sent is not None else None
    out["mail_warning"] = sent.failure_line() if sent is not None else None
    return EraseReport(out)


def _node_still_confirmed(
    source: DriveSource, identity: DriveIdentity, opened: OpenedDevice, node: str, allow_member: bool
) -> None:
    if not opened.device.is_at(node):
        raise SafetyRefusal(f"{node} names another device than the one held open; nothing was run on it")
    same_held_drive(source, identity, opened.device, node, allow_member=allow_member)


def _read_backup_drive_health(
    services: EraseServices, erasure_id: int, device: str, identity: DriveIdentity, result: EngineResult
) -> str | None:
    """When the erasure of a shop backup drive has run (to success or failure, not interrupted): read
    its SMART and record it with what the erasure showed (unwritable ranges, speed), just before the
    erasure's end is recorded, so the certificate finds it. Returns the verdict; None for a
    customer's disk or an interrupted erasure. A failure here never changes the erasure's result."""
    if result.outcome not in (ErasureOutcome.SUCCEEDED.value, ErasureOutcome.FAILED.value):
        return None
    with services.sessions.begin() as s:
        erasure = s.get(Erasure, erasure_id)
        drive = s.get(Drive, erasure.drive_id) if erasure is not None else None
        if erasure is None or drive is None or drive.owner is not DriveOwner.SHOP:
            return None
    reading = read_health(services.runner, device, bus=identity.bus)
    env = services.env
    try:
        with services.sessions.begin() as s:
            erasure = s.get_one(Erasure, erasure_id)
            signs = erasure_signs(
                s, erasure, ended_at=env.now(), bytes_written=result.bytes_written, bad_ranges=result.bad_ranges
            )
            drive = s.get_one(Drive, erasure.drive_id)
            return record_health(s, env, drive, reading, erasure=erasure, signs=signs).verdict
    except Exception:
        log.exception("could not record the health of the drive of erasure %s", erasure_id)
        return None


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
    recommended: bool = False
    recommended_verify: str | None = None  # for the recommended overwrite: full / sample
    recommendation: str | None = None  # why this one, for this drive

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
            out["recommended"] = self.recommended
            out["recommended_verify"] = self.recommended_verify
            out["recommendation"] = self.recommendation
        return out


FLASH = frozenset({"ssd", "flash"})
# A firmware Purge, best first: sanitize (crypto/block erase of every block, spare ones included),
# then Format with secure erase, then ATA SECURITY ERASE (Purge only where it says so).
PURGE_PREFERENCE = ("nvme-sanitize", "ata-sanitize", "scsi-sanitize", "nvme-format", "ata-secure-erase")


def recommend(offers: list[MethodOffer], media: str) -> list[MethodOffer]:
    """Mark the one method to use on this drive: flash with a firmware Purge -> that Purge; flash
    without -> one verified overwrite, which is only Clear; a hard disk (or unknown media) -> one
    pass with sampled (hard disk) or full verification. Nothing when no drive is given or it is protected."""
    from dataclasses import replace

    by_name = {o.name: o for o in offers}
    if not offers or offers[0].supported is None or not by_name["zero"].supported:
        return offers
    choice, why = "zero", "media unknown: one overwrite with full verification (NIST Clear)"
    verify: str | None = "full"
    if media in FLASH:
        if any(o.reason == NOT_PROBED for o in offers):
            return offers  # whether the flash drive has a firmware Purge is not known yet
        purge = next(
            (n for n in PURGE_PREFERENCE if by_name[n].supported and by_name[n].nist_category == "Purge"), None
        )
        if purge is not None:
            choice, verify = purge, None
            why = "flash with a firmware Purge: the drive erases every block, its spare blocks too (NIST Purge)"
        else:
            why = (
                "flash without a firmware Purge: one overwrite with full verification, which is only Clear "
                "(spare and remapped blocks keep old data)"
            )
    elif media == "hdd":
        verify = "sample"
        why = "a hard disk: one pass with sampled verification (NIST Clear)"
    return [
        replace(o, recommended=True, recommended_verify=verify, recommendation=why) if o.name == choice else o
        for o in offers
    ]


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
    return recommend(offers, media)
