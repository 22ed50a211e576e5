"""What identifies a drive: read from a device (detection) or typed from its label."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DriveIdentity:
    """The identity of one physical drive. `serial` is the key; the rest describes it.

    bus: "ata", "usb", "nvme", "scsi", "loop", "virtio" or "unknown".
    media: "hdd" (rotational), "ssd", "flash" (USB stick, card) or "unknown".
    """

    serial: str
    model: str | None = None
    vendor: str | None = None
    capacity_bytes: int | None = None
    wwn: str | None = None
    firmware: str | None = None
    bus: str = "unknown"
    media: str = "unknown"
    removable: bool = False
    device: str | None = None  # /dev/sdX while attached
    id_path: str | None = None  # udev ID_PATH: the physical port or bay
    backing: str | None = None  # loop devices: the backing file's `major:minor:inode` (its name is in the serial)

    @property
    def is_flash(self) -> bool:
        return self.media in {"ssd", "flash"}
