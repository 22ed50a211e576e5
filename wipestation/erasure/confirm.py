"""The checks that the device about to be written is the drive the technician confirmed: by its
path before anything opens, by the descriptor held open, and again before firmware commands run."""

from __future__ import annotations

from wipestation.common.devices import DetectedDrive, DriveSource
from wipestation.common.errors import SafetyRefusal, WipestationError
from wipestation.common.i18n import N_, _
from wipestation.common.identity import DriveIdentity
from wipestation.erasure.blockio import BlockDevice


def same_drive(confirmed: DriveIdentity, now: DetectedDrive, device: str, *, allow_member: bool = False) -> None:
    """Refuse (exit 3) when the device is not the drive the technician confirmed, or became protected:
    serial, model, capacity, the WWN where both are known, and a loop device's backing file (device
    and inode: two files of the same name in different folders are different drives)."""
    reason = now.refusal(allow_member=allow_member)
    if reason is not None:
        raise SafetyRefusal(
            _("{device} is protected now: {reason}; nothing was written").format(device=device, reason=reason)
        )
    fresh = now.identity
    checks: list[tuple[str, object, object]] = [
        (N_("serial"), confirmed.serial, fresh.serial),
        (N_("capacity"), confirmed.capacity_bytes, fresh.capacity_bytes),
        (N_("model"), confirmed.model, fresh.model),
        (N_("backing file"), confirmed.backing, fresh.backing),
    ]
    if confirmed.wwn and fresh.wwn:  # where both are known (a USB bridge may hide it one time and not the next)
        checks.append(("WWN", confirmed.wwn.casefold(), fresh.wwn.casefold()))
    for what, a, b in checks:
        if a != b:
            raise SafetyRefusal(
                _("{device} changed since it was confirmed ({what} {before} is now {now}); nothing was written").format(
                    device=device, what=_(what), before=repr(a), now=repr(b)
                )
            )


def same_held_drive(
    source: DriveSource, confirmed: DriveIdentity, device: BlockDevice, node: str, *, allow_member: bool = False
) -> None:
    """The device held open is the confirmed drive: its identity read through the descriptor
    (fstat -> major:minor -> sysfs and udev; a loop device's backing file by LOOP_GET_STATUS64)."""
    try:
        held = source.identify_fd(device.fileno())
    except WipestationError as exc:
        raise SafetyRefusal(
            _("{device}: the device held open cannot be identified ({error}); nothing was written").format(
                device=node, error=exc
            )
        ) from None
    if confirmed.device and held.identity.device and held.identity.device != confirmed.device:
        raise SafetyRefusal(
            _("{device}: the device held open is {held}, not the confirmed one; nothing was written").format(
                device=node, held=held.identity.device
            )
        )
    same_drive(confirmed, held, node, allow_member=allow_member)


def confirmed_identity(
    source: DriveSource, device: str, confirm_serial: str, *, allow_member: bool = False
) -> DriveIdentity:
    """The identity of the drive at `device`, checked against the serial the technician confirmed. The
    path is resolved once here: the identity's `device` is the node every later step uses."""
    detected = source.identify(device)
    identity = detected.identity
    reason = detected.refusal(allow_member=allow_member)
    if reason is not None:
        raise SafetyRefusal(_("{device} is protected: {reason}").format(device=device, reason=reason))
    if confirm_serial.strip() != identity.serial:
        raise SafetyRefusal(
            _("the confirmed serial does not match the serial of {device}; nothing was written").format(device=device)
        )
    if not identity.capacity_bytes:
        raise SafetyRefusal(_("{device}: capacity unknown; refused").format(device=device))
    return identity
