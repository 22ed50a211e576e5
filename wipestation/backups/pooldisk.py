"""Laying out a pool drive (GPT, key area, ext4 at an offset) and mounting its data part privately.

Outside tools: `sfdisk` (util-linux/fdisk), `mkfs.ext4` (e2fsprogs), `losetup`, `mount`, `umount`.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from wipestation.backups import keyarea
from wipestation.backups.keyarea import PoolHeader


class PoolDiskError(Exception):
    """An outside tool failed while laying out or mounting a pool drive."""


def _run(args: list[str]) -> str:
    try:
        done = subprocess.run(args, capture_output=True, text=True, check=False, timeout=600)
    except FileNotFoundError:
        raise PoolDiskError(f"{args[0]} is not installed") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
        raise PoolDiskError(f"{args[0]}: {last}")
    return done.stdout


def lay_out(device: str, capacity: int, shop_key: bytes) -> PoolHeader:
    slots, offset, size = keyarea.layout(capacity)
    sector = 512
    table = (
        "label: gpt\n"
        f"start={keyarea.KEY_AREA_START // sector}, size={(offset - keyarea.KEY_AREA_START) // sector}, "
        'name="wipestation-keys"\n'
        f'start={offset // sector}, size={size // sector}, name="wipestation-data"\n'
    )
    done = subprocess.run(
        ["sfdisk", "--quiet", "--no-reread", "--no-tell-kernel", "--wipe", "always", device],
        input=table,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise PoolDiskError("sfdisk: " + (done.stderr.strip().splitlines() or ["failed"])[-1])
    header = PoolHeader(keyarea.new_pool_id(), slots, offset, size, keyarea.key_check(shop_key))
    keyarea.fill_slots_random(device, header)
    with _loop(device, header) as loop:
        _run(["mkfs.ext4", "-q", "-F", "-L", "wipestation-data", "-m", "0", loop])
    keyarea.write_header(device, header)
    return header


@contextmanager
def _loop(device: str, header: PoolHeader, *, read_only: bool = False) -> Iterator[str]:
    args = ["losetup", "--find", "--show", "--offset", str(header.data_offset), "--sizelimit", str(header.data_size)]
    if read_only:
        args.append("--read-only")
    loop = _run([*args, device]).strip()
    try:
        yield loop
    finally:
        subprocess.run(["losetup", "--detach", loop], capture_output=True, check=False)


def _stale(device: str, header: PoolHeader) -> tuple[list[str], Path | None]:
    """Loops over this pool's data left by a run that was killed (kill -9), and their mount if any: a
    mount is adopted (never a second mount of the same file system), the loops detached after."""
    try:
        out = _run(["losetup", "--noheadings", "--raw", "-O", "NAME,OFFSET", "-j", device])
    except PoolDiskError:
        return [], None
    loops = [line.split()[0] for line in out.splitlines() if line.split()[1:] == [str(header.data_offset)]]
    for line in Path("/proc/self/mounts").read_text().splitlines():
        source, target = line.split(" ")[:2]
        if source in loops and "wipestation-pool-" in target:
            return loops, Path(target.replace("\\040", " "))
    return loops, None


@contextmanager
def mounted(device: str, header: PoolHeader, *, read_only: bool = False) -> Iterator[Path]:
    """The data part mounted in a private folder; its `objects/` folder exists. Unmounted on exit."""
    loops, stale = _stale(device, header)
    if stale is not None:
        try:
            yield stale / "objects"
        finally:
            subprocess.run(["umount", str(stale)], capture_output=True, check=False)
            for loop in loops:
                subprocess.run(["losetup", "--detach", loop], capture_output=True, check=False)
        return
    for loop in loops:
        subprocess.run(["losetup", "--detach", loop], capture_output=True, check=False)
    with _loop(device, header, read_only=read_only) as loop:
        where = Path(tempfile.mkdtemp(prefix="wipestation-pool-"))
        try:
            opts = "ro,nodev,nosuid,noexec" if read_only else "nodev,nosuid,noexec"
            _run(["mount", "-t", "ext4", "-o", opts, loop, str(where)])
            try:
                objects = where / "objects"
                if not read_only:
                    objects.mkdir(mode=0o700, exist_ok=True)
                yield objects
            finally:
                _run(["umount", str(where)])
        finally:
            where.rmdir()
