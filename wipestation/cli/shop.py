"""The shop's routine: `digest`, `doctor`, `setup-workstation`."""

from __future__ import annotations

from pathlib import Path

import click

from wipestation.cli.context import AppContext
from wipestation.cli.output import emit, json_option
from wipestation.common.errors import BadValue, ConfigError, ExitCode
from wipestation.common.i18n import _
from wipestation.common.inputs import Address, Day, Folder, Outside
from wipestation.common.units import parse_date
from wipestation.shop.workstation import DEFAULT_DATA_DIR


@click.command("digest")
@click.option("--on", "on", type=Outside(Day(), "DATE"), help="The digest of DATE (default today).")
@click.option("--mail", "mail", is_flag=True, help="Send it to [digest] to through [mail].")
@click.option(
    "--to",
    "to",
    multiple=True,
    type=Outside(Address(), "ADDR"),
    help="Send it here instead of [digest] to (with --mail).",
)
@click.option("--lang", type=click.Choice(["nl", "en"]), help="Language (default: the shop's).")
@json_option
@click.pass_obj
def digest(app: AppContext, on: str | None, mail: bool, to: tuple[str, ...], lang: str | None, as_json: bool) -> None:
    """The morning list: due today, overdue, holds ending, failed erasures, the audit head."""
    from wipestation.documents import mail as mailer
    from wipestation.shop.digest import build_digest, mark_sent, render_text, subject

    if to and not mail:
        raise BadValue(_("--to needs --mail (it says where the digest is mailed)"), field="--to")
    day = parse_date(on) if on else app.env.today()
    language = lang or app.config.language
    recipients = to or app.config.digest.to
    if mail:
        if not recipients:
            raise ConfigError(_("digest --mail: no recipient: set [digest] to in the config (or give --to)"))
        if not app.config.mail.configured:
            raise ConfigError(_("mail is not configured: set [mail] host and from in the config"))
    with app.sessions.begin() as s:
        result = build_digest(s, app.env, day)
    text = render_text(result, language, shop=app.config.shop.name, timezone=app.config.timezone)
    if mail:
        message = mailer.new_message(
            app.config.mail, to=", ".join(recipients), subject=subject(result, language), body=text, now=app.env.now()
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
            click.echo(
                _("mailed to {n} recipient(s)").format(n=len(recipients)),
                err=True,
            )


@click.command("doctor")
@json_option
@click.pass_obj
def doctor(app: AppContext, as_json: bool) -> None:
    """What is missing on this workstation, one line each with what to do (exit 1 if anything is)."""
    from wipestation.shop.doctor import examine

    report = examine(app.config, app.db_url, app.doctor_system)
    emit([f.to_dict() for f in report.findings], as_json, [f.line() for f in report.findings])
    if report.problems:
        if not as_json:
            click.echo(_("{n} problem(s)").format(n=len(report.problems)), err=True)
        raise click.exceptions.Exit(int(ExitCode.RULES))


@click.command("setup-workstation")
@click.option(
    "--root",
    "root",
    type=Outside(Folder(), "DIR"),
    default="/",
    show_default=True,
    help="Write into this staging tree instead of the running system (packaging, tests).",
)
@click.option("--uninstall", is_flag=True, help="Remove what setup-workstation added (records are kept).")
@click.option(
    "--data-dir",
    "data_dir",
    type=Outside(Folder(absolute=True), "DIR"),
    default=DEFAULT_DATA_DIR,
    show_default=True,
    help="The shared data folder.",
)
@click.pass_context
def setup_workstation(ctx: click.Context, root: Path, uninstall: bool, data_dir: Path) -> None:
    """As root: the group, udev rules for the wipe bays, the data folder, the digest and backup timers."""
    from wipestation.shop.workstation import Setup, layout_for

    app: AppContext = ctx.obj
    parent = ctx.find_root()
    config_path = parent.params.get("config_path")
    executable, helper = app.executables
    layout = layout_for(
        app.config,
        executable=executable,
        helper=helper,
        config_path=str(Path(config_path).absolute()) if config_path else None,
        data_dir=str(data_dir),
    )
    setup = Setup(root.absolute(), layout, app.config.devices.wipe_bay_paths, app.host)
    outcome = setup.uninstall() if uninstall else setup.install()
    for line in outcome.changes:
        click.echo(line)
    for line in outcome.notes:
        click.echo(_("note: {line}").format(line=line))
    if not uninstall and app.config.data_dir != Path(layout.data_dir):
        click.echo(
            _('note: technicians share the records once the config says data_dir = "{path}"').format(
                path=layout.data_dir
            )
        )
    if not uninstall:
        from wipestation.shop.dependencies import tested_versions
        from wipestation.shop.doctor import check_dependencies

        # an install without the lock: say so now
        libraries = check_dependencies(tested_versions(), app.doctor_system.installed_version)
        if not libraries.ok:
            click.echo(_("note: {line}").format(line=libraries.line().split(maxsplit=1)[1]))


COMMANDS = [digest, doctor, setup_workstation]
