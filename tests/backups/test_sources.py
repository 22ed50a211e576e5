"""A customer's partition as the source: ext4, NTFS (ntfs-3g) and exFAT (exfat-fuse) made here with
their own mkfs, holding Unicode and very long names, empty and sparse files, links (where the file
system has them) and an unreadable file (ext4). The tool mounts it read-only itself; the image's bytes
are hashed before and after: never written. A BitLocker volume is refused with one line."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.backups.conftest import Shop, blockdev, fill_tree, new_loop, pool_drive, tree_hashes
from tests.helpers.loop import attach, detach

pytestmark = blockdev
MARKER = b"BRON-MARKER-31c7"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _populate(image: Path, mount: list[str], fill: Callable[[Path], None]) -> None:
    where = image.parent / f"{image.name}.mnt"
    where.mkdir()
    device = attach(image)  # FUSE file systems want a block device
    try:
        subprocess.run([*mount, device, str(where)], check=True, capture_output=True)
        try:
            fill(where)
        finally:
            subprocess.run(["umount", str(where)], check=True)
    finally:
        detach(device)
        where.rmdir()


def _make_and_restore(shop: Shop, loops: list[str], tmp_path: Path, image: Path) -> dict[str, Any]:
    pool_drive(shop, loops)
    customer = shop.ok("customer", "add", "--name", "Bron Klant")["id"]
    device = attach(image)
    loops.append(device)
    before = _sha(image)
    made: dict[str, Any] = shop.ok("backup", "make", "--from", device, "--customer", str(customer), "--job", "R-src")
    assert _sha(image) == before, "the customer's disk was written"
    assert subprocess.run(["blockdev", "--getro", device], capture_output=True, text=True).stdout.strip() == "0"
    assert device not in Path("/proc/self/mounts").read_text()  # unmounted after
    out = tmp_path / "terug"
    out.mkdir()
    shop.ok("backup", "restore", str(made["id"]), "--to", str(out))
    made["restored"] = tree_hashes(out)
    return made


def test_ext4_partition_with_an_unreadable_file(sqlite_shop: Shop, loops: list[str], tmp_path: Path) -> None:
    image = tmp_path / "ext4.img"
    with open(image, "wb") as fh:
        fh.truncate(16 << 20)
    # block maps (no extents) and no journal, so that debugfs can point one file's block off the disk
    subprocess.run(["mkfs.ext4", "-q", "-O", "^extent,^64bit,^has_journal", str(image)], check=True)

    def fill(root: Path) -> None:
        fill_tree(root, MARKER)
        (root / "kapot.txt").write_text("unreadable\n")

    _populate(image, ["mount"], fill)
    subprocess.run(
        ["debugfs", "-w", "-R", "sif /kapot.txt block[0] 9999999", str(image)], check=True, capture_output=True
    )
    reference = tmp_path / "ref"
    fill_tree(reference, MARKER)
    made = _make_and_restore(sqlite_shop, loops, tmp_path, image)
    assert made["unreadable"] == [{"path": "kapot.txt", "reason": "Structure needs cleaning"}]
    restored = dict(made["restored"])
    restored.pop("lost+found", None)
    assert restored == tree_hashes(reference)


@pytest.mark.skipif(shutil.which("mkntfs") is None, reason="ntfs-3g is not installed (scripts/setup --test)")
def test_ntfs_partition(sqlite_shop: Shop, loops: list[str], tmp_path: Path) -> None:
    image = tmp_path / "ntfs.img"
    with open(image, "wb") as fh:
        fh.truncate(16 << 20)
    subprocess.run(["mkntfs", "-F", "-Q", "-q", str(image)], check=True)
    _populate(image, ["ntfs-3g"], lambda root: fill_tree(root, MARKER))
    reference = tmp_path / "ref"
    fill_tree(reference, MARKER)
    made = _make_and_restore(sqlite_shop, loops, tmp_path, image)
    assert made["unreadable"] == []
    assert made["restored"] == tree_hashes(reference)


@pytest.mark.skipif(shutil.which("mkfs.exfat") is None, reason="exfatprogs is not installed (scripts/setup --test)")
def test_exfat_partition(sqlite_shop: Shop, loops: list[str], tmp_path: Path) -> None:
    image = tmp_path / "exfat.img"
    with open(image, "wb") as fh:
        fh.truncate(16 << 20)
    subprocess.run(["mkfs.exfat", str(image)], check=True, capture_output=True)
    _populate(image, ["mount.exfat-fuse"], lambda root: fill_tree(root, MARKER, links=False))
    reference = tmp_path / "ref"
    fill_tree(reference, MARKER, links=False)
    made = _make_and_restore(sqlite_shop, loops, tmp_path, image)
    assert made["restored"] == tree_hashes(reference)


def test_bitlocker_is_refused_and_left_alone(sqlite_shop: Shop, loops: list[str], tmp_path: Path) -> None:
    pool_drive(sqlite_shop, loops)
    customer = sqlite_shop.ok("customer", "add", "--name", "Bron Klant")["id"]
    device = new_loop(loops, tmp_path / "bl", "bitlocker.img", 4 << 20)
    with open(device, "r+b") as fh:
        fh.write(b"\xeb\x58\x90-FVE-FS-" + bytes(500) + b"\x55\xaa")
    image = tmp_path / "bl" / "bitlocker.img"
    before = _sha(image)
    line = sqlite_shop.refused(1, "backup", "make", "--from", device, "--customer", str(customer), "--job", "R-bl")
    assert "BitLocker" in line
    assert _sha(image) == before
    assert sqlite_shop.ok("list", "--kind", "backup") == []
