"""The erasure's records: checkpoints, heartbeats and the end; starting (`starting`) and the recovery
of erasures whose process died (`recovery`) are re-exported from here. Services take a Session; the
caller owns the transaction."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from wipestation.audit.log import Action, record_event
from wipestation.common.env import Env
from wipestation.common.erasure_details import Verification
from wipestation.common.errors import InvalidState
from wipestation.erasure.recovery import (
    STALE_AFTER,
    abandon_erasure,
    fail_on_internal_error,
    pid_alive,
    recover_stale,
    this_host,
)
from wipestation.erasure.starting import (
    ErasureStart,
    ResumePoint,
    begin_erasure,
    precheck_begin,
    resume_point,
    resume_preview,
    resume_refusal,
)
from wipestation.records.custody import mark_erased, release_from_erasure
from wipestation.store.models import CustodyRecord, Drive, Erasure, ErasureOutcome

if TYPE_CHECKING:  # the engine (and its cipher) is not needed to read or close the records
    from wipestation.erasure.engine import Checkpoint, EngineResult


__all__ = [
    "STALE_AFTER",
    "ErasureStart",
    "ResumePoint",
    "abandon_erasure",
    "begin_erasure",
    "fail_on_internal_error",
    "finish_erasure",
    "heartbeat",
    "pid_alive",
    "precheck_begin",
    "recover_stale",
    "resume_point",
    "resume_preview",
    "resume_refusal",
    "save_checkpoint",
    "this_host",
]

# the audit action that records an erasure's end, by its outcome
_ENDED = {
    ErasureOutcome.SUCCEEDED: Action.ERASURE_SUCCEEDED,
    ErasureOutcome.WITH_EXCEPTIONS: Action.ERASURE_SUCCEEDED_WITH_EXCEPTIONS,
    ErasureOutcome.FAILED: Action.ERASURE_FAILED,
    ErasureOutcome.INTERRUPTED: Action.ERASURE_INTERRUPTED,
}


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


def heartbeat(session: Session, env: Env, erasure_id: int) -> None:
    """The erasure's process is alive (while the firmware works, when there is no checkpoint to save)."""
    session.execute(
        update(Erasure)
        .where(Erasure.id == erasure_id, Erasure.outcome == ErasureOutcome.RUNNING)
        .values(heartbeat_at=env.now())
        .execution_options(synchronize_session=False)
    )


def finish_erasure(
    session: Session, env: Env, erasure_id: int, result: EngineResult, *, not_written: int | None = None
) -> Erasure:
    """Store the honest result; move the custody record; the key goes unless the erasure can resume.
    `not_written` is the count of hidden sectors this run could not reach (the erasure is "with exceptions").

    An erasure "with exceptions" (sectors hidden by an HPA/DCO were not written) counts as done: a backup
    record is closed (the backup was written through the operating system, which never sees the hidden
    sectors) and the certificate states the exception."""
    erasure = session.get(Erasure, erasure_id)
    if erasure is None:
        raise InvalidState(f"erasure {erasure_id} not found")
    outcome = ErasureOutcome(result.outcome)
    _store_result(erasure, env, outcome, result, not_written)
    drive = session.get(Drive, erasure.drive_id)
    record = session.get(CustodyRecord, erasure.record_id) if erasure.record_id is not None else None
    if outcome.erased:
        if drive is not None:
            drive.erase_count = (drive.erase_count or 0) + 1
        if record is not None:
            mark_erased(session, env, record, erasure.id, outcome.value)
    else:
        release_from_erasure(session, env, erasure.record_id, erasure.id)
    after: dict[str, Any] = {
        "outcome": outcome.value,
        "bytes_written": erasure.bytes_written,
        "bytes_verified": erasure.bytes_verified,
        "verify_result": erasure.verify_result,
        "bad_ranges": len(erasure.bad_ranges),
        "checkpoint_pass": erasure.checkpoint_pass,
        "checkpoint_offset": erasure.checkpoint_offset,
    }
    if erasure.details.hidden.sectors_not_written is not None:
        after["sectors_not_written"] = erasure.details.hidden.sectors_not_written
    customer_id = record.customer_id if record is not None else None
    before = {"outcome": "running"}
    record_event(
        session, env, _ENDED[outcome], "erasure", erasure.id, before=before, after=after, customer_id=customer_id
    )
    session.flush()
    return erasure


def _store_result(
    erasure: Erasure, env: Env, outcome: ErasureOutcome, result: EngineResult, not_written: int | None
) -> None:
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
    details = erasure.details
    if not_written is not None:
        details = replace(details, hidden=replace(details.hidden, sectors_not_written=not_written))
    verification = Verification(
        tuple(result.mismatches[:100]) or details.verification.mismatches,
        details.verification.subsections if result.verify_subsections is None else result.verify_subsections,
    )
    # the certificate's sector size and count: the one the run started with, else the engine's
    erasure.details = replace(details, verification=verification, sector_size=details.sector_size or result.sector_size)
    if outcome is not ErasureOutcome.INTERRUPTED:
        erasure.stream_key = None
