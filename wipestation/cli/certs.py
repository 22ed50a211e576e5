"""`destroy` and `certificate list | pdf | verify`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, BinaryIO

import click
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from wipestation import certify
from wipestation.audit_check import certificate_head_problem
from wipestation.certify import CertificateRenderer, VerifyReport
from wipestation.cli.context import AppContext
from wipestation.cli.output import emit, json_option, to_json
from wipestation.destruction import METHODS, DestructionRequest, destroy
from wipestation.errors import WipestationError
from wipestation.files import read_certificate_file, write_private
from wipestation.models import Certificate
from wipestation.units import parse_date


def certificate_renderer(app: AppContext) -> CertificateRenderer:
    """The renderer registered through the entry point (tests inject one as "certificate_renderer")."""
    return app.service("certificate_renderer", lambda: certify.load_renderer(app.config))


@click.command("destroy")
@click.argument("refs", nargs=-1, required=True, metavar="REF...")
@click.option("--method", required=True, metavar="|".join(METHODS), help="How the drive was destroyed.")
@click.option("--level", required=True, metavar="LEVEL", help="DIN 66399 security level: H-1..H-7 or E-1..E-7.")
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
@json_option
@click.pass_obj
def destroy_cmd(
    app: AppContext,
    refs: tuple[str, ...],
    method: str,
    level: str,
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
    as_json: bool,
) -> None:
    """Record the physical destruction of abandoned disks (REF: record id or serial); one certificate per
    drive."""
    request = DestructionRequest(
        refs=refs,
        method=method.strip().lower(),
        level=level,
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
    )
    renderer = certificate_renderer(app)
    with app.sessions.begin() as session:
        results = destroy(session, app.env, renderer, request)
    data: Any = [r.to_dict() for r in results]
    if len(results) == 1:
        data = data[0]
    emit(
        data,
        as_json,
        [
            f"record {r.record_id} ({r.serial}): destroyed {r.destroyed_on} by {r.method}, level {r.level}; "
            f"certificate {r.certificate}"
            for r in results
        ],
    )


@click.group("certificate")
def certificate_group() -> None:
    """Erasure and destruction certificates: list, get the PDF, verify a PDF."""


@certificate_group.command("list")
@json_option
@click.pass_obj
def list_cmd(app: AppContext, as_json: bool) -> None:
    """Every certificate issued, oldest first."""
    with app.sessions.begin() as session:
        rows = [certify.certificate_to_dict(c) for c in certify.list_certificates(session)]
    emit(
        rows,
        as_json,
        [
            f"{r['number']}  {r['kind']:<11} {r['issued_at'][:10]}  {r['serial'] or '-'}  record {r['record_id']}"
            for r in rows
        ]
        or ["no certificates"],
    )


@certificate_group.command("pdf")
@click.argument("number")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE (default stdout).")
@click.option("--lang", type=click.Choice(certify.LANGUAGES), help="Language (default: the configured one).")
@click.pass_obj
def pdf_cmd(app: AppContext, number: str, output: Path | None, lang: str | None) -> None:
    """The signed PDF of certificate NUMBER: the stored bytes, or a new signed rendering in another language."""
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
    click.echo(f"{cert.number}: {output} ({len(pdf)} bytes)")


def _check_store(app: AppContext, report: VerifyReport) -> tuple[str | None, bool]:
    """(problem, checked): the stored record's hash against the PDF's, when the database is there."""
    if report.number is None or report.sha256 is None:
        return None, False
    try:
        with app.sessions.begin() as session:
            cert = session.execute(select(Certificate).where(Certificate.number == report.number)).scalar_one_or_none()
            if cert is None:
                return f"certificate {report.number} is not in this database", True
            problem = certify.stored_record_problem(cert, report.sha256, report.data)
            problem = problem or certificate_head_problem(session, cert)
            if problem is not None:
                return problem, True
    except (OperationalError, WipestationError):
        return None, False  # no database here: the offline checks stand on their own
    return None, True


@certificate_group.command("verify")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--offline", is_flag=True, help="Do not compare with the database.")
@json_option
@click.pass_obj
def verify_cmd(app: AppContext, file: Path, offline: bool, as_json: bool) -> None:
    """Check that FILE is an authentic, unchanged certificate of this shop. Exit 0 only when it is."""
    pdf = read_certificate_file(file)
    report = certificate_renderer(app).verify(pdf)
    problems = list(report.problems)
    checked = False
    if not offline:
        problem, checked = _check_store(app, report)
        if problem:
            problems.append(problem)
    result = {
        "ok": not problems,
        "file": str(file),
        "number": report.number,
        "sha256": report.sha256,
        "signer_fingerprint": report.signer_fingerprint,
        "database_checked": checked,
        "problems": problems,
    }
    if problems:
        if as_json:
            click.echo(to_json(result))
        raise click.exceptions.Exit(_fail(f"{file}: NOT authentic: " + "; ".join(problems)))
    where = "signature, signer, data hash and stored record" if checked else "signature, signer and data hash"
    emit(result, as_json, f"{file}: authentic certificate {report.number} ({where} checked)")


def _fail(message: str) -> int:
    click.echo(f"error: {' '.join(message.split())}", err=True)
    return 1


COMMANDS = [destroy_cmd, certificate_group]
