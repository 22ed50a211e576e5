"""Running a firmware plan: the commands, progress polling, a heartbeat, and a check that the data
really changed."""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable

from wipestation.common.commands import CommandRunner
from wipestation.common.outcome import ErasureOutcome
from wipestation.erasure.blockio import AlignedBuffer
from wipestation.erasure.engine import EngineResult, OpenedDevice, Progress
from wipestation.erasure.firmware.parsing import (
    SANITIZE_FAILED,
    parse_hdparm_sanitize_running,
    parse_hdparm_sanitize_succeeded,
    parse_nvme_sanitize_log,
    parse_percent,
)
from wipestation.erasure.firmware.plans import FirmwarePlan
from wipestation.erasure.verify import merge_ranges

log = logging.getLogger(__name__)

MARKER_SAMPLES = 64


class FirmwareEngine:
    """Plants a random marker in sampled blocks, runs the firmware command, polls its progress,
    then reads the samples back: every marker must be gone."""

    def __init__(
        self,
        runner: CommandRunner,
        *,
        on_progress: Callable[[Progress], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        poll_seconds: float = 5.0,
        max_polls: int = 100_000,
        heartbeat: Callable[[], None] | None = None,
        heartbeat_seconds: float = 30.0,
    ) -> None:
        """`heartbeat` is called every `heartbeat_seconds` from a thread of its own while the firmware
        works: a secure erase or a format blocks in one command for up to hours, and an erasure that
        says nothing for minutes is taken for one whose process died."""
        self._runner = runner
        self._on_progress = on_progress
        self._sleep = sleep
        self._poll_seconds = poll_seconds
        self._max_polls = max_polls
        self._heartbeat = heartbeat
        self._heartbeat_seconds = heartbeat_seconds

    def run(self, opened: OpenedDevice, plan: FirmwarePlan, size: int) -> EngineResult:
        done = threading.Event()
        beating: threading.Thread | None = None
        if self._heartbeat is not None:
            beating = threading.Thread(
                target=_beat, args=(self._heartbeat, self._heartbeat_seconds, done), name="firmware-heartbeat"
            )
            beating.daemon = True
            beating.start()
        try:
            return self._run(opened, plan, size)
        finally:
            done.set()
            if beating is not None:
                beating.join()

    def _run(self, opened: OpenedDevice, plan: FirmwarePlan, size: int) -> EngineResult:
        dev = opened.device
        lbs = dev.logical_block_size
        blocks = size // lbs
        picks = sorted({0, blocks - 1, *(blocks * i // MARKER_SAMPLES for i in range(MARKER_SAMPLES))})
        marker = AlignedBuffer(max(lbs, 4096))
        readback = AlignedBuffer(max(lbs, 4096))
        result = EngineResult(outcome=ErasureOutcome.SUCCEEDED, bytes_written=0, verify_mode="sample", sector_size=lbs)
        try:
            token = secrets.token_bytes(lbs)
            marker.view[:lbs] = token
            for block in picks:
                dev.pwrite(marker.view[:lbs], block * lbs)
            dev.sync()
            self._report(0.0)
            for index, args in enumerate(plan.commands):
                done = self._runner.run(args, timeout=plan.timeout)
                if not done.ok:
                    result.outcome = ErasureOutcome.FAILED
                    result.error = f"{args[0]} {args[1]} failed: {(done.stderr or done.stdout).strip()[:200]}"
                    if index > 0:
                        result.error += self._recover(plan)
                    return result
            if plan.poll is not None:
                error = self._poll(plan.poll)
                if error:
                    result.outcome = ErasureOutcome.FAILED
                    result.error = error
                    return result
            self._report(1.0)
            unchanged: list[tuple[int, int]] = []
            for block in picks:
                dev.pread(readback.view[:lbs], block * lbs)
                if bytes(readback.view[:lbs]) == token:
                    unchanged.append((block * lbs, (block + 1) * lbs))
            result.bytes_verified = len(picks) * lbs
            result.verify_coverage = result.bytes_verified / size if size else 0.0
            result.mismatches = merge_ranges(unchanged)
            result.verify_result = "failed" if unchanged else "passed"
            if unchanged:
                result.outcome = ErasureOutcome.FAILED
                result.error = f"the firmware reported success but {len(unchanged)} sampled block(s) did not change"
            result.bytes_written = size
            return result
        finally:
            marker.close()
            readback.close()

    def _recover(self, plan: FirmwarePlan) -> str:
        """Undo what the first command left on the drive; say what was done (and what the technician
        needs if it could not be undone)."""
        if not plan.on_failure:
            return ""
        undone = all(self._runner.run(args, timeout=120).ok for args in plan.on_failure)
        state = "it was removed again" if undone else "it could NOT be removed: unlock the drive with it"
        return f"; {plan.note_on_failure}: {state}"

    def _poll(self, args: tuple[str, ...]) -> str | None:
        for _ in range(self._max_polls):
            out = self._runner.run(args, timeout=60)
            if not out.ok:
                return f"{args[0]} status query failed: {(out.stderr or out.stdout).strip()[:200]}"
            if args[0] == "nvme":
                status = parse_nvme_sanitize_log(out.stdout)
                if status.state == SANITIZE_FAILED:
                    return "the drive reports the sanitize operation failed"
                if not status.running:
                    return None if status.succeeded else "the drive reports no completed sanitize operation"
                self._report(status.progress)
            elif args[0] == "hdparm":
                if not parse_hdparm_sanitize_running(out.stdout):
                    if parse_hdparm_sanitize_succeeded(out.stdout):
                        return None
                    return "the drive does not report the sanitize operation completed without error"
                self._report(parse_percent(out.stdout) or 0.0)
            else:
                pct = parse_percent(out.stdout)
                if pct is None:
                    return None
                self._report(pct)
            self._sleep(self._poll_seconds)
        return "the sanitize operation did not finish in time"

    def _report(self, fraction: float) -> None:
        if self._on_progress is not None:
            done = int(fraction * 1_000_000)
            self._on_progress(Progress("firmware", 1, 1, done, 1_000_000, 0.0, None))


def _beat(heartbeat: Callable[[], None], every: float, done: threading.Event) -> None:
    while not done.wait(every):
        try:
            heartbeat()
        except Exception:  # a missed heartbeat must not end the erasure; the next one may get through
            log.warning("erasure heartbeat failed", exc_info=True)
