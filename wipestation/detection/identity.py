"""A DriveIdentity from a BlockInfo: udev properties first, sysfs where udev says nothing.

Property names are udev's (60-persistent-storage.rules, ata_id, scsi_id, usb_id, path_id).
"""

from __future__ import annotations

import os
import re

from wipestation.common.identity import DriveIdentity
from wipestation.common.text import escape_control
from wipestation.detection.blockinfo import VPD_SERIAL_ATTRIBUTE, BlockInfo

LOOP_MODEL = "Linux loop device"
_ESCAPE = re.compile(r"\\x([0-9a-fA-F]{2})")
_DELETED = " (deleted)"
_MEANINGLESS_VENDORS = frozenset({"ATA", "NVME"})


def decode_udev(text: str) -> str:
    """Undo udev's `\\xNN` escaping (ID_MODEL_ENC, ID_VENDOR_ENC) and trim the padding."""
    raw = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return escape_control(" ".join(raw.split()))  # a decoded ESC must never reach a terminal


def parse_identity(info: BlockInfo) -> DriveIdentity:
    """The identity of the drive behind `info` (a whole disk). The serial is "" when none can be read."""
    if info.is_loop:
        return _loop_identity(info)
    bus = detect_bus(info)
    model = _model(info)
    return DriveIdentity(
        serial=escape_control(_serial(info)),
        model=model,
        vendor=_vendor(info),
        capacity_bytes=info.size_bytes,
        wwn=info.prop("ID_WWN_WITH_EXTENSION") or info.prop("ID_WWN") or info.attr("device/wwid") or info.attr("wwid"),
        firmware=_escaped(info.prop("ID_REVISION") or info.attr("device/firmware_rev") or info.attr("device/rev")),
        bus=bus,
        media=detect_media(info, bus),
        removable=_removable(info),
        device=info.device_node,
        id_path=info.prop("ID_PATH"),
    )


def loop_serial(backing_file: str) -> str:
    """`LOOP-<name of the backing file>` (interface.md); the kernel's " (deleted)" suffix dropped."""
    if backing_file.endswith(_DELETED):
        backing_file = backing_file[: -len(_DELETED)]
    return escape_control(f"LOOP-{os.path.basename(backing_file.rstrip('/'))}")


def _escaped(text: str | None) -> str | None:
    return None if text is None else escape_control(text)


def _loop_identity(info: BlockInfo) -> DriveIdentity:
    backing = info.attr("loop/backing_file")
    return DriveIdentity(
        serial=loop_serial(backing) if backing else "",
        model=LOOP_MODEL,
        vendor=None,
        capacity_bytes=info.size_bytes,
        bus="loop",
        media=_media_from_rotational(info),
        removable=False,
        device=info.device_node,
        id_path=info.prop("ID_PATH"),
        backing=info.backing.key if info.backing is not None else None,
    )


def _serial(info: BlockInfo) -> str:
    """ID_SERIAL_SHORT (the drive's own serial when ata_id/scsi_id ran, also behind a SAT bridge), else
    what the bus offers: ID_SERIAL, then sysfs (NVMe controller, virtio, SCSI VPD page 0x80)."""
    for value in (
        info.prop("ID_SERIAL_SHORT"),
        info.prop("ID_SCSI_SERIAL"),
        info.prop("ID_SERIAL"),
        info.attr("device/serial"),
        info.attr("serial"),
        info.attr(VPD_SERIAL_ATTRIBUTE),
    ):
        if value and usable_serial(value):
            return value
    return ""


def usable_serial(serial: str) -> bool:
    """Cheap bridges and sticks report all zeros (or all F) for every unit: that names no drive."""
    compact = serial.replace(" ", "").replace("-", "").replace("_", "")
    return len(set(compact.upper())) > 1


def _model(info: BlockInfo) -> str | None:
    encoded = info.prop("ID_MODEL_ENC")
    if encoded:
        return decode_udev(encoded) or None
    model = info.prop("ID_MODEL")
    if model:
        return model.replace("_", " ").strip() or None
    attr = info.attr("device/model")
    return " ".join(attr.split()) if attr else None


def _vendor(info: BlockInfo) -> str | None:
    """ID_VENDOR (decoded), or the sysfs vendor. ATA disks say only "ATA": the vendor is then unknown
    (None). It is never guessed from the model's first word ("WDC", "Samsung", but also "SSD", "USB")."""
    encoded = info.prop("ID_VENDOR_ENC")
    vendor = decode_udev(encoded) if encoded else (info.prop("ID_VENDOR") or "").replace("_", " ").strip()
    if not vendor and info.prop("ID_ATA") != "1":  # SAT puts "ATA" or a slice of the model in the SCSI vendor
        vendor = " ".join((info.attr("device/vendor") or "").split())
    if vendor.upper() in _MEANINGLESS_VENDORS or vendor.startswith("0x"):  # "ATA", or a PCI id (virtio)
        vendor = ""
    return vendor or None


def _via_usb(info: BlockInfo) -> bool:
    id_path = info.prop("ID_PATH") or ""
    return (
        info.prop("ID_BUS") == "usb"
        or info.prop("ID_USB_DRIVER") is not None
        or "-usb-" in id_path
        or "/usb" in info.sys_path
    )


def detect_bus(info: BlockInfo) -> str:
    """ata, usb, nvme, scsi, virtio, loop or unknown. Anything reached through USB (a USB-SATA bridge
    too, even when ata_id read the drive through SAT and set ID_BUS=ata) is "usb": firmware commands
    then depend on the bridge."""
    if info.is_loop:
        return "loop"
    id_path = info.prop("ID_PATH") or ""
    if info.name.startswith("nvme") or info.prop("ID_BUS") == "nvme" or "-nvme-" in id_path:
        return "nvme"
    if _via_usb(info):
        return "usb"
    bus = info.prop("ID_BUS")
    if bus in {"ata", "scsi"}:
        return bus
    return _bus_from_sys_path(info)


def _bus_from_sys_path(info: BlockInfo) -> str:
    """Without udev properties: the kernel's device path tells the bus."""
    path = info.sys_path
    if "/virtio" in path or info.name.startswith("vd"):
        return "virtio"
    if "/ata" in path:
        return "ata"
    if info.name.startswith("sd") or "/host" in path:
        return "scsi"
    return "unknown"


def _removable(info: BlockInfo) -> bool:
    return info.attr("removable") == "1"


def detect_media(info: BlockInfo, bus: str) -> str:
    """hdd, ssd, flash or unknown.

    ATA's rotation rate (udev's ata_id reads it from the identify data, also through a SAT bridge) is
    the best evidence (0 = solid state). A removable USB device is a flash stick or card. NVMe is solid
    state. Behind USB, the kernel's queue/rotational is no evidence (usb-storage sets it for every
    device it does not know, cheap sticks with removable=0 included): without an RPM the media is
    "unknown", never "hdd". Elsewhere queue/rotational decides.
    """
    rpm = info.prop("ID_ATA_ROTATION_RATE_RPM")
    if rpm is not None and rpm.isdigit():
        return "ssd" if int(rpm) == 0 else "hdd"
    if any(info.prop(key) == "1" for key in ("ID_DRIVE_FLASH_SD", "ID_DRIVE_FLASH_MS", "ID_DRIVE_FLASH_CF")):
        return "flash"
    if bus == "usb" and _removable(info):
        return "flash"
    if bus == "nvme":
        return "ssd"
    media = _media_from_rotational(info)
    if bus == "usb" and media == "hdd":
        return "unknown"
    return media


def _media_from_rotational(info: BlockInfo) -> str:
    rotational = info.attr("queue/rotational")
    if rotational == "1":
        return "hdd"
    if rotational == "0":
        return "ssd"
    return "unknown"
