"""Drive detection: pyudev enumeration, protection of the wrong disks, and the live DriveWatcher."""

from __future__ import annotations

from wipestation.common.config import Config
from wipestation.common.devices import DriveSource


def default_drive_source(config: Config) -> DriveSource:
    """The machine's real DriveSource (pyudev is imported only when this is called)."""
    from wipestation.detection.source import UdevDriveSource

    return UdevDriveSource(config)


def is_bay(id_path: str | None, config: Config, properties: dict[str, str] | None = None) -> bool:
    """Whether a drive sits in one of the configured wipe bays (or udev's rule tagged it so)."""
    if properties and properties.get("WIPESTATION_BAY") == "1":
        return True
    return id_path is not None and id_path in config.devices.wipe_bay_paths


__all__ = ["default_drive_source", "is_bay"]
