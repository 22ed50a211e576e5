"""`wipestation audit verify`: walk the hash chain of the audit log."""

from __future__ import annotations

import click

from wipestation.audit import verify_chain
from wipestation.cli.context import AppContext
from wipestation.cli.output import emit, json_option
from wipestation.errors import WipestationError


class AuditBroken(WipestationError):
    """The audit chain does not verify."""


@click.group("audit")
def audit() -> None:
    """The append-only, hash-chained audit log."""


@audit.command("verify")
@json_option
@click.pass_obj
def verify(app: AppContext, as_json: bool) -> None:
    """Check the hash chain; name the first broken event."""
    with app.sessions.begin() as s:
        report = verify_chain(s)
    if not report.ok:
        raise AuditBroken(f"audit chain broken: {report.problem}")
    emit({"ok": True, "events": report.events}, as_json, f"audit chain intact: {report.events} events")


COMMANDS = [audit]
