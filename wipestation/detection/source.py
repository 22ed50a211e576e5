"""`UdevDriveSource`: the real DriveSource, over pyudev and sysfs."""

from __future__ import annotations

import os
import stat
from typing import Any

import pyudev

from wipestation.common.config import Config
from wipestation.common.devices import DetectedDrive
from wipestation.common.errors import BadValue, NotFound
from wipestation.common.i18n import N_, _
from wipestation.detection.blockinfo import BlockInfo, SignatureProbe, from_pyudev
from wipestation.detection.identity import parse_identity
from wipestation.detection.members import member_reason, probe_signatures
from wipestation.detection.protection import ProtectionChecker, SystemPaths, virtual_reason
from wipestation.detection.samedrive import SameDrive

LOOP_NOT_ALLOWED = N_("test devices are not allowed (set [devices] allow_loop = true or WIPESTATION_ALLOW_LOOP=1)")


def listable(info: BlockInfo, allow_loop: bool) -> bool:
    """Whole physical disks with a medium in them; loop devices only when allowed and attached."""
    if info.devtype != "disk" or virtual_reason(info.name) is not None:
        return False
    if info.is_loop and not allow_loop:
        return False
    return info.size_bytes > 0


class UdevDriveSource:
    """Attached drives, read fresh from udev and sysfs on every call."""

    def __init__(
        self,
        config: Config,
        *,
        context: pyudev.Context | None = None,
        paths: SystemPaths | None = None,
        probe: SignatureProbe | None = probe_signatures,
    ) -> None:
        self.config = config
        self.context = context if context is not None else pyudev.Context()
        self.protection = ProtectionChecker(config, paths)
        self.probe = probe

    @property
    def allow_loop(self) -> bool:
        return self.config.allow_test_devices

    def list_drives(self) -> list[DetectedDrive]:
        devices = list(self.context.list_devices(subsystem="block", DEVTYPE="disk"))
        infos = [from_pyudev(d, probe=None) for d in devices]
        others = self._others(infos)
        drives = [
            self.detect(from_pyudev(d, probe=self.probe), others=others)
            for d, info in zip(devices, infos, strict=True)
            if listable(info, self.allow_loop)
        ]
        return sorted(drives, key=lambda d: _natural_key(d.identity.device or ""))

    def identify(self, device: str) -> DetectedDrive:
        return self._checked(self.block_info(device), device)

    def identify_fd(self, fd: int) -> DetectedDrive:
        """The drive held open on `fd`: fstat's device number -> sysfs and udev; a loop device's backing
        file read through the descriptor itself."""
        try:
            st = os.fstat(fd)
        except OSError as exc:
            raise NotFound(_("the open device cannot be read ({error})").format(error=exc.strerror)) from None
        if not stat.S_ISBLK(st.st_mode):
            raise BadValue(_("the open file is not a block device"))
        udev_device = self._by_number(st.st_rdev, _("descriptor {fd}").format(fd=fd))
        return self._checked(from_pyudev(udev_device, fd=fd, probe=self.probe), udev_device.device_node or "")

    def _checked(self, info: BlockInfo, device: str) -> DetectedDrive:
        if info.is_partition:
            parent = _parent_disk(info)
            raise BadValue(
                _("{device} is a partition of {parent}; give the whole disk").format(device=device, parent=parent)
            )
        if info.is_loop and not self.allow_loop:
            raise BadValue(_("{device} is a loop device: {why}").format(device=device, why=_(LOOP_NOT_ALLOWED)))
        if info.size_bytes == 0 and virtual_reason(info.name) is None:
            if info.is_loop:
                raise BadValue(_("{device} has no backing file attached").format(device=device))
            raise BadValue(_("{device} has no medium (size 0)").format(device=device))
        return self.detect(info)

    def block_info(self, device: str) -> BlockInfo:
        """The BlockInfo of a device path (symlinks such as /dev/disk/by-id/... followed). The path is
        resolved once, by one stat(): everything after goes by the device number it gave, and the
        BlockInfo's device_node is the kernel's /dev node for that number."""
        try:
            st = os.stat(device)
        except FileNotFoundError:
            raise NotFound(_("no such device: {device}").format(device=device)) from None
        except OSError as exc:
            raise BadValue(_("cannot read {device}: {error}").format(device=device, error=exc.strerror)) from None
        if not stat.S_ISBLK(st.st_mode):
            raise BadValue(_("{device} is not a block device").format(device=device))
        return from_pyudev(self._by_number(st.st_rdev, device), probe=self.probe)

    def _by_number(self, rdev: int, what: str) -> pyudev.Device:
        try:
            return pyudev.Devices.from_device_number(self.context, "block", rdev)
        except pyudev.DeviceNotFoundError:
            raise NotFound(
                _("{device}: the kernel knows no block device {major}:{minor}").format(
                    device=what, major=os.major(rdev), minor=os.minor(rdev)
                )
            ) from None

    def _others(self, infos: list[BlockInfo] | None = None) -> SameDrive:
        """Every block device of the machine (disks; partitions are found through their disk), for what
        one device shares with another: the same drive through a second node, what backs a loop device."""
        if infos is not None:
            return SameDrive(infos, self.protection)
        try:
            devices = list(self.context.list_devices(subsystem="block", DEVTYPE="disk"))
            return SameDrive([from_pyudev(d, probe=None) for d in devices], self.protection)
        except (OSError, pyudev.DeviceNotFoundError) as exc:
            return SameDrive([], self.protection, error=f"cannot list the block devices ({exc})")

    def detect(self, info: BlockInfo, *, others: SameDrive | None = None) -> DetectedDrive:
        """Identity and protection of a whole disk: its own reasons, what it shares with other nodes
        (the same drive through a second path, the file or device behind a loop device), and the
        member signatures that `erase --allow-member` lifts."""
        identity = parse_identity(info)
        reasons = self.protection.reasons(info.name, identity.serial)
        if info.backing_error:
            reasons.append(info.backing_error)
        reasons.extend(info.signature_errors)
        reasons.extend((others or self._others()).inherited(info, identity))
        member = member_reason(info.signatures) if info.signatures else None
        return DetectedDrive.from_reasons(identity, reasons, member)


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
