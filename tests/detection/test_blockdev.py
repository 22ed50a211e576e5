"""Detection on real loop devices, created and detached by each test (root only).

Other tests may attach loop devices at the same time: these tests look only at the devices and
serials (unique backing file names) they made themselves.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import pytest
from click.testing import CliRunner, Result

from tests.detection.conftest import FixedClock, make_config
from tests.helpers.loop import IS_ROOT, attach, detach, loop_device, make_backing
from wipestation.app import Overrides
from wipestation.cli import main
from wipestation.common.config import Config
from wipestation.common.errors import BadValue, NotFound
from wipestation.detection.source import UdevDriveSource

REPO = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.blockdev,
    pytest.mark.skipif(not IS_ROOT, reason="needs root to attach loop devices (losetup)"),
    pytest.mark.skipif(shutil.which("losetup") is None, reason="losetup (util-linux) is not installed"),
]
EVENT_TIMEOUT = 10.0


def unique(stem: str) -> str:
    return f"ws-det-{stem}-{uuid.uuid4().hex[:8]}.img"


def cli(tmp_path: Path, args: list[str], config: Config | None) -> Result:
    obj = Overrides(clock=FixedClock(), config=config)
    db = f"sqlite:///{tmp_path / 't.db'}"
    return CliRunner().invoke(main, ["--db", db, *args], obj=obj, catch_exceptions=False)


def listed(result: Result, serial: str) -> list[dict[str, Any]]:
    assert result.exit_code == 0, result.stderr
    return [row for row in json.loads(result.stdout) if row["serial"] == serial]


def test_loop_device_is_a_drive_only_when_test_devices_are_allowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = unique("list")
    with loop_device(tmp_path, name, 8 << 20) as device:
        assert listed(cli(tmp_path, ["drives", "--json"], make_config(tmp_path)), f"LOOP-{name}") == []
        [row] = listed(cli(tmp_path, ["drives", "--json"], make_config(tmp_path, allow_loop=True)), f"LOOP-{name}")
        assert row["device"] == device
        assert (row["capacity_bytes"], row["bus"], row["model"]) == (8 << 20, "loop", "Linux loop device")
        assert (row["protected"], row["protected_reason"], row["record"]) == (False, None, None)
        # The environment switch works as well as the configuration (no Overrides.config: load_config runs).
        monkeypatch.setenv("WIPESTATION_ALLOW_LOOP", "1")
        monkeypatch.delenv("WIPESTATION_CONFIG", raising=False)
        [row] = listed(cli(tmp_path, ["drives", "--json"], None), f"LOOP-{name}")
        assert row["device"] == device


def test_identify_loop_device(tmp_path: Path) -> None:
    name = unique("identify")
    with loop_device(tmp_path, name, 4 << 20) as device:
        allowed = UdevDriveSource(make_config(tmp_path, allow_loop=True)).identify(device)
        assert (allowed.identity.serial, allowed.identity.capacity_bytes) == (f"LOOP-{name}", 4 << 20)
        assert allowed.protected_reason is None
        with pytest.raises(BadValue, match=r"is a loop device: test devices are not allowed"):
            UdevDriveSource(make_config(tmp_path)).identify(device)


def test_identify_bad_paths(tmp_path: Path) -> None:
    source = UdevDriveSource(make_config(tmp_path, allow_loop=True))
    with pytest.raises(NotFound, match=r"^no such device: /dev/ws-no-such-disk$"):
        source.identify("/dev/ws-no-such-disk")
    with pytest.raises(BadValue, match=r"^/dev/null is not a block device$"):
        source.identify("/dev/null")
    plain = tmp_path / "plain.img"
    plain.write_bytes(b"\0" * 4096)
    with pytest.raises(BadValue, match=r"is not a block device$"):
        source.identify(str(plain))


def write_mbr(path: Path, start_sector: int, sectors: int) -> None:
    """One Linux partition in an MBR partition table."""
    entry = bytes([0x00, 0, 0, 0, 0x83, 0, 0, 0]) + start_sector.to_bytes(4, "little") + sectors.to_bytes(4, "little")
    with open(path, "r+b") as fh:
        fh.seek(446)
        fh.write(entry)
        fh.seek(510)
        fh.write(b"\x55\xaa")


@contextmanager
def partitioned_loop(tmp_path: Path) -> Iterator[str]:
    backing = make_backing(tmp_path, unique("parts"), 8 << 20)
    write_mbr(backing, 2048, 8192)
    out = subprocess.run(
        ["losetup", "--find", "--show", "--partscan", str(backing)], check=True, capture_output=True, text=True
    )
    device = out.stdout.strip()
    try:
        yield device
    finally:
        detach(device)


def wait_for(path: str) -> bool:
    deadline = time.monotonic() + EVENT_TIMEOUT
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)  # devtmpfs creates the partition node asynchronously
    return True


def test_partition_is_refused_naming_its_disk(tmp_path: Path) -> None:
    with partitioned_loop(tmp_path) as device:
        partition = f"{device}p1"
        if not Path(f"/sys/class/block/{os.path.basename(partition)}").exists():
            pytest.skip("this kernel reads no MBR partition tables (CONFIG_MSDOS_PARTITION is off)")
        assert wait_for(partition), f"devtmpfs made no {partition}"
        source = UdevDriveSource(make_config(tmp_path, allow_loop=True))
        with pytest.raises(BadValue, match=rf"^{partition} is a partition of {device}; give the whole disk$"):
            source.identify(partition)
        result = cli(tmp_path, ["backup", "register", "--device", partition, "--customer", "1", "--job", "J1"], None)
        assert result.exit_code == 1
        assert result.stderr == f"error: {partition} is a partition of {device}; give the whole disk\n"


@contextmanager
def mounted(device: str, target: Path) -> Iterator[None]:
    subprocess.run(["mkfs.ext4", "-q", "-F", device], check=True, capture_output=True)
    target.mkdir()
    subprocess.run(["mount", device, str(target)], check=True, capture_output=True)
    try:
        yield
    finally:
        subprocess.run(["umount", str(target)], check=False, capture_output=True)


@pytest.mark.skipif(shutil.which("mkfs.ext4") is None, reason="mkfs.ext4 (e2fsprogs) is not installed")
def test_loop_with_mounted_file_system_is_protected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name = unique("mounted")
    mount_point = tmp_path / "mnt"
    with loop_device(tmp_path, name, 16 << 20) as device, mounted(device, mount_point):
        config = make_config(tmp_path, allow_loop=True)
        [row] = listed(cli(tmp_path, ["drives", "--json"], config), f"LOOP-{name}")
        short = os.path.basename(device)
        assert row["protected"] is True
        assert row["protected_reason"] == f"mounted file system: {mount_point} ({short})"
        result = cli(tmp_path, ["backup", "register", "--device", device, "--customer", "1", "--job", "J-7"], config)
        assert result.exit_code == 3
        assert result.stderr.startswith(f"error: {device} is protected: mounted file system: {mount_point}")
        assert len(result.stderr.splitlines()) == 1
        listing = cli(tmp_path, ["list", "--json"], config)
        assert listing.exit_code == 0 and json.loads(listing.stdout) == []  # nothing registered


def root_disk() -> str | None:
    """/dev/<disk> holding `/`, from the kernel's own answer (st_dev of `/`), or None (overlay, tmpfs)."""
    st = os.stat("/")
    link = Path(f"/sys/dev/block/{os.major(st.st_dev)}:{os.minor(st.st_dev)}")
    if not link.exists():
        return None
    sys_path = link.resolve()
    if (sys_path / "partition").exists():
        sys_path = sys_path.parent
    return f"/dev/{sys_path.name}"


def test_disk_holding_root_is_protected(tmp_path: Path) -> None:
    disk = root_disk()
    if disk is None or not os.path.exists(disk):
        pytest.skip("/ is not on a block device here (overlay or tmpfs root)")
    source = UdevDriveSource(make_config(tmp_path))
    detected = source.identify(disk)
    assert detected.protected_reason is not None
    assert "holds the root file system /" in detected.protected_reason
    listed_disk = [d for d in source.list_drives() if d.identity.device == disk]
    assert [d.protected_reason for d in listed_disk] == [detected.protected_reason]


class LineReader:
    """Lines of a child's stream, collected by a thread, read with a timeout."""

    def __init__(self, stream: IO[str]) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self.lines.put(line)

    def wait_for(self, predicate: Any, timeout: float = EVENT_TIMEOUT) -> str | None:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                return None
            if predicate(line):
                return line
        return None


def event_for(serial: str, action: str) -> Any:
    def match(line: str) -> bool:
        try:
            row = json.loads(line)
        except ValueError:
            return False
        return bool(row.get("serial") == serial and row.get("action") == action)

    return match


def test_watch_prints_attach_and_detach_of_a_loop_device(tmp_path: Path) -> None:
    env = dict(os.environ, WIPESTATION_ALLOW_LOOP="1", PYTHONUNBUFFERED="1")
    env.pop("WIPESTATION_CONFIG", None)
    command = [sys.executable, "-c", "from wipestation.cli import main; main()"]
    child = subprocess.Popen(
        [*command, "--db", f"sqlite:///{tmp_path / 't.db'}", "watch", "--json"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    device: str | None = None
    try:
        assert child.stdout is not None and child.stderr is not None
        out, err = LineReader(child.stdout), LineReader(child.stderr)
        assert err.wait_for(lambda line: "watching for drives" in line, timeout=30), "watch did not start"
        name = unique("watch")
        device = attach(make_backing(tmp_path, name, 4 << 20))
        line = out.wait_for(event_for(f"LOOP-{name}", "attached"))
        assert line is not None, f"no 'attached' event within {EVENT_TIMEOUT}s"
        attached = json.loads(line)
        assert (attached["device"], attached["capacity_bytes"], attached["protected"]) == (device, 4 << 20, False)
        detach(device)
        device = None
        line = out.wait_for(event_for(f"LOOP-{name}", "detached"))
        assert line is not None, f"no 'detached' event within {EVENT_TIMEOUT}s"
        child.send_signal(signal.SIGINT)
        assert child.wait(timeout=EVENT_TIMEOUT) == 0
    finally:
        if device is not None:
            detach(device)
        if child.poll() is None:
            child.kill()
            child.wait()
