"""The erasure's records: starting (custody rules, check-and-set), checkpoints, the end, and the
recovery of erasures whose process died. Services take a Session; the caller owns the transaction."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from wipestation.audit import Action, record_event
from wipestation.custody import effective_due, open_record_for_drive, upsert_drive
from wipestation.env import Env
from wipestation.erasure.methods import Method
from wipestation.errors import BadValue, InvalidState
from wipestation.identity import DriveIdentity
from wipestation.models import CustodyKind, CustodyRecord, CustodyState, Drive, DriveOwner, Erasure, ErasureOutcome

if TYPE_CHECKING:  # the engine (and its cipher) is not needed to read or close the records
    from wipestation.erasure.engine import Checkpoint, EngineResult

# the audit action that records an erasure's end, by its outcome
_ENDED = {
    ErasureOutcome.SUCCEEDED: Action.ERASURE_SUCCEEDED,
    ErasureOutcome.WITH_EXCEPTIONS: Action.ERASURE_SUCCEEDED_WITH_EXCEPTIONS,
    ErasureOutcome.FAILED: Action.ERASURE_FAILED,
    ErasureOutcome.INTERRUPTED: Action.ERASURE_INTERRUPTED,
}

STALE_AFTER = timedelta(minutes=5)  # a heartbeat older than this belongs to a dead erasure


def this_host() -> str:
    return socket.gethostname()


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_stale(erasure: Erasure, env: Env, host: str) -> bool:
    if erasure.heartbeat_at is not None and env.now() - erasure.heartbeat_at > STALE_AFTER:
        return True
    return erasure.host == host and erasure.pid is not None and not pid_alive(erasure.pid)


def recover_stale(session: Session, env: Env, *, host: str | None = None) -> list[int]:
    """Mark running erasures whose process is gone (kill -9, power cut) as interrupted, and give
    their custody records back (erasing -> holding). Their checkpoint stays, so they can resume."""
    host = host or this_host()
    recovered: list[int] = []
    running = session.execute(select(Erasure).where(Erasure.outcome == ErasureOutcome.RUNNING)).scalars().all()
    for erasure in running:
        if not _is_stale(erasure, env, host):
            continue
        _mark_interrupted(
            session,
            env,
            erasure,
            ended_at=erasure.heartbeat_at or env.now(),
            error="the erasing process ended without finishing (killed or power lost)",
            reason="process gone",
        )
        recovered.append(erasure.id)
    session.flush()
    return recovered


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

    @property
    def message(self) -> str:
        """The resume rule, stated when `erase` starts: an interrupted erasure of the drive with the same
        method (and size) is resumed from its checkpoint unless `--restart` is given."""
        from wipestation.history import RESTART_HINT, position_text

        if self.resumed:
            where = position_text(
                {
                    "checkpoint_offset": self.start_offset,
                    "checkpoint_pass": self.start_pass,
                    "bytes_total": self.bytes_total,
                    "passes": self.passes,
                }
            )
            return f"resuming erasure {self.erasure_id} at {where}; {RESTART_HINT}"
        text = f"starting erasure {self.erasure_id}"
        if self.not_resumed is not None:
            text += f"; interrupted erasure {self.not_resumed} is not resumed ({self.not_resumed_why})"
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
    def position(self) -> str:
        from wipestation.history import position_text

        return position_text(
            {
                "checkpoint_offset": self.checkpoint_offset,
                "checkpoint_pass": self.checkpoint_pass,
                "bytes_total": self.bytes_total,
                "passes": self.passes,
            }
        )


def resume_refusal(point: ResumePoint | None, method: Method, capacity: int, *, restart: bool = False) -> str | None:
    """The resume rule: None when `point` is continued by an erasure with `method` over `capacity`
    bytes (same method, same size, its key still there), else why not ("" when there is nothing)."""
    if point is None:
        return ""
    if restart:
        return "--restart"
    if point.method != method.name:
        return f"it used {point.method}; `--method {point.method}` would resume it"
    if point.bytes_total != capacity:
        return f"it covered {point.bytes_total} bytes, the drive now has {capacity}"
    if not point.has_key and method.needs_key:
        return "its random-pass key is gone"
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
        return "starts from the first byte (nothing to resume)"
    if why is None:
        return f"will resume erasure {point.erasure_id} at {point.position}"
    return f"starts from the first byte; interrupted erasure {point.erasure_id} is not resumed ({why})"


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
    details: dict[str, Any] | None = None,
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
        raise BadValue("--resume and --restart contradict each other: give one")
    host = host or this_host()
    pid = pid if pid is not None else os.getpid()
    capacity = identity.capacity_bytes or 0
    recover_stale(session, env, host=host)
    # The drive's row is locked until this transaction ends: two workstations starting on the same drive
    # queue here, and the second sees the first one's running erasure.
    drive = session.execute(select(Drive).where(Drive.serial == identity.serial).with_for_update()).scalar_one_or_none()
    if drive is None:
        drive = upsert_drive(session, env, identity, DriveOwner.SHOP)
        record_event(
            session,
            env,
            Action.DRIVE_REGISTERED,
            "drive",
            drive.id,
            after={"serial": drive.serial, "owner": "shop", "via": "erase"},
        )
    if (details or {}).get("hidden_state") == "restored" and capacity and drive.capacity_bytes != capacity:
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
    busy = (
        session.execute(select(Erasure).where(Erasure.drive_id == drive.id, Erasure.outcome == ErasureOutcome.RUNNING))
        .scalars()
        .first()
    )
    if busy is not None:
        raise InvalidState(
            f"drive {drive.serial} is already being erased (erasure {busy.id} on {busy.host}, pid {busy.pid})"
        )
    record = open_record_for_drive(session, drive.id)
    if record is not None and record.kind is CustodyKind.BACKUP:
        _claim_backup(session, env, record)
    previous = _latest_interrupted(session, drive.id)
    point = ResumePoint.of(previous) if previous is not None else None
    not_resumed_why = resume_refusal(point, method, capacity, restart=restart)
    resumable = point is not None and not_resumed_why is None
    if resume and not resumable:
        if previous is None:
            raise InvalidState(f"drive {drive.serial} has no interrupted erasure to resume")
        raise InvalidState(
            f"erasure {previous.id} of drive {drive.serial} used method {previous.method} and cannot resume as "
            f"{method.name}; run it again with --method {previous.method}"
        )
    record_id = record.id if record is not None else None
    if resumable and previous is not None:
        claimed = session.execute(
            update(Erasure)
            .where(Erasure.id == previous.id, Erasure.outcome == ErasureOutcome.INTERRUPTED)
            .values(outcome=ErasureOutcome.RUNNING)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            raise InvalidState(f"erasure {previous.id} was resumed by another workstation")
        session.refresh(previous)
        previous.pid, previous.host, previous.heartbeat_at = pid, host, env.now()
        previous.device_path, previous.verify_mode, previous.ended_at, previous.error = device, verify, None, None
        previous.record_id = previous.record_id or record_id
        previous.details = {**(previous.details or {}), "resumed": int((previous.details or {}).get("resumed", 0)) + 1}
        record_event(
            session,
            env,
            Action.ERASURE_RESUMED,
            "erasure",
            previous.id,
            after={"checkpoint_pass": previous.checkpoint_pass, "checkpoint_offset": previous.checkpoint_offset},
            customer_id=record.customer_id if record is not None else None,
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
    if previous is not None:
        previous.stream_key = None  # superseded by a new erasure: its key is no longer needed
        previous.details = {**(previous.details or {}), "superseded": True}
    erasure = Erasure(
        drive_id=drive.id,
        record_id=record_id,
        device_path=device,
        method=method.name,
        passes=method.pass_count,
        nist_category=category,
        verify_mode=verify,
        bytes_total=capacity,
        bytes_written=0,
        bytes_verified=0,
        bad_ranges=[],
        outcome=ErasureOutcome.RUNNING,
        tool=tool,
        technician=env.actor,
        started_at=env.now(),
        heartbeat_at=env.now(),
        pid=pid,
        host=host,
        checkpoint_pass=0,
        checkpoint_offset=0,
        stream_key=key if method.needs_key else None,
        details={"technique": method.description, "pattern": method.pattern_label, **(details or {})},
    )
    session.add(erasure)
    session.flush()
    record_event(
        session,
        env,
        Action.ERASURE_STARTED,
        "erasure",
        erasure.id,
        after={
            "drive_id": drive.id,
            "record_id": record_id,
            "method": method.name,
            "verify": verify,
            "nist_category": category,
            "device": device,
        },
        customer_id=record.customer_id if record is not None else None,
    )
    return ErasureStart(
        erasure.id,
        drive.id,
        record_id,
        False,
        0,
        0,
        0,
        (),
        erasure.stream_key,
        capacity,
        method.pass_count,
        previous.id if previous is not None else None,
        not_resumed_why or None,
    )


def _backup_refusal(env: Env, record: CustodyRecord) -> str | None:
    if record.state is CustodyState.ERASING:
        return f"record {record.id} is being erased already"
    due = effective_due(record)
    if due > env.today():
        return (
            f"record {record.id}: the backup is kept until {due.isoformat()}; if the customer asked for deletion, "
            f"run `wipestation request-deletion {record.id}` first"
        )
    return None


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
        raise InvalidState(f"drive {drive.serial} is already being erased (erasure {busy.id} on {busy.host})")
    record = open_record_for_drive(session, drive.id)
    if record is not None and record.kind is CustodyKind.BACKUP:
        refusal = _backup_refusal(env, record)
        if refusal is not None:
            raise InvalidState(refusal)


def _claim_backup(session: Session, env: Env, record: CustodyRecord) -> None:
    refusal = _backup_refusal(env, record)
    if refusal is not None:
        raise InvalidState(refusal)
    # Check-and-set in this transaction: a second workstation finds the state changed.
    claimed = session.execute(
        update(CustodyRecord)
        .where(CustodyRecord.id == record.id, CustodyRecord.state == CustodyState.HOLDING)
        .values(state=CustodyState.ERASING)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise InvalidState(f"record {record.id} is being erased on another workstation")
    session.refresh(record)
    record_event(
        session,
        env,
        Action.RECORD_ERASURE_STARTED,
        "record",
        record.id,
        before={"state": "holding"},
        after={"state": "erasing"},
        customer_id=record.customer_id,
    )


def _release_record(session: Session, env: Env, erasure: Erasure) -> None:
    if erasure.record_id is None:
        return
    record = session.get(CustodyRecord, erasure.record_id)
    if record is not None and record.state is CustodyState.ERASING:
        record.state = CustodyState.HOLDING
        record_event(
            session,
            env,
            Action.RECORD_ERASURE_ENDED,
            "record",
            record.id,
            before={"state": "erasing"},
            after={"state": "holding", "erasure_id": erasure.id},
            customer_id=record.customer_id,
        )


def save_checkpoint(session: Session, env: Env, erasure_id: int, checkpoint: Checkpoint) -> None:
    """Confirmed progress and a heartbeat (a few times a minute; no audit event)."""
    session.execute(
        update(Erasure)
        .where(Erasure.id == erasure_id, Erasure.outcome == ErasureOutcome.RUNNING)
        .values(
            checkpoint_pass=checkpoint.pass_index,
            checkpoint_offset=checkpoint.offset,
            bytes_written=checkpoint.bytes_written,
            bad_ranges=[list(r) for r in checkpoint.bad_ranges],
            heartbeat_at=env.now(),
        )
        .execution_options(synchronize_session=False)
    )


def abandon_erasure(session: Session, env: Env, erasure_id: int, error: str) -> None:
    """The erasure stopped on an unexpected error (a bug, an I/O error of an unknown kind, the database
    gone for a moment): it is interrupted at its last saved checkpoint, which stays for a resume, and its
    record is given back. Without this it would say running, and its record erasing, until it looked stale."""
    erasure = session.get(Erasure, erasure_id)
    if erasure is None or erasure.outcome is not ErasureOutcome.RUNNING:
        return
    erasure.heartbeat_at = env.now()
    _mark_interrupted(session, env, erasure, ended_at=env.now(), error=error, reason="unexpected error")
    session.flush()


def _mark_interrupted(
    session: Session, env: Env, erasure: Erasure, *, ended_at: datetime, error: str, reason: str
) -> None:
    """A running erasure becomes interrupted at its last checkpoint (kept for a resume); its record
    is given back."""
    erasure.outcome = ErasureOutcome.INTERRUPTED
    erasure.ended_at = ended_at
    erasure.error = error
    _release_record(session, env, erasure)
    record_event(
        session,
        env,
        Action.ERASURE_INTERRUPTED,
        "erasure",
        erasure.id,
        before={"outcome": "running"},
        after={
            "outcome": "interrupted",
            "checkpoint_pass": erasure.checkpoint_pass,
            "checkpoint_offset": erasure.checkpoint_offset,
            "reason": reason,
        },
    )


def heartbeat(session: Session, env: Env, erasure_id: int) -> None:
    """The erasure's process is alive (while the firmware works, when there is no checkpoint to save)."""
    session.execute(
        update(Erasure)
        .where(Erasure.id == erasure_id, Erasure.outcome == ErasureOutcome.RUNNING)
        .values(heartbeat_at=env.now())
        .execution_options(synchronize_session=False)
    )


def finish_erasure(
    session: Session, env: Env, erasure_id: int, result: EngineResult, *, details: dict[str, Any] | None = None
) -> Erasure:
    """Store the honest result; move the custody record; the key goes unless the erasure can resume.
    `details` are added to the erasure's (what this run learned, e.g. the sectors it could not reach).

    An erasure "with exceptions" (sectors hidden by an HPA/DCO were not written) counts as done: a backup
    record is closed (the backup was written through the operating system, which never sees the hidden
    sectors) and the certificate states the exception."""
    erasure = session.get(Erasure, erasure_id)
    if erasure is None:
        raise InvalidState(f"erasure {erasure_id} not found")
    outcome = ErasureOutcome(result.outcome)
    erasure.outcome = outcome
    erasure.ended_at = env.now()
    erasure.heartbeat_at = env.now()
    erasure.bytes_written = result.bytes_written
    erasure.bytes_verified = result.bytes_verified
    erasure.bad_ranges = [list(r) for r in result.bad_ranges]
    erasure.verify_mode = result.verify_mode
    erasure.verify_result = result.verify_result
    erasure.verify_seed = result.verify_seed
    erasure.verify_coverage = result.verify_coverage
    erasure.error = result.error
    erasure.checkpoint_pass = result.checkpoint_pass
    erasure.checkpoint_offset = result.checkpoint_offset
    details = {**(erasure.details or {}), **(details or {})}
    if result.mismatches:
        details["verify_mismatches"] = [list(r) for r in result.mismatches[:100]]
    if result.verify_subsections is not None:
        details["verify_subsections"] = result.verify_subsections
    erasure.details = details
    if outcome is not ErasureOutcome.INTERRUPTED:
        erasure.stream_key = None
    drive = session.get(Drive, erasure.drive_id)
    record = session.get(CustodyRecord, erasure.record_id) if erasure.record_id is not None else None
    if outcome.erased:
        if drive is not None:
            drive.erase_count = (drive.erase_count or 0) + 1
        if record is not None and record.kind is CustodyKind.BACKUP and record.state is CustodyState.ERASING:
            record.state = CustodyState.ERASED
            record.closed_at = env.now()
            record_event(
                session,
                env,
                Action.RECORD_ERASED,
                "record",
                record.id,
                before={"state": "erasing"},
                after={"state": "erased", "erasure_id": erasure.id, "outcome": outcome.value},
                customer_id=record.customer_id,
            )
    else:
        _release_record(session, env, erasure)
    record_event(
        session,
        env,
        _ENDED[outcome],
        "erasure",
        erasure.id,
        before={"outcome": "running"},
        after={
            "outcome": outcome.value,
            "bytes_written": erasure.bytes_written,
            "bytes_verified": erasure.bytes_verified,
            "verify_result": erasure.verify_result,
            "bad_ranges": len(erasure.bad_ranges),
            "checkpoint_pass": erasure.checkpoint_pass,
            "checkpoint_offset": erasure.checkpoint_offset,
            **({"sectors_not_written": details["sectors_not_written"]} if "sectors_not_written" in details else {}),
        },
        customer_id=record.customer_id if record is not None else None,
    )
    session.flush()
    return erasure


def erasure_to_dict(erasure: Erasure) -> dict[str, Any]:
    return {
        "erasure_id": erasure.id,
        "drive_id": erasure.drive_id,
        "record_id": erasure.record_id,
        "device": erasure.device_path,
        "method": erasure.method,
        "passes": erasure.passes,
        "nist_category": erasure.nist_category,
        "outcome": erasure.outcome.value,
        "bytes_total": erasure.bytes_total,
        "bytes_written": erasure.bytes_written,
        "bytes_verified": erasure.bytes_verified,
        "verify_mode": erasure.verify_mode,
        "verify_result": erasure.verify_result,
        "verify_seed": erasure.verify_seed,
        "verify_coverage": erasure.verify_coverage,
        "bad_ranges": erasure.bad_ranges,
        "error": erasure.error,
        "checkpoint_pass": erasure.checkpoint_pass,
        "checkpoint_offset": erasure.checkpoint_offset,
        "tool": erasure.tool,
        "started_at": erasure.started_at,
        "ended_at": erasure.ended_at,
        "resumed": int((erasure.details or {}).get("resumed", 0)),
        "hpa_dco": (erasure.details or {}).get("hpa_dco"),
        "sectors_not_written": (erasure.details or {}).get("sectors_not_written"),
        "hidden_restored": (erasure.details or {}).get("hidden_restored"),
    }
