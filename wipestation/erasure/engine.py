"""The overwrite engine: pure orchestration over a BlockOpener, a re-identification callable and a
monotonic clock. It writes every pass at the device's speed, narrows I/O errors down to the logical
block, checkpoints confirmed progress, verifies the last pass and returns an honest result.

Thread-safe in the sense the console needs: each engine instance owns its buffers and device, and
several instances run side by side in threads (the heavy calls release the GIL).

Longer than 400 lines on purpose: it is one class whose write and verify loops share the run's state,
its checkpoints, its stop flag and its clock; its types (`job`) and its block I/O helpers (`chunkio`)
live apart.
"""

from __future__ import annotations

import contextlib
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

from wipestation.common.errors import SafetyRefusal
from wipestation.common.i18n import N_, Phrase, _
from wipestation.common.outcome import ErasureOutcome
from wipestation.erasure.blockio import AlignedBuffer, BlockDevice, BlockOpener, buffer_is
from wipestation.erasure.chunkio import (
    GONE_ERRNOS,
    IO_WORKERS,
    MEDIA_ERRNOS,
    Gone,
    cancel_and_wait,
    chunks,
    inside,
    keystream_pool,
    mismatching_blocks,
    narrowed,
)
from wipestation.erasure.job import (
    Checkpoint,
    EngineResult,
    OpenedDevice,
    Outcome,
    OverwriteJob,
    Progress,
    VerifyMode,
    failure_text,
)
from wipestation.erasure.patterns import PatternFiller
from wipestation.erasure.verify import SamplePlan, merge_ranges, sample_plan

__all__ = [
    "CHUNK",
    "GONE_ERRNOS",
    "IO_WORKERS",
    "MEDIA_ERRNOS",
    "Checkpoint",
    "EngineResult",
    "OpenedDevice",
    "Outcome",
    "OverwriteEngine",
    "OverwriteJob",
    "Progress",
    "VerifyMode",
]

CHUNK = 4 << 20
XOR_SLICE = 256 << 10  # a reader's XOR of a random pass goes through this much at a time: it stays in cache
RANDOM_READERS = 4  # readers verifying a random pass: each also regenerates and subtracts its keystream
DEPTH = 4  # rotating buffers (at least RANDOM_READERS)
CHECKPOINT_SECONDS = 2.0
CHECKPOINT_BYTES = 256 << 20
PROGRESS_SECONDS = 0.5


class _Stop(Exception):
    """should_stop() said so."""


@dataclass
class _State:
    passes: int
    size: int
    pass_index: int
    offset: int
    confirmed_pass: int
    confirmed_offset: int
    bytes_written: int
    bad: list[tuple[int, int]]
    started: float
    run_bytes: int = 0  # bytes moved by this run (writes and verify reads), for the rate
    last_checkpoint: float = 0.0
    last_checkpoint_bytes: int = 0
    last_progress: float = 0.0
    verify_total: int = 0


class OverwriteEngine:
    def __init__(
        self,
        opener: BlockOpener,
        *,
        reidentify: Callable[[], None],
        reidentify_held: Callable[[BlockDevice], None] | None = None,
        on_progress: Callable[[Progress], None] | None = None,
        should_stop: Callable[[], bool] = lambda: False,
        on_checkpoint: Callable[[Checkpoint], None] | None = None,
        before_verify: Callable[[OpenedDevice, SamplePlan | None], None] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        chunk_size: int = CHUNK,
        depth: int = DEPTH,
        checkpoint_seconds: float = CHECKPOINT_SECONDS,
        checkpoint_bytes: int = CHECKPOINT_BYTES,
        progress_seconds: float = PROGRESS_SECONDS,
        still_attached: Callable[[], bool] | None = None,
    ) -> None:
        """`still_attached` is asked on the first media error of a range: a drive pulled out of its
        bay often answers EIO before it disappears, and that is an interruption, not a bad block."""
        self._opener = opener
        self._still_attached = still_attached
        self._reidentify = reidentify
        self._reidentify_held = reidentify_held
        self._on_progress = on_progress
        self._should_stop = should_stop
        self._on_checkpoint = on_checkpoint
        self._before_verify = before_verify
        self._now = monotonic
        self._chunk = chunk_size
        self._depth = max(RANDOM_READERS, depth)
        self._checkpoint_seconds = checkpoint_seconds
        self._checkpoint_bytes = checkpoint_bytes
        self._progress_seconds = progress_seconds

    # -- opening ---------------------------------------------------------------------------------

    def open(self, path: str, expected_size: int) -> OpenedDevice:
        """Read the identity again (the re-identify callable raises SafetyRefusal on any
        difference), open the device exclusively, then read the identity once more and check that
        the path still names the device held open, and its size.

        The second check closes the gap between the first one and the open: a drive pulled and
        another plugged in on the same path, a loop device pointed at another file, a symlink
        re-pointed. Once the device is held open it keeps its number and (a loop) its backing file.

        `reidentify_held` reads the identity of the device actually held (from the descriptor, not a
        path) and refuses unless it is the confirmed drive: nothing is written before it returns."""
        self._reidentify()
        device = self._opener.open(path, write=True)
        try:
            if self._reidentify_held is not None:
                self._reidentify_held(device)
            self._reidentify()
            if not device.is_at(path):
                raise SafetyRefusal(
                    _("{device} names another device than the one opened; nothing was written").format(device=path)
                )
            if device.size != expected_size:
                raise SafetyRefusal(
                    _("{device}: capacity is {size} bytes, confirmed {expected}; refused").format(
                        device=path, size=device.size, expected=expected_size
                    )
                )
        except BaseException:
            device.close()
            raise
        return OpenedDevice(path, device)

    # -- running ---------------------------------------------------------------------------------

    def run(self, opened: OpenedDevice, job: OverwriteJob) -> EngineResult:
        dev = opened.device
        lbs = dev.logical_block_size
        chunk = max(lbs, self._chunk // lbs * lbs)
        passes = len(job.passes)
        now = self._now()
        st = _State(
            passes=passes,
            size=job.size,
            pass_index=job.start_pass,
            offset=job.start_offset,
            confirmed_pass=job.start_pass,
            confirmed_offset=job.start_offset,
            bytes_written=job.bytes_written,
            bad=list(job.bad_ranges),
            started=now,
            last_checkpoint=now,
        )
        zeros = AlignedBuffer(chunk)
        buffers = [AlignedBuffer(chunk) for _ in range(self._depth)]
        scratch = AlignedBuffer(chunk)
        result = EngineResult(
            outcome=ErasureOutcome.SUCCEEDED, bytes_written=st.bytes_written, verify_mode=job.verify, sector_size=lbs
        )
        try:
            for index in range(job.start_pass, passes):
                start = job.start_offset if index == job.start_pass else 0
                st.pass_index, st.offset = index, start
                filler = PatternFiller(job.passes[index], job.key, index, zeros)
                self._write_pass(dev, filler, st, start, chunk, buffers, lbs)
                self._sync(dev, st)
                st.pass_index, st.offset = index + 1, 0
                self._confirm(st)
            st.pass_index, st.offset = passes, 0
            if job.verify != "none" and passes:
                filler = PatternFiller(job.passes[-1], job.key, passes - 1, zeros)
                self._verify(opened, job, filler, st, chunk, buffers, scratch, lbs, result)
            else:
                result.verify_result = "skipped"
        except _Stop:
            self._stop_sync(dev, st)
            result.outcome = ErasureOutcome.INTERRUPTED
            result.error = Phrase(N_("stopped on request (signal)"))
        except Gone as exc:
            result.outcome = ErasureOutcome.INTERRUPTED
            result.error = Phrase(N_("the device disappeared: {error}"), error=str(exc))
        finally:
            for buf in (zeros, scratch, *buffers):
                buf.close()
        result.bytes_written = st.bytes_written
        result.bad_ranges = merge_ranges(st.bad)
        result.checkpoint_pass, result.checkpoint_offset = st.confirmed_pass, st.confirmed_offset
        if result.outcome is ErasureOutcome.SUCCEEDED and (result.bad_ranges or result.verify_result == "failed"):
            result.outcome = ErasureOutcome.FAILED
            if result.error is None:
                result.error = failure_text(result)
        return result

    # -- writing ---------------------------------------------------------------------------------

    def _write_pass(
        self,
        dev: BlockDevice,
        filler: PatternFiller,
        st: _State,
        start: int,
        chunk: int,
        buffers: list[AlignedBuffer],
        lbs: int,
    ) -> None:
        """Keystream is generated on the process's generator pool and IO_WORKERS writes are in flight (the
        AES-CTR step, pwrite and fdatasync all release the GIL). Finished writes are taken in order,
        so the checkpoint offset only ever covers writes that completed, and everything before it."""
        ranges = chunks(start, st.size, chunk)
        constant = filler.is_constant
        if constant:
            filler.fill(buffers[0], 0, chunk)
        filling: deque[tuple[Future[None] | None, AlignedBuffer, int, int]] = deque()
        writing: deque[tuple[Future[list[tuple[int, int]]], int, int, AlignedBuffer]] = deque()

        def write(buf: AlignedBuffer, off: int, n: int) -> list[tuple[int, int]]:
            return narrowed(lambda view, at: dev.pwrite(view, at), buf, off, n, lbs, self._still_attached)

        generators = keystream_pool()
        with ThreadPoolExecutor(max_workers=IO_WORKERS, thread_name_prefix="writer") as writers:

            def refill(buf: AlignedBuffer) -> None:
                nxt = next(ranges, None)
                if nxt is not None:
                    off, n = nxt
                    future = None if constant else generators.submit(filler.fill, buf, off, n)
                    filling.append((future, buf, off, n))

            for buf in [buffers[0]] * len(buffers) if constant else buffers:  # a constant is never rewritten
                refill(buf)
            try:
                while filling or writing:
                    while filling and len(writing) < IO_WORKERS:
                        generated, buf, off, n = filling.popleft()
                        if generated is not None:
                            try:
                                generated.result()
                            except BaseException:
                                del generated  # its exception's traceback holds this frame: no cycle
                                raise
                        self._check_stop()
                        writing.append((writers.submit(write, buf, off, n), off, n, buf))
                    done, off, n, buf = writing.popleft()
                    try:
                        bad = done.result()
                    except BaseException:
                        del done  # its exception's traceback holds this frame (and the buffer's views)
                        raise
                    self._written(dev, st, off, n, bad)
                    refill(buf)
            finally:
                cancel_and_wait([f for f, *_ in filling if f is not None] + [f for f, *_ in writing])

    def _written(self, dev: BlockDevice, st: _State, off: int, n: int, bad: list[tuple[int, int]]) -> None:
        """Account for one finished write of [off, off + n), in device order."""
        if bad:
            st.bad.extend(bad)
            st.bad = merge_ranges(st.bad)
        st.bytes_written += n - sum(e - s for s, e in bad)
        st.run_bytes += n
        st.offset = off + n
        self._tick(dev, st)

    def _tick(self, dev: BlockDevice, st: _State) -> None:
        now = self._now()
        moved = st.run_bytes - st.last_checkpoint_bytes
        if st.pass_index < st.passes and (
            now - st.last_checkpoint >= self._checkpoint_seconds or moved >= self._checkpoint_bytes
        ):
            self._sync(dev, st)
            self._confirm(st)
        if now - st.last_progress >= self._progress_seconds or st.offset >= st.size:
            st.last_progress = now
            self._report(st, "write", st.offset, st.size)

    def _sync(self, dev: BlockDevice, st: _State) -> None:
        try:
            dev.sync()
        except OSError as exc:
            if exc.errno in GONE_ERRNOS:
                raise Gone(exc.strerror) from None
            # Something written since the last confirmation did not reach the medium.
            lo = st.confirmed_offset if st.confirmed_pass == st.pass_index else 0
            st.bad = merge_ranges([*st.bad, (lo, max(lo, st.offset))])

    def _stop_sync(self, dev: BlockDevice, st: _State) -> None:
        if st.pass_index >= st.passes:
            return
        try:
            dev.sync()
        except OSError:
            return  # keep the last confirmed checkpoint
        self._confirm(st)

    def _confirm(self, st: _State) -> None:
        st.confirmed_pass, st.confirmed_offset = st.pass_index, st.offset
        st.last_checkpoint = self._now()
        st.last_checkpoint_bytes = st.run_bytes
        if self._on_checkpoint is not None:
            self._on_checkpoint(Checkpoint(st.pass_index, st.offset, st.bytes_written, tuple(st.bad)))

    def _check_stop(self) -> None:
        if self._should_stop():
            raise _Stop

    def _report(self, st: _State, phase: Literal["write", "verify"], done: int, total: int) -> None:
        if self._on_progress is None:
            return
        elapsed = max(self._now() - st.started, 1e-6)
        rate = st.run_bytes / elapsed
        if phase == "write":
            remaining = (st.passes - st.pass_index - 1) * st.size + (st.size - done) + st.verify_total
            number = st.pass_index + 1
        else:
            remaining = total - done
            number = st.passes
        eta = remaining / rate if rate > 0 else None
        self._on_progress(Progress(phase, min(number, st.passes), st.passes, done, total, rate, eta))

    # -- verifying -------------------------------------------------------------------------------

    def _verify(
        self,
        opened: OpenedDevice,
        job: OverwriteJob,
        filler: PatternFiller,
        st: _State,
        chunk: int,
        buffers: list[AlignedBuffer],
        scratch: AlignedBuffer,
        lbs: int,
        result: EngineResult,
    ) -> None:
        plan: SamplePlan | None = None
        if job.verify == "sample":
            plan = sample_plan(st.size, lbs, job.verify_seed)
            ranges = [(off, n) for start, length in plan.ranges for off, n in chunks(start, start + length, chunk)]
            result.verify_seed = plan.seed
            result.verify_subsections = plan.subsections
        else:
            ranges = list(chunks(0, st.size, chunk))
        if self._before_verify is not None:
            self._before_verify(opened, plan)
        total = sum(n for _, n in ranges)
        st.verify_total = total
        mismatches, read_bad = self._read_back(opened.device, filler, st, ranges, buffers, scratch, lbs)
        result.bytes_verified = total
        result.verify_coverage = total / st.size if st.size else 0.0
        result.mismatches = merge_ranges(mismatches)
        if read_bad:
            st.bad = merge_ranges([*st.bad, *read_bad])
        # Blocks that could not be written are failures already; anything else that differs fails.
        known = merge_ranges(st.bad)
        unexplained = [m for m in result.mismatches if not inside(m, known)]
        result.verify_result = "failed" if unexplained or read_bad else "passed"

    def _read_back(
        self,
        dev: BlockDevice,
        filler: PatternFiller,
        st: _State,
        ranges: list[tuple[int, int]],
        buffers: list[AlignedBuffer],
        scratch: AlignedBuffer,
        lbs: int,
    ) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        """Read `ranges` back and compare them with the pattern (see `_reader`); returns the mismatching
        blocks and the ranges that could not be read. Reads are in flight on several threads; this
        thread takes the results in device order. A constant pass is checked at memory speed: two
        readers keep the device busy (more buffers waiting only push the data out of the cache). A
        random pass costs its reader as much CPU again as the read: with four, some always read."""
        mismatches: list[tuple[int, int]] = []
        read_bad: list[tuple[int, int]] = []
        total, done = st.verify_total, 0
        readers = min(len(buffers), IO_WORKERS if filler.is_constant else RANDOM_READERS)
        # A random pass's reader XORs what it read with the keystream into a small buffer of its own.
        results = {} if filler.is_constant else {id(buf): AlignedBuffer(XOR_SLICE) for buf in buffers[:readers]}
        read = self._reader(dev, filler, scratch, lbs, results)
        with (
            contextlib.ExitStack() as own,
            ThreadPoolExecutor(max_workers=readers, thread_name_prefix="readahead") as pool,
        ):
            for out in results.values():  # closed after the pool has shut down (its readers write into them)
                own.callback(out.close)
            queue = iter(ranges)
            pending: deque[tuple[Future[tuple[list[tuple[int, int]], bool]], AlignedBuffer, int, int]] = deque()

            def submit(buf: AlignedBuffer) -> None:
                nxt = next(queue, None)
                if nxt is not None:
                    pending.append((pool.submit(read, buf, nxt[0], nxt[1]), buf, nxt[0], nxt[1]))

            for buf in buffers[:readers]:  # one buffer a reader
                submit(buf)
            try:
                while pending:
                    future, buf, off, n = pending.popleft()
                    try:
                        bad, matches = future.result()
                    except OSError as exc:
                        del future  # its exception's traceback holds this frame (and the buffer's views)
                        if exc.errno in GONE_ERRNOS:
                            raise Gone(exc.strerror) from None
                        raise
                    self._check_stop()
                    read_bad.extend(bad)
                    if not matches:
                        mismatches.extend(mismatching_blocks(buf, scratch, off, n, lbs, bad))
                    done += n
                    self._verified(st, n, done, total)
                    submit(buf)
            finally:
                for future, _, _, _ in pending:
                    future.cancel()
        return mismatches, read_bad

    def _reader(
        self,
        dev: BlockDevice,
        filler: PatternFiller,
        scratch: AlignedBuffer,
        lbs: int,
        results: dict[int, AlignedBuffer],
    ) -> Callable[[AlignedBuffer, int, int], tuple[list[tuple[int, int]], bool]]:
        """What a reader thread does with one range: read it, and say whether it matches the pattern (with
        the ranges that could not be read). A constant pass is compared with its byte; a random pass is
        XORed with its keystream a slice at a time into the reader's own small buffer (`results`, by the
        id of the buffer read into), which must be all zeros. Both on the reader thread, while the data
        just read is still in that core's cache. Only on a mismatch is the data left XORed (zeros where it
        matches), so that the scratch pattern (filled here) finds the mismatching blocks as for a constant
        pass."""
        constant = filler.is_constant
        expected = filler.pattern.byte if constant else 0
        scratch.fill(expected)

        def read(buf: AlignedBuffer, off: int, n: int) -> tuple[list[tuple[int, int]], bool]:
            bad = narrowed(lambda view, at: dev.pread(view, at), buf, off, n, lbs, self._still_attached)
            if constant:
                return bad, buffer_is(buf, n, expected)
            return bad, filler.subtract(buf, off, n, results[id(buf)])

        return read

    def _verified(self, st: _State, n: int, done: int, total: int) -> None:
        """Account for `n` more bytes read back: a sign of life now and then, progress."""
        st.run_bytes += n
        now = self._now()
        if now - st.last_checkpoint >= self._checkpoint_seconds:
            # Writing is complete (pass_index == passes): this only says the erasure is alive.
            # A verification takes hours on a big disk, and a silent erasure reads as dead.
            self._confirm(st)
        if now - st.last_progress >= self._progress_seconds or done >= total:
            st.last_progress = now
            self._report(st, "verify", done, total)
