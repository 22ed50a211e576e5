"""The erasure history of a drive: every attempt, and what the last one left to do (issue 12).

`show` (text and `--json`, key `erasures`) and the console's record detail both read it from here,
so they say the same. The resume rule is stated here too, once, for `erase` and for `show`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from wipestation.common.i18n import N_, Phrase, _, ngettext, shown
from wipestation.common.units import format_capacity
from wipestation.store.models import Certificate, Drive, Erasure, ErasureOutcome

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


@dataclass(frozen=True, slots=True)
class ErasureEntry:
    """One erasure of a drive as the history shows it (`show`, its `--json` key `erasures`, the console)."""

    erasure_id: int
    record_id: int | None
    serial: str
    method: str
    outcome: ErasureOutcome
    started_at: datetime
    ended_at: datetime | None
    bytes_total: int
    bytes_written: int
    bytes_verified: int
    verify_result: str | None
    bad_ranges: tuple[tuple[int, int], ...]
    checkpoint_pass: int
    checkpoint_offset: int
    passes: int
    certificate: str | None  # its certificate's number
    error: str | None
    resumed: int  # how many times it was resumed from its checkpoint
    superseded: bool  # interrupted, and a later erasure of the drive did the work
    sectors_not_written: int | None  # with-exceptions only: the hidden sectors left
    technician: str | None
    host: str | None

    @property
    def position(self) -> Phrase:
        return position_text(self.checkpoint_offset, self.bytes_total, self.passes, self.checkpoint_pass)

    def to_dict(self) -> dict[str, Any]:
        """As `show --json` prints it (key `erasures`)."""
        return {
            "erasure_id": self.erasure_id,
            "record_id": self.record_id,
            "method": self.method,
            "outcome": self.outcome.value,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "bytes_total": self.bytes_total,
            "bytes_written": self.bytes_written,
            "bytes_verified": self.bytes_verified,
            "verify_result": self.verify_result,
            "bad_ranges": [list(r) for r in self.bad_ranges],
            "checkpoint_pass": self.checkpoint_pass,
            "checkpoint_offset": self.checkpoint_offset,
            "passes": self.passes,
            "certificate": self.certificate,
            "error": self.error,
            "resumed": self.resumed,
            "superseded": self.superseded,
            "sectors_not_written": self.sectors_not_written,
            "technician": self.technician,
            "host": self.host,
            "serial": self.serial,
        }


def erasure_entry(erasure: Erasure, serial: str, certificate: str | None) -> ErasureEntry:
    details = erasure.details
    not_written = details.hidden.sectors_not_written if erasure.outcome is ErasureOutcome.WITH_EXCEPTIONS else None
    return ErasureEntry(
        erasure_id=erasure.id,
        record_id=erasure.record_id,
        serial=serial,
        method=erasure.method,
        outcome=erasure.outcome,
        started_at=erasure.started_at,
        ended_at=erasure.ended_at,
        bytes_total=erasure.bytes_total,
        bytes_written=erasure.bytes_written,
        bytes_verified=erasure.bytes_verified,
        verify_result=erasure.verify_result,
        bad_ranges=tuple((int(a), int(b)) for a, b in erasure.bad_ranges or []),
        checkpoint_pass=erasure.checkpoint_pass,
        checkpoint_offset=erasure.checkpoint_offset,
        passes=erasure.passes,
        certificate=certificate,
        error=erasure.error,
        resumed=details.resumed,
        superseded=details.superseded,
        sectors_not_written=not_written,
        technician=erasure.technician,
        host=erasure.host,
    )


def drive_erasures(session: Session, drive_id: int) -> list[ErasureEntry]:
    """Every erasure of the drive, oldest first, each with its certificate number (or None)."""
    return _entries(session, select(Erasure, Drive.serial).where(Erasure.drive_id == drive_id).order_by(Erasure.id))


def recent_erasures(session: Session, limit: int) -> list[ErasureEntry]:
    """The store's last `limit` erasures of any drive, newest first (the console's history screen)."""
    return _entries(session, select(Erasure, Drive.serial).order_by(Erasure.id.desc()).limit(limit))


def _entries(session: Session, stmt: Select[Erasure, str]) -> list[ErasureEntry]:
    rows = session.execute(stmt.join(Drive, Drive.id == Erasure.drive_id)).all()
    ids = [e.id for e, _serial in rows]
    numbers = {
        erasure_id: number
        for erasure_id, number in session.execute(
            select(Certificate.erasure_id, Certificate.number).where(Certificate.erasure_id.in_(ids))
        )
    }
    return [erasure_entry(e, serial, numbers.get(e.id)) for e, serial in rows]


def position_text(offset: int, total: int, passes: int | None = 1, at_pass: int = 0) -> Phrase:
    """Where an erasure stands: '1.8 GB of 8.0 GB' (with the pass when there are several); a Phrase,
    so it stays English inside `show --json` and is shown in the reader's language (`shown()`)."""
    where = Phrase(N_("{done} of {total}"), done=format_capacity(offset), total=format_capacity(total))
    passes = passes or 1
    if passes > 1:
        return Phrase(N_("pass {n} of {passes}, {where}"), n=min(at_pass + 1, passes), passes=passes, where=where)
    return where


def last_attempt_warning(entries: list[ErasureEntry]) -> str | None:
    """What to tell the technician when the drive's last erasure did not end well (None: it did)."""
    if not entries:
        return None
    last = entries[-1]
    if last.outcome is ErasureOutcome.INTERRUPTED:
        return Phrase(
            INTERRUPTED_WARNING,
            id=last.erasure_id,
            method=last.method,
            position=last.position,
            hint=Phrase(RESTART_HINT),
        )
    if last.outcome is ErasureOutcome.FAILED:
        if last.error:
            return Phrase(
                N_("the last erasure ({id}, {method}) failed: {error}"),
                id=last.erasure_id,
                method=last.method,
                error=last.error,
            )
        return Phrase(N_("the last erasure ({id}, {method}) failed"), id=last.erasure_id, method=last.method)
    if last.outcome is ErasureOutcome.RUNNING:
        return Phrase(
            N_("erasure {id} ({method}) is running on {host}"),
            id=last.erasure_id,
            method=last.method,
            host=last.host or Phrase(N_("another workstation")),
        )
    return None


def history_lines(entries: list[ErasureEntry]) -> list[str]:
    """The history as short lines for a terminal or the console."""
    lines = []
    for e in entries:
        started = e.started_at.strftime("%Y-%m-%d %H:%M") if e.started_at else "?"
        ended = e.ended_at.strftime("%Y-%m-%d %H:%M") if e.ended_at else "-"
        line = f"#{e.erasure_id} {e.method} {_(OUTCOME_WORDS.get(e.outcome.value, e.outcome.value))}  " + _(
            "{started} .. {ended}  written {written}, verified {verified} of {total}; bad ranges {bad}"
        ).format(
            started=started,
            ended=ended,
            written=format_capacity(e.bytes_written),
            verified=format_capacity(e.bytes_verified),
            total=format_capacity(e.bytes_total),
            bad=len(e.bad_ranges),
        )
        if e.outcome in (ErasureOutcome.INTERRUPTED, ErasureOutcome.RUNNING):
            line += "; " + _("checkpoint {position}").format(position=shown(e.position))
        if e.sectors_not_written:
            line += "; " + _("{n} hidden sectors not written").format(n=e.sectors_not_written)
        line += "; " + _("certificate {number}").format(number=e.certificate or "-")
        lines.append(line + "".join("; " + part for part in _more(e)))
    return lines


def _more(e: ErasureEntry) -> list[str]:
    """The rest of an entry, said only when there is something to say."""
    parts = []
    if e.verify_result:
        parts.append(_("verification {result}").format(result=e.verify_result))
    if e.resumed:
        parts.append(ngettext("resumed {n} time", "resumed {n} times", e.resumed).format(n=e.resumed))
    if e.superseded:
        parts.append(_("(superseded)"))
    if e.error:
        parts.append(_("error: {error}").format(error=e.error))
    parts.append(_("by {who} on {host}").format(who=e.technician or "?", host=e.host or "?"))
    return parts
