"""One block device as plain strings: its udev properties and the few sysfs attributes we use.

Reading happens once, here; everything after (identity, protection, filtering) is pure and works on
recorded or fake values. Without udevd (kernel uevents only) the udev database is empty and the
properties are only the kernel's (DEVNAME, DEVTYPE, MAJOR, MINOR); sysfs then fills the gaps.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# sysfs attributes, relative to the device's sys path, that identity and filtering read.
TEXT_ATTRIBUTES = (
    "dev",
    "size",
    "removable",
    "ro",
    "queue/rotational",
    "loop/backing_file",
    "serial",
    "wwid",
    "device/serial",
    "device/model",
    "device/vendor",
    "device/rev",
    "device/firmware_rev",
    "device/wwid",
)
VPD_SERIAL_ATTRIBUTE = "device/vpd_pg80"  # SCSI Unit Serial Number page: 4-byte header, then ASCII


@dataclass(frozen=True)
class BlockInfo:
    """What udev and sysfs say about one block device."""

    name: str  # kernel name: sda, nvme0n1, loop3
    device_node: str  # /dev/sda
    sys_path: str  # /sys/devices/.../block/sda
    devtype: str  # "disk" or "partition"
    properties: Mapping[str, str] = field(default_factory=dict)
    attributes: Mapping[str, str] = field(default_factory=dict)

    def attr(self, name: str) -> str | None:
        value = self.attributes.get(name)
        if value is None:
            return None
        value = value.strip()
        return value or None

    def prop(self, name: str) -> str | None:
        value = self.properties.get(name)
        if value is None:
            return None
        value = value.strip()
        return value or None

    @property
    def size_bytes(self) -> int:
        """Capacity from sysfs `size` (always in 512-byte sectors, whatever the logical block size)."""
        try:
            return int(self.attr("size") or "0") * 512
        except ValueError:
            return 0

    @property
    def is_loop(self) -> bool:
        return self.name.startswith("loop")

    @property
    def is_partition(self) -> bool:
        return self.devtype == "partition"


def read_attributes(sys_path: str | Path) -> dict[str, str]:
    """The attributes in TEXT_ATTRIBUTES that exist under sys_path (missing or unreadable ones left out)."""
    base = Path(sys_path)
    values: dict[str, str] = {}
    for name in TEXT_ATTRIBUTES:
        text = _read_text(base / name)
        if text is not None:
            values[name] = text
    vpd = _read_vpd_serial(base / VPD_SERIAL_ATTRIBUTE)
    if vpd:
        values[VPD_SERIAL_ATTRIBUTE] = vpd
    return values


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:  # absent, a directory, or not readable by this user
        return None


def _read_vpd_serial(path: Path) -> str | None:
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    if len(raw) <= 4:
        return None
    length = int.from_bytes(raw[2:4], "big")
    text = raw[4 : 4 + length].decode("ascii", errors="replace").strip(" \x00")
    return text or None


def from_pyudev(device: Any) -> BlockInfo:
    """A BlockInfo from a pyudev Device (properties from udev's database or the uevent, sysfs read fresh)."""
    properties = {str(k): str(v) for k, v in dict(device.properties).items()}
    sys_name = str(device.sys_name)
    node = device.device_node or properties.get("DEVNAME") or f"/dev/{sys_name}"
    return BlockInfo(
        name=sys_name,
        device_node=str(node),
        sys_path=str(device.sys_path),
        devtype=str(device.device_type or properties.get("DEVTYPE") or ""),
        properties=properties,
        attributes=read_attributes(device.sys_path),
    )
