"""`certificate fingerprint | revoke | site | send`: what the shop publishes and sends to customers.

The `certificate` group of wipestation.cli.certs adds PUBLISH_COMMANDS to its own; COMMANDS is empty on purpose.
"""

from __future__ import annotations

from pathlib import Path

import click

from wipestation.cli import CommandError
from wipestation.cli.context import AppContext
from wipestation.cli.output import emit, json_option, to_json
from wipestation.common.errors import ConfigError, ExitCode
from wipestation.common.i18n import _, ngettext
from wipestation.common.inputs import Address, Folder, Outside, Text
from wipestation.common.text import REVOCATION_REASON_LIMIT
from wipestation.documents.certify.data import LANGUAGES

NUMBER = Outside(Text(60), "NUMBER")


@click.command("fingerprint")
@json_option
@click.pass_obj
def fingerprint_cmd(app: AppContext, as_json: bool) -> None:
    """The SHA-256 fingerprint of the shop's signing certificate, to publish (website, invoices) so that
    customers can check certificates with `certificate verify FILE --fingerprint SHA256`."""
    value = _fingerprint(app)
    emit({"fingerprint": value, "verify_url": app.config.certificates.verify_url}, as_json, value)


@click.command("revoke")
@click.argument("number", type=NUMBER)
@click.option(
    "--reason",
    required=True,
    type=Outside(Text(REVOCATION_REASON_LIMIT, empty=True), "TEXT"),  # empty: the service says why
    help="Why the certificate is withdrawn.",
)
@json_option
@click.pass_obj
def revoke_cmd(app: AppContext, number: str, reason: str, as_json: bool) -> None:
    """Withdraw certificate NUMBER (issued by mistake): verify and the verification site then say revoked.
    Run `certificate site DIR` afterwards to update the published site."""
    from wipestation.documents import revocations
    from wipestation.documents.certify import find_certificate

    with app.sessions.begin() as session:
        row = revocations.revoke(session, app.env, number, reason)
        cert_number_text = find_certificate(session, number).number
    emit(
        {"number": cert_number_text, "revoked_at": row.revoked_at.isoformat(), "reason": row.reason},
        as_json,
        _("{number}: revoked ({reason}); update the published site with `certificate site DIR`").format(
            number=cert_number_text, reason=row.reason
        ),
    )


@click.command("site")
@click.argument("directory", type=Outside(Folder(), "DIR"))
@json_option
@click.pass_obj
def site_cmd(app: AppContext, directory: Path, as_json: bool) -> None:
    """Write (or update) the static verification site in DIRECTORY, to copy to [certificates] verify_url.
    Run it again after new certificates or a revocation."""
    from wipestation.documents import site

    fingerprint = _fingerprint(app)
    with app.sessions.begin() as session:
        report = site.write_site(
            session, directory, fingerprint, shop_name=app.config.shop.name, data_dir=app.config.data_dir
        )
    url = app.config.certificates.verify_url
    lines = [
        _("{path}: {certificates} certificates ({revoked} revoked), {pdfs} PDFs").format(
            path=directory, certificates=report.certificates, revoked=report.revoked, pdfs=report.pdfs
        ),
        _("publish it at {url}").format(url=url)
        if url
        else _("set [certificates] verify_url to where you publish it (the QR codes then open it)"),
    ]
    emit(
        {
            "directory": str(directory),
            "certificates": report.certificates,
            "revoked": report.revoked,
            "pdfs": report.pdfs,
            "verify_url": url,
            "fingerprint": fingerprint,
        },
        as_json,
        lines,
    )


def _fingerprint(app: AppContext) -> str:
    renderer = app.certificate_renderer
    value = getattr(renderer, "fingerprint", None)
    if not isinstance(value, str):
        raise ConfigError(_("the certificate renderer installed has no signing key fingerprint"))
    return value


@click.command("send")
@click.argument("number", required=False, type=NUMBER)
@click.option(
    "--to", "to", type=Outside(Address(), "ADDR"), help="Send to this address (default: the customer's e-mail)."
)
@click.option("--lang", type=click.Choice(LANGUAGES), help="Language of the PDF and the message (default: configured).")
@click.option("--pending", "retry", is_flag=True, help="Send again every certificate whose last attempt failed.")
@json_option
@click.pass_obj
def send_cmd(app: AppContext, number: str | None, to: str | None, lang: str | None, retry: bool, as_json: bool) -> None:
    """Mail certificate NUMBER to the customer ([mail] in the config), or retry the failed ones with
    --pending. Every attempt is recorded with its outcome; a failed one stays pending."""
    if retry == (number is not None):
        raise click.UsageError(_("give a certificate NUMBER, or --pending"))
    if retry and (to or lang):
        raise click.UsageError(_("--pending sends to the address and in the language of the failed attempt"))
    from wipestation.documents import sending

    renderer = app.certificate_renderer
    with app.sessions.begin() as session:
        if retry:
            results = sending.retry_pending(session, app.env, renderer)
        else:
            assert number is not None
            results = [sending.send_certificate(session, app.env, renderer, number, to=to, lang=lang)]
    failed = [r for r in results if r.status != sending.SENT]
    data: object = [r.to_dict() for r in results] if retry else results[0].to_dict()
    if failed:
        if as_json:
            click.echo(to_json(data))
        first = failed[0]
        if len(failed) > 1:
            message = ngettext(
                "certificate {number} not sent (and {n} more): {error}; it stays pending (certificate send --pending)",
                "certificate {number} not sent (and {n} more): {error}; they stay pending (certificate send --pending)",
                len(failed) - 1,
            ).format(number=first.number, n=len(failed) - 1, error=first.error)
        else:
            message = _("certificate {number} not sent: {error}; it stays pending (certificate send --pending)").format(
                number=first.number, error=first.error
            )
        raise CommandError(message, int(ExitCode.RULES))
    lines = [_("{number}: sent ({lang})").format(number=r.number, lang=r.lang) for r in results] or [
        _("nothing pending")
    ]
    emit(data, as_json, lines)


COMMANDS: list[click.Command] = []


PUBLISH_COMMANDS = [fingerprint_cmd, revoke_cmd, site_cmd, send_cmd]
