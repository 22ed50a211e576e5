"""Custody records: register backups and abandoned disks, list, show, due, hold, release,
request-deletion."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from wipestation import views
from wipestation.cli.context import AppContext
from wipestation.cli.lazy import BackupGroup
from wipestation.cli.output import emit, json_option
from wipestation.common.devices import DetectedDrive, DriveSource
from wipestation.common.errors import BadValue, SafetyRefusal
from wipestation.common.i18n import _, event_word, kind_word, shown, state_word
from wipestation.common.identity import DriveIdentity, drive_name
from wipestation.common.units import format_capacity, parse_capacity, parse_date
from wipestation.records import custody, registration
from wipestation.records.history import history_lines
from wipestation.records.retention import days_text
from wipestation.views.records import record_to_dict


def drive_source(app: AppContext) -> DriveSource:
    return app.drive_source


def identity_from_device(app: AppContext, device: str) -> DriveIdentity:
    """Read the identity from an attached device; protected disks are refused (exit 3). A member of a
    RAID/LVM/ZFS set not assembled here may be registered (a customer's old array disk): reading its
    identity writes nothing, and erasing it still needs `erase --allow-member`."""
    detected: DetectedDrive = drive_source(app).identify(device)
    reason = detected.refusal(allow_member=True)
    if reason:
        raise SafetyRefusal(_("{device} is protected: {reason}").format(device=device, reason=reason))
    return detected.identity


def _line(r: dict[str, Any]) -> str:
    hold = " " + _("(on hold)") if r["on_hold"] else ""
    due = _("due {date}").format(date=r["due_on"])
    kind = kind_word(r["kind"])
    return f"{r['id']:>5}  {kind:<9} {r['serial']:<24} {_owner(r):<14} {state_word(r['state']):<9} {due}{hold}"


def _owner(r: dict[str, Any]) -> str:
    """`customer 12`, or `shop's own` for the shop's retired drive queued for destruction."""
    return _("shop's own") if r["customer_id"] is None else _("customer {id}").format(id=r["customer_id"])


def _head(word: str) -> str:
    """A detail line's heading, padded so the values line up."""
    return f"  {word:<9} "


def record_lines(r: views.RecordView) -> list[str]:
    """The record as `show` prints it, from its view (the console's record detail shows the same)."""
    d = r.drive
    held = " " + _("(on hold until {date})").format(date=r.hold_until) if r.hold_until is not None else ""
    lines = [
        _("record {id}: {kind}, {state}").format(id=r.id, kind=kind_word(r.kind), state=state_word(r.state)) + held,
        (
            _head(_("drive"))
            + f"{d.serial}  {drive_name(d.vendor, d.model) or ''}  {format_capacity(d.capacity_bytes)}"
            + "  "
            + " ".join(x for x in (d.bus, d.media) if x and x != "unknown")  # not "unknown unknown"
        ).rstrip(),
        _head(_("customer")) + f"{r.customer_name} ({r.customer_id})   " + _("job {job}").format(job=r.job or "-")
        if r.customer_id is not None
        else _head(_("owner")) + _("the shop's own drive, retired: {reason}").format(reason=r.destroy_reason or "-"),
        _head(_("since"))
        + f"{r.started_on}   "
        + _("due {date}").format(date=r.due_on)
        + f" ({days_text(r.days_left)})",
    ]
    if r.rule_due_on != r.due_on:
        lines.append(_head(_("rule")) + _("due {date} by the retention rule").format(date=r.rule_due_on))
    if r.deletion_requested_on:
        how = f": {r.deletion_reason}" if r.deletion_reason else ""
        requested = _("requested by the customer on {date}").format(date=r.deletion_requested_on)
        lines.append(_head(_("deletion")) + requested + how)
    for h in r.holds:
        lines += _hold_lines(h)
    for head, value in (
        (_("received"), r.received_on),
        (_("location"), r.location),
        (_("computer"), r.host_computer),
        (_("seal"), r.seal_number),
        (_("closed"), r.closed_at),
    ):
        if value is not None:
            lines.append(_head(head) + (_minute(value) if isinstance(value, datetime) else str(value)))
    return lines


def _hold_lines(h: views.HoldView) -> list[str]:
    state = _("released") if h.released else _("active")
    hold = _("until {until} ({state}): {reason}").format(until=h.until, state=state, reason=h.reason)
    lines = [_head(_("hold")) + f"{hold}  [{h.by}]"]
    if h.released_at is not None:
        released = _("released: {reason}").format(reason=h.release_reason or "-") + f"  ({_minute(h.released_at)})"
        lines.append(" " * 12 + released)
    return lines


def detail_lines(detail: views.RecordDetail) -> list[str]:
    """`show`: the record, every erasure of its drive, the warning about the last one, its certificates."""
    lines = record_lines(detail.record)
    if detail.backup_set:
        lines += _backup_set_lines(detail.backup_set)
    if detail.erasures:
        n = len(detail.erasures)
        lines.append(_head(_("erasures")) + _("{n} of this drive, oldest first").format(n=n))
        lines += [f"    {line}" for line in history_lines(list(detail.erasures))]
    else:
        lines.append(_head(_("erasures")) + _("none of this drive"))
    if detail.last_erasure_warning:
        lines.append(_head(_("warning")) + shown(detail.last_erasure_warning))
    for c in detail.certificates:
        lines.append(_head(_("certificate")) + _certificate_line(c))
    for e in detail.events:
        change = e.change()
        lines.append(
            _head(_("history"))
            + f"{_minute(e.at)}  {e.actor}  {event_word(e.action)}"
            + (f": {change}" if change else "")
        )
    return lines


def _certificate_line(c: views.CertificateView) -> str:
    line = f"{c.number}  {kind_word(c.kind)}  {_minute(c.issued_at)}  {c.issued_by}"
    if c.revoked_at is not None:
        why = c.revocation_reason or "-"
        return line + "  " + _("revoked on {date}: {reason}").format(date=_minute(c.revoked_at), reason=why)
    return line


def _minute(at: datetime) -> str:
    """A stored time (UTC) to the minute, as `show` prints its erasures."""
    return at.strftime("%Y-%m-%d %H:%M")


def _backup_set_lines(b: dict[str, Any]) -> list[str]:
    """A backup made by wipestation: what it holds, and the last restore check."""
    lines = [
        _head(_("backup"))
        + _("{files} files, {bytes} bytes, {unreadable} not readable").format(
            files=b.get("files", "?"), bytes=b.get("bytes", "?"), unreadable=b.get("unreadable", "?")
        )
    ]
    check = b.get("last_check")
    if check:
        result = (
            _("all {n} files put back").format(n=check["files"])
            if check["complete"]
            else _("{missing} missing, {different} different of {files} files").format(
                missing=check["missing"], different=check["different"], files=check["files"]
            )
        )
        lines.append(_head(_("check")) + f"{result} ({check['at'][:16]})")
    return lines


@click.group("backup", cls=BackupGroup)
def backup() -> None:
    """Backups: registered on a shop drive of their own, or made by wipestation on a shared pool drive
    (make, restore, check, erase: docs/backups.md); kept 30 days."""


@backup.command("register")
@click.option("--device", metavar="DEV", help="Read the identity from this attached drive.")
@click.option("--serial", metavar="S", help="The drive's serial, when it is not attached.")
@click.option("--customer", "customer_id", type=int, required=True, metavar="ID")
@click.option("--job", "job_ref", required=True, metavar="REF", help="Repair job reference.")
@click.option("--made-on", metavar="DATE", help="When the backup was made (default today).")
@click.option("--location", metavar="L", help="Where the drive is kept.")
@json_option
@click.pass_obj
def backup_register(
    app: AppContext,
    device: str | None,
    serial: str | None,
    customer_id: int,
    job_ref: str,
    made_on: str | None,
    location: str | None,
    as_json: bool,
) -> None:
    """Register a backup on a shop drive: due 30 days after it was made."""
    if (device is None) == (serial is None):
        raise click.UsageError(_("give exactly one of --device or --serial"))
    started = parse_date(made_on) if made_on is not None else app.env.today()
    identity = identity_from_device(app, device) if device else DriveIdentity(serial=serial or "")
    reg = custody.Registration(customer_id=customer_id, job_ref=job_ref, started_on=started, location=location)
    data = app.transaction(
        lambda s: record_to_dict(registration.register_backup(s, app.env, identity, reg), app.env.today())
    )
    emit(
        data,
        as_json,
        _("backup record {id} for customer {customer} on {serial}: due {due}").format(
            id=data["id"], customer=customer_id, serial=data["serial"], due=data["due_on"]
        ),
    )


@click.group("abandoned")
def abandoned() -> None:
    """Abandoned disks: a customer's disk stored apart for 3 months, then destroyed."""


@abandoned.command("register")
@click.option("--device", metavar="DEV", help="Read the identity from this attached drive.")
@click.option("--serial", metavar="S", help="Serial from the label.")
@click.option("--model", metavar="M", help="Model from the label.")
@click.option("--capacity", metavar="SIZE", help="Capacity from the label: 500GB, 2TB, 1TiB or bytes.")
@click.option("--media", type=click.Choice(["hdd", "ssd", "flash"]), help="Media type, if known.")
@click.option("--customer", "customer_id", type=int, required=True, metavar="ID")
@click.option("--job", "job_ref", metavar="REF", help="Repair job reference.")
@click.option("--abandoned-on", metavar="DATE", help="When it was declared abandoned (default today).")
@click.option("--received-on", metavar="DATE", help="When the shop took the disk in (default today).")
@click.option("--location", metavar="L", help="Shelf location.")
@click.option("--computer", "host_computer", metavar="TEXT", help="The computer it came from.")
@click.option("--seal", "seal_number", metavar="NUMBER", help="Seal number of its bag.")
@json_option
@click.pass_obj
def abandoned_register(
    app: AppContext,
    device: str | None,
    serial: str | None,
    model: str | None,
    capacity: str | None,
    media: str | None,
    customer_id: int,
    job_ref: str | None,
    abandoned_on: str | None,
    received_on: str | None,
    location: str | None,
    host_computer: str | None,
    seal_number: str | None,
    as_json: bool,
) -> None:
    """Register an abandoned disk: due 3 calendar months after it was abandoned."""
    if device is not None:
        if serial or model or capacity:
            raise click.UsageError(
                _("--device reads serial, model and capacity itself: give no --serial/--model/--capacity")
            )
    elif not (serial and model and capacity):
        raise click.UsageError(_("give --device, or all of --serial, --model and --capacity"))
    started = parse_date(abandoned_on) if abandoned_on is not None else app.env.today()
    if device is not None:
        identity = identity_from_device(app, device)
    else:
        if not (serial or "").strip():
            raise BadValue(_("a drive needs a serial"))
        identity = DriveIdentity(
            serial=(serial or "").strip(),
            model=model,
            capacity_bytes=parse_capacity(capacity or ""),
            media=media or "unknown",
        )
    reg = custody.Registration(
        customer_id=customer_id,
        job_ref=job_ref,
        started_on=started,
        location=location,
        host_computer=host_computer,
        seal_number=seal_number,
        received_on=parse_date(received_on) if received_on else None,
    )
    data = app.transaction(
        lambda s: record_to_dict(registration.register_abandoned(s, app.env, identity, reg), app.env.today())
    )
    emit(
        data,
        as_json,
        _("abandoned record {id} for customer {customer} on {serial}: due {due}").format(
            id=data["id"], customer=customer_id, serial=data["serial"], due=data["due_on"]
        ),
    )


@click.command("list")
@click.option("--kind", type=click.Choice(["backup", "abandoned", "shop"]))
@click.option("--state", type=click.Choice(custody.LIST_STATES))
@json_option
@click.pass_obj
def list_(app: AppContext, kind: str | None, state: str | None, as_json: bool) -> None:
    """List custody records."""
    today = app.env.today()
    with app.sessions.begin() as s:
        rows = [r.to_dict() for r in views.record_list(s, today, kind=kind, state=state)]
    emit(rows, as_json, [_line(r) for r in rows] or [_("no records")])


@click.command("show")
@click.argument("ref")
@json_option
@click.pass_obj
def show(app: AppContext, ref: str, as_json: bool) -> None:
    """Show one record (REF: record id or drive serial)."""
    with app.sessions.begin() as s:
        detail = views.record_detail(s, app.env.today(), ref)
    emit(detail.to_dict(), as_json, detail_lines(detail))


@click.command("due")
@click.option("--on", "on", metavar="DATE", help="Due or overdue on DATE (default today).")
@json_option
@click.pass_obj
def due(app: AppContext, on: str | None, as_json: bool) -> None:
    """Records due or overdue, most overdue first."""
    day = parse_date(on) if on is not None else app.env.today()
    with app.sessions.begin() as s:
        rows = [{**r.to_dict(), "overdue_days": r.overdue_days} for r in views.due_list(s, day)]
    lines = [f"{_line(r)}  {days_text(-r['overdue_days'])}" for r in rows]
    emit(rows, as_json, lines or [_("nothing due on {date}").format(date=day)])


@click.command("hold")
@click.argument("ref")
@click.option("--until", "until", required=True, metavar="DATE")
@click.option("--reason", required=True, metavar="TEXT")
@json_option
@click.pass_obj
def hold(app: AppContext, ref: str, until: str, reason: str, as_json: bool) -> None:
    """Pause a record's due date until DATE, with a reason."""
    end = parse_date(until)
    data = app.transaction(lambda s: record_to_dict(custody.hold(s, app.env, ref, end, reason), app.env.today()))
    emit(
        data,
        as_json,
        _("record {id} on hold until {until}: due {due}").format(id=data["id"], until=end, due=data["due_on"]),
    )


@click.command("release")
@click.argument("ref")
@click.option("--reason", metavar="TEXT", help="Why the hold ends early.")
@json_option
@click.pass_obj
def release(app: AppContext, ref: str, reason: str | None, as_json: bool) -> None:
    """End a record's hold early."""
    data = app.transaction(lambda s: record_to_dict(custody.release(s, app.env, ref, reason), app.env.today()))
    text = _("record {id} released: due {due}").format(id=data["id"], due=data["due_on"])
    emit(data, as_json, f"{text} ({days_text(data['days_left'])})")


@click.command("request-deletion")
@click.argument("ref")
@click.option("--reason", metavar="TEXT", help="How the customer asked (letter, phone call, e-mail of DATE).")
@json_option
@click.pass_obj
def request_deletion(app: AppContext, ref: str, reason: str | None, as_json: bool) -> None:
    """The customer asked for early deletion: the record is due today."""
    data = app.transaction(lambda s: record_to_dict(custody.request_deletion(s, app.env, ref, reason), app.env.today()))
    note = " " + _("(a hold keeps it until then)") if data["on_hold"] else ""
    text = _("record {id}: deletion requested, due {due}").format(id=data["id"], due=data["due_on"])
    emit(data, as_json, text + note)


COMMANDS = [backup, abandoned, list_, show, due, hold, release, request_deletion]
