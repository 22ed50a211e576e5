"""Erasures whose process died (kill -9, power cut) or stopped on an unexpected error: interrupted at
their last checkpoint, kept for a resume, their custody record given back."""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from wipestation.audit.log import Action, record_event
from wipestation.common.env import Env
from wipestation.records.custody import release_from_erasure
from wipestation.store.models import Erasure, ErasureOutcome

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


def fail_on_internal_error(session: Session, env: Env, erasure_id: int, error: str) -> None:
    """The erasure stopped on an internal error (a defect of wipestation or of a library, not of the
    drive nor of the person): it failed, with the error, and its record is given back. Not resumable:
    what a defective run wrote or checked is not trusted, so its key goes and the next run starts over."""
    erasure = session.get(Erasure, erasure_id)
    if erasure is None or erasure.outcome is not ErasureOutcome.RUNNING:
        return
    erasure.outcome = ErasureOutcome.FAILED
    erasure.ended_at = env.now()
    erasure.heartbeat_at = env.now()
    erasure.error = error
    erasure.stream_key = None
    release_from_erasure(session, env, erasure.record_id, erasure.id)
    record_event(
        session,
        env,
        Action.ERASURE_FAILED,
        "erasure",
        erasure.id,
        before={"outcome": "running"},
        after={"outcome": "failed", "reason": "internal error", "error": error},
    )
    session.flush()


def _mark_interrupted(
    session: Session, env: Env, erasure: Erasure, *, ended_at: datetime, error: str, reason: str
) -> None:
    """A running erasure becomes interrupted at its last checkpoint (kept for a resume); its record
    is given back."""
    erasure.outcome = ErasureOutcome.INTERRUPTED
    erasure.ended_at = ended_at
    erasure.error = error
    release_from_erasure(session, env, erasure.record_id, erasure.id)
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
