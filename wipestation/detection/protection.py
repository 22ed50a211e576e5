"""Why a disk must never be written: it holds `/`, a mounted file system, active swap, is part of
device-mapper / LVM / md RAID, is not a physical drive at all, or its serial is protected.

Every path (/proc/self/mountinfo, /proc/swaps, /sys) is injectable, so the logic is tested on fake
trees. When the system cannot be read, the disk counts as protected: fail closed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from wipestation.common.config import Config
from wipestation.common.i18n import N_, Phrase, joined

# Kernel names that are never physical drives, and what to call them.
VIRTUAL_PREFIXES = (
    ("dm-", N_("a device-mapper device, not a physical drive")),
    ("md", N_("an md RAID device, not a physical drive")),
    ("zram", N_("a compressed RAM disk, not a physical drive")),
    ("ram", N_("a RAM disk, not a physical drive")),
    ("sr", N_("an optical drive")),
)
_MAX_MOUNTS_SHOWN = 3


@dataclass(frozen=True)
class SystemPaths:
    """Where the kernel tells about mounts, swap and block devices."""

    mountinfo: Path = Path("/proc/self/mountinfo")
    swaps: Path = Path("/proc/swaps")
    sys: Path = Path("/sys")


@dataclass(frozen=True)
class BlockNode:
    """The disk, one of its partitions, or a device stacked on them (dm, md), with how it was reached."""

    name: str
    dev: str | None  # "major:minor"
    kind: str  # "disk", "partition" or "holder"


@dataclass(frozen=True)
class Mount:
    dev: str  # "major:minor"
    mount_point: str
    source: str


@dataclass
class _Snapshot:
    mounts: list[Mount] = field(default_factory=list)
    swaps: list[str] = field(default_factory=list)  # kernel names of swap partitions/devices
    errors: list[str] = field(default_factory=list)


def virtual_reason(name: str) -> str | None:
    for prefix, reason in VIRTUAL_PREFIXES:
        if name.startswith(prefix):
            return Phrase(reason)
    return None


def unescape_mount(text: str) -> str:
    r"""mountinfo escapes space, tab, newline and backslash as \040 \011 \012 \134."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        text = text.replace(code, char)
    return text


def parse_mountinfo(text: str) -> list[Mount]:
    mounts: list[Mount] = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 7 or "-" not in fields[6:]:
            continue
        sep = fields.index("-", 6)
        source = fields[sep + 2] if len(fields) > sep + 2 else ""
        mounts.append(Mount(dev=fields[2], mount_point=unescape_mount(fields[4]), source=unescape_mount(source)))
    return mounts


def parse_swaps(text: str) -> list[str]:
    """Kernel names of the block devices in active use as swap (swap files live on a mounted file
    system, which protects their disk already)."""
    names: list[str] = []
    for line in text.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 2 or fields[1] == "file":
            continue
        path = unescape_mount(fields[0])
        names.append(os.path.basename(os.path.realpath(path)))
    return names


class ProtectionChecker:
    """Reasons a whole disk is protected, read fresh from the system each time."""

    def __init__(self, config: Config, paths: SystemPaths | None = None) -> None:
        self.config = config
        self.paths = paths or SystemPaths()

    def reason(self, name: str, serial: str | None) -> str | None:
        """All reasons joined with "; " (a Phrase: shown in the reader's language), or None when the
        disk may be written."""
        return joined(self.reasons(name, serial))

    def reasons(self, name: str, serial: str | None) -> list[str]:
        reasons: list[str] = []
        own = virtual_reason(name)
        if own:
            reasons.append(own)
        snapshot = self._snapshot()
        reasons.extend(snapshot.errors)
        nodes, unreadable = self.read_stack(name)
        reasons.extend(unreadable)
        reasons.extend(_mount_reasons(nodes, snapshot.mounts))
        reasons.extend(_swap_reasons(nodes, snapshot.swaps))
        reasons.extend(self._holder_reasons(nodes))
        reasons.extend(self._btrfs_reasons(nodes))
        reasons.extend(self._serial_reasons(serial))
        return reasons

    # -- what sits on the disk

    def stack(self, name: str) -> list[BlockNode]:
        """The disk, its partitions and everything stacked on them (holders, recursively)."""
        return self.read_stack(name)[0]

    def read_stack(self, name: str) -> tuple[list[BlockNode], list[str]]:
        """The stack, and what of it could not be read (each one a reason: fail closed)."""
        errors: list[str] = []
        nodes = [BlockNode(name, self._dev(name, errors), "disk")]
        seen = {name}
        index = 0
        while index < len(nodes):
            node = nodes[index]
            index += 1
            children = [(p, "partition") for p in self._partitions(node.name, errors)]
            children += [(h, "holder") for h in self._holders(node.name, errors)]
            for child, kind in children:
                if child not in seen:
                    seen.add(child)
                    nodes.append(BlockNode(child, self._dev(child, errors), kind))
        return nodes, errors

    def _block_dir(self, name: str) -> Path:
        return self.paths.sys / "class" / "block" / name

    def _dev(self, name: str, errors: list[str] | None = None) -> str | None:
        path = self._block_dir(name) / "dev"
        try:
            return path.read_text(encoding="ascii").strip() or None
        except OSError as exc:
            if errors is not None:
                errors.append(_unreadable(path, exc, "its mounts and swap are unknown"))
            return None

    def _partitions(self, name: str, errors: list[str] | None = None) -> list[str]:
        base = self._block_dir(name)
        try:
            entries = sorted(base.iterdir())
        except OSError as exc:
            if errors is not None:
                errors.append(_unreadable(base, exc, "its partitions are unknown"))
            return []
        return [e.name for e in entries if e.name.startswith(name) and (e / "partition").is_file()]

    def _holders(self, name: str, errors: list[str] | None = None) -> list[str]:
        path = self._block_dir(name) / "holders"
        try:
            return sorted(e.name for e in path.iterdir())
        except OSError as exc:
            if errors is not None:
                errors.append(_unreadable(path, exc, "what is stacked on it is unknown"))
            return []

    def _holder_reasons(self, nodes: list[BlockNode]) -> list[str]:
        return [self._describe_holder(n.name) for n in nodes if n.kind == "holder"]

    def _describe_holder(self, name: str) -> str:
        if name.startswith("md"):
            return Phrase(N_("member of md RAID {name}"), name=name)
        if name.startswith("dm-"):
            uuid = _read(self._block_dir(name) / "dm" / "uuid") or ""
            dm_name = _read(self._block_dir(name) / "dm" / "name") or name
            if uuid.startswith("LVM-"):
                return Phrase(N_("LVM physical volume (logical volume {name})"), name=dm_name)
            if uuid.startswith("CRYPT-"):
                return Phrase(N_("holds an open encrypted volume ({name})"), name=dm_name)
            return Phrase(N_("in use by device-mapper ({name})"), name=dm_name)
        return Phrase(N_("in use by {name}"), name=name)

    def _btrfs_reasons(self, nodes: list[BlockNode]) -> list[str]:
        """A btrfs file system over several devices shows one of them in mountinfo; the kernel lists
        all of them under /sys/fs/btrfs/<fsid>/devices/ while it is mounted."""
        reasons: list[str] = []
        for fs in sorted((self.paths.sys / "fs" / "btrfs").glob("*/devices")):
            for node in nodes:
                if (fs / node.name).exists() or (fs / node.name).is_symlink():
                    reasons.append(Phrase(N_("member of a mounted btrfs file system ({name})"), name=node.name))
        return reasons

    def _serial_reasons(self, serial: str | None) -> list[str]:
        if not serial:
            return [Phrase(N_("no serial number can be read, so the drive cannot be confirmed"))]
        protected = {s.strip().casefold() for s in self.config.devices.protected_serials}
        if serial.strip().casefold() in protected:
            return [Phrase(N_("serial {serial} is in the protected list of the configuration"), serial=serial)]
        return []

    # -- what the system uses

    def _snapshot(self) -> _Snapshot:
        snapshot = _Snapshot()
        try:
            snapshot.mounts = parse_mountinfo(self.paths.mountinfo.read_text(encoding="utf-8", errors="replace"))
        except OSError as exc:
            snapshot.errors.append(f"cannot read {self.paths.mountinfo} ({exc.strerror}), so mounts are unknown")
        try:
            snapshot.swaps = parse_swaps(self.paths.swaps.read_text(encoding="utf-8", errors="replace"))
        except FileNotFoundError:
            snapshot.swaps = []  # a kernel without swap support
        except OSError as exc:
            snapshot.errors.append(f"cannot read {self.paths.swaps} ({exc.strerror}), so swap is unknown")
        return snapshot


def _unreadable(path: Path, exc: OSError, what: str) -> str:
    return f"cannot read {path} ({exc.strerror or exc}), so {what}"


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None


def _matches(node: BlockNode, mount: Mount) -> bool:
    if node.dev is not None and mount.dev == node.dev:
        return True
    # btrfs and a few others report an anonymous 0:N device; the source names the block device.
    return mount.source.startswith("/dev/") and os.path.basename(mount.source) == node.name


def _mount_reasons(nodes: Iterable[BlockNode], mounts: list[Mount]) -> list[str]:
    root: list[str] = []
    others: list[str] = []
    for node in nodes:
        for mount in mounts:
            if not _matches(node, mount):
                continue
            if mount.mount_point == "/":
                root.append(node.name)
            elif f"{mount.mount_point} ({node.name})" not in others:
                others.append(f"{mount.mount_point} ({node.name})")
    reasons: list[str] = []
    if root:
        reasons.append(Phrase(N_("holds the root file system / (on {name})"), name=root[0]))
    if others:
        shown = ", ".join(others[:_MAX_MOUNTS_SHOWN])
        if len(others) > _MAX_MOUNTS_SHOWN:
            more = len(others) - _MAX_MOUNTS_SHOWN
            reasons.append(Phrase(N_("mounted file system: {mounts} and {n} more"), mounts=shown, n=more))
        else:
            reasons.append(Phrase(N_("mounted file system: {mounts}"), mounts=shown))
    return reasons


def _swap_reasons(nodes: Iterable[BlockNode], swaps: list[str]) -> list[str]:
    names = {n.name for n in nodes}
    return [Phrase(N_("active swap on {name}"), name=name) for name in swaps if name in names]
