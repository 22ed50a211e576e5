"""Never the wrong disk (issue 12): each attack of the hostile test, on real loop devices this test
attaches over files on tmpfs it mounts (detached and unmounted again). Every refusal: exit 3, one
line naming the reason, and not one byte written (checksums of the backing files)."""

from __future__ import annotations

import hashlib
import json
import os
import queue
import random
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.erasure.conftest import blockdev, cli
from tests.helpers.loop import attach, detach, loop_device, make_backing
from wipestation.app import Overrides
from wipestation.common.config import Config, DevicesConfig
from wipestation.common.errors import SafetyRefusal
from wipestation.detection.protection import SystemPaths
from wipestation.detection.source import UdevDriveSource
from wipestation.erasure.blockio import BlockDevice, OsBlockOpener
from wipestation.erasure.engine import OverwriteEngine
from wipestation.erasure.run import same_drive

pytestmark = blockdev
MiB = 1 << 20
Mount = Callable[[str, int], Path]
LOOPS = Config(devices=DevicesConfig(allow_loop=True))
ATTEMPTS = 60


def digest(path: Path | str) -> str:
    with open(path, "rb", buffering=0) as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def refused(result: object, *needles: str) -> str:
    """Exit 3 and one line (naming the reason) on stderr, no traceback."""
    code, err = result.exit_code, result.stderr  # type: ignore[attr-defined]
    assert code == 3, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    for needle in needles:
        assert needle in lines[0], lines[0]
    return str(lines[0])


def drives_row(db: Path, device: str, obj: Overrides | None = None) -> dict[str, object]:
    result = cli(db, ["drives", "--json"], obj=obj)
    assert result.exit_code == 0, result.stderr
    rows = [r for r in json.loads(result.stdout) if r["device"] == device]
    assert len(rows) == 1, result.stdout
    return dict(rows[0])


@contextmanager
def mounted_ext4(dev: str, target: Path) -> Iterator[None]:
    """An ext4 file system on `dev`, mounted read-only (so the mount itself changes no byte)."""
    subprocess.run(["mkfs.ext4", "-q", "-F", "-E", "lazy_itable_init=0,lazy_journal_init=0", dev], check=True)
    target.mkdir()
    subprocess.run(["mount", "-o", "ro", dev, str(target)], check=True)
    try:
        yield
    finally:
        subprocess.run(["umount", str(target)], check=False)


# -- 1. one resolution of the path, then the descriptor -------------------------------------------------


class Flipper:
    """A thread that re-points `link` between the confirmed device A and another device B. A free
    thread rarely lands between two system calls microseconds apart, so this one is scheduled the way
    a hostile tester would wish: right before every resolution of the link (stat, open) it is asked to
    point the link, by a seeded draw (the same run every time), at A before a stat (mostly: 4 in 5) and
    at B before an open. Code that resolves the path more than once meets B where it must not."""

    def __init__(self, link: Path, a: str, b: str, seed: int) -> None:
        self.link, self.spare, self.a, self.b = str(link), str(link) + ".spare", a, b
        self.rng = random.Random(seed)
        self.requests: queue.Queue[str | None] = queue.Queue()
        self.done = threading.Semaphore(0)
        self.thread = threading.Thread(target=self._run, name="symlink-flipper", daemon=True)
        self.flips = 0

    def _point(self, target: str) -> None:
        os.symlink(target, self.spare)
        os.replace(self.spare, self.link)  # atomic: the link always names one of the two
        self.flips += 1

    def _run(self) -> None:
        while (target := self.requests.get()) is not None:
            self._point(target)
            self.done.release()

    def point(self, target: str) -> None:
        self.requests.put(target)
        self.done.acquire()

    def before(self, call: str, path: object) -> None:
        if isinstance(path, str | Path) and os.fspath(path) == self.link:
            self.point(self.b if call == "open" or self.rng.random() < 0.2 else self.a)

    def stop(self) -> None:
        self.requests.put(None)
        self.thread.join()


def test_a_symlink_flipped_between_two_drives_never_gets_the_unconfirmed_one_written(
    memdir: Mount, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`erase LINK --confirm <serial of A>` again and again while the link flips between two same-size
    loop devices: B is never written. (Before, the path was resolved again at every step: the identity
    by stat, the open, the re-check, `is_at`; a run of flips in the right places overwrote B and
    recorded A's serial as erased.)"""
    directory = memdir("m", 8 * MiB)
    size = 1 * MiB
    b_file = make_backing(directory, "b.img", size, fill=b"\x22")
    b_sum = digest(b_file)
    link = tmp_path / "by-id-link"
    db = tmp_path / "t.db"
    with loop_device(directory, "a.img", size, fill=b"\x11") as a:
        b = attach(b_file)
        flipper = Flipper(link, a, b, seed=12)
        real_stat, real_open = os.stat, os.open

        def stat(path: Any, *args: Any, **kw: Any) -> os.stat_result:
            flipper.before("stat", path)
            return real_stat(path, *args, **kw)

        def open_(path: Any, *args: Any, **kw: Any) -> int:
            flipper.before("open", path)
            return real_open(path, *args, **kw)

        try:
            flipper.thread.start()
            flipper.point(a)
            monkeypatch.setattr(os, "stat", stat)
            monkeypatch.setattr(os, "open", open_)
            outcomes = {"erased": 0, "refused": 0}
            deadline = time.monotonic() + 60
            for _ in range(ATTEMPTS):
                if time.monotonic() > deadline:
                    break
                result = cli(
                    db, ["erase", str(link), "--method", "zero", "--verify", "none", "--confirm", "LOOP-a.img"]
                )
                if result.exit_code == 0:
                    outcomes["erased"] += 1
                else:
                    refused(result)
                    outcomes["refused"] += 1
                assert digest(b) == b_sum, f"the unconfirmed device was written ({outcomes})"
            monkeypatch.undo()
            assert outcomes["erased"] > 0 and outcomes["refused"] > 0, outcomes  # both drives were named
            assert digest(a) == hashlib.sha256(bytes(size)).hexdigest()
        finally:
            monkeypatch.undo()
            if flipper.thread.is_alive():
                flipper.stop()
            detach(b)
    assert digest(b_file) == b_sum


def test_a_loop_device_given_a_same_named_file_in_another_folder_is_refused(memdir: Mount) -> None:
    """/dev/loopN re-attached between the check and the open to `d.img` in another folder: the serial
    (LOOP-d.img), model and size are the same; the backing file's device and inode are not."""
    source = UdevDriveSource(LOOPS)
    directory = memdir("m", 32 * MiB)
    (directory / "x").mkdir()
    (directory / "y").mkdir()
    other = make_backing(directory / "y", "d.img", 4 * MiB, fill=b"\xee")
    other_sum = digest(other)
    with loop_device(directory / "x", "d.img", 4 * MiB, fill=b"\xcd") as dev:
        confirmed = source.identify(dev).identity
        checks = {"n": 0}

        def reidentify() -> None:
            same_drive(confirmed, source.identify(dev), dev)
            checks["n"] += 1
            if checks["n"] == 1:
                subprocess.run(["losetup", "--detach", dev], check=True)
                subprocess.run(["losetup", dev, str(other)], check=True)

        eng = OverwriteEngine(OsBlockOpener(), reidentify=reidentify)
        with pytest.raises(SafetyRefusal, match="backing file"):
            eng.open(dev, 4 * MiB)
        assert source.identify(dev).identity.serial == confirmed.serial == "LOOP-d.img"
    assert digest(other) == other_sum
    assert digest(directory / "x" / "d.img") == hashlib.sha256(b"\xcd" * (4 * MiB)).hexdigest()


def test_the_held_descriptor_is_checked_not_the_path(memdir: Mount, tmp_path: Path) -> None:
    """The opener is handed a path that names another drive at the moment of the open: the identity
    read from the descriptor (not from any path) refuses before the first write."""
    directory = memdir("m", 16 * MiB)
    with (
        loop_device(directory, "a.img", 2 * MiB, fill=b"\x01") as a,
        loop_device(directory, "b.img", 2 * MiB, fill=b"\x02") as b,
    ):
        b_sum = digest(b)

        class WrongOpener(OsBlockOpener):
            def open(self, path: str, *, write: bool) -> BlockDevice:
                return super().open(b, write=write)

        obj = Overrides(block_opener=WrongOpener())
        result = cli(tmp_path / "t.db", ["erase", a, "--method", "zero", "--confirm", "LOOP-a.img"], obj=obj)
        refused(result, "held open")
        assert digest(b) == b_sum and digest(a) == hashlib.sha256(b"\x01" * (2 * MiB)).hexdigest()


# -- 2. protection follows the drive, not the node ------------------------------------------------------


def test_a_second_loop_device_over_a_mounted_devices_file_is_refused(memdir: Mount, tmp_path: Path) -> None:
    directory = memdir("m", 64 * MiB)
    db = tmp_path / "t.db"
    with loop_device(directory, "m.img", 16 * MiB) as first, mounted_ext4(first, tmp_path / "mnt"):
        before = digest(directory / "m.img")
        second = attach(directory / "m.img")
        try:
            line = refused(
                cli(db, ["erase", second, "--method", "zero", "--confirm", "LOOP-m.img"]),
                "protected",
                "the same backing file",
                first,
            )
            assert "mounted file system" in line
            row = drives_row(db, second)
            assert row["protected"] is True and first in str(row["protected_reason"])
            assert digest(directory / "m.img") == before
        finally:
            detach(second)


def test_a_loop_device_over_a_mounted_loop_device_is_refused(memdir: Mount, tmp_path: Path) -> None:
    directory = memdir("m", 64 * MiB)
    db = tmp_path / "t.db"
    with loop_device(directory, "m.img", 16 * MiB) as first, mounted_ext4(first, tmp_path / "mnt"):
        before = digest(directory / "m.img")
        over = attach(Path(first))  # a loop device whose backing "file" is the block device /dev/loopN
        try:
            serial = f"LOOP-{Path(first).name}"
            refused(
                cli(db, ["erase", over, "--method", "zero", "--confirm", serial]),
                "protected",
                f"backed by {first}",
            )
            row = drives_row(db, over)
            assert row["protected"] is True and "mounted file system" in str(row["protected_reason"])
            assert digest(directory / "m.img") == before
        finally:
            detach(over)


def test_same_named_files_in_different_folders_are_different_drives(memdir: Mount, tmp_path: Path) -> None:
    """The mounted one is protected; the other, with the same LOOP-d.img serial, is not (and erasable)."""
    directory = memdir("m", 64 * MiB)
    (directory / "x").mkdir()
    (directory / "y").mkdir()
    db = tmp_path / "t.db"
    with (
        loop_device(directory / "x", "d.img", 16 * MiB) as mounted,
        mounted_ext4(mounted, tmp_path / "mnt"),
        loop_device(directory / "y", "d.img", 4 * MiB, fill=b"\x33") as free,
    ):
        assert drives_row(db, mounted)["protected"] is True
        row = drives_row(db, free)
        assert row["serial"] == "LOOP-d.img" and row["protected"] is False, row
        result = cli(db, ["erase", free, "--method", "zero", "--verify", "none", "--confirm", "LOOP-d.img"])
        assert result.exit_code == 0, result.stderr
        assert digest(free) == hashlib.sha256(bytes(4 * MiB)).hexdigest()


# -- 3. fail closed ------------------------------------------------------------------------------------


def test_an_unreadable_sysfs_protects(memdir: Mount, tmp_path: Path) -> None:
    """The protection check reads holders and partitions from a sysfs root that cannot be read: the
    drive is protected and the reason says what could not be read."""
    unreadable = tmp_path / "no-sys"  # does not exist: every read fails
    source = UdevDriveSource(LOOPS, paths=SystemPaths(sys=unreadable))
    obj = Overrides(drive_source=source)
    db = tmp_path / "t.db"
    with loop_device(memdir("m", 16 * MiB), "s.img", 4 * MiB, fill=b"\x44") as dev:
        before = digest(dev)
        line = refused(
            cli(db, ["erase", dev, "--method", "zero", "--confirm", "LOOP-s.img"], obj=obj),
            "protected",
            f"cannot read {unreadable}",
        )
        assert "unknown" in line
        row = drives_row(db, dev, obj)
        assert row["protected"] is True and "cannot read" in str(row["protected_reason"])
        assert digest(dev) == before


# -- 4. members of sets that are not assembled here -----------------------------------------------------


def pvcreate(device: str, workdir: Path) -> None:
    """An LVM physical volume on `device` only: a private LVM config, only this device visible to LVM,
    no device-mapper, no udev."""
    etc = workdir / "lvm-etc"
    etc.mkdir(exist_ok=True)
    env = {**os.environ, "LVM_SYSTEM_DIR": str(etc), "LVM_SUPPRESS_FD_WARNINGS": "1"}
    config = (
        f'global {{ locking_dir="{workdir}/lvm-lock" }} '
        "devices { obtain_device_list_from_udev=0 use_devicesfile=0 } "
        "activation { udev_sync=0 udev_rules=0 }"
    )
    subprocess.run(
        ["pvcreate", "--devices", device, "--config", config, device],
        check=True,
        capture_output=True,
        env=env,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.skipif(subprocess.run(["which", "pvcreate"], capture_output=True).returncode != 0, reason="needs lvm2")
def test_an_lvm_physical_volume_is_refused_until_allow_member(memdir: Mount, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    with loop_device(memdir("m", 32 * MiB), "pv.img", 8 * MiB) as dev:
        pvcreate(dev, tmp_path)
        before = digest(dev)
        refused(
            cli(db, ["erase", dev, "--method", "zero", "--confirm", "LOOP-pv.img"]),
            "protected",
            "LVM2_member",
            "LVM volume group",
            "--allow-member",
        )
        assert digest(dev) == before
        row = drives_row(db, dev)
        assert row["protected"] is True and "LVM2_member" in str(row["protected_reason"])
        assert "LVM2_member" in str(row["member"])
        text = cli(db, ["drives"])
        assert "LVM2_member" in text.stdout
        # a customer's old array disk can be taken into custody from its device (reading writes nothing)
        customer = json.loads(cli(db, ["customer", "add", "--name", "C. Klant", "--json"]).stdout)
        reg = cli(db, ["abandoned", "register", "--device", dev, "--customer", str(customer["id"]), "--json"])
        assert reg.exit_code == 0, reg.stderr
        assert digest(dev) == before
        result = cli(
            db, ["erase", dev, "--method", "zero", "--verify", "none", "--confirm", "LOOP-pv.img", "--allow-member"]
        )
        assert result.exit_code == 0, result.stderr
        assert digest(dev) == hashlib.sha256(bytes(8 * MiB)).hexdigest()
        assert drives_row(db, dev)["protected"] is False
