"""`wipestation db ...`: the store itself."""

from __future__ import annotations

import click

from wipestation.cli.context import AppContext
from wipestation.cli.output import emit, json_option
from wipestation.common.i18n import ngettext
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


COMMANDS = [db]

# `db backup` joins this group from the shop's module (lazy loading imports only this module for `db ...`)
from wipestation.cli import shop  # noqa: E402, F401
