"""The overwrite engine: pure orchestration over a BlockOpener, a re-identification callable and a
monotonic clock. It writes every pass at the device's speed, narrows I/O errors down to the logical
block, checkpoints confirmed progress, verifies the last pass and returns an honest result.

Thread-safe in the sense the console needs: each engine instance owns its buffers and device, and
several instances run side by side in threads (the heavy calls release the GIL).
"""

from __future__ import annotations

import errno
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, Literal

from wipestation.erasure.blockio import AlignedBuffer, BlockDevice, BlockOpener, buffer_is, buffers_equal
from wipestation.erasure.methods import Pattern
from wipestation.erasure.patterns import PatternFiller
from wipestation.erasure.verify import SamplePlan, merge_ranges, sample_plan
from wipestation.errors import SafetyRefusal

CHUNK = 4 << 20
IO_WORKERS = 2  # writes in flight; readers verifying a constant pass
RANDOM_READERS = 4  # readers verifying a random pass: each also regenerates and subtracts its keystream
DEPTH = 4  # rotating buffers (at least RANDOM_READERS)
CHECKPOINT_SECONDS = 2.0
CHECKPOINT_BYTES = 256 << 20
PROGRESS_SECONDS = 0.5

# Errors of the medium: narrow down, record, carry on. A vanished device: stop, resumable.
MEDIA_ERRNOS = frozenset({errno.EIO, errno.ENOSPC, errno.EILSEQ, errno.ENODATA, errno.EREMOTEIO, errno.EBADMSG})
GONE_ERRNOS = frozenset({errno.ENODEV, errno.ENXIO, errno.ESHUTDOWN, errno.ENOENT})

Outcome = Literal["succeeded", "failed", "interrupted", "with-exceptions"]
VerifyMode = Literal["full", "sample", "none"]


@dataclass(frozen=True)
class Progress:
    phase: Literal["write", "verify", "firmware"]
    pass_number: int  # 1-based; the verify phase reports the last pass
    passes: int
    bytes_done: int  # in this phase of this pass
    bytes_total: int
    rate: float  # bytes per second over this run
    eta_seconds: float | None  # for the whole erasure

    @property
    def fraction(self) -> float:
        return self.bytes_done / self.bytes_total if self.bytes_total else 1.0


@dataclass(frozen=True)
class Checkpoint:
    """Everything before (pass_index, offset) is on the medium (fdatasync returned)."""

    pass_index: int  # == number of passes: writing complete
    offset: int
    bytes_written: int
    bad_ranges: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class OverwriteJob:
    device: str
    size: int  # the confirmed capacity
    passes: tuple[Pattern, ...]
    key: bytes | None = None
    verify: VerifyMode = "full"
    verify_seed: str = ""
    start_pass: int = 0
    start_offset: int = 0
    bytes_written: int = 0
    bad_ranges: tuple[tuple[int, int], ...] = ()


@dataclass
class EngineResult:
    outcome: Outcome
    bytes_written: int
    bytes_verified: int = 0
    bad_ranges: list[tuple[int, int]] = field(default_factory=list)
    verify_mode: VerifyMode = "none"
    verify_result: str | None = None  # passed / failed / skipped
    verify_seed: str | None = None
    verify_coverage: float | None = None
    verify_subsections: int | None = None
    mismatches: list[tuple[int, int]] = field(default_factory=list)
    error: str | None = None
    checkpoint_pass: int = 0
    checkpoint_offset: int = 0


class _Stop(Exception):
    """should_stop() said so."""


class _Gone(Exception):
    """The device disappeared (ENODEV / ENXIO)."""


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


class OpenedDevice:
    """A device that passed the identity re-check and is held open with O_EXCL."""

    def __init__(self, path: str, device: BlockDevice) -> None:
        self.path = path
        self.device = device

    def close(self) -> None:
        self.device.close()

    def __enter__(self) -> OpenedDevice:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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
                raise SafetyRefusal(f"{path} names another device than the one opened; nothing was written")
            if device.size != expected_size:
                raise SafetyRefusal(f"{path}: capacity is {device.size} bytes, confirmed {expected_size}; refused")
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
        result = EngineResult(outcome="succeeded", bytes_written=st.bytes_written, verify_mode=job.verify)
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
            result.outcome = "interrupted"
            result.error = "stopped on request (signal)"
        except _Gone as exc:
            result.outcome = "interrupted"
            result.error = f"the device disappeared: {exc}"
        finally:
            for buf in (zeros, scratch, *buffers):
                buf.close()
        result.bytes_written = st.bytes_written
        result.bad_ranges = merge_ranges(st.bad)
        result.checkpoint_pass, result.checkpoint_offset = st.confirmed_pass, st.confirmed_offset
        if result.outcome == "succeeded" and (result.bad_ranges or result.verify_result == "failed"):
            result.outcome = "failed"
            if result.error is None:
                result.error = _failure_text(result)
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
        ranges = _chunks(start, st.size, chunk)
        constant = filler.is_constant
        if constant:
            filler.fill(buffers[0], 0, chunk)
        filling: deque[tuple[Future[None] | None, AlignedBuffer, int, int]] = deque()
        writing: deque[tuple[Future[list[tuple[int, int]]], int, int, AlignedBuffer]] = deque()

        def write(buf: AlignedBuffer, off: int, n: int) -> list[tuple[int, int]]:
            return _narrowed(lambda view, at: dev.pwrite(view, at), buf, off, n, lbs, self._still_attached)

        generators = _keystream_pool()
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
                unfinished: list[Future[Any]] = [f for f, *_ in filling if f is not None]
                unfinished += [f for f, *_ in writing]
                for future in unfinished:
                    future.cancel()
                # The generator pool outlives this pass: a fill already running still writes into our
                # buffers, which must not be unmapped (or reused) under it.
                wait(unfinished)

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
                raise _Gone(exc.strerror) from None
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
        dev = opened.device
        plan: SamplePlan | None = None
        if job.verify == "sample":
            plan = sample_plan(st.size, lbs, job.verify_seed)
            ranges = [(off, n) for start, length in plan.ranges for off, n in _chunks(start, start + length, chunk)]
            result.verify_seed = plan.seed
            result.verify_subsections = plan.subsections
        else:
            ranges = list(_chunks(0, st.size, chunk))
        if self._before_verify is not None:
            self._before_verify(opened, plan)
        total = sum(n for _, n in ranges)
        st.verify_total = total
        mismatches: list[tuple[int, int]] = []
        read_bad: list[tuple[int, int]] = []
        done = 0
        constant = filler.is_constant
        # A constant pass is compared with its byte; a random pass is XORed with its keystream (in
        # place), so what matches becomes zeros. Both on the reader thread, while the data just read
        # is still in that core's cache; the scratch pattern only serves to find mismatching blocks.
        expected = filler.pattern.byte if constant else 0
        scratch.fill(expected)

        def read(buf: AlignedBuffer, off: int, n: int) -> tuple[list[tuple[int, int]], bool]:
            bad = _narrowed(lambda view, at: dev.pread(view, at), buf, off, n, lbs, self._still_attached)
            if not constant:
                filler.subtract(buf, off, n)
            return bad, buffer_is(buf, n, expected)

        # Reads in flight on several threads (preadv, the keystream and memcmp all release the GIL);
        # this thread takes the results in device order. A constant pass is checked at memory speed:
        # two readers keep the device busy, and more buffers waiting only push the data out of the
        # cache. A random pass costs its reader as much CPU again as the read: with four, some are
        # always reading while others regenerate.
        readers = min(len(buffers), IO_WORKERS if constant else RANDOM_READERS)
        with ThreadPoolExecutor(max_workers=readers, thread_name_prefix="readahead") as pool:
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
                            raise _Gone(exc.strerror) from None
                        raise
                    self._check_stop()
                    if bad:
                        read_bad.extend(bad)
                    if not matches:
                        mismatches.extend(_mismatching_blocks(buf, scratch, off, n, lbs, bad))
                    done += n
                    st.run_bytes += n
                    now = self._now()
                    if now - st.last_checkpoint >= self._checkpoint_seconds:
                        # Writing is complete (pass_index == passes): this only says the erasure is alive.
                        # A verification takes hours on a big disk, and a silent erasure reads as dead.
                        self._confirm(st)
                    if now - st.last_progress >= self._progress_seconds or done >= total:
                        st.last_progress = now
                        self._report(st, "verify", done, total)
                    submit(buf)
            finally:
                for future, _, _, _ in pending:
                    future.cancel()
        result.bytes_verified = total
        result.verify_coverage = total / st.size if st.size else 0.0
        result.mismatches = merge_ranges(mismatches)
        if read_bad:
            st.bad = merge_ranges([*st.bad, *read_bad])
        # Blocks that could not be written are failures already; anything else that differs fails.
        known = merge_ranges(st.bad)
        unexplained = [m for m in result.mismatches if not _inside(m, known)]
        result.verify_result = "failed" if unexplained or read_bad else "passed"


_POOL_LOCK = threading.Lock()
_POOL: ThreadPoolExecutor | None = None


def _keystream_pool() -> ThreadPoolExecutor:
    """One pool of keystream generators for the whole process, a thread a CPU (at least IO_WORKERS):
    generating is pure CPU work, so drives erased side by side share the CPUs instead of each
    bringing threads of its own and fighting over them."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max_workers=max(IO_WORKERS, os.cpu_count() or 1), thread_name_prefix="keystream")
        return _POOL


def _chunks(start: int, end: int, chunk: int) -> Iterator[tuple[int, int]]:
    off = start
    while off < end:
        n = min(chunk, end - off)
        yield off, n
        off += n


def _narrowed(
    op: Callable[[memoryview, int], int],
    buf: AlignedBuffer,
    off: int,
    n: int,
    lbs: int,
    still_attached: Callable[[], bool] | None = None,
) -> list[tuple[int, int]]:
    """Run op (pwrite or pread) over [off, off+n); on a media error or a short transfer, bisect down
    to the logical block and return the ranges that fail."""
    bad: list[tuple[int, int]] = []
    stack = [(0, n)]
    while stack:
        rel, length = stack.pop()
        try:
            done = op(buf.view[rel : rel + length], off + rel)
        except OSError as exc:
            if exc.errno in GONE_ERRNOS:
                raise _Gone(exc.strerror) from None
            if exc.errno not in MEDIA_ERRNOS:
                raise
            if not bad and still_attached is not None and not still_attached():
                raise _Gone("the device is no longer attached") from None
            done = 0
        if done == length:
            continue
        if 0 < done < length and done % lbs == 0:
            stack.append((rel + done, length - done))
            continue
        if length <= lbs:
            bad.append((off + rel, off + rel + length))
            continue
        half = max(lbs, (length // 2) // lbs * lbs)
        stack.append((rel + half, length - half))
        stack.append((rel, half))
    return merge_ranges(bad)


def _mismatching_blocks(
    got: AlignedBuffer, want: AlignedBuffer, off: int, n: int, lbs: int, unreadable: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    step = lbs
    for rel in range(0, n, step):
        length = min(step, n - rel)
        if _inside((off + rel, off + rel + length), unreadable):
            continue
        if not buffers_equal(got, want, length, rel, rel):
            out.append((off + rel, off + rel + length))
    return merge_ranges(out)


def _inside(span: tuple[int, int], ranges: list[tuple[int, int]]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in ranges)


def _failure_text(result: EngineResult) -> str:
    parts = []
    if result.bad_ranges:
        total = sum(e - s for s, e in result.bad_ranges)
        parts.append(f"{total} bytes in {len(result.bad_ranges)} range(s) could not be written or read")
    if result.verify_result == "failed":
        parts.append(f"verification found {len(result.mismatches)} mismatching range(s)")
    return "; ".join(parts) or "failed"
