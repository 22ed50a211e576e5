"""Protection follows the drive, not the node.

One drive can be reached through more than one /dev node: a dual-path SAS disk without multipath, a
second loop device over the same file, a loop device over another block device. Whatever protects one
of those nodes protects them all:

* two disks with the same serial (a usable one) or the same WWN are one drive;
* two loop devices over the same backing file (the same device and inode, whatever its name or
  folder) are one drive; their `LOOP-<name>` serials are never compared;
* a loop device over a block device inherits that device's protection (over a partition: its disk's),
  recursively (a loop device over a loop device over a mounted one).

A loop device over a regular file writes into that file only; the file system holding it is not
touched by that, so the loop device does not inherit its protection (unless the file is the backing
file of a protected device, which the second rule covers, or an active swap file).
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from wipestation.common.identity import DriveIdentity
from wipestation.detection.blockinfo import BlockInfo
from wipestation.detection.identity import parse_identity, usable_serial
from wipestation.detection.protection import ProtectionChecker, unescape_mount

MAX_DEPTH = 8  # loop over loop over ...: deeper than this is refused


class SameDrive:
    """The machine's block devices, and which of them are the same drive as, or back, a given one."""

    def __init__(self, infos: Iterable[BlockInfo], protection: ProtectionChecker, *, error: str | None = None) -> None:
        self.infos = [i for i in infos if not i.is_partition]
        self.by_dev = {i.attr("dev"): i for i in self.infos if i.attr("dev")}
        self.protection = protection
        self.error = error

    def inherited(self, info: BlockInfo, identity: DriveIdentity) -> list[str]:
        """The reasons `info` is protected because another node is: each names that node."""
        reasons = [self.error] if self.error else []
        reasons.extend(self._inherited(info, identity, {info.name}, 0))
        return reasons

    def _inherited(self, info: BlockInfo, identity: DriveIdentity, seen: set[str], depth: int) -> list[str]:
        if depth > MAX_DEPTH:
            return [f"{info.device_node} is stacked more than {MAX_DEPTH} devices deep"]
        reasons: list[str] = []
        for other in self.infos:
            if other.name in seen:
                continue
            why = _shared(info, identity, other)
            if why is None:
                continue
            own = self._protected(other, seen | {other.name}, depth + 1)
            if own:
                reasons.append(f"{why} as {other.device_node}, which is protected ({own[0]})")
        if depth == 0 and info.backing is not None and not info.backing.rdev:
            reasons.extend(self._swap_file(info))
        block = info.backing.block_device if info.backing is not None else None
        if block is not None:
            below = self._disk_of(block)
            if below is None:
                reasons.append(f"{info.device_node} is backed by block device {block}, which cannot be found in /sys")
            elif below.name not in seen:
                own = self._protected(below, seen | {below.name}, depth + 1)
                if own:
                    reasons.append(f"backed by {below.device_node}, which is protected ({own[0]})")
        return reasons

    def _protected(self, info: BlockInfo, seen: set[str], depth: int) -> list[str]:
        """Another node's own reasons (member signatures aside: each node is probed itself), then what
        it inherits in turn."""
        identity = parse_identity(info)
        own = self.protection.reasons(info.name, identity.serial)
        if info.is_loop and info.backing_error:
            own.append(info.backing_error)
        return own or self._inherited(info, identity, seen, depth)

    def _swap_file(self, info: BlockInfo) -> list[str]:
        """A loop device over a file in active use as swap: writing it overwrites the swapped-out memory."""
        assert info.backing is not None
        try:
            text = self.protection.paths.swaps.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return []
        except OSError as exc:
            return [f"cannot read {self.protection.paths.swaps} ({exc.strerror}), so swap files are unknown"]
        for path in swap_files(text):
            try:
                st = os.stat(path)
            except OSError:
                continue  # a swap file that cannot be found is not this one
            if (st.st_dev, st.st_ino) == (info.backing.dev, info.backing.inode):
                return [f"its backing file {path} is in use as swap"]
        return []

    def _disk_of(self, majmin: str) -> BlockInfo | None:
        """The whole disk holding the block device `major:minor` (itself, or a partition's disk)."""
        if majmin in self.by_dev:
            return self.by_dev[majmin]
        link = self.protection.paths.sys / "dev" / "block" / majmin
        try:
            target = os.path.realpath(link)
        except OSError:
            return None
        parent = os.path.basename(os.path.dirname(target))  # /sys/devices/.../block/sda/sda1 -> sda
        for info in self.infos:
            if info.name == parent:
                return info
        return None


def swap_files(text: str) -> list[str]:
    """The paths of the files (not block devices) in /proc/swaps."""
    paths: list[str] = []
    for line in text.splitlines()[1:]:
        fields = line.split()
        if len(fields) >= 2 and fields[1] == "file":
            paths.append(unescape_mount(fields[0]))
    return paths


def _shared(info: BlockInfo, identity: DriveIdentity, other: BlockInfo) -> str | None:
    """How `other` is the same drive as `info`, in words, or None."""
    if info.is_loop or other.is_loop:
        both = info.is_loop and other.is_loop and other.backing is not None
        if both and identity.backing and other.backing is not None and other.backing.key == identity.backing:
            return f"the same backing file ({identity.serial[len('LOOP-') :]}, {identity.backing})"
        return None
    theirs = parse_identity(other)
    if identity.serial and usable_serial(identity.serial) and theirs.serial == identity.serial:
        return f"the same drive (serial {identity.serial})"
    if identity.wwn and theirs.wwn and identity.wwn.casefold() == theirs.wwn.casefold():
        return f"the same drive (WWN {identity.wwn})"
    return None
