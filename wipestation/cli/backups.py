"""Backups made by wipestation on shared pool drives (issue 27, docs/backups.md): `pool prepare`,
`backup make`, `backup restore`, `backup check`, `backup erase`. Loaded only when one of them runs
(the `backup` and `pool` groups name them lazily), so `due` and `list` load no cipher."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from wipestation.backups.context import BackupContext
from wipestation.backups.making import MakeProgress
from wipestation.backups.preparing import prepare_pool
from wipestation.backups.run import MakeOrder, make_backup
from wipestation.backups.using import check_backup, erase_backup
from wipestation.backups.using import restore_backup as run_restore
from wipestation.cli.context import AppContext
from wipestation.cli.output import emit, json_line, json_option
from wipestation.cli.signals import stop_on_signals
from wipestation.common.errors import ExitCode
from wipestation.common.i18n import _, ngettext
from wipestation.common.inputs import PATH_LIMIT, Count, Outside, Text
from wipestation.common.text import NAME_LIMIT

DEVICE = Outside(Text(PATH_LIMIT), "DEVICE")
SERIAL = Outside(Text(NAME_LIMIT), "SERIAL")
PATH = Outside(Text(PATH_LIMIT), "PATH")
REF = Outside(Text(NAME_LIMIT), "REF")
PATTERN = Outside(Text(PATH_LIMIT), "PATTERN")


def context(app: AppContext) -> BackupContext:
    return BackupContext(app.transaction, app.env, app.drive_source, app.config.data_dir)


@click.command("prepare")
@click.argument("device", type=DEVICE)
@click.option("--confirm", "confirm_serial", required=True, type=SERIAL, metavar="SERIAL", help="The drive's serial.")
@json_option
@click.pass_obj
def pool_prepare(app: AppContext, device: str, confirm_serial: str, as_json: bool) -> None:
    """Make DEVICE, a shop drive with a recorded whole-drive erasure, a shared store for several
    customers' encrypted backups (a key area and an encrypted data area; rotating disks only)."""
    row = prepare_pool(context(app), device, confirm_serial)
    emit(
        row,
        as_json,
        _("{serial} is a pool drive now: room for {slots} backups").format(serial=row["serial"], slots=row["slots"]),
    )


def _progress(as_json: bool) -> Any:  # noqa: ANN401 - a callback
    tty = sys.stderr.isatty()

    def show(p: MakeProgress) -> None:
        eta = p.eta()
        if as_json:
            line = {
                "event": "progress",
                "files_done": p.files_done,
                "files_total": p.files_total,
                "bytes_done": p.bytes_done,
                "bytes_total": p.bytes_total,
                "eta_seconds": None if eta is None else round(eta, 1),
            }
            click.echo(json_line(line))
        elif tty:
            left = "" if eta is None else "  " + _("ETA {time}").format(time=f"{int(eta) // 60}:{int(eta) % 60:02d}")
            text = _("{done}/{total} files, {bytes} bytes").format(
                done=p.files_done, total=p.files_total, bytes=p.bytes_done
            )
            click.echo("\r" + text + left, nl=False, err=True)

    return show


@click.command("make")
@click.option("--from", "source", required=True, type=PATH, help="A folder, or a partition of the customer's disk.")
@click.option("--customer", "customer_id", type=Outside(Count(1), "ID"), required=True, metavar="ID")
@click.option("--job", "job_ref", required=True, type=REF, metavar="REF", help="Repair job reference.")
@click.option("--to", "to_serial", type=SERIAL, metavar="SERIAL", help="The pool drive (default: one with room).")
@json_option
@click.pass_obj
def backup_make(
    app: AppContext, source: str, customer_id: int, job_ref: str, to_serial: str | None, as_json: bool
) -> None:
    """Copy a customer's files, encrypted as they are read, onto a pool drive: due in 30 days. A
    partition is mounted read-only by the tool. Interrupted: run it again to continue."""
    with stop_on_signals() as stop:
        order = MakeOrder(Path(source), customer_id, job_ref, to_serial, _progress(as_json), stop.is_set)
        row = make_backup(context(app), order)
    if not as_json and sys.stderr.isatty():
        click.echo("", err=True)
    if as_json:
        click.echo(json_line(row, ensure_ascii=False))
        return
    click.echo(
        _("backup record {id} on pool drive {serial}: {files} files, {bytes} bytes; due {due}").format(
            id=row["id"], serial=row["serial"], files=row["files"], bytes=row["bytes"], due=row["due_on"]
        )
    )
    for item in row["unreadable"]:
        click.echo(_("not readable: {path}: {reason}").format(path=item["path"], reason=item["reason"]))


@click.command("restore")
@click.argument("ref", type=REF)
@click.option("--to", "target", required=True, type=PATH, metavar="DIR", help="The folder to put it back into.")
@click.option("--only", type=PATTERN, metavar="PATTERN", help="Only paths matching this pattern (fnmatch).")
@click.option("--overwrite", is_flag=True, help="Replace files that are there already.")
@json_option
@click.pass_obj
def backup_restore(app: AppContext, ref: str, target: str, only: str | None, overwrite: bool, as_json: bool) -> None:
    """Put backup REF back into DIR; never writes outside DIR, never overwrites unless asked."""
    row = run_restore(context(app), ref, Path(target), only, overwrite, lambda files, size: None)
    emit(row, as_json, _("{files} files put back ({bytes} bytes)").format(files=row["files"], bytes=row["bytes"]))


@click.command("check")
@click.argument("ref", type=REF)
@click.option("--against", required=True, type=PATH, metavar="DIR", help="The folder it was put back into.")
@json_option
@click.pass_obj
def backup_check(app: AppContext, ref: str, against: str, as_json: bool) -> None:
    """Compare backup REF's manifest with DIR: what was not put back, or differs (exit 1 then)."""
    row = check_backup(context(app), ref, Path(against))
    lines = []
    if row["complete"]:
        lines.append(ngettext("all {n} file put back", "all {n} files put back", row["files"]).format(n=row["files"]))
    for path in row["missing"]:
        lines.append(_("missing: {path}").format(path=path))
    for path in row["different"]:
        lines.append(_("different: {path}").format(path=path))
    if not row["complete"]:
        lines.append(
            _("{missing} missing, {different} different of {files} files").format(
                missing=len(row["missing"]), different=len(row["different"]), files=row["files"]
            )
        )
    emit(row, as_json, lines)
    if not row["complete"]:
        raise SystemExit(int(ExitCode.RULES))


@click.command("erase")
@click.argument("ref", type=REF)
@json_option
@click.pass_obj
def backup_erase(app: AppContext, ref: str, as_json: bool) -> None:
    """Erase backup REF alone: its key destroyed on the pool drive, its encrypted data overwritten and
    deleted; the other backups on the drive stay readable."""
    row = erase_backup(context(app), ref)
    emit(
        row,
        as_json,
        _(
            "backup record {id} erased (cryptographic erasure of this data set; drive {serial} itself not sanitized: "
            "it holds other customers' encrypted backups)"
        ).format(id=row["id"], serial=row["serial"]),
    )


BACKUP_COMMANDS = {c.name: c for c in (backup_make, backup_restore, backup_check, backup_erase) if c.name}
POOL_COMMANDS = {"prepare": pool_prepare}
COMMANDS: list[click.Command] = []  # subcommands of `backup` and `pool`, named lazily there
