"""The erasure history of a drive: every attempt, and what the last one left to do (issue 12).

`show` (text and `--json`, key `erasures`) and the console's record detail both read it from here,
so they say the same. The resume rule is stated here too, once, for `erase` and for `show`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wipestation.common.i18n import N_, Phrase, _, shown
from wipestation.common.units import format_capacity
from wipestation.store.models import Certificate, Erasure, ErasureOutcome

RESTART_HINT = N_("`--restart` starts over")
INTERRUPTED_WARNING = N_(
    "the last erasure ({id}, {method}) was interrupted at {position}: `erase` with the same method resumes it; {hint}"
)
# An erasure's outcome as the history lines show it (the JSON keeps the stored word).
OUTCOME_WORDS = {
    "running": N_("running"),
    "succeeded": N_("succeeded"),
    "with-exceptions": N_("with-exceptions"),
    "failed": N_("failed"),
    "interrupted": N_("interrupted"),
}


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


def position_text(entry: dict[str, Any]) -> Phrase:
    """Where an erasure stands: '1.8 GB of 8.0 GB' (with the pass when there are several); a Phrase,
    so it stays English inside `show --json` and is shown in the reader's language (`shown()`)."""
    done, total = format_capacity(int(entry["checkpoint_offset"])), format_capacity(int(entry["bytes_total"]))
    where = Phrase(N_("{done} of {total}"), done=done, total=total)
    passes = int(entry.get("passes") or 1)
    if passes > 1:
        at = min(int(entry["checkpoint_pass"]) + 1, passes)
        return Phrase(N_("pass {n} of {passes}, {where}"), n=at, passes=passes, where=where)
    return where


def last_attempt_warning(entries: list[dict[str, Any]]) -> str | None:
    """What to tell the technician when the drive's last erasure did not end well (None: it did)."""
    if not entries:
        return None
    last = entries[-1]
    if last["outcome"] == ErasureOutcome.INTERRUPTED.value:
        return Phrase(
            INTERRUPTED_WARNING,
            id=last["erasure_id"],
            method=last["method"],
            position=position_text(last),
            hint=Phrase(RESTART_HINT),
        )
    if last["outcome"] == ErasureOutcome.FAILED.value:
        if last["error"]:
            return Phrase(
                N_("the last erasure ({id}, {method}) failed: {error}"),
                id=last["erasure_id"],
                method=last["method"],
                error=last["error"],
            )
        return Phrase(N_("the last erasure ({id}, {method}) failed"), id=last["erasure_id"], method=last["method"])
    if last["outcome"] == ErasureOutcome.RUNNING.value:
        return Phrase(
            N_("erasure {id} ({method}) is running on {host}"),
            id=last["erasure_id"],
            method=last["method"],
            host=last["host"] or Phrase(N_("another workstation")),
        )
    return None


def history_lines(entries: list[dict[str, Any]]) -> list[str]:
    """The history as short lines for a terminal or the console."""
    lines = []
    for e in entries:
        started = e["started_at"].strftime("%Y-%m-%d %H:%M") if e["started_at"] else "?"
        ended = e["ended_at"].strftime("%Y-%m-%d %H:%M") if e["ended_at"] else "-"
        line = f"#{e['erasure_id']} {e['method']} {_(OUTCOME_WORDS.get(e['outcome'], e['outcome']))}  " + _(
            "{started} .. {ended}  written {written}, verified {verified} of {total}; bad ranges {bad}"
        ).format(
            started=started,
            ended=ended,
            written=format_capacity(int(e["bytes_written"])),
            verified=format_capacity(int(e["bytes_verified"])),
            total=format_capacity(int(e["bytes_total"])),
            bad=len(e["bad_ranges"]),
        )
        if e["outcome"] in (ErasureOutcome.INTERRUPTED.value, ErasureOutcome.RUNNING.value):
            line += "; " + _("checkpoint {position}").format(position=shown(position_text(e)))
        if e["sectors_not_written"]:
            line += "; " + _("{n} hidden sectors not written").format(n=e["sectors_not_written"])
        line += "; " + _("certificate {number}").format(number=e["certificate"] or "-")
        lines.append(line)
    return lines
