"""`destroy` and `certificate list | pdf | verify`."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import click

from wipestation.cli.cert_publish import PUBLISH_COMMANDS
from wipestation.cli.context import AppContext
from wipestation.cli.output import emit, json_option, to_json
from wipestation.common.errors import BadUsage, ExitCode, InvalidState, WipestationError
from wipestation.common.files import read_certificate_file, write_private
from wipestation.common.i18n import N_, Phrase, _, shown
from wipestation.common.units import parse_date
from wipestation.destruction.levels import METHODS
from wipestation.documents.certify.data import LANGUAGES

if TYPE_CHECKING:
    from wipestation.documents.certify import CertificateRenderer, VerifyReport
    from wipestation.documents.sending import SendResult

# The store, the issuing and the plugins are imported where a command needs them: `certificate verify`
# runs on a customer's machine, where it must start fast (bench/cert_bench.py) and has no database.

# A certificate's kind as the list shows it (the JSON keeps the stored word).
CERTIFICATE_KINDS = {"erasure": N_("erasure"), "destruction": N_("destruction")}


def certificate_renderer(app: AppContext) -> CertificateRenderer:
    """The renderer registered through the entry point (tests inject one: `Overrides(certificate_renderer=...)`)."""
    return app.certificate_renderer


@click.command("destroy")
@click.argument("refs", nargs=-1, required=True, metavar="REF...")
@click.option("--method", required=True, metavar="|".join(METHODS), help="How the drive was destroyed.")
@click.option(
    "--level",
    "levels",
    required=True,
    multiple=True,
    metavar="LEVEL",
    help="DIN 66399 security level reached: H-1..H-7 (magnetic) or E-1..E-7 (flash); repeat it (one H, one E) "
    "for a batch of both kinds.",
)
@click.option("--witness", metavar="NAME", help="Who witnessed the destruction.")
@click.option(
    "--evidence",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Photo or video of the destruction (repeatable); copied and hashed.",
)
@click.option("--on", "on", metavar="DATE", help="Date of the destruction (default today).")
@click.option("--early", is_flag=True, help="Destroy before the due date (the customer agreed).")
@click.option("--reason", metavar="TEXT", help="Why early (with --early).")
@click.option("--accept-lower", metavar="REASON", help="Accept a level below the configured minimum, with the reason.")
@click.option("--equipment", metavar="TEXT", help="The shredder, crusher, ... used.")
@click.option("--place", metavar="TEXT", help="Where (default in house; or the provider and its certificate).")
@click.option("--particle-size", metavar="TEXT", help="Particle size reached, where known (e.g. '<= 320 mm²').")
@click.option("--serial-rescanned", is_flag=True, help="The serial was scanned again right before destruction.")
@click.option(
    "--asset-tag", metavar="TAG", help="The shop's own asset or service tag of the drive (one REF; on the certificate)."
)
@json_option
@click.pass_obj
def destroy_cmd(
    app: AppContext,
    refs: tuple[str, ...],
    method: str,
    levels: tuple[str, ...],
    witness: str | None,
    evidence: tuple[Path, ...],
    on: str | None,
    early: bool,
    reason: str | None,
    accept_lower: str | None,
    equipment: str | None,
    place: str | None,
    particle_size: str | None,
    serial_rescanned: bool,
    asset_tag: str | None,
    as_json: bool,
) -> None:
    """Record the physical destruction of abandoned disks and of the shop's own retired drives queued
    for destruction (REF: record id or serial); one certificate per drive."""
    from wipestation.destruction.destroying import DestructionRequest, destroy

    request = DestructionRequest(
        refs=refs,
        method=method.strip().lower(),
        level=",".join(levels),
        witness=witness,
        evidence=evidence,
        on=parse_date(on) if on is not None else None,
        early=early,
        reason=reason,
        accept_lower=accept_lower,
        equipment=equipment,
        place=place,
        particle_size=particle_size,
        serial_rescanned=serial_rescanned,
        asset_tag=asset_tag,
    )
    renderer = certificate_renderer(app)
    with app.sessions.begin() as session:
        results = destroy(session, app.env, renderer, request)
    sent = _send_all_on_issue(app, renderer, [r.certificate for r in results])
    data: Any = [{**r.to_dict(), "mail": m.to_dict() if m else None} for r, m in zip(results, sent, strict=True)]
    data = data[0] if len(results) == 1 else data
    emit(
        data,
        as_json,
        [
            _("record {id} ({serial}): destroyed {on} by {method}, level {level}; certificate {certificate}").format(
                id=r.record_id,
                serial=r.serial,
                on=r.destroyed_on,
                method=r.method,
                level=r.level,
                certificate=r.certificate,
            )
            for r in results
        ],
    )


def _send_all_on_issue(app: AppContext, renderer: CertificateRenderer, numbers: list[str]) -> list[SendResult | None]:
    """`_send_on_issue` for each certificate; a failure is one line on stderr."""
    sent = [_send_on_issue(app, renderer, number) for number in numbers]
    for m in sent:
        if m is not None and (line := m.failure_line()):
            click.echo(shown(line), err=True)
    return sent


def _send_on_issue(app: AppContext, renderer: CertificateRenderer, number: str) -> SendResult | None:
    """`[certificates] send_on_issue`: mail a new certificate to its customer (the outcome, or None)."""
    from wipestation.documents.sending import send_on_issue

    return send_on_issue(app.sessions, app.env, renderer, number)


@click.group("certificate")
def certificate_group() -> None:
    """Erasure and destruction certificates: list, get the PDF, verify a PDF."""


@certificate_group.command("list")
@json_option
@click.pass_obj
def list_cmd(app: AppContext, as_json: bool) -> None:
    """Every certificate issued, oldest first."""
    from wipestation import views

    with app.sessions.begin() as session:
        rows = [c.to_dict() for c in views.certificate_list(session)]
    emit(
        rows,
        as_json,
        [
            "{number}  {kind:<11} {issued}  {serial}  {record}".format(
                number=r["number"],
                kind=_(CERTIFICATE_KINDS.get(r["kind"], r["kind"])),
                issued=r["issued_at"][:10],
                serial=r["serial"] or "-",
                record=_("record {id}").format(id=r["record_id"]),
            )
            for r in rows
        ]
        or [_("no certificates")],
    )


@certificate_group.command("issue-owed")
@json_option
@click.pass_obj
def issue_owed_cmd(app: AppContext, as_json: bool) -> None:
    """Issue the certificate of every record closed by an erasure or a destruction without one (every
    start does this first; this says what was issued, and why any is still owed). The certificate
    carries the work's own times and figures, and a line saying it was issued later."""
    from wipestation.documents.certify.owed import issue_owed

    report = issue_owed(app.sessions, app.env, certificate_renderer(app))
    emit(
        {
            "issued": [{**item.to_dict(), "certificate": number} for item, number in report.issued],
            "failed": [{**item.to_dict(), "error": why} for item, why in report.failed],
        },
        as_json,
        [
            _("record {id}: certificate {number} issued for {kind} {work}").format(
                id=item.record_id, number=number, kind=_(CERTIFICATE_KINDS[item.kind]), work=item.work_id
            )
            for item, number in report.issued
        ]
        or ([] if report.failed else [_("no certificate is owed")]),
    )
    if report.failed:
        item, why = report.failed[0]
        raise InvalidState(
            _("{n} certificate(s) still owed; record {id}: {error}").format(
                n=len(report.failed), id=item.record_id, error=why
            )
        )


@certificate_group.command("pdf")
@click.argument("number")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE (default stdout).")
@click.option("--lang", type=click.Choice(LANGUAGES), help="Language (default: the configured one).")
@click.pass_obj
def pdf_cmd(app: AppContext, number: str, output: Path | None, lang: str | None) -> None:
    """The signed PDF of certificate NUMBER: the stored bytes, or a new signed rendering in another language."""
    from wipestation.documents import certify

    with app.sessions.begin() as session:
        cert = certify.find_certificate(session, number)
        stored = {d.lang for d in cert.documents}
        wanted = lang or app.config.certificates.language
        renderer = None if wanted in stored else certificate_renderer(app)
        pdf = certify.certificate_pdf(session, app.env, renderer, number, lang)
    if output is None:
        stream: BinaryIO = sys.stdout.buffer
        stream.write(pdf)
        stream.flush()
        return
    write_private(output, pdf)
    click.echo(_("{number}: {path} ({size} bytes)").format(number=cert.number, path=output, size=len(pdf)))


def _store_exists(app: AppContext) -> bool:
    """Whether there is a database to compare with, without creating one: an SQLite URL whose file
    is missing means "no records here" (verify runs on the customer's machine too)."""
    url = app.db_url
    if url.partition(":")[0].partition("+")[0] != "sqlite":  # sqlite: or sqlite+pysqlite:
        return True
    database = url.partition("///")[2].partition("?")[0] if "///" in url else ""  # as SQLAlchemy reads it
    return bool(database) and database != ":memory:" and Path(database).exists()


@dataclass(frozen=True)
class StoreCheck:
    checked: bool  # compared with the shop's records
    problem: str | None = None  # the PDF does not match its record
    revoked: str | None = None  # "revoked on DATE: reason"
    note: str | None = None  # why it was not compared


def _check_store(app: AppContext, report: VerifyReport) -> StoreCheck:
    """The stored record against the PDF, when this machine has the shop's records."""
    if report.number is None or report.sha256 is None:
        return StoreCheck(False)
    if not _store_exists(app):
        return StoreCheck(False, note=_("no database here"))
    from sqlalchemy import select
    from sqlalchemy.exc import OperationalError

    from wipestation.documents import certify, revocations
    from wipestation.shop.audit_check import certificate_head_problem
    from wipestation.store.models import Certificate

    try:
        with app.sessions.begin() as session:
            cert = session.execute(select(Certificate).where(Certificate.number == report.number)).scalar_one_or_none()
            if cert is None:
                return StoreCheck(False, note=_("{number} is not in this database").format(number=report.number))
            problem = certify.stored_record_problem(cert, report.sha256, report.data)
            problem = problem or certificate_head_problem(session, cert)
            revocation = revocations.revocation_of(session, cert)
    except (OperationalError, WipestationError):
        return StoreCheck(False, note=_("the database cannot be read"))
    revoked = None
    if revocation is not None:
        revoked = Phrase(
            N_("revoked on {day}: {reason}"), day=revocation.revoked_at.date().isoformat(), reason=revocation.reason
        )
    return StoreCheck(True, problem=problem, revoked=revoked)


def _where_published(report: VerifyReport) -> str:
    """Where the certificate says the shop publishes its fingerprint."""
    if report.verify_url:
        return _("the shop publishes it on {url}").format(url=report.verify_url)
    issuer = (report.data or {}).get("issuer") if isinstance(report.data, dict) else None
    contact = issuer.get("contact") if isinstance(issuer, dict) else None
    name = issuer.get("name") if isinstance(issuer, dict) else None
    if contact:
        return _("ask the shop ({name}, {contact}) for it").format(
            name=" ".join(str(name or "").split()), contact=" ".join(str(contact).split())
        )
    return _("ask the shop that issued it for it")


def _revocation_where(report: VerifyReport) -> str:
    """Without the shop's records a revoked certificate still verifies: where to look it up."""
    if report.verify_url and report.number:
        return _("whether the shop revoked it can only be checked on the shop's page: {url}#{number}").format(
            url=report.verify_url, number=report.number
        )
    issuer = report.data.get("issuer") if isinstance(report.data, dict) else None
    contact = issuer.get("contact") if isinstance(issuer, dict) else None
    return _("whether the shop revoked it can only be checked with the shop that issued it{contact}").format(
        contact=f" ({' '.join(str(contact).split())})" if contact else ""
    )


def _renderer_for(app: AppContext, fingerprint: str | None) -> CertificateRenderer:
    if fingerprint is None:
        return certificate_renderer(app)
    wanted = fingerprint.replace(":", "").replace(" ", "").strip().lower()
    if not re.fullmatch(r"[0-9a-f]{64}", wanted):
        raise BadUsage(
            _("--fingerprint must be 64 hexadecimal digits (SHA-256), not '{text}'").format(text=fingerprint)
        )
    from wipestation.documents.certify.renderer import load_renderer

    config = replace(app.config, certificates=replace(app.config.certificates, fingerprint=wanted))
    return load_renderer(config)


@certificate_group.command("verify")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--fingerprint", metavar="SHA256", help="The shop's published signing-key fingerprint.")
@click.option("--offline", is_flag=True, help="Do not compare with the shop's records.")
@json_option
@click.pass_obj
def verify_cmd(app: AppContext, file: Path, fingerprint: str | None, offline: bool, as_json: bool) -> None:
    """Check that FILE is a genuine, unchanged certificate of the shop. Creates nothing.

    Exit 0 genuine; 1 changed, forged or revoked; 2 usage: FILE does not exist or --fingerprint is not
    a SHA-256; 5 cannot be checked here (the shop's key is unknown: give the fingerprint the shop
    publishes with --fingerprint). Without the shop's records a revocation cannot be known: the
    output says where the shop publishes it."""
    renderer = _renderer_for(app, fingerprint)  # a malformed fingerprint is refused before the file is read
    if not file.exists() and not file.is_symlink():
        raise BadUsage(_("file not found: {path}").format(path=file))
    pdf = read_certificate_file(file)
    report = renderer.verify(pdf)
    problems = list(report.problems)
    store = StoreCheck(False, note="--offline") if offline else _check_store(app, report)
    if store.problem:
        problems.append(store.problem)
    if store.revoked:
        problems.append(store.revoked)
    status = "genuine" if not problems and report.key_known else "not genuine" if problems else "uncheckable"
    result = {
        "ok": status == "genuine",
        "status": status,
        "file": str(file),
        "number": report.number,
        "sha256": report.sha256,
        "signer_fingerprint": report.signer_fingerprint,
        "key_known": report.key_known,
        "database_checked": store.checked,
        "revoked": store.revoked is not None,
        "problems": problems,
    }
    if problems:
        if as_json:
            click.echo(to_json(result))
        message = _("{file}: NOT authentic: {problems}").format(
            file=file, problems="; ".join(shown(p) for p in problems)
        )
        raise click.exceptions.Exit(_fail(message, ExitCode.RULES))
    if not report.key_known:
        if as_json:
            click.echo(to_json(result))
        message = _(
            "{file}: cannot be checked here: the shop's key is unknown; {where}, then run "
            "`wipestation certificate verify FILE --fingerprint SHA256` (the file itself shows no sign of change)"
        ).format(file=file, where=_where_published(report))
        raise click.exceptions.Exit(_fail(message, ExitCode.UNCHECKABLE))
    authentic = (
        _("{file}: authentic certificate {number} (signature, signer, data hash and the shop's records checked)")
        if store.checked
        else _("{file}: authentic certificate {number} (signature, signer and data hash checked)")
    )
    lines = [authentic.format(file=file, number=report.number)]
    if not store.checked:
        lines.append(_("not checked against the shop's records ({why})").format(why=store.note))
        lines.append(_revocation_where(report))
    emit(result, as_json, lines)


def _fail(message: str, code: ExitCode) -> int:
    click.echo(_("error: {message}").format(message=" ".join(message.split())), err=True)
    return int(code)


for _command in PUBLISH_COMMANDS:  # fingerprint, revoke, site and send: what the shop publishes
    certificate_group.add_command(_command)

COMMANDS = [destroy_cmd, certificate_group]
