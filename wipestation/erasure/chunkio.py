"""Block I/O for the overwrite engine: chunking, narrowing an I/O error down to the logical block,
finding mismatching blocks, and the shared keystream generator pool."""

from __future__ import annotations

import errno
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

from wipestation.erasure.blockio import AlignedBuffer, buffers_equal
from wipestation.erasure.verify import merge_ranges

IO_WORKERS = 2  # writes in flight; readers verifying a constant pass

# Errors of the medium: narrow down, record, carry on. A vanished device: stop, resumable.
MEDIA_ERRNOS = frozenset({errno.EIO, errno.ENOSPC, errno.EILSEQ, errno.ENODATA, errno.EREMOTEIO, errno.EBADMSG})
GONE_ERRNOS = frozenset({errno.ENODEV, errno.ENXIO, errno.ESHUTDOWN, errno.ENOENT})


class Gone(Exception):
    """The device disappeared (ENODEV / ENXIO)."""


def cancel_and_wait(unfinished: list[Future[Any]]) -> None:
    """Cancel what has not started; wait for what has. The generator pool outlives a pass: a fill
    already running still writes into the pass's buffers, which must not be unmapped (or reused) under it."""
    for future in unfinished:
        future.cancel()
    wait(unfinished)


_POOL_LOCK = threading.Lock()
_POOL: ThreadPoolExecutor | None = None


def keystream_pool() -> ThreadPoolExecutor:
    """One pool of keystream generators for the whole process, a thread a CPU (at least IO_WORKERS):
    generating is pure CPU work, so drives erased side by side share the CPUs instead of each
    bringing threads of its own and fighting over them."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max_workers=max(IO_WORKERS, os.cpu_count() or 1), thread_name_prefix="keystream")
        return _POOL


def chunks(start: int, end: int, chunk: int) -> Iterator[tuple[int, int]]:
    off = start
    while off < end:
        n = min(chunk, end - off)
        yield off, n
        off += n


def narrowed(
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
                raise Gone(exc.strerror) from None
            if exc.errno not in MEDIA_ERRNOS:
                raise
            if not bad and still_attached is not None and not still_attached():
                raise Gone("the device is no longer attached") from None
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


def mismatching_blocks(
    got: AlignedBuffer, want: AlignedBuffer, off: int, n: int, lbs: int, unreadable: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    step = lbs
    for rel in range(0, n, step):
        length = min(step, n - rel)
        if inside((off + rel, off + rel + length), unreadable):
            continue
        if not buffers_equal(got, want, length, rel, rel):
            out.append((off + rel, off + rel + length))
    return merge_ranges(out)


def inside(span: tuple[int, int], ranges: list[tuple[int, int]]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in ranges)
