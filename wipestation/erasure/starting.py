"""Starting an erasure: the custody rules, the drive locked, check-and-set, and the resume rule (an
interrupted erasure of the drive is continued from its checkpoint)."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from wipestation.audit.log import Action, record_event
from wipestation.common.env import Env
from wipestation.common.erasure_details import ErasureDetails, Technique
from wipestation.common.errors import BadValue, InvalidState
from wipestation.common.i18n import Phrase, _, shown
from wipestation.common.identity import DriveIdentity
from wipestation.erasure.methods import Method
from wipestation.erasure.recovery import recover_stale, this_host
from wipestation.records import custody as custody_rules
from wipestation.records.custody import claim_for_erasure, erasure_refusal, open_record_for_drive, upsert_drive
from wipestation.records.history import RESTART_HINT, position_text
from wipestation.store.models import CustodyKind, Drive, DriveOwner, Erasure, ErasureOutcome


@dataclass(frozen=True)
class ErasureStart:
    erasure_id: int
    drive_id: int
    record_id: int | None
    resumed: bool
    start_pass: int
    start_offset: int
    bytes_written: int
    bad_ranges: tuple[tuple[int, int], ...]
    key: bytes | None
    bytes_total: int = 0
    passes: int = 1
    not_resumed: int | None = None  # an interrupted erasure of the drive that this one does not continue
    not_resumed_why: str | None = None
    shop_drive: bool = False  # the drive is the shop's own (its health is read after the erasure)

    @classmethod
    def fresh(cls, erasure: Erasure, not_resumed: int | None, not_resumed_why: str | None) -> ErasureStart:
        """A new erasure, from the first byte (`not_resumed`: an interrupted one it supersedes)."""
        key, total, passes = erasure.stream_key, erasure.bytes_total, erasure.passes
        return cls(
            erasure.id,
            erasure.drive_id,
            erasure.record_id,
            False,
            0,
            0,
            0,
            (),
            key,
            total,
            passes,
            not_resumed,
            not_resumed_why,
        )

    @property
    def message(self) -> str:
        """The resume rule, stated when `erase` starts: an interrupted erasure of the drive with the same
        method (and size) is resumed from its checkpoint unless `--restart` is given."""
        if self.resumed:
            where = position_text(self.start_offset, self.bytes_total, self.passes, self.start_pass)
            text = _("resuming erasure {id} at {position}; {hint}")
            return text.format(id=self.erasure_id, position=shown(where), hint=_(RESTART_HINT))
        text = _("starting erasure {id}").format(id=self.erasure_id)
        if self.not_resumed is not None:
            text += "; " + _("interrupted erasure {id} is not resumed ({why})").format(
                id=self.not_resumed, why=self.not_resumed_why
            )
        return text


def _latest_interrupted(session: Session, drive_id: int) -> Erasure | None:
    """Only the drive's last erasure can be continued: an interrupted one that a later erasure
    superseded stays in the history and is never resumed."""
    latest = (
        session.execute(select(Erasure).where(Erasure.drive_id == drive_id).order_by(Erasure.id.desc()))
        .scalars()
        .first()
    )
    return latest if latest is not None and latest.outcome is ErasureOutcome.INTERRUPTED else None


@dataclass(frozen=True)
class ResumePoint:
    """A drive's interrupted erasure, as the resume rule sees it (plain data: safe to pass between threads)."""

    erasure_id: int
    method: str
    bytes_total: int
    has_key: bool
    checkpoint_pass: int
    checkpoint_offset: int
    passes: int

    @classmethod
    def of(cls, erasure: Erasure) -> ResumePoint:
        return cls(
            erasure.id,
            erasure.method,
            erasure.bytes_total,
            erasure.stream_key is not None,
            erasure.checkpoint_pass,
            erasure.checkpoint_offset,
            erasure.passes,
        )

    @property
    def position(self) -> Phrase:
        return position_text(self.checkpoint_offset, self.bytes_total, self.passes, self.checkpoint_pass)


def resume_refusal(point: ResumePoint | None, method: Method, capacity: int, *, restart: bool = False) -> str | None:
    """The resume rule: None when `point` is continued by an erasure with `method` over `capacity`
    bytes (same method, same size, its key still there), else why not ("" when there is nothing)."""
    if point is None:
        return ""
    if restart:
        return "--restart"
    if point.method != method.name:
        return _("it used {method}; `--method {method}` would resume it").format(method=point.method)
    if point.bytes_total != capacity:
        return _("it covered {n} bytes, the drive now has {size}").format(n=point.bytes_total, size=capacity)
    if not point.has_key and method.needs_key:
        return _("its random-pass key is gone")
    return None


def resume_point(session: Session, serial: str) -> ResumePoint | None:
    """The drive's interrupted erasure that the resume rule looks at (read only)."""
    drive_id = session.execute(select(Drive.id).where(Drive.serial == serial)).scalar_one_or_none()
    if drive_id is None:
        return None
    previous = _latest_interrupted(session, drive_id)
    return ResumePoint.of(previous) if previous is not None else None


def resume_preview(point: ResumePoint | None, method: Method, capacity: int) -> str:
    """What an erasure of the drive with `method` will do, in the words `erase` uses when it starts."""
    why = resume_refusal(point, method, capacity)
    if point is None or why == "":
        return _("starts from the first byte (nothing to resume)")
    if why is None:
        return _("will resume erasure {id} at {position}").format(id=point.erasure_id, position=shown(point.position))
    return _("starts from the first byte; interrupted erasure {id} is not resumed ({why})").format(
        id=point.erasure_id, why=why
    )


def begin_erasure(
    session: Session,
    env: Env,
    *,
    identity: DriveIdentity,
    device: str,
    method: Method,
    verify: str,
    category: str,
    tool: str,
    resume: bool,
    key: bytes | None,
    details: ErasureDetails | None = None,
    host: str | None = None,
    pid: int | None = None,
    restart: bool = False,
) -> ErasureStart:
    """Check the custody rules and start (or resume) an erasure row in state running.

    The resume rule: the drive's latest interrupted erasure is continued from its checkpoint when it
    used the same method over the same size (with `resume` or without); `restart` starts a new one from
    the first byte instead, and the interrupted one stays in the history. `resume` refuses when there is
    nothing to continue."""
    if resume and restart:
        raise BadValue(_("--resume and --restart contradict each other: give one"))
    host = host or this_host()
    pid = pid if pid is not None else os.getpid()
    capacity = identity.capacity_bytes or 0
    recover_stale(session, env, host=host)
    drive = _locked_drive(session, env, identity, capacity, details)
    _refuse_if_running(session, drive)
    custody_rules.refuse_pool_drive(session, drive.id)
    record = open_record_for_drive(session, drive.id)
    if record is not None and record.kind is CustodyKind.BACKUP:
        claim_for_erasure(session, env, record)
    previous = _latest_interrupted(session, drive.id)
    point = ResumePoint.of(previous) if previous is not None else None
    not_resumed_why = resume_refusal(point, method, capacity, restart=restart)
    resumable = point is not None and not_resumed_why is None
    if resume and not resumable:
        _refuse_resume(drive, previous, method)
    record_id = record.id if record is not None else None
    customer_id = record.customer_id if record is not None else None
    if resumable and previous is not None:
        resumed = _resume(session, env, previous, drive, record_id, customer_id, device, verify, host, pid)
        return replace(resumed, shop_drive=drive.owner is DriveOwner.SHOP)
    if previous is not None:
        previous.stream_key = None  # superseded by a new erasure: its key is no longer needed
        previous.details = replace(previous.details, superseded=True)
    new = _Run(drive, record_id, customer_id, device, method, verify, category, tool, capacity, host, pid)
    erasure = _start_new(session, env, new, key, details)
    start = ErasureStart.fresh(erasure, previous.id if previous is not None else None, not_resumed_why or None)
    return replace(start, shop_drive=drive.owner is DriveOwner.SHOP)


def _locked_drive(
    session: Session, env: Env, identity: DriveIdentity, capacity: int, details: ErasureDetails | None
) -> Drive:
    """The drive's row, locked until this transaction ends: two workstations starting on the same drive
    queue here, and the second sees the first one's running erasure. A drive not seen before is a shop's."""
    drive = session.execute(select(Drive).where(Drive.serial == identity.serial).with_for_update()).scalar_one_or_none()
    if drive is None:
        drive = upsert_drive(session, env, identity, DriveOwner.SHOP)
        after = {"serial": drive.serial, "owner": "shop", "via": "erase"}
        record_event(session, env, Action.DRIVE_REGISTERED, "drive", drive.id, after=after)
    if details is not None and details.hidden.state == "restored" and capacity and drive.capacity_bytes != capacity:
        # --restore-hidden made the HPA/DCO-hidden sectors visible: the drive is this big (the certificate
        # names the capacity that was erased)
        record_event(
            session,
            env,
            Action.DRIVE_CAPACITY_RESTORED,
            "drive",
            drive.id,
            before={"capacity_bytes": drive.capacity_bytes},
            after={"capacity_bytes": capacity},
        )
        drive.capacity_bytes = capacity
    return drive


def _refuse_if_running(session: Session, drive: Drive) -> None:
    busy = (
        session.execute(select(Erasure).where(Erasure.drive_id == drive.id, Erasure.outcome == ErasureOutcome.RUNNING))
        .scalars()
        .first()
    )
    if busy is not None:
        raise InvalidState(
            _("drive {serial} is already being erased (erasure {id} on {host}, pid {pid})").format(
                serial=drive.serial, id=busy.id, host=busy.host, pid=busy.pid
            )
        )


def _refuse_resume(drive: Drive, previous: Erasure | None, method: Method) -> None:
    if previous is None:
        raise InvalidState(_("drive {serial} has no interrupted erasure to resume").format(serial=drive.serial))
    raise InvalidState(
        _(
            "erasure {id} of drive {serial} used method {previous} and cannot resume as {method}; "
            "run it again with --method {previous}"
        ).format(id=previous.id, serial=drive.serial, previous=previous.method, method=method.name)
    )


def _resume(
    session: Session,
    env: Env,
    previous: Erasure,
    drive: Drive,
    record_id: int | None,
    customer_id: int | None,
    device: str,
    verify: str,
    host: str,
    pid: int,
) -> ErasureStart:
    """Continue the interrupted erasure from its checkpoint (check-and-set: one workstation wins)."""
    claimed = session.execute(
        update(Erasure)
        .where(Erasure.id == previous.id, Erasure.outcome == ErasureOutcome.INTERRUPTED)
        .values(outcome=ErasureOutcome.RUNNING)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise InvalidState(_("erasure {id} was resumed by another workstation").format(id=previous.id))
    session.refresh(previous)
    previous.pid, previous.host, previous.heartbeat_at = pid, host, env.now()
    previous.device_path, previous.verify_mode, previous.ended_at, previous.error = device, verify, None, None
    previous.record_id = previous.record_id or record_id
    previous.details = replace(previous.details, resumed=previous.details.resumed + 1)
    record_event(
        session,
        env,
        Action.ERASURE_RESUMED,
        "erasure",
        previous.id,
        after={"checkpoint_pass": previous.checkpoint_pass, "checkpoint_offset": previous.checkpoint_offset},
        customer_id=customer_id,
    )
    session.flush()
    return ErasureStart(
        previous.id,
        drive.id,
        previous.record_id,
        True,
        previous.checkpoint_pass,
        previous.checkpoint_offset,
        previous.bytes_written,
        tuple((int(s), int(e)) for s, e in previous.bad_ranges or []),
        previous.stream_key,
        previous.bytes_total,
        previous.passes,
    )


@dataclass(frozen=True)
class _Run:
    """What a new erasure row records about where and how it runs."""

    drive: Drive
    record_id: int | None
    customer_id: int | None
    device: str
    method: Method
    verify: str
    category: str
    tool: str
    capacity: int
    host: str
    pid: int


def _start_new(session: Session, env: Env, run: _Run, key: bytes | None, details: ErasureDetails | None) -> Erasure:
    method = run.method
    erasure = Erasure(
        drive_id=run.drive.id,
        record_id=run.record_id,
        device_path=run.device,
        method=method.name,
        passes=method.pass_count,
        nist_category=run.category,
        verify_mode=run.verify,
        bytes_total=run.capacity,
        bytes_written=0,
        bytes_verified=0,
        bad_ranges=[],
        outcome=ErasureOutcome.RUNNING,
        tool=run.tool,
        technician=env.actor,
        started_at=env.now(),
        heartbeat_at=env.now(),
        pid=run.pid,
        host=run.host,
        checkpoint_pass=0,
        checkpoint_offset=0,
        stream_key=key if method.needs_key else None,
        details=replace(details or ErasureDetails(), technique=Technique(method.description, method.pattern_label)),
    )
    session.add(erasure)
    session.flush()
    after = {
        "drive_id": run.drive.id,
        "record_id": run.record_id,
        "method": method.name,
        "verify": run.verify,
        "nist_category": run.category,
        "device": run.device,
    }
    record_event(session, env, Action.ERASURE_STARTED, "erasure", erasure.id, after=after, customer_id=run.customer_id)
    return erasure


def precheck_begin(session: Session, env: Env, serial: str) -> None:
    """The custody refusals of `begin_erasure`, checked without changing anything: before a step that
    changes the drive itself (restoring hidden sectors), so a drive the rules keep is left as it was."""
    drive = session.execute(select(Drive).where(Drive.serial == serial)).scalar_one_or_none()
    if drive is None:
        return
    busy = (
        session.execute(select(Erasure).where(Erasure.drive_id == drive.id, Erasure.outcome == ErasureOutcome.RUNNING))
        .scalars()
        .first()
    )
    if busy is not None:
        raise InvalidState(
            _("drive {serial} is already being erased (erasure {id} on {host})").format(
                serial=drive.serial, id=busy.id, host=busy.host
            )
        )
    custody_rules.refuse_pool_drive(session, drive.id)
    record = open_record_for_drive(session, drive.id)
    if record is not None and record.kind is CustodyKind.BACKUP:
        refusal = erasure_refusal(env, record)
        if refusal is not None:
            raise InvalidState(refusal)
