"""The shop's routine: `digest`, `db backup`, `doctor`, `setup-workstation`."""

from __future__ import annotations

from pathlib import Path

import click

from wipestation.cli.context import AppContext
from wipestation.cli.db_cmd import db
from wipestation.cli.output import emit, json_option
from wipestation.errors import ConfigError
from wipestation.units import parse_date


@click.command("digest")
@click.option("--on", "on", metavar="DATE", help="The digest of DATE (default today).")
@click.option("--mail", "mail", is_flag=True, help="Send it to [digest] to through [mail].")
@click.option("--to", "to", multiple=True, metavar="ADDR", help="Send it here instead of [digest] to (with --mail).")
@click.option("--lang", type=click.Choice(["nl", "en"]), help="Language (default: the shop's).")
@json_option
@click.pass_obj
def digest(app: AppContext, on: str | None, mail: bool, to: tuple[str, ...], lang: str | None, as_json: bool) -> None:
    """The morning list: due today, overdue, holds ending, failed erasures, the audit head."""
    from wipestation import mail as mailer
    from wipestation.digest import build_digest, mark_sent, render_text, subject

    day = parse_date(on) if on else app.env.today()
    language = lang or app.config.language
    recipients = to or app.config.digest.to
    if mail:
        if not recipients:
            raise ConfigError("digest --mail: no recipient: set [digest] to in the config (or give --to)")
        if not app.config.mail.configured:
            raise ConfigError("mail is not configured: set [mail] host and from in the config")
    with app.sessions.begin() as s:
        result = build_digest(s, app.env, day)
    text = render_text(result, language, shop=app.config.shop.name, timezone=app.config.timezone)
    if mail:
        message = mailer.new_message(
            app.config.mail, to=", ".join(recipients), subject=subject(result, language), body=text
        )
        mailer.send(app.config.mail, message)
        app.transaction(lambda s: mark_sent(s, app.env, result, len(recipients)))
    data = result.to_dict()
    data["mailed_to"] = len(recipients) if mail else 0
    if as_json:
        emit(data, True, "")
    else:
        click.echo(text, nl=False)
        if mail:
            click.echo(f"mailed to {len(recipients)} recipient(s)", err=True)


@click.command("backup")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--keep", type=click.IntRange(min=1), metavar="N", help="Keep only the newest N backups here.")
@json_option
@click.pass_obj
def backup(app: AppContext, directory: Path, keep: int | None, as_json: bool) -> None:
    """Copy the records into DIRECTORY (SQLite online backup), verify the copy, rotate."""
    from wipestation.backup import backup_store

    report = backup_store(app.db_url, directory, now=app.clock.now(), keep=keep)
    data = {
        "file": str(report.path),
        "bytes": report.size,
        "audit_events": report.audit_events,
        "audit_chain": "intact",
        "removed": [str(p) for p in report.removed],
    }
    lines = [
        f"backup {report.path} ({report.size} bytes); audit chain of the copy intact ({report.audit_events} events)"
    ]
    lines += [f"removed old backup {p}" for p in report.removed]
    emit(data, as_json, lines)


db.add_command(backup)  # `wipestation db backup`, beside `db copy`

COMMANDS = [digest]
