"""`UdevDriveSource`: the real DriveSource, over pyudev and sysfs."""

from __future__ import annotations

import os
import stat
from typing import Any

import pyudev

from wipestation.config import Config
from wipestation.detection.blockinfo import BlockInfo, from_pyudev
from wipestation.detection.identity import parse_identity
from wipestation.detection.protection import ProtectionChecker, SystemPaths, virtual_reason
from wipestation.devices import DetectedDrive
from wipestation.errors import BadValue, NotFound

LOOP_NOT_ALLOWED = "test devices are not allowed (set [devices] allow_loop = true or WIPESTATION_ALLOW_LOOP=1)"


def listable(info: BlockInfo, allow_loop: bool) -> bool:
    """Whole physical disks with a medium in them; loop devices only when allowed and attached."""
    if info.devtype != "disk" or virtual_reason(info.name) is not None:
        return False
    if info.is_loop and not allow_loop:
        return False
    return info.size_bytes > 0


class UdevDriveSource:
    """Attached drives, read fresh from udev and sysfs on every call."""

    def __init__(self, config: Config, *, context: Any | None = None, paths: SystemPaths | None = None) -> None:
        self.config = config
        self.context = context if context is not None else pyudev.Context()
        self.protection = ProtectionChecker(config, paths)

    @property
    def allow_loop(self) -> bool:
        return self.config.allow_test_devices

    def list_drives(self) -> list[DetectedDrive]:
        infos = (from_pyudev(d) for d in self.context.list_devices(subsystem="block", DEVTYPE="disk"))
        drives = [self.detect(info) for info in infos if listable(info, self.allow_loop)]
        return sorted(drives, key=lambda d: _natural_key(d.identity.device or ""))

    def identify(self, device: str) -> DetectedDrive:
        info = self.block_info(device)
        if info.is_partition:
            parent = _parent_disk(info)
            raise BadValue(f"{device} is a partition of {parent}; give the whole disk")
        if info.is_loop and not self.allow_loop:
            raise BadValue(f"{device} is a loop device: {LOOP_NOT_ALLOWED}")
        if info.size_bytes == 0 and virtual_reason(info.name) is None:
            what = "has no backing file attached" if info.is_loop else "has no medium (size 0)"
            raise BadValue(f"{device} {what}")
        return self.detect(info)

    def block_info(self, device: str) -> BlockInfo:
        """The BlockInfo of a device path (symlinks such as /dev/disk/by-id/... followed)."""
        try:
            st = os.stat(device)
        except FileNotFoundError:
            raise NotFound(f"no such device: {device}") from None
        except OSError as exc:
            raise BadValue(f"cannot read {device}: {exc.strerror}") from None
        if not stat.S_ISBLK(st.st_mode):
            raise BadValue(f"{device} is not a block device")
        try:
            udev_device = pyudev.Devices.from_device_number(self.context, "block", st.st_rdev)
        except pyudev.DeviceNotFoundError:
            raise NotFound(
                f"{device}: the kernel knows no block device {os.major(st.st_rdev)}:{os.minor(st.st_rdev)}"
            ) from None
        return from_pyudev(udev_device)

    def detect(self, info: BlockInfo) -> DetectedDrive:
        """Identity and protection of a whole disk."""
        identity = parse_identity(info)
        return DetectedDrive(identity=identity, protected_reason=self.protection.reason(info.name, identity.serial))


def _parent_disk(info: BlockInfo) -> str:
    """A partition's sysfs directory sits inside its disk's: /sys/devices/.../block/sda/sda1."""
    return f"/dev/{os.path.basename(os.path.dirname(info.sys_path))}"


def _natural_key(text: str) -> tuple[Any, ...]:
    """/dev/sda < /dev/sdb < /dev/loop2 < /dev/loop10."""
    parts: list[Any] = []
    digits = ""
    word = ""
    for char in text:
        if char.isdigit():
            if word:
                parts.append((1, word))
                word = ""
            digits += char
        else:
            if digits:
                parts.append((0, int(digits)))
                digits = ""
            word += char
    if word:
        parts.append((1, word))
    if digits:
        parts.append((0, int(digits)))
    return tuple(parts)
