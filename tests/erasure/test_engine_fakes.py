"""The engine's orchestration with an in-memory device: faults, stops, resume, identity re-check."""

from __future__ import annotations

import errno
import threading
import time

import pytest

from tests.erasure.conftest import FakeBlockDevice, FakeOpener
from wipestation.common.errors import SafetyRefusal
from wipestation.erasure.blockio import AlignedBuffer
from wipestation.erasure.engine import Checkpoint, EngineResult, OverwriteEngine, OverwriteJob, Progress, VerifyMode
from wipestation.erasure.methods import METHODS
from wipestation.erasure.patterns import PatternFiller, keystream, new_key
from wipestation.erasure.verify import sample_plan

SIZE = 1 << 20


def engine(dev: FakeBlockDevice, **kw: object) -> OverwriteEngine:
    kw.setdefault("reidentify", lambda: None)
    return OverwriteEngine(FakeOpener(dev), chunk_size=64 << 10, **kw)  # type: ignore[arg-type]


def run(dev: FakeBlockDevice, method: str = "zero", verify: VerifyMode = "full", **kw: object) -> EngineResult:
    eng = engine(dev, **kw)
    key = new_key()
    with eng.open("/dev/fake", dev.size) as opened:
        return eng.run(opened, OverwriteJob("/dev/fake", dev.size, METHODS[method].passes, key, verify, "seed"))


def test_bad_blocks_are_narrowed_to_the_logical_block_and_the_erasure_fails() -> None:
    dev = FakeBlockDevice(SIZE, bad={100, 101, 900})
    result = run(dev)
    assert result.outcome == "failed"
    assert result.bad_ranges == [(100 * 512, 102 * 512), (900 * 512, 901 * 512)]
    assert result.bytes_written == SIZE - 3 * 512
    assert "could not be written" in (result.error or "")


def test_device_gone_is_interrupted_at_the_last_confirmed_offset() -> None:
    dev = FakeBlockDevice(SIZE, gone_after=5)
    checkpoints: list[Checkpoint] = []
    result = run(dev, on_checkpoint=checkpoints.append, checkpoint_bytes=128 << 10)
    assert result.outcome == "interrupted" and "disappeared" in (result.error or "")
    assert result.checkpoint_offset == 256 << 10 == checkpoints[-1].offset


def test_stop_checkpoints_and_resume_finishes() -> None:
    dev = FakeBlockDevice(SIZE)
    dev.data[:] = b"\xab" * SIZE
    calls = {"n": 0}

    def stop() -> bool:
        calls["n"] += 1
        return calls["n"] > 6

    eng = engine(dev, should_stop=stop)
    key = new_key()
    job = OverwriteJob("/dev/fake", SIZE, METHODS["dod-3pass"].passes, key, "full", "s")
    with eng.open("/dev/fake", SIZE) as opened:
        first = eng.run(opened, job)
    assert first.outcome == "interrupted" and first.checkpoint_pass == 0
    # six stop checks: the writes confirmed before the stop (two are in flight at a time)
    assert 0 < first.checkpoint_offset <= 6 * (64 << 10)
    assert first.checkpoint_offset % (64 << 10) == 0
    eng2 = engine(dev)
    resumed = OverwriteJob(
        "/dev/fake",
        SIZE,
        job.passes,
        key,
        "full",
        "s",
        first.checkpoint_pass,
        first.checkpoint_offset,
        first.bytes_written,
    )
    with eng2.open("/dev/fake", SIZE) as opened:
        second = eng2.run(opened, resumed)
    assert second.outcome == "succeeded" and second.verify_result == "passed"
    assert bytes(dev.data) == keystream(key, 2, 0, SIZE)


def test_identity_recheck_refuses_before_opening() -> None:
    dev = FakeBlockDevice(SIZE)

    def swapped() -> None:
        raise SafetyRefusal("serial changed")

    opener = FakeOpener(dev)
    eng = OverwriteEngine(opener, reidentify=swapped)
    with pytest.raises(SafetyRefusal):
        eng.open("/dev/fake", SIZE)
    assert opener.opened == 0 and dev.writes == 0


def test_identity_read_again_after_opening_refuses_a_drive_swapped_in_between() -> None:
    """The path was checked, then another drive took it before the open: the check after the open
    (with the device held) refuses, and the device is closed again unwritten."""
    dev = FakeBlockDevice(SIZE)
    calls = {"n": 0}

    def swapped_after_first_check() -> None:
        calls["n"] += 1
        if calls["n"] > 1:
            raise SafetyRefusal("serial changed")

    opener = FakeOpener(dev)
    eng = OverwriteEngine(opener, reidentify=swapped_after_first_check)
    with pytest.raises(SafetyRefusal, match="serial changed"):
        eng.open("/dev/fake", SIZE)
    assert opener.opened == 1 and dev.closed and dev.writes == 0


def test_a_path_that_names_another_device_after_opening_is_refused() -> None:
    class Elsewhere(FakeBlockDevice):
        def is_at(self, path: str) -> bool:
            return False

    dev = Elsewhere(SIZE)
    with pytest.raises(SafetyRefusal, match="another device"):
        engine(dev).open("/dev/fake", SIZE)
    assert dev.closed and dev.writes == 0


def test_capacity_change_refused() -> None:
    dev = FakeBlockDevice(SIZE)
    with pytest.raises(SafetyRefusal, match="capacity"):
        engine(dev).open("/dev/fake", SIZE * 2)
    assert dev.closed


def test_sample_plan_is_nist_shaped_and_reproducible() -> None:
    size = 1 << 30
    plan = sample_plan(size, 512, "abc")
    assert plan.subsections >= 1000
    assert plan.ranges[0][0] == 0 and plan.ranges[-1][0] + plan.ranges[-1][1] == size
    assert 0.09 <= plan.coverage(size) <= 0.12
    assert plan == sample_plan(size, 512, "abc") and plan != sample_plan(size, 512, "abd")
    ends = [o + n for o, n in plan.ranges]
    assert all(e <= o2 for e, (o2, _) in zip(ends, plan.ranges[1:], strict=False))


def test_progress_reports_pass_rate_and_eta() -> None:
    dev = FakeBlockDevice(SIZE)
    seen: list[Progress] = []
    run(dev, method="zero-verify-2pass", on_progress=seen.append, progress_seconds=0.0)
    assert {p.phase for p in seen} == {"write", "verify"}
    assert {p.pass_number for p in seen if p.phase == "write"} == {1, 2}
    assert seen[-1].fraction == 1.0 and all(p.eta_seconds is not None for p in seen)


class VanishingDevice(FakeBlockDevice):
    """A drive pulled out of its bay: after `after` writes every write fails with EIO, and it is gone."""

    def __init__(self, size: int, after: int) -> None:
        super().__init__(size)
        self.after = after

    def pwrite(self, data: memoryview, offset: int) -> int:
        self.writes += 1
        if self.writes > self.after:
            raise OSError(errno.EIO, "Input/output error")
        return super().pwrite(data, offset)

    def present(self) -> bool:
        return self.writes <= self.after


def test_a_pulled_drive_that_answers_eio_is_interrupted_not_failed() -> None:
    dev = VanishingDevice(SIZE, after=5)
    result = run(dev, still_attached=dev.present, checkpoint_bytes=128 << 10)
    assert result.outcome == "interrupted", result
    assert "no longer attached" in (result.error or "")
    assert result.bad_ranges == []
    assert dev.writes < 12  # no block-by-block bisection over a device that is gone


def test_a_bad_block_on_a_present_drive_still_fails_the_erasure() -> None:
    dev = FakeBlockDevice(SIZE, bad={100})
    result = run(dev, still_attached=lambda: True)
    assert result.outcome == "failed"
    assert result.bad_ranges == [(100 * 512, 101 * 512)]


def test_a_long_verification_keeps_saying_the_erasure_is_alive() -> None:
    """Checkpoints carry the heartbeat; a verification of hours without one reads as a dead process
    (recover_stale would mark the running erasure interrupted and give its record back)."""
    dev = FakeBlockDevice(SIZE)
    ticks = {"t": 0.0}

    def clock() -> float:
        ticks["t"] += 10.0
        return ticks["t"]

    checkpoints: list[Checkpoint] = []
    result = run(dev, monotonic=clock, checkpoint_seconds=5.0, on_checkpoint=checkpoints.append)
    assert result.outcome == "succeeded"
    during_verify = [c for c in checkpoints if c.pass_index == 1]
    assert len(during_verify) > 3  # the end of the pass, then the verification's heartbeats
    assert all(c.offset == 0 and c.bytes_written == SIZE for c in during_verify)


def test_no_keystream_fill_still_runs_into_the_buffers_when_the_engine_returns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The generator pool is shared and outlives a pass: a stop must wait for the fills already
    running, or they would write into buffers that are being unmapped."""
    lock = threading.Lock()
    running = 0
    original = PatternFiller.fill

    def slow_fill(self: PatternFiller, buf: AlignedBuffer, offset: int, length: int) -> None:
        nonlocal running
        with lock:
            running += 1
        time.sleep(0.05)
        original(self, buf, offset, length)
        with lock:
            running -= 1

    monkeypatch.setattr(PatternFiller, "fill", slow_fill)
    dev = FakeBlockDevice(SIZE)
    calls = 0

    def stop() -> bool:
        nonlocal calls
        calls += 1
        return calls > 1

    result = run(dev, "random", should_stop=stop)
    assert result.outcome == "interrupted"
    assert running == 0
