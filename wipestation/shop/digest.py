"""The morning digest: what the shop must do today, and what went wrong since the last digest.

Due today, overdue, holds ending within a week, erasures that failed or were interrupted since the
previous digest was sent, the pool's health warnings (backup drives whose last health reading fails
the limits and are still in use, and drives retired since the last digest), and the audit head (id and
hash of the newest event) to keep outside the database. Sending a digest is itself an audit event
(`digest.mailed`): that is where "since the last digest" starts; when none was ever sent, the last 7 days
count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wipestation import views
from wipestation.audit.log import Action, record_event
from wipestation.common.env import Env
from wipestation.documents.certify.owed import Owed, owed
from wipestation.documents.site import SiteLag, site_lag
from wipestation.stock.pool import RETIRED, list_pool
from wipestation.store.models import AuditEvent, AuditHead, Drive, Erasure, ErasureOutcome

HOLD_WINDOW_DAYS = 7
FIRST_WINDOW_DAYS = 7
DIGEST_ACTION = Action.DIGEST_MAILED


@dataclass(frozen=True)
class DueItem:
    record_id: int
    kind: str
    serial: str
    location: str | None
    due_on: date
    overdue_days: int


@dataclass(frozen=True)
class HoldItem:
    record_id: int
    kind: str
    serial: str
    until: date


@dataclass(frozen=True)
class FailedItem:
    erasure_id: int
    serial: str
    method: str
    outcome: str
    at: datetime
    error: str | None


@dataclass(frozen=True)
class PoolWarning:
    serial: str
    state: str  # the pool state (retired, available, holding, ...)
    health: str  # healthy / failing / unknown
    retired_reason: str | None


@dataclass(frozen=True)
class Digest:
    on: date
    since: datetime
    due_today: list[DueItem] = field(default_factory=list)
    overdue: list[DueItem] = field(default_factory=list)
    holds_ending: list[HoldItem] = field(default_factory=list)
    failed: list[FailedItem] = field(default_factory=list)
    audit_head: str = "0:"  # "N:HASH"
    pool_warnings: list[PoolWarning] = field(default_factory=list)
    site: SiteLag | None = None  # the published verification site lacks copies or revocations
    owed: list[Owed] = field(default_factory=list)  # closed records without their certificate

    def to_dict(self) -> dict[str, Any]:
        def due(i: DueItem) -> dict[str, Any]:
            return {
                "id": i.record_id,
                "kind": i.kind,
                "serial": i.serial,
                "location": i.location,
                "due_on": i.due_on.isoformat(),
                "overdue_days": i.overdue_days,
            }

        return {
            "on": self.on.isoformat(),
            "since": self.since.isoformat(),
            "due_today": [due(i) for i in self.due_today],
            "overdue": [due(i) for i in self.overdue],
            "holds_ending": [
                {"id": h.record_id, "kind": h.kind, "serial": h.serial, "until": h.until.isoformat()}
                for h in self.holds_ending
            ],
            "failed_erasures": [
                {
                    "erasure_id": f.erasure_id,
                    "serial": f.serial,
                    "method": f.method,
                    "outcome": f.outcome,
                    "at": f.at.isoformat(),
                    "error": f.error,
                }
                for f in self.failed
            ],
            "pool_warnings": [
                {"serial": w.serial, "state": w.state, "health": w.health, "retired_reason": w.retired_reason}
                for w in self.pool_warnings
            ],
            "certificates_owed": [o.to_dict() for o in self.owed],
            "audit_head": self.audit_head,
            "site_out_of_date": self.site.to_dict() if self.site is not None else None,
        }

    @property
    def to_do(self) -> int:
        return len(self.due_today) + len(self.overdue)


def _end_of_day(day: date, timezone: str) -> datetime:
    """The first instant after `day` in the shop's time zone, in UTC."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def last_digest_at(session: Session, before: datetime) -> datetime | None:
    stmt = select(func.max(AuditEvent.at)).where(AuditEvent.action == DIGEST_ACTION, AuditEvent.at < before)
    value = session.execute(stmt).scalar_one_or_none()
    if value is not None and value.tzinfo is None:  # SQLite aggregates bypass the column type
        value = value.replace(tzinfo=UTC)
    if isinstance(value, str):
        value = datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value


def build_digest(session: Session, env: Env, on: date) -> Digest:
    """The digest for the shop's calendar day `on` (read only)."""
    # Today's digest looks up to now; a digest for another day up to the end of that day.
    end = env.now() if on == env.today() else _end_of_day(on, env.config.timezone)
    since = last_digest_at(session, end) or (end - timedelta(days=FIRST_WINDOW_DAYS))
    due_today: list[DueItem] = []
    overdue: list[DueItem] = []
    for r in views.due_list(session, on):
        (overdue if r.overdue_days > 0 else due_today).append(
            DueItem(r.id, r.kind, r.serial, r.location, r.due_on, r.overdue_days)
        )
    holds: list[HoldItem] = []
    for r in views.record_list(session, on, state="open"):
        if r.hold_until is not None and r.hold_until <= on + timedelta(days=HOLD_WINDOW_DAYS):
            holds.append(HoldItem(r.id, r.kind, r.serial, r.hold_until))
    holds.sort(key=lambda h: (h.until, h.record_id))
    failed: list[FailedItem] = []
    rows = session.execute(
        select(Erasure)
        .where(Erasure.outcome.in_((ErasureOutcome.FAILED, ErasureOutcome.INTERRUPTED)))
        .order_by(Erasure.id)
    ).scalars()
    for erasure in rows:
        at = erasure.ended_at or erasure.started_at
        if since < at <= end:
            serial = _serial(session, erasure.drive_id)
            failed.append(
                FailedItem(erasure.id, serial, erasure.method, erasure.outcome.value, at, _first_line(erasure.error))
            )
    head = session.get(AuditHead, 1)
    audit_head = f"{head.last_event_id}:{head.last_hash}" if head is not None else "0:"
    site = site_lag(session, env.config.data_dir) if env.config.certificates.verify_url else None
    pool = _pool_warnings(session, env, since, end)
    return Digest(on, since, due_today, overdue, holds, failed, audit_head, pool, site, owed(session))


def _pool_warnings(session: Session, env: Env, since: datetime, end: datetime) -> list[PoolWarning]:
    """Backup drives still in use whose last health reading fails, and drives retired in the window."""
    out = []
    for drive in list_pool(session, env):
        retired_now = drive.retired_at is not None and since < drive.retired_at <= end
        failing_in_use = drive.health == "failing" and drive.state != RETIRED
        if retired_now or failing_in_use:
            out.append(PoolWarning(drive.serial, drive.state, drive.health, drive.retired_reason))
    return out


def _serial(session: Session, drive_id: int) -> str:
    drive = session.get(Drive, drive_id)
    return drive.serial if drive is not None else "?"


def _first_line(text: str | None) -> str | None:
    return " ".join(text.split())[:200] if text else None


def mark_sent(session: Session, env: Env, digest: Digest, recipients: int) -> None:
    """Record that the digest went out: the next one reports failures from here on."""
    record_event(
        session,
        env,
        DIGEST_ACTION,
        "digest",
        None,
        after={"on": digest.on.isoformat(), "recipients": recipients, "to_do": digest.to_do},
    )


_TEXTS: dict[str, dict[str, str]] = {
    "nl": {
        "subject": "wipestation: ochtendlijst {on} ({n} te doen)",
        "title": "Ochtendlijst {shop}, {on}",
        "due_today": "Vandaag aan de beurt",
        "overdue": "Te laat",
        "holds": "Bewaarblokkades die binnen {days} dagen aflopen",
        "failed": "Mislukte of onderbroken wisbeurten sinds {since}",
        "none": "  (geen)",
        "overdue_days": "{n} dag(en) te laat",
        "until": "blokkade tot {until}",
        "head": "Auditkop (bewaar buiten de database): {head}",
        "backup": "back-up",
        "abandoned": "achtergelaten schijf",
        "at": "op plek {location}",
        "failed_line": "wisbeurt {id}: {serial}, {method}, {outcome} op {at}",
        "failed_outcome": "mislukt",
        "interrupted_outcome": "onderbroken",
        "pool": "Back-upschijven: gezondheid",
        "pool_line": "{serial}: {state}, gezondheid {health}",
        "pool_retired": "uit gebruik genomen: {reason}",
        "site": (
            "Controlesite verouderd: {copies} PDF('s) en {revoked} intrekking(en) staan er nog niet op; "
            "een klant met zo'n PDF krijgt „Gewijzigd” te zien. Voer `wipestation certificate site MAP` uit "
            "en publiceer de map opnieuw."
        ),
        "state_retired": "uit gebruik",
        "health_failing": "slecht",
        "health_unknown": "onbekend",
        "health_healthy": "goed",
        "owed": "Gesloten dossiers zonder certificaat (wipestation certificate issue-owed)",
        "owed_line": "#{id}: {kind} {work} heeft geen certificaat",
        "erasure": "wisbeurt",
        "destruction": "vernietiging",
    },
    "en": {
        "subject": "wipestation: morning digest {on} ({n} to do)",
        "title": "Morning digest {shop}, {on}",
        "due_today": "Due today",
        "overdue": "Overdue",
        "holds": "Holds ending within {days} days",
        "failed": "Erasures failed or interrupted since {since}",
        "none": "  (none)",
        "overdue_days": "{n} day(s) overdue",
        "until": "held until {until}",
        "head": "Audit head (keep it outside the database): {head}",
        "backup": "backup",
        "abandoned": "abandoned disk",
        "at": "at {location}",
        "failed_line": "erasure {id}: {serial}, {method}, {outcome} at {at}",
        "failed_outcome": "failed",
        "interrupted_outcome": "interrupted",
        "pool": "Backup drives: health",
        "pool_line": "{serial}: {state}, health {health}",
        "pool_retired": "retired: {reason}",
        "site": (
            "Verification site out of date: {copies} PDF(s) and {revoked} revocation(s) are not on it yet; "
            "a customer with such a PDF is told it was altered. Run `wipestation certificate site DIR` and "
            "publish the folder again."
        ),
        "state_retired": "retired",
        "health_failing": "failing",
        "health_unknown": "unknown",
        "health_healthy": "healthy",
        "owed": "Closed records without their certificate (wipestation certificate issue-owed)",
        "owed_line": "#{id}: {kind} {work} has no certificate",
        "erasure": "erasure",
        "destruction": "destruction",
    },
}


def subject(digest: Digest, language: str) -> str:
    return _TEXTS[language]["subject"].format(on=digest.on.isoformat(), n=digest.to_do)


def render_text(digest: Digest, language: str, *, shop: str, timezone: str) -> str:
    """The digest as plain text in the shop's language."""
    t = _TEXTS[language]
    zone = ZoneInfo(timezone)
    lines = [t["title"].format(shop=shop, on=digest.on.isoformat()), ""]

    def record_line(i: DueItem, extra: str) -> str:
        where = f", {t['at'].format(location=i.location)}" if i.location else ""
        return f"  #{i.record_id} {t[i.kind]} {i.serial}{where}{extra}"

    lines.append(f"{t['due_today']}:")
    lines += [record_line(i, "") for i in digest.due_today] or [t["none"]]
    lines.append("")
    lines.append(f"{t['overdue']}:")
    lines += [record_line(i, f": {t['overdue_days'].format(n=i.overdue_days)}") for i in digest.overdue] or [t["none"]]
    lines.append("")
    lines.append(f"{t['holds'].format(days=HOLD_WINDOW_DAYS)}:")
    lines += [
        f"  #{h.record_id} {t[h.kind]} {h.serial}: {t['until'].format(until=h.until.isoformat())}"
        for h in digest.holds_ending
    ] or [t["none"]]
    lines.append("")
    since = digest.since.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    lines.append(f"{t['failed'].format(since=since)}:")
    for f in digest.failed:
        at = f.at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        outcome = t[f"{f.outcome}_outcome"]
        line = "  " + t["failed_line"].format(id=f.erasure_id, serial=f.serial, method=f.method, outcome=outcome, at=at)
        lines.append(f"{line}: {f.error}" if f.error else line)
    if not digest.failed:
        lines.append(t["none"])
    lines.append("")
    lines.append(f"{t['pool']}:")
    for w in digest.pool_warnings:
        state = t.get(f"state_{w.state}", w.state)
        line = "  " + t["pool_line"].format(serial=w.serial, state=state, health=t[f"health_{w.health}"])
        lines.append(f"{line}; {t['pool_retired'].format(reason=w.retired_reason)}" if w.retired_reason else line)
    if not digest.pool_warnings:
        lines.append(t["none"])
    lines.append("")
    if digest.site is not None:
        lines.append(t["site"].format(copies=digest.site.copies, revoked=digest.site.revocations))
    if digest.owed:
        lines.append(f"{t['owed']}:")
        lines += ["  " + t["owed_line"].format(id=o.record_id, kind=t[o.kind], work=o.work_id) for o in digest.owed]
        lines.append("")
    lines.append(t["head"].format(head=digest.audit_head))
    return "\n".join(lines) + "\n"
