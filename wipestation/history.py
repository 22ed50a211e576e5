"""The erasure history of a drive: every attempt, and what the last one left to do (issue 12).

`show` (text and `--json`, key `erasures`) and the console's record detail both read it from here,
so they say the same. The resume rule is stated here too, once, for `erase` and for `show`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wipestation.models import Certificate, Erasure, ErasureOutcome
from wipestation.units import format_capacity

RESTART_HINT = "`--restart` starts over"


def erasure_entry(erasure: Erasure, certificate: str | None) -> dict[str, Any]:
    details = erasure.details or {}
    return {
        "erasure_id": erasure.id,
        "record_id": erasure.record_id,
        "method": erasure.method,
        "outcome": erasure.outcome.value,
        "started_at": erasure.started_at,
        "ended_at": erasure.ended_at,
        "bytes_total": erasure.bytes_total,
        "bytes_written": erasure.bytes_written,
        "bytes_verified": erasure.bytes_verified,
        "verify_result": erasure.verify_result,
        "bad_ranges": erasure.bad_ranges or [],
        "checkpoint_pass": erasure.checkpoint_pass,
        "checkpoint_offset": erasure.checkpoint_offset,
        "passes": erasure.passes,
        "certificate": certificate,
        "error": erasure.error,
        "resumed": int(details.get("resumed", 0)),
        "superseded": bool(details.get("superseded", False)),
        "sectors_not_written": details.get("sectors_not_written")
        if erasure.outcome is ErasureOutcome.WITH_EXCEPTIONS
        else None,
        "technician": erasure.technician,
        "host": erasure.host,
    }


def drive_erasures(session: Session, drive_id: int) -> list[dict[str, Any]]:
    """Every erasure of the drive, oldest first, each with its certificate number (or None)."""
    rows = list(session.execute(select(Erasure).where(Erasure.drive_id == drive_id).order_by(Erasure.id)).scalars())
    numbers = dict(
        session.execute(
            select(Certificate.erasure_id, Certificate.number).where(Certificate.erasure_id.in_([e.id for e in rows]))
        ).all()
    )
    return [erasure_entry(e, numbers.get(e.id)) for e in rows]


def position_text(entry: dict[str, Any]) -> str:
    """Where an erasure stands: '1.8 of 8.0 GB' (with the pass when there are several)."""
    where = f"{format_capacity(int(entry['checkpoint_offset']))} of {format_capacity(int(entry['bytes_total']))}"
    passes = int(entry.get("passes") or 1)
    if passes > 1:
        where = f"pass {min(int(entry['checkpoint_pass']) + 1, passes)} of {passes}, {where}"
    return where


def last_attempt_warning(entries: list[dict[str, Any]]) -> str | None:
    """What to tell the technician when the drive's last erasure did not end well (None: it did)."""
    if not entries:
        return None
    last = entries[-1]
    if last["outcome"] == ErasureOutcome.INTERRUPTED.value:
        return (
            f"the last erasure ({last['erasure_id']}, {last['method']}) was interrupted at {position_text(last)}: "
            f"`erase` with the same method resumes it; {RESTART_HINT}"
        )
    if last["outcome"] == ErasureOutcome.FAILED.value:
        why = f": {last['error']}" if last["error"] else ""
        return f"the last erasure ({last['erasure_id']}, {last['method']}) failed{why}"
    if last["outcome"] == ErasureOutcome.RUNNING.value:
        return f"erasure {last['erasure_id']} ({last['method']}) is running on {last['host'] or 'another workstation'}"
    return None


def history_lines(entries: list[dict[str, Any]]) -> list[str]:
    """The history as short lines for a terminal or the console."""
    lines = []
    for e in entries:
        started = e["started_at"].strftime("%Y-%m-%d %H:%M") if e["started_at"] else "?"
        ended = e["ended_at"].strftime("%Y-%m-%d %H:%M") if e["ended_at"] else "-"
        line = (
            f"#{e['erasure_id']} {e['method']} {e['outcome']}  {started} .. {ended}  "
            f"written {format_capacity(int(e['bytes_written']))}, verified {format_capacity(int(e['bytes_verified']))}"
            f" of {format_capacity(int(e['bytes_total']))}; bad ranges {len(e['bad_ranges'])}"
        )
        if e["outcome"] in (ErasureOutcome.INTERRUPTED.value, ErasureOutcome.RUNNING.value):
            line += f"; checkpoint {position_text(e)}"
        if e["sectors_not_written"]:
            line += f"; {e['sectors_not_written']} hidden sectors not written"
        line += f"; certificate {e['certificate'] or '-'}"
        lines.append(line)
    return lines
