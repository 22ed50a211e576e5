"""`wipestation drives`, `watch` and `install-udev-rules`: what is attached, live, and the udev rules."""

from __future__ import annotations

import os
import queue
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from wipestation import views
from wipestation.cli.context import AppContext
from wipestation.cli.output import emit, json_line, json_option
from wipestation.cli.signals import stop_on_signals
from wipestation.common.config import Config
from wipestation.common.devices import DetectedDrive, DriveEvent, DriveSource, WatcherFactory
from wipestation.common.errors import BadValue
from wipestation.common.files import replace_atomically
from wipestation.common.i18n import N_, _, ngettext, shown
from wipestation.common.identity import DriveIdentity
from wipestation.common.units import format_capacity
from wipestation.detection import is_bay


def _drive_source(app: AppContext) -> DriveSource:
    return app.drive_source


def _watcher_factory(app: AppContext) -> WatcherFactory:
    return app.watcher_factory


# -- known records


def known_record(app: AppContext, serial: str | None) -> views.KnownDrive | None:
    """What the store knows of the serial: the drive and its open custody record, if any."""
    with app.sessions.begin() as session:
        return views.known_drive(session, app.env.today(), serial)


def describe_record(known: views.KnownDrive | None) -> str:
    """The drive's status line, as the console's drive pane words it (`views.drive_status`)."""
    return views.drive_status(known).text


# -- drives


def drive_to_dict(drive: DetectedDrive, config: Config, known: views.KnownDrive | None) -> dict[str, Any]:
    ident = drive.identity
    return {
        "device": ident.device,
        "serial": ident.serial,
        "model": ident.model,
        "vendor": ident.vendor,
        "capacity_bytes": ident.capacity_bytes,
        "wwn": ident.wwn,
        "firmware": ident.firmware,
        "bus": ident.bus,
        "media": ident.media,
        "removable": ident.removable,
        "id_path": ident.id_path,
        "bay": is_bay(ident.id_path, config),
        "protected": drive.protected,
        "protected_reason": drive.protected_reason,
        "member": drive.member_reason,  # RAID/LVM/ZFS member signature (erase --allow-member lifts it)
        "record": known.to_dict() if known is not None else None,
    }


def _drive_line(drive: DetectedDrive, config: Config, known: views.KnownDrive | None) -> str:
    ident = drive.identity
    bay = "  " + _("[bay]") if is_bay(ident.id_path, config) else ""
    serial = ident.serial or _("(no serial)")  # outside the f-string, where the catalog's extraction finds it
    text = (
        f"{ident.device:<14} {serial:<24} {ident.name or '?':<28} {format_capacity(ident.capacity_bytes):>9}"
        f"  {ident.bus}/{ident.media}{bay}  {describe_record(known)}"
    )
    if drive.protected:
        text += f"\n{'':<14} " + _("PROTECTED: {reason}").format(reason=shown(drive.protected_reason or ""))
    return text


@click.command("drives")
@json_option
@click.pass_obj
def drives(app: AppContext, as_json: bool) -> None:
    """Attached drives: identity, protection (with the reason) and the known record."""
    found = [(d, known_record(app, d.identity.serial)) for d in _drive_source(app).list_drives()]
    rows = [drive_to_dict(d, app.config, known) for d, known in found]
    emit(rows, as_json, [_drive_line(d, app.config, known) for d, known in found] or _("no drives attached"))


# -- watch


def event_to_dict(event: DriveEvent, known: views.KnownDrive | None) -> dict[str, Any]:
    ident: DriveIdentity | None = event.identity
    return {
        "action": event.action,
        "device": event.device,
        "serial": ident.serial if ident else None,
        "model": ident.model if ident else None,
        "capacity_bytes": ident.capacity_bytes if ident else None,
        "bus": ident.bus if ident else None,
        "media": ident.media if ident else None,
        "bay": event.bay,
        "protected": event.protected_reason is not None,
        "protected_reason": event.protected_reason,
        "record": known.to_dict() if known is not None else None,
    }


# A drive event's action as the watch line shows it (the JSON keeps the word).
ACTION_WORDS = {"attached": N_("attached"), "changed": N_("changed"), "detached": N_("detached")}


def _event_line(event: DriveEvent, known: views.KnownDrive | None) -> str:
    ident = event.identity
    serial = (ident.serial if ident else None) or _("(no serial)")
    name = (ident.name if ident else None) or ""
    what = f"{serial} {name} {format_capacity(ident.capacity_bytes if ident else None)}"
    action = _(ACTION_WORDS[event.action]) if event.action in ACTION_WORDS else event.action
    text = f"{action:<9} {event.device}  {what.strip()}  {describe_record(known)}"
    if event.protected_reason is not None:
        text += "  " + _("PROTECTED: {reason}").format(reason=shown(event.protected_reason))
    return text


@click.command("watch")
@json_option
@click.pass_obj
def watch(app: AppContext, as_json: bool) -> None:
    """Print one line per drive attached, changed or detached, until interrupted (Ctrl-C)."""
    events: queue.Queue[DriveEvent] = queue.Queue()
    with stop_on_signals() as stop:
        watcher = _watcher_factory(app)(app.config, events.put)
        watcher.start()
        source = getattr(watcher, "event_source", "udev")
        click.echo(_("watching for drives ({source} events); Ctrl-C to stop").format(source=source), err=True)
        try:
            while not stop.is_set():
                _print_pending(app, events, as_json, timeout=0.2)
        finally:
            watcher.stop()
        _print_pending(app, events, as_json, timeout=0)


def _print_pending(app: AppContext, events: queue.Queue[DriveEvent], as_json: bool, *, timeout: float) -> None:
    try:
        event = events.get(timeout=timeout) if timeout else events.get_nowait()
    except queue.Empty:
        return
    while True:
        known = known_record(app, event.serial)
        click.echo(json_line(event_to_dict(event, known), ensure_ascii=False) if as_json else _event_line(event, known))
        try:
            event = events.get_nowait()
        except queue.Empty:
            return


# -- udev rules


def reload_udev(run: Callable[..., Any] = subprocess.run) -> list[str]:
    """Make a running udevd read the rules again and re-apply them to block devices."""
    commands = [
        ["udevadm", "control", "--reload"],
        ["udevadm", "trigger", "--subsystem-match=block", "--action=change"],
    ]
    for command in commands:
        run(command, check=True, capture_output=True)
    return [" ".join(c) for c in commands]


@click.command("install-udev-rules")
@click.option(
    "--dest",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Directory to write the rules into (default /etc/udev/rules.d, which needs root).",
)
@click.pass_obj
def install_udev_rules(app: AppContext, dest: Path | None) -> None:
    """Install the udev rules: no auto-mount for wipe-bay drives, and a tag for the watcher."""
    from wipestation.detection.udev_rules import RULES_FILE_NAME, SYSTEM_RULES_DIR, render_rules
    from wipestation.detection.watcher import udevd_running

    system = dest is None
    target_dir = Path(SYSTEM_RULES_DIR) if dest is None else dest
    if system and os.geteuid() != 0:
        raise BadValue(
            _("install-udev-rules writes {folder}: run it as root (or give --dest DIR)").format(folder=SYSTEM_RULES_DIR)
        )
    text = render_rules(app.config.devices.wipe_bay_paths)
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / RULES_FILE_NAME
    replace_atomically(target, text.encode("utf-8"), 0o644)  # udev reads it; nothing personal in it
    bays = len(app.config.devices.wipe_bay_paths)
    click.echo(
        ngettext("wrote {path} ({n} wipe-bay port)", "wrote {path} ({n} wipe-bay ports)", bays).format(
            path=target, n=bays
        )
    )
    if not bays:
        click.echo(_("no wipe-bay ports configured: set [devices] wipe_bay_paths and run this again"), err=True)
    if system and udevd_running():
        for done in reload_udev(app.command_run):
            click.echo(_("ran {command}").format(command=done))
    elif system:
        click.echo(_("udevd is not running: the rules apply when it starts"), err=True)


COMMANDS = [drives, watch, install_udev_rules]
