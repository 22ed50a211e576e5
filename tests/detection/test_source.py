"""UdevDriveSource's filtering and refusals, on BlockInfo values (real devices: test_blockdev.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.detection.conftest import FakeSystem, load_fixture, make_config
from wipestation.common.config import Config
from wipestation.common.errors import BadValue
from wipestation.detection.blockinfo import BlockInfo
from wipestation.detection.source import UdevDriveSource, _natural_key, listable


def disk(name: str, sectors: int = 2048, devtype: str = "disk", **attrs: str) -> BlockInfo:
    return BlockInfo(
        name=name,
        device_node=f"/dev/{name}",
        sys_path=f"/sys/devices/virtual/block/{name}",
        devtype=devtype,
        attributes={"size": str(sectors), **attrs},
    )


@pytest.mark.parametrize(
    ("info", "allow_loop", "expected"),
    [
        (disk("sda"), False, True),
        (replace(disk("sda1"), devtype="partition"), False, False),
        (disk("sdb", sectors=0), False, False),  # an empty card reader
        (disk("zram0"), False, False),
        (disk("ram0"), False, False),
        (disk("dm-0"), False, False),
        (disk("md127"), False, False),
        (disk("sr0"), False, False),
        (disk("loop1"), False, False),
        (disk("loop1"), True, True),
        (disk("loop2", sectors=0), True, False),  # not attached
    ],
)
def test_listable(info: BlockInfo, allow_loop: bool, expected: bool) -> None:
    assert listable(info, allow_loop) is expected


class NoOtherDevices:
    """A pyudev context stand-in: no other block device shares anything with the stubbed one."""

    def list_devices(self, **_match: object) -> list[object]:
        return []


class StubSource(UdevDriveSource):
    """identify() over a given BlockInfo instead of a device node."""

    def __init__(self, config: Config, fake: FakeSystem, info: BlockInfo) -> None:
        super().__init__(config, context=NoOtherDevices(), paths=fake.paths)
        self.info = info

    def block_info(self, device: str) -> BlockInfo:
        return self.info


def test_partition_is_refused_naming_its_disk(tmp_path: Path, fake_system: FakeSystem) -> None:
    info = BlockInfo(
        name="sdc1",
        device_node="/dev/sdc1",
        sys_path="/sys/devices/pci0000:00/0000:00:14.0/usb2/2-2/2-2:1.0/host6/target6:0:0/6:0:0:0/block/sdc/sdc1",
        devtype="partition",
        attributes={"size": "2048"},
    )
    source = StubSource(make_config(tmp_path), fake_system, info)
    with pytest.raises(BadValue, match=r"^/dev/sdc1 is a partition of /dev/sdc; give the whole disk$"):
        source.identify("/dev/sdc1")


def test_empty_card_reader_and_detached_loop_are_refused(tmp_path: Path, fake_system: FakeSystem) -> None:
    config = make_config(tmp_path, allow_loop=True)
    with pytest.raises(BadValue, match=r"^/dev/sdx has no medium \(size 0\)$"):
        StubSource(config, fake_system, disk("sdx", sectors=0)).identify("/dev/sdx")
    with pytest.raises(BadValue, match=r"^/dev/loop5 has no backing file attached$"):
        StubSource(config, fake_system, disk("loop5", sectors=0)).identify("/dev/loop5")


def test_identify_reports_protection_without_raising(tmp_path: Path, fake_system: FakeSystem) -> None:
    info, _ = load_fixture("sata_hdd")
    fake_system.block("sda", "8:0")
    fake_system.mount("8:0", "/srv", "/dev/sda")
    detected = StubSource(make_config(tmp_path), fake_system, info).identify("/dev/sda")
    assert detected.identity.serial == "WD-WCC6Y3KJ1234"
    assert detected.protected_reason == "mounted file system: /srv (sda)"


def test_natural_order_of_device_names() -> None:
    names = ["/dev/sdb", "/dev/loop10", "/dev/sda", "/dev/loop2", "/dev/nvme0n1"]
    assert sorted(names, key=_natural_key) == ["/dev/loop2", "/dev/loop10", "/dev/nvme0n1", "/dev/sda", "/dev/sdb"]
