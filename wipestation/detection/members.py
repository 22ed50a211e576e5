"""Signatures that make a disk a member of a set that is not assembled here (md RAID, LVM, ZFS,
bcache, firmware RAID): such a disk is somebody's array, and writing it destroys the array.

Where udevd runs, its blkid builtin has set ID_FS_TYPE on every block device; where it does not
(containers, a rescue system, the build machine) the device is probed with `blkid -p`, which reads
the superblocks itself and trusts no cache.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

UDEVD_CONTROL = Path("/run/udev/control")
BLKID_NOTHING_FOUND = 2

# blkid TYPE -> the set it belongs to. Any other "*_member" (firmware RAID, VMFS) is a set member too.
MEMBER_SETS = {
    "linux_raid_member": "an md RAID array",
    "LVM2_member": "an LVM volume group",
    "LVM1_member": "an LVM volume group",
    "zfs_member": "a ZFS pool",
    "bcache": "a bcache set",
    "drbd": "a DRBD replicated volume",
    "ceph": "a Ceph cluster",
}


@dataclass(frozen=True)
class Signature:
    """One content signature: which node carries it and blkid's TYPE (and LABEL, when it has one)."""

    node: str
    fstype: str
    label: str | None = None

    @property
    def member_of(self) -> str | None:
        """The kind of set this signature makes the device a member of, or None (a file system)."""
        if self.fstype in MEMBER_SETS:
            return MEMBER_SETS[self.fstype]
        if self.fstype.endswith("_member"):
            return "a RAID or storage set"
        return None


def member_reason(signatures: tuple[Signature, ...]) -> str | None:
    """The protection reason for member signatures, or None."""
    members = [s for s in signatures if s.member_of is not None]
    if not members:
        return None
    parts = []
    for s in members:
        name = f" {s.label!r}" if s.label else ""
        parts.append(f"{s.fstype} signature on {s.node} (member of {s.member_of}{name})")
    return "set member not assembled here: " + ", ".join(parts) + "; erase --allow-member to erase it anyway"


def parse_blkid_export(text: str) -> dict[str, str]:
    """`blkid -p -o export`: KEY=value lines."""
    values: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            values[key.strip()] = value.strip()
    return values


def blkid_path() -> str:
    """blkid lives in /usr/sbin on Debian, which is not in a technician's PATH."""
    search = os.pathsep.join(filter(None, (os.environ.get("PATH"), "/usr/sbin", "/sbin")))
    return shutil.which("blkid", path=search) or "blkid"


def udevd_running(control: Path = UDEVD_CONTROL) -> bool:
    return control.exists()


Runner = Callable[[list[str]], "subprocess.CompletedProcess[str]"]


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=30, check=False)


def probe_signatures(
    node: str,
    properties: Mapping[str, str],
    *,
    udev: Callable[[], bool] = udevd_running,
    run: Runner = _run,
) -> tuple[Signature | None, str | None]:
    """The signature on `node` (None: none) and, when it could not be read, why."""
    if udev() and properties.get("ID_FS_TYPE") is not None:
        fstype = properties.get("ID_FS_TYPE", "").strip()
        label = (properties.get("ID_FS_LABEL") or "").strip() or None
        return (Signature(node, fstype, label) if fstype else None), None
    try:
        done = run([blkid_path(), "-p", "-o", "export", node])
    except (OSError, subprocess.SubprocessError) as exc:
        return None, f"cannot probe {node} for RAID/LVM member signatures (blkid: {exc})"
    if done.returncode == BLKID_NOTHING_FOUND:
        return None, None
    if done.returncode != 0:
        why = (done.stderr or done.stdout).strip().splitlines()
        return None, f"cannot probe {node} for RAID/LVM member signatures (blkid: {why[0] if why else done.returncode})"
    values = parse_blkid_export(done.stdout)
    found = values.get("TYPE") or values.get("PTTYPE")
    if not found:
        return None, None
    return Signature(node, found, values.get("LABEL") or None), None
