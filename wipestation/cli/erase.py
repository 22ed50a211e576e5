"""`wipestation erase` and `wipestation methods`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace

import click

from wipestation.cli.certs import certificate_renderer
from wipestation.cli.context import AppContext
from wipestation.cli.output import emit, json_line, json_option
from wipestation.cli.signals import stop_on_signals
from wipestation.common.commands import CommandRunner
from wipestation.common.devices import DetectedDrive, DriveSource
from wipestation.common.errors import EraseFailed
from wipestation.common.i18n import N_, _, check_word, method_word, ngettext, shown
from wipestation.common.outcome import ErasureOutcome
from wipestation.common.text import TAG_LIMIT, check_length, check_plain
from wipestation.erasure.engine import Progress
from wipestation.erasure.methods import METHODS
from wipestation.erasure.offers import method_offers
from wipestation.erasure.result import ErasureResult
from wipestation.erasure.run import EraseOrder, EraseServices, run_erasure
from wipestation.records.history import OUTCOME_WORDS
from wipestation.shop.helper import require_device_access

# The engine's phases, as the progress line names them.
PHASES = {"write": N_("write"), "verify": N_("verify"), "firmware": N_("firmware")}


def _drive_source(app: AppContext) -> DriveSource:
    return app.drive_source


def _progress_printer(as_json: bool) -> Callable[[Progress], None]:
    tty = sys.stderr.isatty()

    def show(p: Progress) -> None:
        if as_json:
            line = {
                "event": "progress",
                "phase": p.phase,
                "pass": p.pass_number,
                "passes": p.passes,
                "bytes_done": p.bytes_done,
                "bytes_total": p.bytes_total,
                "rate": round(p.rate),
                "eta_seconds": None if p.eta_seconds is None else round(p.eta_seconds, 1),
            }
            click.echo(json_line(line))
        elif tty:
            eta = (
                ""
                if p.eta_seconds is None
                else "  " + _("ETA {time}").format(time=f"{int(p.eta_seconds) // 60}:{int(p.eta_seconds) % 60:02d}")
            )
            width = 30
            filled = int(p.fraction * width)
            bar = "#" * filled + "-" * (width - filled)
            click.echo(
                f"\r{_(PHASES[p.phase]) if p.phase in PHASES else p.phase:8} "
                + _("pass {n}/{passes}").format(n=p.pass_number, passes=p.passes)
                + f" [{bar}] {p.fraction * 100:5.1f}%"
                f"  {p.rate / 1e6:8.1f} MB/s{eta}   ",
                err=True,
                nl=False,
            )

    return show


@click.command()
@click.argument("device")
@click.option("--method", "method_name", required=True, type=click.Choice(list(METHODS)), help="Sanitisation method.")
@click.option(
    "--verify", type=click.Choice(["full", "sample", "none"]), default="full", show_default=True, help="Verification."
)
@click.option("--confirm", "confirm_serial", required=True, metavar="SERIAL", help="The drive's serial.")
@click.option(
    "--allow-member",
    is_flag=True,
    help="Erase a disk that carries a RAID/LVM/ZFS/bcache member signature (a set not assembled here).",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Continue the drive's interrupted erasure (the default anyway); refuse when there is none.",
)
@click.option("--restart", is_flag=True, help="Start over instead of resuming the drive's interrupted erasure.")
@click.option(
    "--restore-hidden",
    is_flag=True,
    help="Make sectors hidden by an HPA/DCO visible first and erase them too (else: 'with exceptions').",
)
@click.option(
    "--asset-tag", metavar="TAG", help="The shop's own asset or service tag of the drive (on the certificate)."
)
@json_option
@click.pass_obj
def erase(
    app: AppContext,
    device: str,
    method_name: str,
    verify: str,
    confirm_serial: str,
    resume: bool,
    allow_member: bool,
    restart: bool,
    restore_hidden: bool,
    asset_tag: str | None,
    as_json: bool,
) -> None:
    """Erase the whole drive at DEVICE, verify it, record it and certify it.

    An interrupted erasure of the drive with the same method is resumed from its checkpoint (the
    command says so when it starts); --restart starts over."""
    if resume and restart:
        raise click.UsageError(_("--resume and --restart contradict each other: give one"))
    tag = check_length(check_plain(asset_tag, "--asset-tag").strip(), "--asset-tag", TAG_LIMIT) if asset_tag else None
    require_device_access(device)  # a technician outside the group is refused before anything opens
    services = EraseServices(
        sessions=app.sessions,
        env=app.env,
        source=_drive_source(app),
        runner=app.device_runner(device, confirm_serial),
        opener=app.block_opener,
        renderer=lambda: certificate_renderer(app),
        before_verify=app.erase_before_verify,
        rescan=app.capacity_rescan,
    )
    order = EraseOrder(
        device=device,
        method=method_name,
        verify=verify,
        confirm_serial=confirm_serial,
        resume=resume,
        restore_hidden=restore_hidden,
        restart=restart,
        allow_member=allow_member,
        asset_tag=tag or None,
    )
    with stop_on_signals() as stop:
        result = run_erasure(
            services,
            order,
            on_progress=_progress_printer(as_json),
            should_stop=stop.is_set,
            on_start=lambda message: click.echo(message, err=True),  # stdout stays the result (and progress)
        )
    if not as_json and sys.stderr.isatty():
        click.echo("", err=True)
    _report(result, as_json)


def _report(result: ErasureResult, as_json: bool) -> None:
    """The result on stdout (a JSON line or a few lines of text), warnings on stderr; exit 4 when the
    erasure did not finish well."""
    if as_json:
        click.echo(json_line(result.to_dict()))
    else:
        click.echo(
            _(
                "erasure {id}: {outcome} ({method}, {category}); {written} bytes written, verify {mode}: {result}"
            ).format(
                id=result.erasure_id,
                outcome=_(OUTCOME_WORDS.get(result.outcome, result.outcome)),
                method=method_word(result.method),
                category=result.nist_category,
                written=result.bytes_written,
                mode=check_word(result.verify_mode),
                result=check_word(result.verify_result),
            )
        )
        if result.bad_ranges:
            click.echo(_("bad ranges: {ranges}").format(ranges=[list(r) for r in result.bad_ranges[:10]]))
        if result.health:
            click.echo(
                _("drive health: {health} (wipestation pool, wipestation health DEV)").format(
                    health=check_word(result.health)
                )
            )
        if result.certificate:
            click.echo(_("certificate: {number}").format(number=result.certificate))
    if result.sectors_not_written and result.outcome is ErasureOutcome.WITH_EXCEPTIONS:
        click.echo(
            _(
                "warning: {n} sectors hidden by an HPA/DCO were not written (succeeded with exceptions; the "
                "certificate says so); `--restore-hidden` erases them too"
            ).format(n=result.sectors_not_written),
            err=True,
        )
    if result.certificate_error:
        click.echo(
            _("warning: erased, but no certificate was issued: {error}").format(error=result.certificate_error),
            err=True,
        )
    if result.mail_warning:
        click.echo(shown(result.mail_warning), err=True)
    if not result.finished_well:
        raise EraseFailed(
            _("erasure {id} {outcome}: {error}").format(
                id=result.erasure_id, outcome=result.outcome, error=result.error
            )
        )


@click.command()
@click.argument("device", required=False)
@json_option
@click.pass_obj
def methods(app: AppContext, device: str | None, as_json: bool) -> None:
    """List the erasure methods (and which the drive at DEVICE supports)."""
    detected: DetectedDrive | None = None
    if device is not None:
        found = _drive_source(app).identify(device)
        detected = DetectedDrive(
            replace(found.identity, device=found.identity.device or device), found.protected_reason
        )
    runner: CommandRunner = (
        app.device_runner(device, detected.identity.serial) if device and detected else app.command_runner()
    )
    rows = [offer.to_dict() for offer in method_offers(runner, detected)]
    lines = []
    for r in rows:
        mark = "" if "supported" not in r else "  {:<5}".format(_("yes") if r["supported"] else _("no"))
        passes = ngettext("{n} pass", "{n} passes", r["passes"]).format(n=r["passes"])
        why = shown(r.get("reason") or "")
        lines.append(f"{r['name']:18} {r['kind']:9} {passes:7} {r['nist_category']:30}{mark}{why}")
        if r.get("recommended"):
            verify = f" (--verify {r['recommended_verify']})" if r["recommended_verify"] else ""
            lines.append(
                f"{'':18} ^ " + _("recommended{verify}: {why}").format(verify=verify, why=shown(r["recommendation"]))
            )
    emit(rows, as_json, lines)


COMMANDS = [erase, methods]
