"""One erasure, start to finish: the single orchestration that `wipestation erase` and the console
both call (identify -> confirm -> capabilities -> open exclusively -> begin -> run -> finish -> certify).

Everything with a side effect comes in through `EraseServices`; the caller supplies the progress
callback and the stop flag (signals on a terminal, a worker's cancel in the console).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib.metadata import PackageNotFoundError, version

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from wipestation.common.commands import CommandRunner
from wipestation.common.devices import DriveSource
from wipestation.common.env import Env
from wipestation.common.erasure_details import ErasureDetails, Firmware, HiddenAreas, Origin
from wipestation.common.errors import InvalidState, SafetyRefusal, WipestationError
from wipestation.common.i18n import _, english
from wipestation.common.identity import DriveIdentity
from wipestation.common.room import check_room
from wipestation.documents.certify import CertificateRenderer
from wipestation.erasure.afterwards import certify_in, read_backup_drive_health, send_issued
from wipestation.erasure.blockio import BlockOpener, block_device_present
from wipestation.erasure.confirm import confirmed_identity, same_drive, same_held_drive
from wipestation.erasure.engine import Checkpoint, EngineResult, OpenedDevice, OverwriteEngine, OverwriteJob, Progress
from wipestation.erasure.firmware import FirmwareEngine, FirmwarePlan, build_commands, detect_support, tool_versions
from wipestation.erasure.hidden import HiddenDecision, Rescan, rescan_capacity, settle_hidden
from wipestation.erasure.methods import CLEAR, Method, get_method, nist_category
from wipestation.erasure.offers import NOT_PROBED, MethodOffer, method_offers, recommend
from wipestation.erasure.patterns import new_key
from wipestation.erasure.result import ErasureResult
from wipestation.erasure.service import (
    ErasureStart,
    abandon_erasure,
    begin_erasure,
    fail_on_internal_error,
    finish_erasure,
    heartbeat,
    precheck_begin,
    save_checkpoint,
)
from wipestation.erasure.verify import SamplePlan, new_seed
from wipestation.records.custody import open_record_for_drive
from wipestation.stock.health import FAILING
from wipestation.stock.pool import queue_failing
from wipestation.store.models import CustodyKind, Drive, ErasureOutcome

__all__ = [
    "NOT_PROBED",
    "EraseOrder",
    "EraseServices",
    "MethodOffer",
    "confirmed_identity",
    "method_offers",
    "recommend",
    "run_erasure",
    "same_drive",
    "same_held_drive",
]

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
    asset_tag: str | None = None  # the shop's own asset or service tag, printed on the certificate


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


def _abandon(services: EraseServices, erasure_id: int, exc: BaseException) -> None:
    """Record an erasure that stopped on an exception (best effort: the error that stopped it is the one
    the caller sees). A signal, a refusal, an I/O or database error interrupts it at its last checkpoint,
    for a resume; anything else is an internal error (a defect), and the erasure failed with it."""
    what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    try:
        with services.sessions.begin() as s:
            if is_internal_error(exc):
                fail_on_internal_error(s, services.env, erasure_id, f"internal error ({what})")
            else:
                abandon_erasure(s, services.env, erasure_id, f"stopped on an unexpected error ({what})")
    except Exception:
        log.exception("could not record the end of erasure %s", erasure_id)


def is_internal_error(exc: BaseException) -> bool:
    """Whether an exception is a defect (ours or a library's) rather than something from outside: a
    signal or exit, a refusal, an operating-system or database error."""
    outside = (WipestationError, OSError, SQLAlchemyError, KeyboardInterrupt, SystemExit, GeneratorExit)
    return not isinstance(exc, outside)


def _needs_certificate(sessions: sessionmaker[Session], serial: str) -> bool:
    with sessions.begin() as s:
        drive = s.query(Drive).filter(Drive.serial == serial).one_or_none()
        record = open_record_for_drive(s, drive.id) if drive is not None else None
        return record is not None and record.kind is CustodyKind.BACKUP


@dataclass(frozen=True)
class _Prepared:
    """Everything decided before a byte is written: the drive, the method and its category, the
    firmware commands (for a firmware method), the hidden sectors an overwrite cannot reach."""

    method: Method
    identity: DriveIdentity  # its `device` is the one resolution of the path every later step uses
    device: str
    size: int
    category: str
    tool: str
    details: ErasureDetails
    plan: FirmwarePlan | None
    not_written: int  # hidden sectors left as they are (the erasure ends "with exceptions")
    renderer: CertificateRenderer | None  # prepared when the erasure gets a certificate


def run_erasure(
    services: EraseServices,
    order: EraseOrder,
    *,
    on_progress: Callable[[Progress], None],
    should_stop: Callable[[], bool],
    on_start: Callable[[str], None] | None = None,
) -> ErasureResult:
    """Erase one whole drive; returns the stored result. Raises before writing when it must refuse."""
    prepared = _prepare(services, order)
    start, result = _erase(services, order, prepared, on_progress, should_stop, on_start)
    erasure_id = start.erasure_id
    health = read_backup_drive_health(
        services.sessions, services.env, services.runner, start, prepared.device, prepared.identity, result
    )
    stored = replace(_finish(services, erasure_id, result, prepared, health), health=health)
    return send_issued(services.sessions, services.env, stored, prepared.renderer)


def _prepare(services: EraseServices, order: EraseOrder) -> _Prepared:
    """Identify and confirm the drive, prepare the signer, then decide how it is erased (refusing
    before anything is written: an unsupported firmware method, hidden sectors that cannot be restored)."""
    method: Method = get_method(order.method)
    identity = confirmed_identity(services.source, order.device, order.confirm_serial, allow_member=order.allow_member)
    device = identity.device or order.device
    renderer: CertificateRenderer | None = None
    if _needs_certificate(services.sessions, identity.serial):
        renderer = services.renderer()
        renderer.prepare()  # a damaged signing key is found now, before anything is written
        check_room(services.env.config.data_dir, services.sessions)  # and a full data folder
    details = ErasureDetails(origin=Origin(identity.bus, identity.media, order.via, order.asset_tag or None))
    if method.kind == "firmware":
        return _prepare_firmware(services, order, method, identity, device, details, renderer)
    if order.restore_hidden:
        with services.sessions.begin() as s:
            precheck_begin(s, services.env, identity.serial)  # the rules first: a drive they keep stays as it is
    hidden = _settle_hidden(services, order, identity, device)
    if hidden.sectors_not_written:
        details = replace(details, sector_size=hidden.sector_size)
    details = replace(details, hidden=hidden.details)
    return _Prepared(
        method=method,
        identity=hidden.identity,
        device=device,
        size=hidden.identity.capacity_bytes or 0,
        category=nist_category(method, hidden.identity, enhanced=False),
        tool=tool_name(),
        details=details,
        plan=None,
        not_written=hidden.sectors_not_written,
        renderer=renderer,
    )


def _prepare_firmware(
    services: EraseServices,
    order: EraseOrder,
    method: Method,
    identity: DriveIdentity,
    device: str,
    details: ErasureDetails,
    renderer: CertificateRenderer | None,
) -> _Prepared:
    """A firmware method: what the drive supports, and the exact commands."""
    support = detect_support(services.runner, identity, device)[method.name]
    if not support.supported:
        raise SafetyRefusal(
            _("{method} is not possible on {device}: {reason}; nothing was written").format(
                method=method.name, device=device, reason=support.reason
            )
        )
    plan = build_commands(support, device)
    tool = f"{tool_name()}; {tool_versions(services.runner, method.name)}"
    hpa = (support.details or {}).get("hpa_dco")
    details = replace(
        details, firmware=Firmware(support.action, support.reason), hidden=HiddenAreas(text=str(hpa) if hpa else None)
    )
    if order.restore_hidden:
        raise InvalidState(
            _("--restore-hidden is for overwrite methods; {method} is a firmware method").format(method=method.name)
        )
    category = nist_category(method, identity, enhanced=support.action == "enhanced")
    if not support.purge:
        category = CLEAR  # what the drive can do here (e.g. SANITIZE OVERWRITE on flash) is no Purge
    return _Prepared(method, identity, device, identity.capacity_bytes or 0, category, tool, details, plan, 0, renderer)


def _settle_hidden(services: EraseServices, order: EraseOrder, identity: DriveIdentity, device: str) -> HiddenDecision:
    """An overwrite reaches the visible sectors only: hidden ones are restored first when asked, or
    the erasure ends "with exceptions" and says how many were not written."""
    confirmed = identity

    def reread() -> DriveIdentity:
        now = services.source.identify(device)
        same_drive(replace(confirmed, capacity_bytes=now.identity.capacity_bytes), now, device)
        return now.identity

    return settle_hidden(
        services.runner, device, identity, restore=order.restore_hidden, rescan=services.rescan, reread=reread
    )


def _erase(
    services: EraseServices,
    order: EraseOrder,
    prepared: _Prepared,
    on_progress: Callable[[Progress], None],
    should_stop: Callable[[], bool],
    on_start: Callable[[str], None] | None,
) -> tuple[ErasureStart, EngineResult]:
    """Hold the drive open, record the erasure's start, run the overwrite or the firmware commands.
    An unexpected error records the erasure as interrupted and is raised again."""
    env, sessions, source = services.env, services.sessions, services.source
    identity, device, allow_member = prepared.identity, prepared.device, order.allow_member
    erasure_id = 0

    def checkpoint(cp: Checkpoint) -> None:
        with sessions.begin() as s:
            save_checkpoint(s, env, erasure_id, cp)

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
    with engine.open(device, prepared.size) as opened:
        start = _begin(services, order, prepared)
        erasure_id = start.erasure_id
        if on_start is not None:
            on_start(start.message)
        try:
            if prepared.plan is not None:
                return start, _run_firmware(services, order, prepared, opened, erasure_id, on_progress)
            return start, engine.run(opened, _overwrite_job(order, prepared, start))
        except BaseException as exc:
            _abandon(services, erasure_id, exc)
            raise


def _begin(services: EraseServices, order: EraseOrder, prepared: _Prepared) -> ErasureStart:
    with services.sessions.begin() as s:
        return begin_erasure(
            s,
            services.env,
            identity=prepared.identity,
            device=prepared.device,
            method=prepared.method,
            verify=order.verify,
            category=prepared.category,
            tool=prepared.tool,
            resume=order.resume,
            restart=order.restart,
            key=new_key() if prepared.method.needs_key else None,
            details=prepared.details,
        )


def _overwrite_job(order: EraseOrder, prepared: _Prepared, start: ErasureStart) -> OverwriteJob:
    return OverwriteJob(
        device=prepared.device,
        size=prepared.size,
        passes=prepared.method.passes,
        key=start.key,
        verify=order.verify,  # type: ignore[arg-type]
        verify_seed=new_seed(),
        start_pass=start.start_pass,
        start_offset=start.start_offset,
        bytes_written=start.bytes_written,
        bad_ranges=start.bad_ranges,
    )


def _run_firmware(
    services: EraseServices,
    order: EraseOrder,
    prepared: _Prepared,
    opened: OpenedDevice,
    erasure_id: int,
    on_progress: Callable[[Progress], None],
) -> EngineResult:
    """The commands name the node: right before them it must still be the drive held open and
    confirmed, and their result only counts if it still is afterwards."""
    assert prepared.plan is not None
    source, identity, device, allow_member = services.source, prepared.identity, prepared.device, order.allow_member

    def alive() -> None:
        with services.sessions.begin() as s:
            heartbeat(s, services.env, erasure_id)

    _node_still_confirmed(source, identity, opened, device, allow_member)
    firmware = FirmwareEngine(services.runner, on_progress=on_progress, heartbeat=alive)
    result = firmware.run(opened, prepared.plan, prepared.size)
    try:
        _node_still_confirmed(source, identity, opened, device, allow_member)
    except SafetyRefusal as exc:
        result.outcome, result.verify_result = ErasureOutcome.FAILED, "failed"
        result.error = f"the firmware command's result is not trusted: {exc}"
    return result


def _finish(
    services: EraseServices, erasure_id: int, result: EngineResult, prepared: _Prepared, health: str | None
) -> ErasureResult:
    """Record the erasure's end and, for a customer's disk, issue its certificate in the same
    transaction: a crash or a full disk leaves either both or neither (the erasure then is
    interrupted, its record open and the erasure resumable). Hidden sectors left unwritten make a
    success one "with exceptions"."""
    not_written: int | None = None
    if prepared.not_written and result.outcome is ErasureOutcome.SUCCEEDED:
        result.outcome = ErasureOutcome.WITH_EXCEPTIONS
        not_written = prepared.not_written
    try:
        if prepared.renderer is not None and result.outcome.erased:
            check_room(services.env.config.data_dir, services.sessions)
        with services.sessions.begin() as s:
            erasure = finish_erasure(s, services.env, erasure_id, result, not_written=not_written)
            stored = ErasureResult.stored(erasure)
            if health == FAILING:
                # a failing drive that held a backup is queued for destruction once the backup is erased
                queue_failing(s, services.env, s.get_one(Drive, erasure.drive_id))
            return certify_in(s, services.env, stored, prepared.renderer)
    except BaseException as exc:
        _abandon(services, erasure_id, exc)
        raise


def _node_still_confirmed(
    source: DriveSource, identity: DriveIdentity, opened: OpenedDevice, node: str, allow_member: bool
) -> None:
    """Around the firmware commands, once the erasure's record has started: a refusal here is stored in
    the erasure's error, so it is English (like every text of the record), whatever the language."""
    if not opened.device.is_at(node):
        raise SafetyRefusal(f"{node} names another device than the one held open; nothing was run on it")
    with english():
        same_held_drive(source, identity, opened.device, node, allow_member=allow_member)
