"""One block device as plain strings: its udev properties and the few sysfs attributes we use.

Reading happens once, here; everything after (identity, protection, filtering) is pure and works on
recorded or fake values. Without udevd (kernel uevents only) the udev database is empty and the
properties are only the kernel's (DEVNAME, DEVTYPE, MAJOR, MINOR); sysfs then fills the gaps.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from wipestation.detection.loopinfo import LoopBacking, read_loop_backing
from wipestation.detection.members import Signature, probe_signatures

if TYPE_CHECKING:
    import pyudev

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
    # A loop device's backing file (st_dev, inode, rdev) as the kernel holds it, and why it could not be read.
    backing: LoopBacking | None = None
    backing_error: str | None = None
    # Content signatures of the disk and its partitions (blkid or udev); None: not probed (a recorded value).
    signatures: tuple[Signature, ...] | None = None
    signature_errors: tuple[str, ...] = ()

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


SignatureProbe = Callable[[str, Mapping[str, str]], tuple[Signature | None, str | None]]


def from_pyudev(
    device: pyudev.Device, *, fd: int | None = None, probe: SignatureProbe | None = probe_signatures
) -> BlockInfo:
    """A BlockInfo from a pyudev Device (properties from udev's database or the uevent, sysfs read fresh).

    A loop device's backing file is read from the kernel (LOOP_GET_STATUS64) through `fd` when the
    device is held open, else through its node. `probe` reads the content signatures of the disk and
    its partitions (None: not read, for devices only looked at for what they share with another)."""
    properties = {str(k): str(v) for k, v in dict(device.properties).items()}
    sys_name = str(device.sys_name)
    node = str(device.device_node or properties.get("DEVNAME") or f"/dev/{sys_name}")
    devtype = str(device.device_type or properties.get("DEVTYPE") or "")
    attributes = read_attributes(device.sys_path)
    backing: LoopBacking | None = None
    backing_error: str | None = None
    if sys_name.startswith("loop") and (attributes.get("size") or "0").strip() not in ("0", ""):
        backing, backing_error = _loop_backing(node, fd)
    signatures: tuple[Signature, ...] | None = None
    errors: list[str] = []
    if probe is not None and devtype == "disk":
        found: list[Signature] = []
        parts = [(node, properties)] + [
            (str(c.device_node or f"/dev/{c.sys_name}"), {str(k): str(v) for k, v in dict(c.properties).items()})
            for c in device.children
            if str(c.device_type or "") == "partition"
        ]
        for part_node, part_props in parts:
            signature, error = probe(part_node, part_props)
            if signature is not None:
                found.append(signature)
            if error is not None:
                errors.append(error)
        signatures = tuple(found)
    return BlockInfo(
        name=sys_name,
        device_node=node,
        sys_path=str(device.sys_path),
        devtype=devtype,
        properties=properties,
        attributes=attributes,
        backing=backing,
        backing_error=backing_error,
        signatures=signatures,
        signature_errors=tuple(errors),
    )


def _loop_backing(node: str, fd: int | None) -> tuple[LoopBacking | None, str | None]:
    if fd is not None:
        try:
            return read_loop_backing(fd), None
        except OSError as exc:
            return None, f"cannot read the backing file of {node} ({exc.strerror})"
    try:
        own = os.open(node, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError as exc:
        return None, f"cannot open {node} to read its backing file ({exc.strerror})"
    try:
        return read_loop_backing(own), None
    except OSError as exc:
        return None, f"cannot read the backing file of {node} ({exc.strerror})"
    finally:
        os.close(own)
