"""`wipestation audit verify` and `audit head`: the hash chain, and the log against the records."""

from __future__ import annotations

import click

from wipestation.audit.log import current_head, format_head, head_problem, parse_head, verify_chain
from wipestation.cli.context import AppContext
from wipestation.cli.output import emit, json_option, to_json
from wipestation.common.errors import BadValue, WipestationError
from wipestation.common.i18n import N_, Phrase, _, ngettext, shown
from wipestation.shop.audit_check import cross_check


class AuditBroken(WipestationError):
    """The audit chain does not verify."""


@click.group("audit")
def audit() -> None:
    """The append-only, hash-chained audit log."""


@audit.command("verify")
@click.option(
    "--head",
    "remembered",
    metavar="N:HASH",
    help="A head printed by `audit head` earlier (hash in full or its first 12+ digits): check it is still there.",
)
@json_option
@click.pass_obj
def verify(app: AppContext, remembered: str | None, as_json: bool) -> None:
    """Check the hash chain (name the first broken event), replay it against the records, and check
    every certificate's audit head and a remembered head."""
    head = None
    if remembered is not None:
        head = parse_head(remembered)
        if head is None:
            raise BadValue(
                _("--head: not N:HASH (an event number, a colon, 12 to 64 hex digits): '{text}'").format(
                    text=remembered
                )
            )
    with app.sessions.begin() as s:
        report = verify_chain(s)
        if not report.ok:
            raise AuditBroken(_("audit chain broken: {problem}").format(problem=shown(report.problem or "")))
        findings = cross_check(s)
        if head is not None:
            problem = head_problem(s, *head)
            if problem:
                findings.insert(
                    0,
                    Phrase(
                        N_("the remembered head {head} is not in the chain: {problem}"),
                        head=f"{head[0]}:{head[1][:16]}",
                        problem=problem,
                    ),
                )
    if findings:
        if as_json:
            click.echo(to_json({"ok": False, "events": report.events, "findings": findings}))
        else:
            for finding in findings:
                click.echo(shown(finding))
        raise AuditBroken(
            ngettext(
                "the audit log does not explain the records: {n} finding, first: {first}",
                "the audit log does not explain the records: {n} findings, first: {first}",
                len(findings),
            ).format(n=len(findings), first=shown(findings[0]))
        )
    intact = ngettext("audit chain intact: {n} event", "audit chain intact: {n} events", report.events)
    emit({"ok": True, "events": report.events}, as_json, intact.format(n=report.events))


@audit.command("head")
@json_option
@click.pass_obj
def head_cmd(app: AppContext, as_json: bool) -> None:
    """Print the newest event's number and hash (N:HASH): write it down or mail it, and check it later
    with `audit verify --head N:HASH`."""
    with app.sessions.begin() as s:
        event_id, hash_ = current_head(s)
    emit(
        {"event": event_id, "hash": hash_, "head": format_head(event_id, hash_)}, as_json, format_head(event_id, hash_)
    )


COMMANDS = [audit]
