"""Loop devices for tests: created over files under a temporary directory, detached by name.

A test writes only to loop devices it created itself; nothing here touches any other device.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

IS_ROOT = os.geteuid() == 0
needs_root = pytest.mark.skipif(not IS_ROOT, reason="needs root to attach loop devices (losetup)")


def attach(backing: Path, *, direct_io: bool = False) -> str:
    """Attach a loop device over `backing` and return its path (/dev/loopN)."""
    args = ["losetup", "--find", "--show"]
    if direct_io:
        args.append("--direct-io=on")
    out = subprocess.run([*args, str(backing)], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def detach(device: str) -> None:
    """Detach the loop device by name (only ever one this test attached)."""
    subprocess.run(["losetup", "--detach", device], check=False, capture_output=True)


def make_backing(directory: Path, name: str, size: int, *, fill: bytes | None = None) -> Path:
    path = directory / name
    with open(path, "wb") as fh:
        if fill is None:
            fh.truncate(size)
        else:
            chunk = fill * (1 << 20 // max(1, len(fill)))
            written = 0
            while written < size:
                n = min(len(chunk), size - written)
                fh.write(chunk[:n])
                written += n
    return path


@contextmanager
def loop_device(
    directory: Path, name: str = "disk.img", size: int = 8 << 20, *, fill: bytes | None = None
) -> Iterator[str]:
    """A loop device over a new file `directory/name` of `size` bytes; detached on exit."""
    backing = make_backing(directory, name, size, fill=fill)
    device = attach(backing)
    try:
        yield device
    finally:
        detach(device)


def _blkio_rules() -> Path | None:
    """The v1 blkio throttle file of the cgroup this process (and so its children) is in."""
    root = Path("/sys/fs/cgroup/blkio")
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if "blkio" in controllers.split(","):
            rules = root / path.lstrip("/") / "blkio.throttle.write_bps_device"
            return rules if rules.exists() else None
    return None


@contextmanager
def writes_throttled(device: str, bytes_per_second: int) -> Iterator[bool]:
    """Limit writes to `device` (a loop device this test attached) for this process and its children,
    so that a test can reliably catch an erasure in the middle; the rule is removed on exit. Yields
    False, limiting nothing, where the kernel offers no v1 blkio throttling."""
    rules = _blkio_rules()
    if rules is None or not IS_ROOT:
        yield False
        return
    majmin = Path(f"/sys/block/{Path(device).name}/dev").read_text().strip()
    rules.write_text(f"{majmin} {bytes_per_second}")
    try:
        yield True
    finally:
        rules.write_text(f"{majmin} 0")  # 0 removes the rule
