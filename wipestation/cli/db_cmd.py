"""`wipestation db ...`: the store itself."""

from __future__ import annotations

from pathlib import Path

import click

from wipestation.cli.context import AppContext
from wipestation.cli.output import emit, json_option
from wipestation.common.i18n import _, ngettext
from wipestation.common.inputs import Count, Folder, Outside
from wipestation.shop.dbcopy import copy_store


@click.group("db")
def db() -> None:
    """The database: copy it to another server."""


@db.command("copy")
@click.option("--to", "target", required=True, metavar="URL", help="An empty database, e.g. postgresql+psycopg://…")
@json_option
@click.pass_obj
def copy(app: AppContext, target: str, as_json: bool) -> None:
    """Copy every record, certificate and audit event into an empty database (ids kept)."""
    report = copy_store(app.engine, target)
    total = sum(report.rows.values())
    emit(
        {"rows": report.rows, "audit_events": report.audit_events, "audit_chain": "intact"},
        as_json,
        ngettext(
            "copied {rows} rows in {tables} tables; audit chain intact ({n} event)",
            "copied {rows} rows in {tables} tables; audit chain intact ({n} events)",
            report.audit_events,
        ).format(rows=total, tables=len(report.rows), n=report.audit_events),
    )


@db.command("backup")
@click.argument("directory", type=Outside(Folder(), "DIR"))
@click.option("--keep", type=Outside(Count(1, 10000), "N"), help="Keep only the newest N backups here.")
@json_option
@click.pass_obj
def backup(app: AppContext, directory: Path, keep: int | None, as_json: bool) -> None:
    """Copy the records into DIRECTORY (SQLite online backup), verify the copy, rotate."""
    from wipestation.shop.dbbackup import backup_store

    report = backup_store(app.db_url, directory, now=app.clock.now(), keep=keep)
    data = {
        "file": str(report.path),
        "bytes": report.size,
        "audit_events": report.audit_events,
        "audit_chain": "intact",
        "removed": [str(p) for p in report.removed],
    }
    made = ngettext(
        "backup {path} ({size} bytes); audit chain of the copy intact ({n} event)",
        "backup {path} ({size} bytes); audit chain of the copy intact ({n} events)",
        report.audit_events,
    )
    lines = [made.format(path=report.path, size=report.size, n=report.audit_events)]
    lines += [_("removed old backup {path}").format(path=p) for p in report.removed]
    emit(data, as_json, lines)


COMMANDS = [db]
