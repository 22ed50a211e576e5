"""`DriveWatcher`: udev events turned into frozen `DriveEvent`s, handed to a sink.

Works with udevd running (udev's processed events, full properties) and with only the kernel's
uevents (this is the case in containers and on the build machine: properties are then the kernel's,
and identity comes from sysfs). A loop device never sends add/remove when it is attached or
detached: it sends `change`, and its size goes above or back to 0; so presence is decided by size.
The watcher remembers what is attached, so a "detached" event still names the drive.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyudev

from wipestation.common.config import Config
from wipestation.common.devices import DetectedDrive, DriveAction, DriveEvent
from wipestation.detection import is_bay
from wipestation.detection.blockinfo import BlockInfo, from_pyudev
from wipestation.detection.protection import virtual_reason
from wipestation.detection.source import UdevDriveSource

UDEVD_CONTROL = Path("/run/udev/control")
log = logging.getLogger(__name__)

__all__ = ["DriveEvent", "DriveWatcher", "udevd_running"]  # DriveEvent is the core's (wipestation.common.devices)


@dataclass(frozen=True)
class _Seen:
    drive: DetectedDrive
    bay: bool


def udevd_running(control: Path = UDEVD_CONTROL) -> bool:
    return control.exists()


class DriveWatcher:
    """Watches block devices in a background thread (pyudev.MonitorObserver) until stop()."""

    def __init__(
        self,
        config: Config,
        sink: Callable[[DriveEvent], None],
        *,
        source: UdevDriveSource | None = None,
        context: pyudev.Context | None = None,
    ) -> None:
        self.config = config
        self.sink = sink
        self.source = source or UdevDriveSource(config, context=context)
        self.context = context if context is not None else self.source.context
        self._known: dict[str, _Seen] = {}
        self._lock = threading.Lock()
        self._observer: Any | None = None
        self.event_source = "udev" if udevd_running() else "kernel"

    def start(self) -> None:
        """Remember what is attached now (no events for it), then listen. Listening has begun when this returns."""
        self.seed()
        monitor = pyudev.Monitor.from_netlink(self.context, source=self.event_source)
        monitor.filter_by("block")
        monitor.start()  # bind now, so no event between start() and the thread's first poll is lost
        self._observer = pyudev.MonitorObserver(monitor, callback=self._on_device, name="wipestation-drive-watcher")
        self._observer.daemon = True
        self._observer.start()

    def stop(self) -> None:
        observer, self._observer = self._observer, None
        if observer is not None:
            observer.stop()

    def seed(self) -> None:
        with self._lock:
            for drive in self.source.list_drives():
                if drive.identity.device:
                    self._known[drive.identity.device] = _Seen(drive, is_bay(drive.identity.id_path, self.config))

    def _on_device(self, device: pyudev.Device) -> None:
        try:
            info = from_pyudev(device)
            events = self.handle(str(device.action or "change"), info)
        except (OSError, ValueError, pyudev.DeviceNotFoundError) as exc:
            log.warning("cannot read %s: %s", getattr(device, "device_node", device), exc)
            return
        for event in events:
            self.sink(event)

    def handle(self, action: str, info: BlockInfo) -> list[DriveEvent]:
        """The events one uevent means (usually one, none for partitions and noise, two when another drive
        took the same device node between events)."""
        if info.devtype != "disk" or virtual_reason(info.name) is not None:
            return []
        if info.is_loop and not self.source.allow_loop:
            return []
        node = info.device_node
        with self._lock:
            previous = self._known.get(node)
            if action == "remove" or info.size_bytes == 0:
                return self._gone(node, previous)
            seen = _Seen(self.source.detect(info), is_bay(info.prop("ID_PATH"), self.config, dict(info.properties)))
            self._known[node] = seen
        if previous is None:
            return [_event("attached", node, seen)]
        if previous.drive.identity.serial != seen.drive.identity.serial:
            return [_event("detached", node, previous), _event("attached", node, seen)]
        if previous != seen:
            return [_event("changed", node, seen)]
        return []

    def _gone(self, node: str, previous: _Seen | None) -> list[DriveEvent]:
        if previous is None:
            return []
        del self._known[node]
        return [_event("detached", node, previous)]


def _event(action: DriveAction, node: str, seen: _Seen) -> DriveEvent:
    protected = seen.drive.protected_reason if action != "detached" else None
    return DriveEvent(
        action=action, device=node, identity=seen.drive.identity, protected_reason=protected, bay=seen.bay
    )
