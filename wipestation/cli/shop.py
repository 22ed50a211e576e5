"""The shop's routine: `digest`, `db backup`, `doctor`, `setup-workstation`."""

from __future__ import annotations

from pathlib import Path

import click

from wipestation.cli.context import AppContext
from wipestation.cli.db_cmd import db
from wipestation.cli.output import emit, json_option
from wipestation.errors import ConfigError, ExitCode, WipestationError
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


COMMANDS = [digest]
_ = (Path, db, ExitCode, WipestationError)
