"""The shop's physical stock: `health`, `pool`, `pool retire`, `pool queue-destruction`, `label` and
`shelf check`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from sqlalchemy import select

from wipestation.cli.context import AppContext
from wipestation.cli.lazy import PoolGroup
from wipestation.cli.output import emit, json_option
from wipestation.cli.records import drive_source
from wipestation.common.commands import CommandRunner
from wipestation.common.i18n import N_, _, ngettext, state_word
from wipestation.common.inputs import PATH_LIMIT, OutFile, Outside, Text
from wipestation.common.reading import read_stream_lines, write_regular
from wipestation.common.text import NAME_LIMIT, REASON_LIMIT
from wipestation.common.units import format_capacity
from wipestation.stock import labels as shelf_labels
from wipestation.stock import pool as backup_pool
from wipestation.stock.health import assess, health_to_dict, read_health, summary
from wipestation.stock.pool import record_health
from wipestation.store.models import Drive

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# -- health


DEVICE = Outside(Text(PATH_LIMIT), "DEVICE")
SERIAL = Outside(Text(NAME_LIMIT), "SERIAL")
REASON = Outside(Text(REASON_LIMIT), "TEXT")


@click.command("health")
@click.argument("device", type=DEVICE)
@json_option
@click.pass_obj
def health(app: AppContext, device: str, as_json: bool) -> None:
    """Read the SMART health of the drive at DEVICE (smartctl, and nvme smart-log where it says more);
    a drive the records know is recorded. No SMART: "unknown", never "healthy"."""
    detected = drive_source(app).identify(device)
    identity = detected.identity
    runner: CommandRunner = app.command_runner()
    reading = read_health(runner, device, bus=identity.bus)

    def store(session: Session) -> dict[str, Any] | None:
        drive = session.execute(select(Drive).where(Drive.serial == identity.serial)).scalar_one_or_none()
        if drive is None:
            return None
        return health_to_dict(record_health(session, app.env, drive, reading), drive.serial)

    stored = app.transaction(store)
    if stored is None:
        judged = assess(reading, app.config.health)
        out: dict[str, Any] = {
            "id": None,
            "serial": identity.serial,
            "read_at": app.env.now(),
            "verdict": judged.verdict,
            "smart_passed": reading.smart_passed,
            "source": reading.source,
            "reasons": list(judged.reasons),
            **reading.figures(),
        }
    else:
        out = stored
    out = {"device": device, "recorded": stored is not None, **out}
    figures = {k: v for k, v in out.items() if k in reading.FIGURES or k.startswith("erase_")}
    lines = [f"{device}  {identity.serial}: {summary(out['verdict'], figures, out['reasons'])}"]
    if stored is None:
        lines.append(_("not recorded: the drive is not in the records"))
    emit(out, as_json, lines)


# -- pool


# A pool drive's health verdict as the list shows it (the JSON keeps the word); the console uses the same words.
HEALTH_WORDS = {"healthy": N_("healthy"), "failing": N_("failing"), "unknown": N_("unknown")}


def _pool_line(p: dict[str, Any]) -> str:
    erased = p["last_erased_at"].date().isoformat() if p["last_erased_at"] else _("never")
    checked = p["health_at"].date().isoformat() if p["health_at"] else "-"
    extra = ""
    if p["record_id"]:
        extra = "  " + _("record {id}").format(id=p["record_id"])
        extra += ", " + _("due {day}").format(day=p["due_on"]) if p["due_on"] else ""
    if p["retired_reason"]:
        extra += f"  ({p['retired_reason']})"
    if p["destruction"] == backup_pool.QUEUED:
        extra += "  " + _("queued for destruction (record {id}, due {day})").format(
            id=p["destruction_record_id"], day=p["destruction_due_on"]
        )
    elif p["destruction"] == backup_pool.DESTROYED:
        extra += "  " + _("destroyed (record {id})").format(id=p["destruction_record_id"])
    health = _(HEALTH_WORDS[p["health"]]) if p["health"] in HEALTH_WORDS else p["health"]
    figures = _("erased {n}x (last {day})  health {health} ({checked})").format(
        n=p["erase_count"], day=erased, health=health, checked=checked
    )
    return f"{p['serial']:<24} {format_capacity(p['capacity_bytes']):>9}  {state_word(p['state']):<9} {figures}{extra}"


@click.group("pool", cls=PoolGroup, invoke_without_command=True)
@click.option(
    "--state", type=click.Choice(backup_pool.POOL_STATES), default=None, help="Only drives in this pool state."
)
@json_option
@click.pass_context
def pool(ctx: click.Context, state: str | None, as_json: bool) -> None:
    """The shop's own backup drives: state, erase count, last erasure, health, capacity.

    \b
    Health after an erasure: a drive leaves the pool when SMART says it fails, a figure passes its
    [health] limit, or the erasure hit I/O errors. Speed compares like with like: an erasure that ran
    while another one ran on this workstation (sharing the CPU, and often a bus, hub or controller)
    is not judged by its speed, and such runs are left out of the drive's usual speed. A run slower
    than [health] min_speed_percent % of the usual speed counts only beside a second sign (SMART,
    I/O errors, reallocated or pending sectors): a slow run alone never retires a drive."""
    if ctx.invoked_subcommand is not None:
        return
    app: AppContext = ctx.obj
    rows = app.transaction(lambda s: [p.to_dict() for p in backup_pool.list_pool(s, app.env, state=state)])
    emit(rows, as_json, [_pool_line(r) for r in rows] if rows else _("no backup drives in the pool"))


def _queued_words(row: dict[str, Any]) -> str:
    if row["destruction"] != backup_pool.QUEUED:
        return ""
    return "; " + _("queued for destruction as the shop's own disk (record {id}, due {day})").format(
        id=row["destruction_record_id"], day=row["destruction_due_on"]
    )


@pool.command("retire")
@click.argument("serial", type=SERIAL)
@click.option("--reason", required=True, type=REASON, help="Why the drive leaves the pool (recorded).")
@click.option(
    "--destroy",
    is_flag=True,
    help="Also queue it for destruction as a shop-owned disk (due at once, or [health] destroy_after_days later).",
)
@json_option
@click.pass_obj
def pool_retire(app: AppContext, serial: str, reason: str, destroy: bool, as_json: bool) -> None:
    """Take the backup drive SERIAL out of the pool; no backup can be registered on it again."""
    row = app.transaction(lambda s: backup_pool.retire(s, app.env, serial, reason, destroy=destroy).to_dict())
    retired = _("drive {serial} retired: {reason}").format(serial=row["serial"], reason=row["retired_reason"])
    emit(row, as_json, retired + _queued_words(row))


@pool.command("queue-destruction")
@click.argument("serial", type=SERIAL)
@click.option("--reason", type=REASON, help="Why it is destroyed (default: the reason it was retired).")
@json_option
@click.pass_obj
def pool_queue_destruction(app: AppContext, serial: str, reason: str | None, as_json: bool) -> None:
    """Queue the retired backup drive SERIAL for destruction as a shop-owned disk; `destroy` then
    issues its certificate for the shop's own records."""
    row = app.transaction(lambda s: backup_pool.queue(s, app.env, serial, reason).to_dict())
    emit(row, as_json, _("drive {serial} retired").format(serial=row["serial"]) + _queued_words(row))


# -- labels


@click.command("label")
@click.argument("refs", nargs=-1, required=True, type=Outside(Text(NAME_LIMIT), "REF..."))
@click.option("-o", "--output", "output", required=True, type=Outside(OutFile(), "FILE"), help="The PDF to write.")
@click.option(
    "--format",
    "label_format",
    type=click.Choice(shelf_labels.FORMATS),
    default=shelf_labels.FORMATS[0],
    show_default=True,
    help="roll62: a 62 mm continuous roll, one label each; a4: A4 sheets of 3 x 8 labels of 70 x 37 mm.",
)
@click.pass_obj
def label(app: AppContext, refs: tuple[str, ...], output: Path, label_format: str) -> None:
    """Shelf labels for records (REF: record id or drive serial): a QR code with the record id and
    serial, the customer number (never the name), the due date and the location."""
    data = app.transaction(lambda s: shelf_labels.label_data(s, app.env, refs))
    renderer = shelf_labels.load_label_renderer()
    pdf = renderer(data, label_format)
    write_regular(output, pdf, what="-o")
    click.echo(
        ngettext("wrote {n} label to {path} ({format})", "wrote {n} labels to {path} ({format})", len(data)).format(
            n=len(data), path=output, format=label_format
        )
    )


# -- shelf check


@click.group("shelf")
def shelf() -> None:
    """The shelves: check what is on one against the records."""


def _check_lines(r: dict[str, Any]) -> list[str]:
    lines = [
        _("shelf {location}: {scanned} scanned, {present} in place").format(
            location=r["location"], scanned=r["scanned"], present=len(r["present"])
        )
    ]
    for key, words in (
        ("missing", _("missing (registered here, not scanned)")),
        ("unexpected", _("unexpected (scanned, not registered here)")),
        ("misplaced", _("misplaced (registered elsewhere)")),
        ("due", _("due")),
    ):
        for item in r[key]:
            where = " " + _("at {location}").format(location=item["registered_at"]) if key == "misplaced" else ""
            due = ", " + _("due {day}").format(day=item["due_on"]) if item.get("due_on") else ""
            record = _("record {id}").format(id=item["id"])
            state = state_word(item["state"])
            lines.append(f"  {words}: {record} {item['serial']}{where} ({state}{due})")
    if not any(r[k] for k in ("missing", "unexpected", "misplaced")):
        lines.append("  " + _("everything registered here was scanned, and nothing else"))
    return lines


@shelf.command("check")
@click.argument("location", type=Outside(Text(NAME_LIMIT), "LOCATION"))
@json_option
@click.pass_obj
def shelf_check(app: AppContext, location: str, as_json: bool) -> None:
    """Compare the codes scanned at LOCATION (one per line on standard input, as a USB scanner types
    them) with the records: missing, unexpected, misplaced and due. The check is audited."""
    if sys.stdin.isatty():
        click.echo(_("scan the labels at this location; end with Ctrl-D"), err=True)
    lines = read_stream_lines(sys.stdin, _("standard input"))
    result = app.transaction(lambda s: shelf_labels.shelf_check(s, app.env, location, lines))
    emit(result, as_json, _check_lines(result))


COMMANDS = [health, pool, label, shelf]
