"""Protection on fake /proc and /sys trees: root, mounts, swap, dm/LVM/md holders, serials."""

from __future__ import annotations

from pathlib import Path

from tests.detection.conftest import FakeSystem, make_config
from wipestation.detection.protection import ProtectionChecker, parse_mountinfo, parse_swaps


def checker(fake: FakeSystem, tmp_path: Path, **devices: object) -> ProtectionChecker:
    return ProtectionChecker(make_config(tmp_path, **devices), fake.paths)


def test_clean_disk_is_not_protected(fake_system: FakeSystem, tmp_path: Path) -> None:
    fake_system.block("sdb", "8:16")
    fake_system.block("sdb1", "8:17", parent="sdb")
    assert checker(fake_system, tmp_path).reason("sdb", "S1") is None


def test_disk_holding_root_through_a_partition(fake_system: FakeSystem, tmp_path: Path) -> None:
    fake_system.block("sda", "8:0")
    fake_system.block("sda1", "8:1", parent="sda")
    fake_system.block("sda2", "8:2", parent="sda")
    fake_system.mount("8:2", "/", "/dev/sda2")
    fake_system.mount("8:1", "/boot/efi", "/dev/sda1", "vfat")
    reasons = checker(fake_system, tmp_path).reasons("sda", "S1")
    assert reasons == ["holds the root file system / (on sda2)", "mounted file system: /boot/efi (sda1)"]


def test_whole_disk_file_system_mounted(fake_system: FakeSystem, tmp_path: Path) -> None:
    fake_system.block("sdc", "8:32")
    fake_system.mount("8:32", "/media/tech/My\\040Backup", "/dev/sdc")
    assert checker(fake_system, tmp_path).reason("sdc", "S1") == "mounted file system: /media/tech/My Backup (sdc)"


def test_btrfs_anonymous_device_matched_by_source(fake_system: FakeSystem, tmp_path: Path) -> None:
    fake_system.block("sdd", "8:48")
    fake_system.block("sdd1", "8:49", parent="sdd")
    fake_system.mount("0:45", "/", "/dev/sdd1", "btrfs")
    assert checker(fake_system, tmp_path).reason("sdd", "S1") == "holds the root file system / (on sdd1)"


def test_second_device_of_a_mounted_multi_device_btrfs(fake_system: FakeSystem, tmp_path: Path) -> None:
    """mountinfo names only one device of a btrfs over sda2 + sdf1; sysfs lists both."""
    fake_system.block("sda", "8:0")
    fake_system.block("sda2", "8:2", parent="sda")
    fake_system.block("sdf", "8:80")
    fake_system.block("sdf1", "8:81", parent="sdf")
    fake_system.mount("0:45", "/", "/dev/sda2", "btrfs")
    sys = fake_system.paths.sys
    devices = sys / "fs" / "btrfs" / "0b1c-uuid" / "devices"
    devices.mkdir(parents=True)
    for name in ("sda2", "sdf1"):
        (devices / name).symlink_to(sys / "class" / "block" / name)
    assert checker(fake_system, tmp_path).reason("sdf", "S1") == "member of a mounted btrfs file system (sdf1)"


def test_active_swap_partition(fake_system: FakeSystem, tmp_path: Path) -> None:
    fake_system.block("sde", "8:64")
    fake_system.block("sde2", "8:66", parent="sde")
    fake_system.swap("/dev/sde2")
    fake_system.swap("/swapfile", kind="file")
    assert checker(fake_system, tmp_path).reason("sde", "S1") == "active swap on sde2"


def test_lvm_holder_with_mounted_logical_volume(fake_system: FakeSystem, tmp_path: Path) -> None:
    fake_system.block("nvme0n1", "259:0")
    fake_system.block("nvme0n1p3", "259:3", parent="nvme0n1")
    fake_system.hold("dm-0", "254:0", on="nvme0n1p3", on_parent="nvme0n1", dm_uuid="LVM-abcdef")
    fake_system.mount("254:0", "/home", "/dev/mapper/vg0-home")
    reasons = checker(fake_system, tmp_path).reasons("nvme0n1", "S1")
    assert reasons == ["mounted file system: /home (dm-0)", "LVM physical volume (logical volume vg0-dm-0)"]


def test_unmounted_device_mapper_and_crypt_holders(fake_system: FakeSystem, tmp_path: Path) -> None:
    fake_system.block("sdf", "8:80")
    fake_system.hold("dm-1", "254:1", on="sdf", dm_uuid="CRYPT-LUKS2-1234")
    fake_system.block("sdg", "8:96")
    fake_system.hold("dm-2", "254:2", on="sdg", dm_uuid="")
    check = checker(fake_system, tmp_path)
    assert check.reason("sdf", "S1") == "holds an open encrypted volume (vg0-dm-1)"
    assert check.reason("sdg", "S2") == "in use by device-mapper (vg0-dm-2)"


def test_md_raid_member(fake_system: FakeSystem, tmp_path: Path) -> None:
    fake_system.block("sdh", "8:112")
    fake_system.block("sdh1", "8:113", parent="sdh")
    fake_system.hold("md127", "9:127", on="sdh1", on_parent="sdh")
    assert checker(fake_system, tmp_path).reason("sdh", "S1") == "member of md RAID md127"


def test_md_and_dm_devices_themselves(fake_system: FakeSystem, tmp_path: Path) -> None:
    fake_system.block("md127", "9:127")
    fake_system.block("dm-3", "254:3")
    check = checker(fake_system, tmp_path)
    assert check.reason("md127", "S1") == "an md RAID device, not a physical drive"
    assert check.reason("dm-3", "S1") == "a device-mapper device, not a physical drive"


def test_protected_serial_ignores_case_and_spaces(fake_system: FakeSystem, tmp_path: Path) -> None:
    fake_system.block("sdi", "8:128")
    check = checker(fake_system, tmp_path, protected_serials=("ws-own-disk-1 ",))
    assert check.reason("sdi", "WS-OWN-DISK-1") == "serial WS-OWN-DISK-1 is in the protected list of the configuration"
    assert check.reason("sdi", "WS-OWN-DISK-2") is None


def test_drive_without_serial_is_protected(fake_system: FakeSystem, tmp_path: Path) -> None:
    fake_system.block("sdj", "8:144")
    assert checker(fake_system, tmp_path).reason("sdj", "") == (
        "no serial number can be read, so the drive cannot be confirmed"
    )


def test_unreadable_mountinfo_fails_closed(fake_system: FakeSystem, tmp_path: Path) -> None:
    fake_system.block("sdk", "8:160")
    fake_system.paths.mountinfo.unlink()
    reason = checker(fake_system, tmp_path).reason("sdk", "S1")
    assert reason is not None
    assert reason.startswith(f"cannot read {fake_system.paths.mountinfo}")


def test_several_reasons_are_all_given(fake_system: FakeSystem, tmp_path: Path) -> None:
    fake_system.block("sdl", "8:176")
    fake_system.block("sdl1", "8:177", parent="sdl")
    fake_system.block("sdl2", "8:178", parent="sdl")
    fake_system.mount("8:177", "/", "/dev/sdl1")
    fake_system.swap("/dev/sdl2")
    check = checker(fake_system, tmp_path, protected_serials=("S1",))
    assert check.reasons("sdl", "S1") == [
        "holds the root file system / (on sdl1)",
        "active swap on sdl2",
        "serial S1 is in the protected list of the configuration",
    ]


def test_parse_mountinfo_with_optional_fields() -> None:
    text = "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:2 - ext3 /dev/root rw,errors=continue\n"
    [mount] = parse_mountinfo(text)
    assert (mount.dev, mount.mount_point, mount.source) == ("98:0", "/mnt2", "/dev/root")


def test_parse_swaps_skips_files_and_header() -> None:
    text = "Filename\tType\tSize\tUsed\tPriority\n/dev/zram0 partition 8G 0 100\n/swap.img file 2G 0 -2\n"
    assert parse_swaps(text) == ["zram0"]


def test_protection_reasons_are_shown_in_the_readers_language() -> None:
    """The reasons are Phrases (issue 28): English where they are stored or put in JSON, Dutch on the
    console and in the CLI's lines; joined, each part keeps its two faces."""
    from wipestation.common import i18n
    from wipestation.common.devices import DetectedDrive
    from wipestation.common.identity import DriveIdentity
    from wipestation.detection.protection import BlockNode, Mount, _mount_reasons, _swap_reasons

    nodes = [BlockNode("sda", "8:0", "disk"), BlockNode("sda2", "8:2", "partition")]
    reasons = _mount_reasons(nodes, [Mount("8:0", "/", "/dev/sda")]) + _swap_reasons(nodes, ["sda2"])
    drive = DetectedDrive.from_reasons(DriveIdentity(serial="SYS-1"), reasons, None)
    assert drive.protected_reason == "holds the root file system / (on sda); active swap on sda2"
    i18n.set_language("nl")
    try:
        assert i18n.shown(drive.protected_reason) == "bevat het hoofdbestandssysteem / (op sda); actieve swap op sda2"
    finally:
        i18n.set_language("en")
