"""Identity from recorded udev property sets (and sysfs when udev says nothing)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.detection.conftest import fixture_names, load_fixture
from wipestation.detection.blockinfo import BlockInfo, read_attributes
from wipestation.detection.identity import LOOP_MODEL, decode_udev, loop_serial, parse_identity


@pytest.mark.parametrize("name", fixture_names())
def test_identity_from_recorded_properties(name: str) -> None:
    info, expect = load_fixture(name)
    identity = parse_identity(info)
    got = {key: getattr(identity, key) for key in expect}
    assert got == expect
    assert identity.device == info.device_node


def test_every_required_kind_of_drive_has_a_fixture() -> None:
    assert {"sata_hdd", "sata_ssd", "nvme_ssd", "usb_sata_bridge"} <= set(fixture_names())


def test_usb_bridge_gives_the_drive_serial_not_the_bridge_serial() -> None:
    info, _ = load_fixture("usb_sata_bridge")
    identity = parse_identity(info)
    assert identity.serial == "WD-WX11A1234567"
    assert identity.serial != info.properties["ID_USB_SERIAL_SHORT"]
    assert identity.bus == "usb"  # reached through the bridge, though ata_id set ID_BUS=ata


def test_serial_falls_back_to_id_serial_then_sysfs() -> None:
    info, _ = load_fixture("nvme_ssd")
    props = dict(info.properties)
    del props["ID_SERIAL_SHORT"]
    assert parse_identity(replace(info, properties=props)).serial == "Samsung SSD 970 EVO Plus 1TB_S4EWNX0R123456K"
    del props["ID_SERIAL"]
    assert parse_identity(replace(info, properties=props)).serial == "S4EWNX0R123456K"  # device/serial, trimmed


def test_nvme_without_udev_properties_is_nvme_ssd_from_sysfs() -> None:
    info, _ = load_fixture("nvme_ssd")
    bare = replace(info, properties={"DEVNAME": "/dev/nvme0n1", "DEVTYPE": "disk"})
    identity = parse_identity(bare)
    assert (identity.bus, identity.media, identity.serial) == ("nvme", "ssd", "S4EWNX0R123456K")
    assert identity.model == "Samsung SSD 970 EVO Plus 1TB"
    assert identity.firmware == "2B2QEXM7"


def test_all_zero_serial_is_no_serial() -> None:
    info, _ = load_fixture("usb_bridge_no_sat")
    props = dict(info.properties, ID_SERIAL_SHORT="000000000000", ID_SERIAL="000000000000")
    assert parse_identity(replace(info, properties=props)).serial == ""


def test_rotation_rate_beats_queue_rotational() -> None:
    info, _ = load_fixture("sata_ssd")
    wrong = replace(info, attributes=dict(info.attributes, **{"queue/rotational": "1"}))
    assert parse_identity(wrong).media == "ssd"


def test_decode_udev_escapes() -> None:
    assert decode_udev(r"WDC\x20WD10EZEX\x20\x20\x20") == "WDC WD10EZEX"
    assert decode_udev(r"USB\x20to\x20ATA\x2fATAPI") == "USB to ATA/ATAPI"


def test_loop_identity() -> None:
    info = BlockInfo(
        name="loop3",
        device_node="/dev/loop3",
        sys_path="/sys/devices/virtual/block/loop3",
        devtype="disk",
        properties={"DEVNAME": "/dev/loop3"},
        attributes={"size": "16384", "queue/rotational": "0", "loop/backing_file": "/tmp/x/backup-7.img"},
    )
    identity = parse_identity(info)
    assert identity.serial == "LOOP-backup-7.img"
    assert (identity.model, identity.bus, identity.media) == (LOOP_MODEL, "loop", "ssd")
    assert identity.capacity_bytes == 16384 * 512


def test_loop_serial_drops_deleted_suffix() -> None:
    assert loop_serial("/tmp/a/disk.img (deleted)") == "LOOP-disk.img"


def test_read_attributes_from_a_sysfs_tree(tmp_path: Path) -> None:
    (tmp_path / "queue").mkdir()
    (tmp_path / "device").mkdir()
    (tmp_path / "size").write_text("2048\n")
    (tmp_path / "queue" / "rotational").write_text("0\n")
    (tmp_path / "device" / "model").write_text("Samsung SSD 870 \n")
    serial = b"S6PXNZ0T123456A"
    (tmp_path / "device" / "vpd_pg80").write_bytes(b"\x00\x80" + len(serial).to_bytes(2, "big") + serial)
    attrs = read_attributes(tmp_path)
    assert attrs == {
        "size": "2048",
        "queue/rotational": "0",
        "device/model": "Samsung SSD 870",
        "device/vpd_pg80": "S6PXNZ0T123456A",
    }
