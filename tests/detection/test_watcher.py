"""DriveWatcher's mapping of uevents to DriveEvents (no pyudev monitor: handle() is fed directly)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.detection.conftest import FakeSystem, load_fixture, make_config
from wipestation.common.config import Config
from wipestation.common.devices import DetectedDrive
from wipestation.detection.blockinfo import BlockInfo
from wipestation.detection.source import UdevDriveSource
from wipestation.detection.watcher import DriveEvent, DriveWatcher, udevd_running


class NoUdev:
    """A pyudev context stand-in that knows no devices (the watcher's source is never enumerated here)."""

    def list_devices(self, **_match: Any) -> list[Any]:
        return []


def loop_info(name: str = "loop4", backing: str | None = "/tmp/t/disk-a.img", sectors: int = 2048) -> BlockInfo:
    attributes = {"size": str(sectors), "queue/rotational": "1"}
    if backing:
        attributes["loop/backing_file"] = backing
    return BlockInfo(
        name=name,
        device_node=f"/dev/{name}",
        sys_path=f"/sys/devices/virtual/block/{name}",
        devtype="disk",
        properties={"DEVNAME": f"/dev/{name}", "DEVTYPE": "disk", "ACTION": "change"},
        attributes=attributes,
    )


def detached(info: BlockInfo) -> BlockInfo:
    return replace(info, attributes={"size": "0", "queue/rotational": "1"})


def make_watcher(config: Config, fake: FakeSystem) -> tuple[DriveWatcher, list[DriveEvent]]:
    """The fake /sys knows loop4 (a device whose sysfs entry cannot be read is protected: fail closed)."""
    if not (fake.paths.sys / "class" / "block" / "loop4").exists():
        fake.block("loop4", "7:4")
    events: list[DriveEvent] = []
    source = UdevDriveSource(config, context=NoUdev(), paths=fake.paths)
    return DriveWatcher(config, events.append, source=source), events


@pytest.fixture
def loop_config(tmp_path: Path) -> Config:
    return make_config(tmp_path, allow_loop=True)


def test_loop_attach_and_detach_by_size(loop_config: Config, fake_system: FakeSystem) -> None:
    watcher, _ = make_watcher(loop_config, fake_system)
    [attached] = watcher.handle("change", loop_info())
    assert (attached.action, attached.device, attached.serial) == ("attached", "/dev/loop4", "LOOP-disk-a.img")
    assert attached.protected_reason is None
    assert watcher.handle("change", loop_info()) == []  # the kernel repeats itself: nothing new
    [gone] = watcher.handle("change", detached(loop_info()))
    assert (gone.action, gone.serial) == ("detached", "LOOP-disk-a.img")  # remembered, sysfs has forgotten
    assert watcher.handle("change", detached(loop_info())) == []


def test_other_file_on_the_same_loop_device(loop_config: Config, fake_system: FakeSystem) -> None:
    watcher, _ = make_watcher(loop_config, fake_system)
    watcher.handle("change", loop_info())
    events = watcher.handle("change", loop_info(backing="/tmp/t/disk-b.img"))
    assert [(e.action, e.serial) for e in events] == [("detached", "LOOP-disk-a.img"), ("attached", "LOOP-disk-b.img")]


def test_protection_change_is_a_changed_event(loop_config: Config, fake_system: FakeSystem) -> None:
    fake_system.block("loop4", "7:4")
    watcher, _ = make_watcher(loop_config, fake_system)
    watcher.handle("change", loop_info())
    fake_system.mount("7:4", "/mnt/x", "/dev/loop4")
    [changed] = watcher.handle("change", loop_info())
    assert (changed.action, changed.protected_reason) == ("changed", "mounted file system: /mnt/x (loop4)")


def test_loop_ignored_when_test_devices_are_not_allowed(tmp_path: Path, fake_system: FakeSystem) -> None:
    watcher, _ = make_watcher(make_config(tmp_path), fake_system)
    assert watcher.handle("change", loop_info()) == []


def test_partitions_and_virtual_devices_are_ignored(loop_config: Config, fake_system: FakeSystem) -> None:
    watcher, _ = make_watcher(loop_config, fake_system)
    partition = replace(loop_info(name="loop4p1"), devtype="partition")
    assert watcher.handle("add", partition) == []
    assert watcher.handle("add", replace(loop_info(), name="dm-0", device_node="/dev/dm-0")) == []


def test_usb_drive_add_and_remove_with_bay(tmp_path: Path, fake_system: FakeSystem) -> None:
    info, _ = load_fixture("usb_sata_bridge")
    config = make_config(tmp_path, wipe_bay_paths=(info.properties["ID_PATH"],))
    watcher, _ = make_watcher(config, fake_system)
    [added] = watcher.handle("add", info)
    assert (added.action, added.serial, added.bay) == ("attached", "WD-WX11A1234567", True)
    [removed] = watcher.handle("remove", replace(info, attributes={}))
    assert (removed.action, removed.serial, removed.bay) == ("detached", "WD-WX11A1234567", True)


def test_remove_of_an_unseen_drive_is_silent(loop_config: Config, fake_system: FakeSystem) -> None:
    watcher, _ = make_watcher(loop_config, fake_system)
    assert watcher.handle("remove", loop_info()) == []


def test_seeded_drives_are_named_when_they_go(loop_config: Config, fake_system: FakeSystem) -> None:
    watcher, events = make_watcher(loop_config, fake_system)
    present = DetectedDrive(identity=replace(_identity_of(watcher, loop_info()), device="/dev/loop4"))
    watcher.source.list_drives = lambda: [present]  # type: ignore[method-assign]
    watcher.seed()
    assert events == []
    assert watcher.handle("change", loop_info()) == []  # already known: no "attached"
    [gone] = watcher.handle("change", detached(loop_info()))
    assert (gone.action, gone.serial) == ("detached", "LOOP-disk-a.img")


def _identity_of(watcher: DriveWatcher, info: BlockInfo) -> Any:
    return watcher.source.detect(info).identity


def test_udevd_running_looks_for_the_control_socket(tmp_path: Path) -> None:
    assert not udevd_running(tmp_path / "control")
    (tmp_path / "control").touch()
    assert udevd_running(tmp_path / "control")
