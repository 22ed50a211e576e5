"""Protection follows the drive (issue 12, points 2-4 and 8) on recorded values and fake /sys trees:
one drive through two nodes, member signatures from udev or blkid, fail closed, the WWN re-check.
(The same on real loop devices: tests/erasure/test_wrong_disk.py.)"""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from tests.detection.conftest import FakeSystem, load_fixture, make_config
from wipestation.common.devices import DetectedDrive
from wipestation.common.errors import SafetyRefusal
from wipestation.detection.blockinfo import BlockInfo
from wipestation.detection.identity import parse_identity
from wipestation.detection.loopinfo import LoopBacking, parse_loop_info64
from wipestation.detection.members import Signature, member_reason, parse_blkid_export, probe_signatures
from wipestation.detection.source import UdevDriveSource
from wipestation.erasure.run import same_drive


class Devices:
    """A pyudev context stand-in listing given BlockInfos (as pyudev devices are listed)."""

    def __init__(self, infos: list[BlockInfo]) -> None:
        self.infos = infos

    def list_devices(self, **_match: object) -> list[BlockInfo]:
        return self.infos


def source_over(tmp_path: Path, fake: FakeSystem, infos: list[BlockInfo]) -> UdevDriveSource:
    source = UdevDriveSource(make_config(tmp_path, allow_loop=True), context=Devices(infos), paths=fake.paths)
    return source


@pytest.fixture(autouse=True)
def _infos_are_already_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stand-in context lists BlockInfos: reading them again is the identity."""
    import wipestation.detection.source as source_module

    monkeypatch.setattr(source_module, "from_pyudev", lambda info, **_kw: info)


def sas_paths(fake: FakeSystem) -> tuple[BlockInfo, BlockInfo]:
    """One SAS disk seen through both ports of a dual-path enclosure without multipath: sdb and sdc."""
    info, _ = load_fixture("sata_hdd")
    first = replace(info, name="sdb", device_node="/dev/sdb", attributes={**info.attributes, "dev": "8:16"})
    second = replace(info, name="sdc", device_node="/dev/sdc", attributes={**info.attributes, "dev": "8:32"})
    fake.block("sdb", "8:16")
    fake.block("sdc", "8:32")
    return first, second


def test_a_drive_mounted_through_one_path_is_protected_through_the_other(
    tmp_path: Path, fake_system: FakeSystem
) -> None:
    first, second = sas_paths(fake_system)
    fake_system.mount("8:16", "/srv", "/dev/sdb")
    source = source_over(tmp_path, fake_system, [first, second])
    detected = source.detect(second)
    assert detected.protected_reason == (
        "the same drive (serial WD-WCC6Y3KJ1234) as /dev/sdb, which is protected (mounted file system: /srv (sdb))"
    )
    assert source.detect(first).protected_reason == "mounted file system: /srv (sdb)"


def test_the_same_wwn_is_the_same_drive(tmp_path: Path, fake_system: FakeSystem) -> None:
    first, second = sas_paths(fake_system)
    props = dict(second.properties, ID_SERIAL_SHORT="OTHER-PORT-SERIAL", ID_SERIAL="OTHER-PORT-SERIAL")
    second = replace(second, properties=props)
    fake_system.swap("/dev/sdb")
    detected = source_over(tmp_path, fake_system, [first, second]).detect(second)
    assert detected.protected_reason == (
        "the same drive (WWN 0x50014ee2b5d6e7f8) as /dev/sdb, which is protected (active swap on sdb)"
    )


def test_two_unprotected_paths_stay_erasable(tmp_path: Path, fake_system: FakeSystem) -> None:
    first, second = sas_paths(fake_system)
    assert source_over(tmp_path, fake_system, [first, second]).detect(second).protected_reason is None


def loop(name: str, dev: str, backing: LoopBacking, file: str) -> BlockInfo:
    return BlockInfo(
        name=name,
        device_node=f"/dev/{name}",
        sys_path=f"/sys/devices/virtual/block/{name}",
        devtype="disk",
        attributes={"dev": dev, "size": "2048", "loop/backing_file": file},
        backing=backing,
    )


def test_loops_compare_the_backing_file_not_its_name(tmp_path: Path, fake_system: FakeSystem) -> None:
    same = LoopBacking(dev=0x2D, inode=12, rdev=0)
    a = loop("loop1", "7:1", same, "/srv/a/m.img")
    b = loop("loop2", "7:2", same, "/srv/a/m.img")
    c = loop("loop3", "7:3", LoopBacking(dev=0x2D, inode=13, rdev=0), "/srv/b/m.img")  # same name, other file
    for info in (a, b, c):
        fake_system.block(info.name, info.attributes["dev"])
    fake_system.mount("7:1", "/mnt/m", "/dev/loop1")
    source = source_over(tmp_path, fake_system, [a, b, c])
    reason = source.detect(b).protected_reason or ""
    assert reason.startswith("the same backing file (m.img, 0:45:12) as /dev/loop1, which is protected")
    assert source.detect(c).protected_reason is None  # LOOP-m.img too, but another file
    assert source.detect(c).identity.serial == source.detect(b).identity.serial == "LOOP-m.img"


def test_a_loop_over_a_block_device_inherits_its_protection(tmp_path: Path, fake_system: FakeSystem) -> None:
    a = loop("loop1", "7:1", LoopBacking(dev=0x2D, inode=12, rdev=0), "/srv/m.img")
    over_a = loop("loop2", "7:2", LoopBacking(dev=0x05, inode=300, rdev=0x701), "/dev/loop1")
    over_over = loop("loop3", "7:3", LoopBacking(dev=0x05, inode=301, rdev=0x702), "/dev/loop2")
    for info in (a, over_a, over_over):
        fake_system.block(info.name, info.attributes["dev"])
    fake_system.mount("7:1", "/mnt/m", "/dev/loop1")
    source = source_over(tmp_path, fake_system, [a, over_a, over_over])
    assert (source.detect(over_a).protected_reason or "").startswith("backed by /dev/loop1, which is protected")
    assert (source.detect(over_over).protected_reason or "").startswith(
        "backed by /dev/loop2, which is protected (backed by /dev/loop1"
    )


def test_a_loop_over_an_active_swap_file_is_protected(tmp_path: Path, fake_system: FakeSystem) -> None:
    swapfile = tmp_path / "swap file"
    swapfile.write_bytes(bytes(4096))
    st = swapfile.stat()
    info = loop("loop1", "7:1", LoopBacking(dev=st.st_dev, inode=st.st_ino, rdev=0), str(swapfile))
    other = loop("loop2", "7:2", LoopBacking(dev=st.st_dev, inode=st.st_ino + 1, rdev=0), str(swapfile) + "2")
    fake_system.block("loop1", "7:1")
    fake_system.block("loop2", "7:2")
    fake_system.swap(str(swapfile).replace(" ", "\\040"), kind="file")
    source = source_over(tmp_path, fake_system, [info, other])
    assert source.detect(info).protected_reason == f"its backing file {swapfile} is in use as swap"
    assert source.detect(other).protected_reason is None


def test_a_loop_whose_backing_file_cannot_be_read_is_protected(tmp_path: Path, fake_system: FakeSystem) -> None:
    info = replace(
        loop("loop1", "7:1", LoopBacking(1, 2, 0), "/srv/m.img"),
        backing=None,
        backing_error="cannot read the backing file of /dev/loop1 (No such device or address)",
    )
    fake_system.block("loop1", "7:1")
    reason = source_over(tmp_path, fake_system, [info]).detect(info).protected_reason
    assert reason == "cannot read the backing file of /dev/loop1 (No such device or address)"


def test_loop_info64_layout() -> None:
    raw = (0x0803).to_bytes(8, "little") + (4242).to_bytes(8, "little") + (0x701).to_bytes(8, "little")
    backing = parse_loop_info64(raw + bytes(232 - len(raw)))
    assert (backing.key, backing.block_device) == ("8:3:4242", "7:1")


# -- fail closed --------------------------------------------------------------------------------------


def test_unreadable_sysfs_entries_protect_and_say_what(tmp_path: Path, fake_system: FakeSystem) -> None:
    info, _ = load_fixture("sata_hdd")
    source = source_over(tmp_path, fake_system, [info])  # the fake /sys has no sda at all
    reason = source.detect(info).protected_reason or ""
    block = fake_system.paths.sys / "class" / "block" / "sda"
    assert f"cannot read {block / 'dev'} (No such file or directory), so its mounts and swap are unknown" in reason
    assert f"cannot read {block / 'holders'}" in reason and "what is stacked on it is unknown" in reason
    fake_system.block("sda", "8:0")
    assert source.detect(info).protected_reason is None


# -- member signatures -----------------------------------------------------------------------------------


def test_member_signature_from_udev_where_udevd_runs() -> None:
    props = {"ID_FS_TYPE": "linux_raid_member", "ID_FS_LABEL": "nas:0"}

    def no_blkid(args: list[str]) -> subprocess.CompletedProcess[str]:
        raise AssertionError("udev knows: no probe")

    signature, error = probe_signatures("/dev/sdb", props, udev=lambda: True, run=no_blkid)
    assert error is None and signature == Signature("/dev/sdb", "linux_raid_member", "nas:0")
    assert member_reason((signature,)) == (
        "set member not assembled here: linux_raid_member signature on /dev/sdb (member of an md RAID array "
        "'nas:0'); erase --allow-member to erase it anyway"
    )


# `blkid -p -o export` of a loop device after `pvcreate` (recorded on the build machine, util-linux 2.38.1).
BLKID_LVM = (
    "DEVNAME=/dev/loop0\nUUID=cjiQjb-HKkt-bL8U-Ac4s-98rZ-od3N-jGfMRQ\n"
    "VERSION=LVM2\\ 001\nTYPE=LVM2_member\nUSAGE=raid\n"
)


@pytest.mark.parametrize(
    ("code", "out", "err", "expect", "error"),
    [
        (0, BLKID_LVM, "", "LVM2_member", None),
        (0, "DEVNAME=/dev/sdb\nTYPE=zfs_member\nLABEL=tank\n", "", "zfs_member", None),
        (0, "DEVNAME=/dev/sdb\nTYPE=ext4\n", "", "ext4", None),
        (2, "", "", None, None),  # nothing found
        (8, "", "ambivalent result (probably more filesystems on the device)", None, "ambivalent result"),
    ],
)
def test_member_signature_by_probing_without_udevd(
    code: int, out: str, err: str, expect: str | None, error: str | None
) -> None:
    def blkid(args: list[str]) -> subprocess.CompletedProcess[str]:
        assert Path(args[0]).name == "blkid" and args[1:] == ["-p", "-o", "export", "/dev/sdb"]
        return subprocess.CompletedProcess(args, code, out, err)

    signature, why = probe_signatures("/dev/sdb", {"ID_FS_TYPE": "stale"}, udev=lambda: False, run=blkid)
    assert (signature.fstype if signature else None) == expect
    if error is None:
        assert why is None
    else:
        assert (
            why is not None and why.startswith("cannot probe /dev/sdb for RAID/LVM member signatures") and error in why
        )


def test_blkid_export_parsing() -> None:
    assert parse_blkid_export(BLKID_LVM)["TYPE"] == "LVM2_member"


def test_a_member_is_protected_unless_allowed_and_other_reasons_stay(tmp_path: Path, fake_system: FakeSystem) -> None:
    info, _ = load_fixture("sata_hdd")
    fake_system.block("sda", "8:0")
    member = replace(info, signatures=(Signature("/dev/sda1", "LVM2_member"),))
    detected = source_over(tmp_path, fake_system, [member]).detect(member)
    assert detected.protected_reason == detected.member_reason
    assert "LVM2_member signature on /dev/sda1 (member of an LVM volume group)" in (detected.member_reason or "")
    assert detected.refusal(allow_member=True) is None
    fake_system.mount("8:0", "/srv", "/dev/sda")
    both = source_over(tmp_path, fake_system, [member]).detect(member)
    assert both.refusal(allow_member=True) == "mounted file system: /srv (sda)"
    assert both.protected_reason == f"mounted file system: /srv (sda); {both.member_reason}"
    probe_failed = replace(
        info, signatures=(), signature_errors=("cannot probe /dev/sda for RAID/LVM member signatures (blkid: x)",)
    )
    unreadable = source_over(tmp_path, fake_system, [probe_failed]).detect(probe_failed)
    assert unreadable.refusal(allow_member=True) is not None  # what could not be read is no member


# -- the identity re-check ----------------------------------------------------------------------------


def test_the_re_check_compares_the_wwn_where_both_are_known() -> None:
    info, _ = load_fixture("sata_hdd")
    confirmed = parse_identity(info)
    assert confirmed.wwn
    other_wwn = replace(confirmed, wwn="0x5000c500da280acf")
    with pytest.raises(SafetyRefusal, match="changed since it was confirmed \\(WWN"):
        same_drive(confirmed, DetectedDrive(other_wwn), "/dev/sda")
    same_drive(confirmed, DetectedDrive(replace(confirmed, wwn=None)), "/dev/sda")  # not known now: not compared
    same_drive(confirmed, DetectedDrive(replace(confirmed, wwn=confirmed.wwn.upper())), "/dev/sda")
    loop_confirmed = replace(confirmed, backing="0:45:12")
    with pytest.raises(SafetyRefusal, match="backing file"):
        same_drive(loop_confirmed, DetectedDrive(replace(loop_confirmed, backing="0:45:13")), "/dev/loop1")
