"""Recording a drive's health per drive and date, with what its erasure showed; reading it back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wipestation.audit.log import Action, record_event
from wipestation.common.env import Env
from wipestation.stock.health.judging import ErasureSigns, assess, summary
from wipestation.stock.health.reading import HealthReading
from wipestation.store.models import Drive, DriveHealth, Erasure, ErasureOutcome


def erasure_speed(
    erasure: Erasure, *, ended_at: datetime | None = None, bytes_written: int | None = None
) -> float | None:
    """Bytes written per second of an overwrite erasure, verification included (None for firmware
    methods, a resumed erasure, whose time includes the pause, or no duration). `ended_at` and
    `bytes_written` stand for the row's own while the erasure is being finished."""
    details = erasure.details
    ended = ended_at or erasure.ended_at
    written = erasure.bytes_written if bytes_written is None else bytes_written
    if ended is None or erasure.passes < 1 or details.firmware is not None or details.resumed:
        return None
    seconds = (ended - erasure.started_at).total_seconds()
    if seconds <= 0 or written <= 0:
        return None
    return written / seconds


SHARED_LOOKBACK = timedelta(days=7)  # no erasure runs longer than this


def shared_erasure(session: Session, erasure: Erasure, *, ended_at: datetime | None = None) -> bool:
    """Whether another erasure ran on the same workstation while this one did: they shared the CPU, and
    often a bus, a hub or a controller, so this one's speed says nothing about its drive."""
    end = ended_at or erasure.ended_at
    if end is None:
        return False
    others = session.execute(
        select(Erasure).where(
            Erasure.id != erasure.id,
            Erasure.host.is_(None) if erasure.host is None else Erasure.host == erasure.host,
            Erasure.started_at < end,
            Erasure.started_at > erasure.started_at - SHARED_LOOKBACK,
        )
    ).scalars()
    for other in others:
        if other.outcome is ErasureOutcome.RUNNING:
            other_end = end
        else:
            other_end = other.ended_at or other.heartbeat_at or other.started_at
        if other_end > erasure.started_at:
            return True
    return False


def erasure_signs(
    session: Session,
    erasure: Erasure,
    *,
    ended_at: datetime | None = None,
    bytes_written: int | None = None,
    bad_ranges: Sequence[Any] | None = None,
) -> ErasureSigns:
    """Its unwritable ranges and its speed, with the speeds of the drive's earlier successful runs of
    the same method and verification (a full read-back takes longer than a sample). Like with like: a
    run that shared the workstation with another erasure has no speed here, neither this one nor an
    earlier one."""
    earlier = session.execute(
        select(Erasure).where(
            Erasure.drive_id == erasure.drive_id,
            Erasure.id != erasure.id,
            Erasure.outcome == ErasureOutcome.SUCCEEDED,
            Erasure.method == erasure.method,
            Erasure.verify_mode == erasure.verify_mode,
        )
    ).scalars()
    speeds = tuple(s for s in (erasure_speed(e) for e in earlier if not shared_erasure(session, e)) if s is not None)
    shared = shared_erasure(session, erasure, ended_at=ended_at)
    return ErasureSigns(
        io_errors=len(erasure.bad_ranges or [] if bad_ranges is None else bad_ranges),
        bytes_per_second=None if shared else erasure_speed(erasure, ended_at=ended_at, bytes_written=bytes_written),
        earlier_bytes_per_second=speeds,
        shared=shared,
    )


def store_health(
    session: Session,
    env: Env,
    drive: Drive,
    reading: HealthReading,
    *,
    erasure: Erasure | None = None,
    signs: ErasureSigns | None = None,
) -> DriveHealth:
    """Judge and store one reading of the drive (after an erasure: with what it showed, `signs`, or
    read from the finished erasure's row). What a failing verdict does to a shop drive is the pool's
    rule (`wipestation.stock.pool.record_health`)."""
    if signs is None and erasure is not None:
        signs = erasure_signs(session, erasure)
    judged = assess(reading, env.config.health, signs)
    figures = reading.figures()
    if signs is not None:
        figures["erase_io_errors"] = signs.io_errors
        if signs.bytes_per_second is not None:
            figures["erase_bytes_per_second"] = round(signs.bytes_per_second)
        if signs.shared:
            figures["erase_shared"] = True  # ran beside another erasure: its speed was not judged
    row = DriveHealth(
        drive_id=drive.id,
        erasure_id=erasure.id if erasure is not None else None,
        read_at=env.now(),
        verdict=judged.verdict,
        smart_passed=reading.smart_passed,
        source=reading.source,
        reasons=list(judged.reasons),
        figures=figures,
        read_by=env.actor,
    )
    session.add(row)
    session.flush()
    record_event(
        session,
        env,
        Action.DRIVE_HEALTH_CHECKED,
        "drive",
        drive.id,
        after={"verdict": judged.verdict, "health_id": row.id, "erasure_id": row.erasure_id, "source": row.source},
    )
    return row


def latest_health(session: Session, drive_id: int) -> DriveHealth | None:
    stmt = select(DriveHealth).where(DriveHealth.drive_id == drive_id).order_by(DriveHealth.id.desc()).limit(1)
    return session.execute(stmt).scalars().first()


def health_for_erasure(session: Session, erasure_id: int) -> DriveHealth | None:
    stmt = select(DriveHealth).where(DriveHealth.erasure_id == erasure_id).order_by(DriveHealth.id.desc()).limit(1)
    return session.execute(stmt).scalars().first()


def health_to_dict(row: DriveHealth, serial: str | None = None) -> dict[str, Any]:
    return {
        "id": row.id,
        "drive_id": row.drive_id,
        "serial": serial,
        "erasure_id": row.erasure_id,
        "read_at": row.read_at,
        "verdict": row.verdict,
        "smart_passed": row.smart_passed,
        "source": row.source,
        "reasons": list(row.reasons or []),
        **dict(row.figures or {}),
    }


def health_summary(row: DriveHealth) -> str:
    return summary(row.verdict, dict(row.figures or {}), list(row.reasons or []))
