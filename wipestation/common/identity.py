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
    def name(self) -> str | None:
        return drive_name(self.vendor, self.model)

    @property
    def is_flash(self) -> bool:
        return self.media in {"ssd", "flash"}


def drive_name(vendor: str | None, model: str | None) -> str | None:
    """Vendor and model as one name, the vendor said once (`Samsung SSD 870`, not `Samsung Samsung SSD
    870`; a loop device's model always starts with its vendor)."""
    if vendor and model and model.casefold().startswith(vendor.casefold()):
        return model
    return " ".join(x for x in (vendor, model) if x) or None
