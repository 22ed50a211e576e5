"""The seams between the core and the machine's block devices, declared once for the CLI and the console:
`DriveSource` (what is attached), `Watcher` and `WatcherFactory` (what comes and goes, as `DriveEvent`s).
The real implementations live in `wipestation.detection`; tests inject fakes through
`wipestation.app.Overrides(drive_source=..., watcher_factory=...)`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

from wipestation.common.i18n import joined
from wipestation.common.identity import DriveIdentity

if TYPE_CHECKING:
    from wipestation.common.config import Config


@dataclass(frozen=True)
class DetectedDrive:
    """An attached whole disk, its identity, and why it must never be written (None: erasable)."""

    identity: DriveIdentity
    protected_reason: str | None = None
    # The part of protected_reason that `erase --allow-member` lifts (a RAID/LVM/ZFS member signature),
    # and everything else (None: nothing else). other_reason only means something when member_reason is set.
    member_reason: str | None = None
    other_reason: str | None = None

    @property
    def protected(self) -> bool:
        return self.protected_reason is not None

    def refusal(self, *, allow_member: bool = False) -> str | None:
        """Why this drive must not be written, or None; a member signature only counts unless allowed."""
        if allow_member and self.member_reason is not None:
            return self.other_reason
        return self.protected_reason

    @classmethod
    def from_reasons(cls, identity: DriveIdentity, reasons: list[str], member_reason: str | None) -> DetectedDrive:
        other = joined(reasons)  # Phrases: each reason shown in the reader's language
        everything = joined([*reasons, *([member_reason] if member_reason else [])])
        return cls(identity, everything, member_reason, other)


class DriveSource(Protocol):
    def list_drives(self) -> list[DetectedDrive]:
        """Every attached whole disk, protected ones included (with their reason)."""
        ...

    def identify(self, device: str) -> DetectedDrive:
        """The drive at a device path, read fresh from the device. The path is resolved once:
        `identity.device` is the /dev node it named then, and is what every later step uses.

        Raises NotFound (no such path), BadValue (not a block device, a partition, a loop device
        while test devices are not allowed).
        """
        ...

    def identify_fd(self, fd: int) -> DetectedDrive:
        """The drive held open on `fd` (its device number, then its sysfs entry and udev record):
        what an erasure writes to, whatever any path names by now."""
        ...


DriveAction = Literal["attached", "changed", "detached"]


@dataclass(frozen=True)
class DriveEvent:
    """One drive came, changed or went. `identity` is None only for a drive that went before it was seen."""

    action: DriveAction
    device: str
    identity: DriveIdentity | None
    protected_reason: str | None = None
    bay: bool = False

    @property
    def serial(self) -> str | None:
        return self.identity.serial if self.identity else None


DriveSink = Callable[[DriveEvent], None]
"""Where a watcher hands its events; called from the watcher's own thread."""


class Watcher(Protocol):
    """Watches drives come and go in a background thread between start() and stop()."""

    def start(self) -> None: ...

    def stop(self) -> None: ...


WatcherFactory = Callable[["Config", DriveSink], Watcher]
"""Builds a watcher around a sink (the real one: `wipestation.detection.watcher.DriveWatcher`)."""
