"""`certificate fingerprint | revoke | site | send`: what the shop publishes and sends to customers.

The commands join the `certificate` group of wipestation.cli.certs; COMMANDS is empty on purpose.
"""

from __future__ import annotations

from pathlib import Path

import click

from wipestation import revocations, site
from wipestation.certify import find_certificate
from wipestation.cli.certs import certificate_group, certificate_renderer
from wipestation.cli.context import AppContext
from wipestation.cli.output import emit, json_option
from wipestation.errors import ConfigError


@certificate_group.command("fingerprint")
@json_option
@click.pass_obj
def fingerprint_cmd(app: AppContext, as_json: bool) -> None:
    """The SHA-256 fingerprint of the shop's signing certificate, to publish (website, invoices) so that
    customers can check certificates with `certificate verify FILE --fingerprint SHA256`."""
    value = _fingerprint(app)
    emit({"fingerprint": value, "verify_url": app.config.certificates.verify_url}, as_json, value)


@certificate_group.command("revoke")
@click.argument("number")
@click.option("--reason", required=True, metavar="TEXT", help="Why the certificate is withdrawn.")
@json_option
@click.pass_obj
def revoke_cmd(app: AppContext, number: str, reason: str, as_json: bool) -> None:
    """Withdraw certificate NUMBER (issued by mistake): verify and the verification site then say revoked.
    Run `certificate site DIR` afterwards to update the published site."""
    with app.sessions.begin() as session:
        row = revocations.revoke(session, app.env, number, reason)
        cert_number_text = find_certificate(session, number).number
    emit(
        {"number": cert_number_text, "revoked_at": row.revoked_at.isoformat(), "reason": row.reason},
        as_json,
        f"{cert_number_text}: revoked ({row.reason}); update the published site with `certificate site DIR`",
    )


@certificate_group.command("site")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@json_option
@click.pass_obj
def site_cmd(app: AppContext, directory: Path, as_json: bool) -> None:
    """Write (or update) the static verification site in DIRECTORY, to copy to [certificates] verify_url.
    Run it again after new certificates or a revocation."""
    fingerprint = _fingerprint(app)
    with app.sessions.begin() as session:
        report = site.write_site(session, directory, fingerprint, shop_name=app.config.shop.name)
    url = app.config.certificates.verify_url
    lines = [
        f"{directory}: {report.certificates} certificates ({report.revoked} revoked), {report.pdfs} PDFs",
        f"publish it at {url}"
        if url
        else "set [certificates] verify_url to where you publish it (the QR codes then open it)",
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
    renderer = certificate_renderer(app)
    value = getattr(renderer, "fingerprint", None)
    if not isinstance(value, str):
        raise ConfigError("the certificate renderer installed has no signing key fingerprint")
    return value


COMMANDS: list[click.Command] = []
