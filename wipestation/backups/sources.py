"""The customer's files: a folder, or a partition of the customer's disk that the tool mounts
read-only itself (ext4 by the kernel with `noload`, NTFS by ntfs-3g, exFAT by exfat-fuse, FAT by
fusefat), the block device itself set read-only first (`blockdev --setro`), unmounted after. It is
only ever read: this flow never writes to it and never offers it for erasure."""

from __future__ import annotations

import os
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from wipestation.common.i18n import _

ENCRYPTED = {"BitLocker": "BitLocker", "crypto_LUKS": "LUKS", "VeraCrypt": "VeraCrypt"}
# file system type (blkid) -> the mount command, read-only
MOUNTERS: dict[str, list[str]] = {
    "ext4": ["mount", "-t", "ext4", "-o", "ro,noload,nodev,nosuid,noexec"],
    "ext3": ["mount", "-t", "ext3", "-o", "ro,noload,nodev,nosuid,noexec"],
    "ext2": ["mount", "-t", "ext2", "-o", "ro,nodev,nosuid,noexec"],
    "ntfs": ["ntfs-3g", "-o", "ro,nodev,nosuid,noexec"],
    "exfat": ["mount.exfat-fuse", "-o", "ro,nodev,nosuid,noexec"],
    "vfat": ["fusefat", "-o", "ro"],
}


class SourceRefused(Exception):
    """The source cannot be read this way (encrypted, unknown file system, in use); the reason."""


def is_block_device(path: Path) -> bool:
    try:
        return stat.S_ISBLK(os.stat(path).st_mode)
    except OSError:
        return False


def _output(args: list[str]) -> tuple[int, str, str]:
    try:
        done = subprocess.run(args, capture_output=True, text=True, check=False, timeout=120)
    except FileNotFoundError:
        return 127, "", f"{args[0]} is not installed"
    return done.returncode, done.stdout, done.stderr


def fs_type(device: Path) -> str:
    code, out, err = _output(["blkid", "-p", "-o", "value", "-s", "TYPE", str(device)])
    if code == 2 or not out.strip():  # blkid -p: 2 = nothing found
        if _bitlocker_signature(device):
            return "BitLocker"
        raise SourceRefused(_("no file system found on it"))
    if code != 0:
        raise SourceRefused(err.strip() or f"blkid exit {code}")
    return out.strip()


def _bitlocker_signature(device: Path) -> bool:
    try:
        with open(device, "rb") as fh:
            return fh.read(11)[3:11] == b"-FVE-FS-"
    except OSError:
        return False


def _is_mounted(device: Path) -> bool:
    real = os.path.realpath(device)
    try:
        mounts = Path("/proc/self/mounts").read_text()
    except OSError:
        return True
    return any(line.split(" ", 1)[0] == real for line in mounts.splitlines())


@contextmanager
def opened(source: Path) -> Iterator[Path]:
    """The folder to copy from: the folder itself, or the partition mounted read-only."""
    if not is_block_device(source):
        yield source
        return
    kind = fs_type(source)
    if kind in ENCRYPTED:
        raise SourceRefused(
            _("encrypted ({kind}): unlock it in Windows first, or copy the files from there").format(
                kind=ENCRYPTED[kind]
            )
        )
    if kind not in MOUNTERS:
        raise SourceRefused(_("file system {kind} is not supported (ext4, NTFS, exFAT, FAT)").format(kind=kind))
    if _is_mounted(source):
        raise SourceRefused(_("it is mounted already: unmount it first, the tool mounts it read-only itself"))
    was_ro = _output(["blockdev", "--getro", str(source)])[1].strip() == "1"
    if not was_ro:
        code, _out, err = _output(["blockdev", "--setro", str(source)])
        if code != 0:
            raise SourceRefused(_("cannot set it read-only: {error}").format(error=err.strip()))
    try:
        with _mounted(source, MOUNTERS[kind]) as where:
            yield where
    finally:
        if not was_ro:
            _output(["blockdev", "--setrw", str(source)])


@contextmanager
def _mounted(device: Path, command: list[str]) -> Iterator[Path]:
    where = Path(tempfile.mkdtemp(prefix="wipestation-source-"))
    try:
        code, _out, err = _output([*command, str(device), str(where)])
        if code != 0:
            raise SourceRefused(
                _("cannot mount it read-only: {error}").format(error=(err.strip().splitlines() or ["?"])[-1])
            )
        try:
            yield where
        finally:
            code, _out, err = _output(["umount", str(where)])
            if code != 0:
                _output(["fusermount", "-u", str(where)])
    finally:
        with suppress(OSError):
            where.rmdir()
