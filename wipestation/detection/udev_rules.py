"""The udev rules file: no desktop auto-mount for drives in the wipe bays, and a tag for the watcher.

`udev/60-wipestation.rules` in the repository is `render_rules(())` (a test keeps them equal);
`wipestation install-udev-rules` writes `render_rules(config.devices.wipe_bay_paths)`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from wipestation.common.errors import ConfigError
from wipestation.common.i18n import _

RULES_FILE_NAME = "60-wipestation.rules"
SYSTEM_RULES_DIR = "/etc/udev/rules.d"
EXAMPLE_PATH = "pci-0000:00:17.0-ata-3"
# udev ID_PATH values: pci-0000:00:14.0-usb-0:2:1.0-scsi-0:0:0:0, pci-0000:02:00.0-nvme-1, ... Globs allowed.
_ID_PATH = re.compile(r"[A-Za-z0-9:._+*?\-]+")

_HEADER = """\
# wipestation: drives in the shop's wipe bays.
#  (a) the desktop must not auto-mount them (udisks2 honours UDISKS_IGNORE / UDISKS_AUTO);
#  (b) they are tagged, so wipestation tells bay drives from the workstation's own disks.
# Install with `wipestation install-udev-rules` (root), which writes the bay ports from
# [devices] wipe_bay_paths in the configuration. Find a port's ID_PATH with
#   udevadm info --query=property --name=/dev/sdX | grep ^ID_PATH=
# This file sorts after 60-persistent-storage.rules, which sets ID_PATH (partitions inherit it).

ACTION=="remove", GOTO="wipestation_end"
SUBSYSTEM!="block", GOTO="wipestation_end"
ENV{ID_PATH}!="?*", GOTO="wipestation_end"

# Wipe-bay ports, one line each, for example:
# ENV{ID_PATH}=="%(example)s", ENV{WIPESTATION_BAY}="1"
"""

_FOOTER = """
ENV{WIPESTATION_BAY}!="1", GOTO="wipestation_end"
ENV{UDISKS_IGNORE}="1"
ENV{UDISKS_AUTO}="0"
TAG+="wipestation"

LABEL="wipestation_end"
"""


def bay_line(id_path: str) -> str:
    if not _ID_PATH.fullmatch(id_path):
        raise ConfigError(
            _("config: [devices] wipe_bay_paths: not a udev ID_PATH: {value}").format(value=repr(id_path))
        )
    return f'ENV{{ID_PATH}}=="{id_path}", ENV{{WIPESTATION_BAY}}="1"\n'


def render_rules(bay_paths: Iterable[str]) -> str:
    """The rules file text with one line per configured wipe-bay port."""
    lines = "".join(bay_line(p) for p in bay_paths)
    return _HEADER % {"example": EXAMPLE_PATH} + lines + _FOOTER
