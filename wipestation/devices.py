"""The seam between the core and the machine's block devices (detection lives in
`wipestation.detection`; tests inject fakes through `Overrides.services["drive_source"]`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from wipestation.identity import DriveIdentity


@dataclass(frozen=True)
class DetectedDrive:
    """An attached whole disk, its identity, and why it must never be written (None: erasable)."""

    identity: DriveIdentity
    protected_reason: str | None = None

    @property
    def protected(self) -> bool:
        return self.protected_reason is not None


class DriveSource(Protocol):
    def list_drives(self) -> list[DetectedDrive]:
        """Every attached whole disk, protected ones included (with their reason)."""
        ...

    def identify(self, device: str) -> DetectedDrive:
        """The drive at a device path, read fresh from the device.

        Raises NotFound (no such path), BadValue (not a block device, a partition, a loop device
        while test devices are not allowed).
        """
        ...
