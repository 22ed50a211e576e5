"""`wipestation erase` and `wipestation methods`."""

from __future__ import annotations

import json
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from types import FrameType
from typing import Any

import click

from wipestation.cli.context import AppContext
from wipestation.cli.output import emit, json_option, to_json
from wipestation.devices import DetectedDrive, DriveSource
from wipestation.erasure.blockio import BlockOpener, OsBlockOpener
from wipestation.erasure.engine import Checkpoint, EngineResult, OpenedDevice, OverwriteEngine, OverwriteJob, Progress
from wipestation.erasure.firmware import (
    CommandRunner,
    FirmwareEngine,
    SubprocessRunner,
    build_commands,
    detect_support,
    tool_versions,
)
from wipestation.erasure.methods import METHODS, category_text, get_method, nist_category
from wipestation.erasure.patterns import new_key
from wipestation.erasure.service import begin_erasure, erasure_to_dict, finish_erasure, save_checkpoint
from wipestation.erasure.verify import SamplePlan, new_seed
from wipestation.errors import EraseFailed, InvalidState, SafetyRefusal
from wipestation.identity import DriveIdentity


def _drive_source(app: AppContext) -> DriveSource:
    def factory() -> DriveSource:
        from wipestation.detection import default_drive_source

        return default_drive_source(app.config)

    return app.service("drive_source", factory)


def _tool_name() -> str:
    try:
        return f"wipestation {version('wipestation')}"
    except PackageNotFoundError:
        return "wipestation"


def _same_drive(confirmed: DriveIdentity, now: DetectedDrive, device: str) -> None:
    if now.protected_reason is not None:
        raise SafetyRefusal(f"{device} is protected now: {now.protected_reason}; nothing was written")
    fresh = now.identity
    for what, a, b in (
        ("serial", confirmed.serial, fresh.serial),
        ("capacity", confirmed.capacity_bytes, fresh.capacity_bytes),
        ("model", confirmed.model, fresh.model),
    ):
        if a != b:
            raise SafetyRefusal(
                f"{device} changed since it was confirmed ({what} {a!r} is now {b!r}); nothing was written"
            )


@contextmanager
def _stop_on_signals() -> Iterator[threading.Event]:
    """SIGINT and SIGTERM ask the engine to stop at the next chunk (checkpointed, resumable)."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    old = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, previous in old.items():
            signal.signal(sig, previous)


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
            click.echo(json.dumps(line))
        elif tty:
            eta = "" if p.eta_seconds is None else f"  ETA {int(p.eta_seconds) // 60}:{int(p.eta_seconds) % 60:02d}"
            width = 30
            filled = int(p.fraction * width)
            bar = "#" * filled + "-" * (width - filled)
            click.echo(
                f"\r{p.phase:8} pass {p.pass_number}/{p.passes} [{bar}] {p.fraction * 100:5.1f}%"
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
@click.option("--resume", is_flag=True, help="Continue an interrupted erasure from its checkpoint.")
@json_option
@click.pass_obj
def erase(
    app: AppContext, device: str, method_name: str, verify: str, confirm_serial: str, resume: bool, as_json: bool
) -> None:
    """Erase the whole drive at DEVICE, verify it, record it and certify it."""
    method = get_method(method_name)
    source = _drive_source(app)
    detected = source.identify(device)
    identity = detected.identity
    if detected.protected_reason is not None:
        raise SafetyRefusal(f"{device} is protected: {detected.protected_reason}")
    if confirm_serial.strip() != identity.serial:
        raise SafetyRefusal(f"--confirm {confirm_serial!r} does not match the serial of {device}; nothing was written")
    if not identity.capacity_bytes:
        raise SafetyRefusal(f"{device}: capacity unknown; refused")
    runner: CommandRunner = app.service("command_runner", SubprocessRunner)
    details: dict[str, Any] = {"bus": identity.bus, "media": identity.media}
    tool = _tool_name()
    enhanced = False
    plan = None
    if method.kind == "firmware":
        support = detect_support(runner, identity, device)[method.name]
        if not support.supported:
            raise InvalidState(f"{method.name} is not possible on {device}: {support.reason}")
        plan = build_commands(support, device)
        enhanced = support.action == "enhanced"
        tool = f"{tool}; {tool_versions(runner, method.name)}"
        details.update({"firmware_action": support.action, "firmware_reason": support.reason})
        hpa = (support.details or {}).get("hpa_dco")
        if hpa:
            details["hpa_dco"] = hpa
    category = nist_category(method, identity, enhanced=enhanced)
    show = _progress_printer(as_json)
    opener: BlockOpener = app.service("block_opener", OsBlockOpener)
    before_verify: Callable[[OpenedDevice, SamplePlan | None], None] | None = app.service(
        "erase_before_verify", lambda: None
    )
    erasure_id = 0

    def checkpoint(cp: Checkpoint) -> None:
        with app.sessions.begin() as s:
            save_checkpoint(s, app.env, erasure_id, cp)

    with _stop_on_signals() as stop:
        engine = OverwriteEngine(
            opener,
            reidentify=lambda: _same_drive(identity, source.identify(device), device),
            on_progress=show,
            should_stop=stop.is_set,
            on_checkpoint=checkpoint,
            before_verify=before_verify,
        )
        with engine.open(device, identity.capacity_bytes) as opened:
            with app.sessions.begin() as s:
                start = begin_erasure(
                    s,
                    app.env,
                    identity=identity,
                    device=device,
                    method=method,
                    verify=verify,
                    category=category,
                    tool=tool,
                    resume=resume,
                    key=new_key() if method.needs_key else None,
                    details=details,
                )
            erasure_id = start.erasure_id
            result: EngineResult
            if plan is not None:
                result = FirmwareEngine(runner, on_progress=show).run(opened, plan, identity.capacity_bytes)
            else:
                job = OverwriteJob(
                    device=device,
                    size=identity.capacity_bytes,
                    passes=method.passes,
                    key=start.key,
                    verify=verify,  # type: ignore[arg-type]
                    verify_seed=new_seed(),
                    start_pass=start.start_pass,
                    start_offset=start.start_offset,
                    bytes_written=start.bytes_written,
                    bad_ranges=start.bad_ranges,
                )
                result = engine.run(opened, job)
    if not as_json and sys.stderr.isatty():
        click.echo("", err=True)
    with app.sessions.begin() as s:
        erasure = finish_erasure(s, app.env, erasure_id, result)
        out = erasure_to_dict(erasure)
    out["certificate"] = _certify(app, out) if out["outcome"] == "succeeded" else None
    if as_json:
        click.echo(json.dumps(json.loads(to_json(out))))
    else:
        click.echo(
            f"erasure {out['erasure_id']}: {out['outcome']} ({method.name}, {category}); "
            f"{out['bytes_written']} bytes written, verify {out['verify_mode']}: {out['verify_result']}"
        )
        if out["bad_ranges"]:
            click.echo(f"bad ranges: {out['bad_ranges'][:10]}")
        if out["certificate"]:
            click.echo(f"certificate: {out['certificate']}")
    if out["outcome"] != "succeeded":
        raise EraseFailed(f"erasure {out['erasure_id']} {out['outcome']}: {out['error']}")


def _certify(app: AppContext, out: dict[str, Any]) -> str | None:
    """A certificate for a successful erasure of a drive with a custody record."""
    if out["record_id"] is None:
        return None
    try:
        from wipestation.certify import issue_erasure_certificate, load_renderer
    except ImportError:
        return None
    renderer = app.service("certificate_renderer", lambda: load_renderer(app.config))
    with app.sessions.begin() as s:
        certificate = issue_erasure_certificate(s, app.env, renderer, out["erasure_id"])
        return str(certificate.number)


@click.command()
@click.argument("device", required=False)
@json_option
@click.pass_obj
def methods(app: AppContext, device: str | None, as_json: bool) -> None:
    """List the erasure methods (and which the drive at DEVICE supports)."""
    rows: list[dict[str, Any]] = []
    detected: DetectedDrive | None = None
    support = {}
    if device is not None:
        detected = _drive_source(app).identify(device)
        runner: CommandRunner = app.service("command_runner", SubprocessRunner)
        support = detect_support(runner, detected.identity, device)
    media = detected.identity.media if detected is not None else "unknown"
    for m in METHODS.values():
        row: dict[str, Any] = {
            "name": m.name,
            "kind": m.kind,
            "passes": m.pass_count,
            "patterns": m.pattern_label,
            "nist_category": category_text(m, media),
            "description": m.description,
        }
        if detected is not None:
            if detected.protected_reason is not None:
                row["supported"], row["reason"] = False, f"protected: {detected.protected_reason}"
            elif m.kind == "overwrite":
                row["supported"], row["reason"] = True, "host overwrite of every addressable block"
            else:
                s = support[m.name]
                row["supported"], row["reason"] = s.supported, s.reason
                if s.supported:
                    row["nist_category"] = "Purge" if s.purge else "Clear"
        rows.append(row)
    lines = []
    for r in rows:
        mark = "" if "supported" not in r else ("  yes  " if r["supported"] else "  no   ")
        lines.append(
            f"{r['name']:18} {r['kind']:9} {r['passes']} pass  {r['nist_category']:30}{mark}{r.get('reason', '')}"
        )
    emit(rows, as_json, lines)


COMMANDS = [erase, methods]
