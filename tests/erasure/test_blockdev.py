"""The real erasure path on real block devices: loop devices this test creates over files on tmpfs
it mounts (everything is detached and unmounted again)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.erasure.conftest import blockdev, cli, read_device
from tests.helpers.loop import loop_device, writes_throttled
from wipestation.app import Overrides
from wipestation.common.devices import DetectedDrive
from wipestation.common.errors import SafetyRefusal
from wipestation.erasure.blockio import AlignedBuffer, OsBlockOpener
from wipestation.erasure.engine import OpenedDevice, OverwriteEngine, OverwriteJob
from wipestation.erasure.methods import METHODS
from wipestation.erasure.patterns import keystream, new_key
from wipestation.erasure.verify import SamplePlan

pytestmark = blockdev
MiB = 1 << 20
Mount = Callable[[str, int], Path]


def expected(method: str, key: bytes, size: int) -> bytes:
    last = METHODS[method].passes[-1]
    index = len(METHODS[method].passes) - 1
    return keystream(key, index, 0, size) if last.kind == "random" else bytes([last.byte]) * size


def erase_with_engine(device: str, size: int, method: str, verify: str, **kw: object) -> tuple[object, bytes]:
    key = new_key()
    eng = OverwriteEngine(OsBlockOpener(), reidentify=lambda: None, **kw)  # type: ignore[arg-type]
    with eng.open(device, size) as opened:
        result = eng.run(opened, OverwriteJob(device, size, METHODS[method].passes, key, verify, "seed-1"))  # type: ignore[arg-type]
    return result, key


@pytest.mark.parametrize("method", ["zero", "ones", "random", "zero-verify-2pass", "dod-3pass"])
def test_every_method_leaves_its_pattern_on_the_whole_device(memdir: Mount, method: str) -> None:
    size = 16 * MiB + 3 * 4096  # not a multiple of the buffer: the tail is handled
    with loop_device(memdir("m", 64 * MiB), "d.img", size, fill=b"\xa5") as dev:
        result, key = erase_with_engine(dev, size, method, "full")
        assert result.outcome == "succeeded" and result.verify_result == "passed"  # type: ignore[attr-defined]
        assert result.bytes_written == size * len(METHODS[method].passes)  # type: ignore[attr-defined]
        assert read_device(dev) == expected(method, key, size)


def corrupt_at(offset: int) -> Callable[[OpenedDevice, SamplePlan | None], None]:
    def hook(opened: OpenedDevice, plan: SamplePlan | None) -> None:
        at = offset if plan is None else plan.ranges[len(plan.ranges) // 2][0]
        lbs = opened.device.logical_block_size
        buf = AlignedBuffer(4096)
        buf.fill(0x5A)
        opened.device.pwrite(buf.view[:lbs], at - at % lbs)
        opened.device.sync()
        buf.close()

    return hook


@pytest.mark.parametrize("verify", ["full", "sample"])
@pytest.mark.parametrize("method", ["zero", "random"])
def test_verification_catches_a_block_changed_behind_its_back(memdir: Mount, verify: str, method: str) -> None:
    size = 8 * MiB
    with loop_device(memdir("m", 32 * MiB), "d.img", size) as dev:
        result, _ = erase_with_engine(dev, size, method, verify, before_verify=corrupt_at(5 * MiB + 512))
        assert result.outcome == "failed" and result.verify_result == "failed"  # type: ignore[attr-defined]
        assert len(result.mismatches) == 1 and result.bad_ranges == []  # type: ignore[attr-defined]
        if verify == "sample":
            assert result.verify_subsections >= 1000 and 0.09 < result.verify_coverage < 0.2  # type: ignore[attr-defined]


def test_two_devices_erased_at_once(memdir: Mount) -> None:
    size = 32 * MiB
    directory = memdir("m", 128 * MiB)
    with loop_device(directory, "a.img", size) as a, loop_device(directory, "b.img", size) as b:
        results: dict[str, tuple[object, bytes]] = {}

        def work(dev: str) -> None:
            results[dev] = erase_with_engine(dev, size, "random", "full")

        threads = [threading.Thread(target=work, args=(d,)) for d in (a, b)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for dev in (a, b):
            result, key = results[dev]
            assert result.outcome == "succeeded"  # type: ignore[attr-defined]
            assert read_device(dev) == expected("random", key, size)


def test_enospc_part_way_ends_failed_with_the_range_and_no_certificate(memdir: Mount, tmp_path: Path) -> None:
    size = 64 * MiB
    with loop_device(memdir("small", 16 * MiB), "sparse.img", size) as dev:
        result = cli(tmp_path / "t.db", ["erase", dev, "--method", "zero", "--confirm", "LOOP-sparse.img", "--json"])
        assert result.exit_code == 4, result.stderr
        final = json.loads(result.stdout.strip().splitlines()[-1])
        assert final["outcome"] == "failed" and final["certificate"] is None
        assert final["bad_ranges"], final
        _, end = final["bad_ranges"][-1]
        assert 8 * MiB < final["bad_ranges"][0][0] <= 16 * MiB and end == size
        assert "error: erasure" in result.stderr and "Traceback" not in result.stderr


def test_cli_erase_registers_a_shop_drive_and_methods_lists_it(memdir: Mount, tmp_path: Path) -> None:
    size = 8 * MiB
    db = tmp_path / "t.db"
    with loop_device(memdir("m", 32 * MiB), "shop1.img", size, fill=b"\x11") as dev:
        result = cli(
            db, ["erase", dev, "--method", "random", "--verify", "sample", "--confirm", "LOOP-shop1.img", "--json"]
        )
        assert result.exit_code == 0, result.stderr
        lines = [json.loads(line) for line in result.stdout.strip().splitlines()]
        assert lines[0]["event"] == "progress"
        final = lines[-1]
        assert final["outcome"] == "succeeded" and final["nist_category"] == "Clear"
        assert final["verify_mode"] == "sample" and final["verify_seed"] and final["verify_coverage"] > 0.09
        assert final["certificate"] is None and final["record_id"] is None
        methods = cli(db, ["methods", dev, "--json"])
        rows = {r["name"]: r for r in json.loads(methods.stdout)}
        assert rows["zero"]["supported"] and not rows["nvme-format"]["supported"]
    from sqlalchemy import create_engine, text

    with create_engine(f"sqlite:///{db}").connect() as conn:
        owner, count = conn.execute(text("select owner, erase_count from drives where serial='LOOP-shop1.img'")).one()
        key = conn.execute(text("select stream_key from erasures")).scalar_one()
    assert (owner, count, key) == ("shop", 1, None)


# -- never the wrong disk ----------------------------------------------------------------------------


def test_mounted_device_is_refused_and_untouched(memdir: Mount, tmp_path: Path) -> None:
    with loop_device(memdir("m", 64 * MiB), "fs.img", 32 * MiB) as dev:
        # Inode tables and journal initialised by mkfs itself: otherwise ext4's lazy-init thread
        # writes to the mounted disk in the background (bg_flags |= INODE_ZEROED at byte 2066), and
        # "nothing was written" could not be checked byte for byte.
        mkfs = ["mkfs.ext4", "-q", "-F", "-E", "lazy_itable_init=0,lazy_journal_init=0", dev]
        subprocess.run(mkfs, check=True)
        target = tmp_path / "mnt"
        target.mkdir()
        # Read-only, journal not replayed: jbd2 checkpoints metadata to its place in the background
        # after a read-write mount (a block bitmap seen changing after `sync -f` under load).
        subprocess.run(["mount", "-o", "ro,noload", dev, str(target)], check=True)
        try:
            before = read_device(dev)
            result = cli(tmp_path / "t.db", ["erase", dev, "--method", "zero", "--confirm", "LOOP-fs.img"])
            assert result.exit_code == 3, result.stderr
            # The engine's own O_EXCL open refuses too, even if detection had missed the mount.
            eng = OverwriteEngine(OsBlockOpener(), reidentify=lambda: None)
            with pytest.raises(SafetyRefusal, match="in use"):
                eng.open(dev, 32 * MiB)
            after = read_device(dev)
        finally:
            subprocess.run(["umount", str(target)], check=False)
        assert before == after


def test_wrong_confirm_is_refused_and_untouched(memdir: Mount, tmp_path: Path) -> None:
    with loop_device(memdir("m", 32 * MiB), "c.img", 8 * MiB, fill=b"\xab") as dev:
        result = cli(tmp_path / "t.db", ["erase", dev, "--method", "zero", "--confirm", "LOOP-other.img"])
        assert result.exit_code == 3 and "does not match" in result.stderr
        assert read_device(dev) == b"\xab" * (8 * MiB)


class SwappingSource:
    """The first identify sees the confirmed drive; later ones see another drive on the same path."""

    def __init__(self, first: DetectedDrive, later: DetectedDrive) -> None:
        self.calls = 0
        self.first, self.later = first, later

    def list_drives(self) -> list[DetectedDrive]:
        return [self.first]

    def identify(self, device: str) -> DetectedDrive:
        self.calls += 1
        return self.first if self.calls == 1 else self.later

    def identify_fd(self, fd: int) -> DetectedDrive:
        return self.later


def test_device_swapped_between_confirmation_and_opening_is_refused(memdir: Mount, tmp_path: Path) -> None:
    from dataclasses import replace

    from wipestation.common.config import Config, DevicesConfig
    from wipestation.detection import default_drive_source

    with loop_device(memdir("m", 32 * MiB), "s.img", 8 * MiB, fill=b"\xcd") as dev:
        real = default_drive_source(Config(devices=DevicesConfig(allow_loop=True))).identify(dev)
        other = DetectedDrive(replace(real.identity, serial="LOOP-other.img"))
        source = SwappingSource(real, other)
        obj = Overrides(drive_source=source)
        result = cli(tmp_path / "t.db", ["erase", dev, "--method", "zero", "--confirm", "LOOP-s.img"], obj=obj)
        assert result.exit_code == 3 and "changed since it was confirmed" in result.stderr
        assert source.calls == 2
        assert read_device(dev) == b"\xcd" * (8 * MiB)


def test_loop_repointed_between_the_check_and_the_open_is_refused(memdir: Mount) -> None:
    """Real devices: the identity check passes, then /dev/loopN is given another backing file before
    the open (a drive swapped on the same path). The check after the O_EXCL open refuses and neither
    file is written."""
    from wipestation.common.config import Config, DevicesConfig
    from wipestation.detection import default_drive_source
    from wipestation.erasure.run import same_drive

    source = default_drive_source(Config(devices=DevicesConfig(allow_loop=True)))
    directory = memdir("m", 32 * MiB)
    other = directory / "other.img"
    other.write_bytes(b"\xee" * (8 * MiB))
    with loop_device(directory, "first.img", 8 * MiB, fill=b"\xcd") as dev:
        confirmed = source.identify(dev).identity
        checks = {"n": 0}

        def reidentify() -> None:
            same_drive(confirmed, source.identify(dev), dev)
            checks["n"] += 1
            if checks["n"] == 1:  # between the check and the open, the path changes meaning
                subprocess.run(["losetup", "--detach", dev], check=True)
                subprocess.run(["losetup", dev, str(other)], check=True)

        eng = OverwriteEngine(OsBlockOpener(), reidentify=reidentify)
        with pytest.raises(SafetyRefusal, match="changed since it was confirmed"):
            eng.open(dev, 8 * MiB)
        assert read_device(dev) == b"\xee" * (8 * MiB)
    assert other.read_bytes() == b"\xee" * (8 * MiB)
    assert (directory / "first.img").read_bytes() == b"\xcd" * (8 * MiB)


def test_symlink_repointed_after_the_open_is_refused(memdir: Mount, tmp_path: Path) -> None:
    """A by-id style symlink names one drive when opened and another right after: refused."""
    directory = memdir("m", 32 * MiB)
    with loop_device(directory, "a.img", 4 * MiB, fill=b"\x01") as a, loop_device(directory, "b.img", 4 * MiB) as b:
        link = tmp_path / "by-id-link"
        link.symlink_to(a)
        calls = {"n": 0}

        def reidentify() -> None:
            calls["n"] += 1
            if calls["n"] == 2:  # after the open: the link now names the other drive
                link.unlink()
                link.symlink_to(b)

        eng = OverwriteEngine(OsBlockOpener(), reidentify=reidentify)
        with pytest.raises(SafetyRefusal, match="another device"):
            eng.open(str(link), 4 * MiB)
        assert read_device(a) == b"\x01" * (4 * MiB)


# -- interruption and resume -------------------------------------------------------------------------


def start_erase(db: Path, dev: str, name: str, *options: str, method: str = "zero") -> subprocess.Popen[str]:
    """`wipestation erase` in a process of its own (to be signalled or killed)."""
    env = {**os.environ, "WIPESTATION_ALLOW_LOOP": "1"}
    args = ["--db", f"sqlite:///{db}", "--as", "tester", "erase", dev, "--method", method, "--confirm", name]
    args += [*options, "--json"]
    code = "from wipestation.cli import main; main()"
    return subprocess.Popen(
        [sys.executable, "-c", code, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def wait_for_checkpoint(db: Path, proc: subprocess.Popen[str]) -> int:
    import sqlite3
    import time

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        try:
            with sqlite3.connect(db) as conn:
                row = conn.execute("select checkpoint_offset from erasures").fetchone()
        except sqlite3.OperationalError:
            row = None
        if row and row[0] > 0:
            return int(row[0])
        time.sleep(0.05)
    raise AssertionError("no checkpoint")


@pytest.mark.parametrize("how", ["sigterm", "kill9"])
def test_interrupted_then_resumed_to_success(memdir: Mount, tmp_path: Path, how: str) -> None:
    import signal

    size = 1 << 30  # a sparse file on tmpfs: the first write allocates (~2.5 GB/s here)
    db = tmp_path / "t.db"
    with loop_device(memdir("m", size + 64 * MiB), "big.img", size) as dev:
        # Writes limited to 128 MB/s while the erasure is to be caught in the middle (the first
        # checkpoint comes after 2 s); unthrottled, the whole gigabyte can be done before the poll
        # sees that checkpoint. Where the kernel cannot throttle, the sparse file is all there is.
        with writes_throttled(dev, 128_000_000):
            proc = start_erase(db, dev, "LOOP-big.img")
            wait_for_checkpoint(db, proc)
            proc.send_signal(signal.SIGTERM if how == "sigterm" else signal.SIGKILL)
            out, err = proc.communicate(timeout=60)
        if how == "sigterm":
            assert proc.returncode == 4, err
            final = json.loads(out.strip().splitlines()[-1])
            assert final["outcome"] == "interrupted" and final["certificate"] is None
            assert 0 < final["checkpoint_offset"] < size
        else:
            assert proc.returncode == -signal.SIGKILL
            # the next start of any command says interrupted (the process is gone)
            assert cli(db, ["list"]).exit_code == 0
            import sqlite3

            with sqlite3.connect(db) as conn:
                (outcome,) = conn.execute("select outcome from erasures").fetchone()
            assert outcome == "interrupted"
        again = cli(db, ["erase", dev, "--method", "zero", "--confirm", "LOOP-big.img", "--resume", "--json"])
        assert again.exit_code == 0, again.stderr
        final = json.loads(again.stdout.strip().splitlines()[-1])
        assert final["outcome"] == "succeeded" and final["resumed"] == 1 and final["verify_result"] == "passed"
        assert final["bytes_written"] == size
    import sqlite3

    with sqlite3.connect(db) as conn:
        actions = [r[0] for r in conn.execute("select action from audit_events order by id")]
    assert "erasure.interrupted" in actions and actions[-1] == "erasure.succeeded"
    verified = cli(db, ["audit", "verify"])
    assert verified.exit_code == 0, verified.output  # the replay explains the interruption and the resume
