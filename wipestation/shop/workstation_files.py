"""What `wipestation setup-workstation` writes: the access rules, the systemd units and timers, the
sudoers entry and the shell profile, rendered from a `Layout` (no side effects here)."""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass

from wipestation.common.config import Config
from wipestation.common.errors import BadValue
from wipestation.common.i18n import N_, _
from wipestation.common.inputs import Folder, TimeOfDay
from wipestation.detection.udev_rules import RULES_FILE_NAME

GROUP = "wipestation"
ACCESS_RULES_FILE_NAME = "61-wipestation-access.rules"
DEFAULT_DATA_DIR = "/var/lib/wipestation"
DEFAULT_CONFIG = "/etc/wipestation.toml"
UNITS = (
    "wipestation-digest.service",
    "wipestation-digest.timer",
    "wipestation-backup.service",
    "wipestation-backup.timer",
)
TIMERS = ("wipestation-digest.timer", "wipestation-backup.timer")
STATE_FILE = "etc/wipestation/setup-workstation.json"
SYSTEM_GID_RANGE = range(999, 99, -1)

_ACCESS_RULES = """\
# wipestation: disks in the wipe bays (WIPESTATION_BAY=1, set by {bays_file}) belong to the
# technicians' group, read and write for the group only, so overwrite erasures run without root.
# Written by `wipestation setup-workstation`; the workstation's own disks are left as they are.

ACTION=="remove", GOTO="wipestation_access_end"
SUBSYSTEM!="block", GOTO="wipestation_access_end"
ENV{{DEVTYPE}}!="disk", GOTO="wipestation_access_end"
ENV{{WIPESTATION_BAY}}!="1", GOTO="wipestation_access_end"
GROUP="{group}", MODE="0660"

LABEL="wipestation_access_end"
"""


def render_access_rules(group: str = GROUP) -> str:
    return _ACCESS_RULES.format(group=group, bays_file=RULES_FILE_NAME)


@dataclass(frozen=True)
class Layout:
    """Where things go, as absolute paths on the target system (written under `root`)."""

    executable: str  # the `wipestation` command the units run
    helper: str  # the root helper the sudoers rule allows
    config_path: str = DEFAULT_CONFIG
    data_dir: str = DEFAULT_DATA_DIR
    backup_dir: str = ""  # empty: <data_dir>/backups
    backup_keep: int = 14
    digest_hour: str = "08:30"
    backup_hour: str = "19:00"

    @property
    def backups(self) -> str:
        return self.backup_dir or f"{self.data_dir}/backups"


def layout_for(config: Config, *, executable: str, helper: str, config_path: str | None, data_dir: str) -> Layout:
    """Where things go; every path absolute, without '..' or a control character (each is written into
    units, the profile script and the sudoers rule, quoted for its format)."""
    data = str(Folder(absolute=True).take(data_dir, "--data-dir"))
    for what, path in ((N_("the executable"), executable), ("--config", config_path or "/")):
        if not path.startswith("/"):
            raise BadValue(
                _("setup-workstation: {what} must be an absolute path: {path}").format(what=_(what), path=path)
            )
        Folder(absolute=True).take(path, _(what))
    if any(char in executable for char in "\\\"'"):  # systemd refuses such an executable name
        raise BadValue(
            _("setup-workstation: the executable's path may not hold a quote or a backslash: {path}").format(
                path=executable
            )
        )
    if not _SUDOERS_SAFE.fullmatch(helper):
        raise BadValue(
            _("setup-workstation: the helper's path may hold only letters, digits and / . _ + - : {path}").format(
                path=helper
            )
        )
    if config.backup.dir:
        Folder(absolute=True).take(config.backup.dir, "[backup] dir")
    return Layout(
        executable=executable,
        helper=helper,
        config_path=config_path or DEFAULT_CONFIG,
        data_dir=data.rstrip("/") or "/",
        backup_dir=config.backup.dir,
        backup_keep=config.backup.keep,
        digest_hour=TimeOfDay().take(config.digest.hour, "[digest] hour"),
        backup_hour=TimeOfDay().take(config.backup.hour, "[backup] hour"),
    )


# A sudoers command path: sudoers gives , : = \\ space and # meanings of their own; a helper's path
# is the installation's, so anything else is refused rather than escaped.
_SUDOERS_SAFE = re.compile(r"/[A-Za-z0-9/._+-]*")


_UNIT_SAFE = re.compile(r"[A-Za-z0-9/._+:=@,-]+")  # needs no quotes in a unit file


def unit_word(text: str, *, dollar: bool = True) -> str:
    """One word of a systemd unit setting (a command's argument, a path in a list), double-quoted with
    C escapes; `%` (a specifier) doubled; `$` doubled where `dollar` (ExecStart= expands $NAME). Control characters
    never get here (refused as input), but would be escaped too."""
    if _UNIT_SAFE.fullmatch(text):
        return text
    out = []
    for char in text:
        if char in '\\"':
            out.append("\\" + char)
        elif char == "%":
            out.append("%%")
        elif char == "$" and dollar:
            out.append("$$")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\x{ord(char):02x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _env_setting(name: str, value: str) -> str:
    """`Environment="NAME=value"`: quoted, `%` doubled; `$` has no meaning there."""
    return unit_word(f"{name}={value}", dollar=False)


def _service(description: str, command: Sequence[str], layout: Layout, writable: Sequence[str]) -> str:
    words = [layout.executable, "--config", layout.config_path, *command]
    paths = " ".join(unit_word(path, dollar=False) for path in writable)
    return f"""\
[Unit]
Description=wipestation: {description}
After=network-online.target
Wants=network-online.target

[Service]
Type=oneshot
ExecStart={" ".join([unit_word(words[0], dollar=False), *(unit_word(w) for w in words[1:])])}
# No root: a throw-away user in the technicians' group, which owns the records.
DynamicUser=yes
SupplementaryGroups={GROUP}
UMask=0007
Environment={_env_setting("WIPESTATION_DATA_DIR", layout.data_dir)}
Environment=WIPESTATION_TECHNICIAN=timer
ReadWritePaths={paths}
NoNewPrivileges=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectControlGroups=yes
RestrictSUIDSGID=yes
"""


def _timer(description: str, hour: str) -> str:
    return f"""\
[Unit]
Description=wipestation: {description}

[Timer]
OnCalendar=*-*-* {hour}:00
Persistent=true

[Install]
WantedBy=timers.target
"""


def unit_texts(layout: Layout) -> dict[str, str]:
    return {
        "wipestation-digest.service": _service("the morning digest", ["digest", "--mail"], layout, [layout.data_dir]),
        "wipestation-digest.timer": _timer("the morning digest at the shop's opening hour", layout.digest_hour),
        "wipestation-backup.service": _service(
            "backup of the records",
            ["db", "backup", layout.backups, "--keep", str(layout.backup_keep)],
            layout,
            sorted({layout.data_dir, layout.backups}),
        ),
        "wipestation-backup.timer": _timer("daily backup of the records", layout.backup_hour),
    }


def sudoers_text(layout: Layout) -> str:
    return (
        "# wipestation: technicians may run the one root helper for firmware erasure commands;\n"
        "# it re-identifies the drive and refuses protected ones itself. Written by setup-workstation.\n"
        f"%{GROUP} ALL=(root) NOPASSWD: {layout.helper}\n"
    )


def profile_text(layout: Layout) -> str:
    return (
        "# wipestation: the shop's configuration and shared records (written by setup-workstation)\n"
        f"export WIPESTATION_CONFIG={shlex.quote(layout.config_path)}\n"
        f"export WIPESTATION_DATA_DIR={shlex.quote(layout.data_dir)}\n"
    )
