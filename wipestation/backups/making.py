"""Copying a source tree into encrypted packs on a mounted pool drive, as it is read (no database).

Walk order is sorted, so a resumed run skips exactly the files its journal says are in sealed packs.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wipestation.backups import manifest as mf
from wipestation.backups import stream


class PoolFull(Exception):
    """The pool drive has no room left."""


class Interrupted(Exception):
    """Stopped on request (SIGINT/SIGTERM); the sealed packs and the journal stay for a resume."""


@dataclass(frozen=True, slots=True)
class MakeProgress:
    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int
    seconds: float

    def eta(self) -> float | None:
        if self.bytes_done <= 0 or self.seconds <= 0:
            return None
        return (self.bytes_total - self.bytes_done) / (self.bytes_done / self.seconds)


@dataclass(slots=True)
class MakeJob:
    source: Path
    objects: Path
    key: bytes
    journal: str
    on_progress: Callable[[MakeProgress], None]
    should_stop: Callable[[], bool]
    on_pack: Callable[[str], None]  # a pack's object name, before anything is written to it


def _walk(root: Path) -> Iterator[tuple[str, os.stat_result | OSError]]:
    """(relative posix path, lstat or the error) for everything under root, sorted, root excluded."""
    stack = [""]
    while stack:
        rel = stack.pop()
        try:
            names = sorted(os.listdir(root / rel) if rel else os.listdir(root))
        except OSError as exc:
            if rel:
                yield rel + "/", exc
            continue
        subdirs = []
        for name in names:
            path = f"{rel}/{name}" if rel else name
            try:
                st = os.lstat(root / path)
            except OSError as exc:
                yield path, exc
                continue
            yield path, st
            if stat.S_ISDIR(st.st_mode):
                subdirs.append(path)
        stack.extend(reversed(subdirs))


def _meta(path: str, st: os.stat_result, kind: str) -> dict[str, Any]:
    return {
        "path": path,
        "type": kind,
        "mode": stat.S_IMODE(st.st_mode),
        "mtime_ns": st.st_mtime_ns,
        "atime_ns": st.st_atime_ns,
        "size": st.st_size if kind == "file" else 0,
    }


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


class _Packer:
    def __init__(self, job: MakeJob, done: mf.Manifest) -> None:
        self.job = job
        self.manifest = done
        self.name: str | None = None
        self.fh: Any = None
        self.writer: stream.Writer | None = None
        self.pending: list[dict[str, Any]] = []
        self.on_sealed: Callable[[], None] | None = None

    def _open(self) -> stream.Writer:
        if self.writer is None:
            self.name = mf.new_object_name()
            self.job.on_pack(self.name)
            self.fh = open(self.job.objects / f"{self.name}.part", "wb")  # noqa: SIM115 - kept open across files
            self.writer = stream.Writer(self.job.key, self.fh)
        return self.writer

    def add_file(self, path: str, full: Path, entry: dict[str, Any]) -> None:
        fd = os.open(full, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | getattr(os, "O_NOATIME", 0))
        writer = self._open()
        entry["pack"], entry["offset"] = self.name, writer.plain_bytes
        digest = hashlib.sha256()
        size = 0
        try:
            while chunk := os.read(fd, 1 << 20):
                digest.update(chunk)
                writer.write(chunk)
                size += len(chunk)
                if self.job.should_stop():
                    raise Interrupted
        finally:
            os.close(fd)
        entry["size"], entry["sha256"] = size, digest.hexdigest()
        self.pending.append(entry)
        if writer.plain_bytes >= mf.PACK_LIMIT:
            self.seal()

    def seal(self) -> None:
        """The current pack closed, synced and renamed; then the journal rewritten."""
        if self.writer is not None and self.name is not None:
            self.writer.close()
            self.fh.flush()
            os.fsync(self.fh.fileno())
            self.fh.close()
            os.replace(self.job.objects / f"{self.name}.part", self.job.objects / self.name)
            self.manifest.packs[self.name] = self.writer.plain_bytes
            self.writer = None
        self.manifest.entries.extend(self.pending)
        self.pending = []
        write_journal(self.job, self.manifest)
        if self.on_sealed is not None:
            self.on_sealed()

    def abandon(self) -> None:
        if self.fh is not None:
            self.fh.close()
        if self.name is not None and self.writer is not None:
            mf.overwrite_and_delete(self.job.objects / f"{self.name}.part")


def write_journal(job: MakeJob, done: mf.Manifest) -> None:
    """The journal replaced atomically (a run killed at any point leaves one whole journal); the old
    one's bytes are kept under `.old` until the new one is in place, then overwritten and deleted."""
    current = job.objects / job.journal
    previous = job.objects / f"{job.journal}.old"
    mf.write_object(job.objects, f"{job.journal}.new", job.key, done.to_bytes())
    if previous.exists():
        mf.overwrite_and_delete(previous)
    if current.exists():
        os.link(current, previous)
    os.replace(job.objects / f"{job.journal}.new", current)
    mf.overwrite_and_delete(previous)


def read_journal(objects: Path, name: str, key: bytes) -> mf.Manifest:
    if not (objects / name).exists():
        return mf.Manifest()
    return mf.Manifest.from_bytes(mf.read_object(objects, name, key))


def make(job: MakeJob, done: mf.Manifest) -> mf.Manifest:
    """Copy everything not yet in `done` (the journal of an earlier, interrupted run)."""
    seen = {e["path"] for e in done.entries} | {u["path"] for u in done.unreadable}
    listing = list(_walk(job.source))
    total_files = sum(1 for _, st in listing if not isinstance(st, OSError) and stat.S_ISREG(st.st_mode))
    total_bytes = sum(st.st_size for _, st in listing if not isinstance(st, OSError) and stat.S_ISREG(st.st_mode))
    packer = _Packer(job, done)
    inodes = {(e["dev"], e["ino"]): e["path"] for e in done.entries if "ino" in e}
    started = time.monotonic()
    counters = [sum(1 for e in done.entries if e["type"] == "file"), done.file_bytes]
    packer.on_sealed = lambda: job.on_progress(
        MakeProgress(counters[0], total_files, counters[1], total_bytes, time.monotonic() - started)
    )
    last = 0.0
    try:
        for path, st in listing:
            if path in seen:
                continue
            if job.should_stop():
                raise Interrupted
            _one(packer, path, st, inodes, counters)
            now = time.monotonic()
            if now - last >= 1.0:
                last = now
                job.on_progress(MakeProgress(counters[0], total_files, counters[1], total_bytes, now - started))
        packer.seal()
    except OSError as exc:
        packer.abandon()
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise PoolFull from None
        raise
    except BaseException:
        packer.abandon()
        raise
    job.on_progress(MakeProgress(counters[0], total_files, counters[1], total_bytes, time.monotonic() - started))
    return packer.manifest


def _one(
    packer: _Packer, path: str, st: os.stat_result | OSError, inodes: dict[tuple[int, int], str], counters: list[int]
) -> None:
    target = packer.pending if packer.writer is not None else packer.manifest.entries
    if isinstance(st, OSError):
        packer.manifest.unreadable.append({"path": path, "reason": _reason(st)})
        return
    if stat.S_ISDIR(st.st_mode):
        target.append(_meta(path, st, "dir"))
    elif stat.S_ISLNK(st.st_mode):
        entry = _meta(path, st, "symlink")
        entry["target"] = os.readlink(packer.job.source / path)
        target.append(entry)
    elif stat.S_ISREG(st.st_mode):
        key = (st.st_dev, st.st_ino)
        if st.st_nlink > 1 and key in inodes:
            entry = _meta(path, st, "hardlink")
            entry["link"] = inodes[key]
            target.append(entry)
            return
        entry = _meta(path, st, "file")
        if st.st_nlink > 1:
            entry["dev"], entry["ino"] = key
        try:
            packer.add_file(path, packer.job.source / path, entry)
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise
            packer.manifest.unreadable.append({"path": path, "reason": _reason(exc)})
            return
        if st.st_nlink > 1:
            inodes[key] = path
        counters[0] += 1
        counters[1] += int(entry["size"])
    else:
        packer.manifest.unreadable.append({"path": path, "reason": "not a regular file, folder or link"})
