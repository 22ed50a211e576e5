"""Putting a backup back into a folder, and checking a folder against the manifest (no database).

Every name is opened relative to the folder, component by component, with O_NOFOLLOW: whatever the
manifest says (an absolute name, `..`, a link that points out), nothing is written outside it.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wipestation.backups import manifest as mf
from wipestation.backups import stream


class UnsafeName(Exception):
    """A manifest name that would leave the restore folder."""


class Exists(Exception):
    """A file is already there and --overwrite was not given."""


class TamperedObject(Exception):
    """A pack did not authenticate: its file is named."""

    def __init__(self, path: str, pack: str) -> None:
        super().__init__(path)
        self.path = path
        self.pack = pack


def parts_of(path: str) -> list[str]:
    parts = path.split("/")
    if not path or path.startswith("/") or any(p in ("", ".", "..") for p in parts) or "\0" in path:
        raise UnsafeName(path)
    return parts


def _dir_fd(root_fd: int, parts: list[str]) -> int:
    """A descriptor of the folder `parts` under root (made when missing), never through a link."""
    fd = os.dup(root_fd)
    try:
        for part in parts:
            try:
                nxt = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=fd)
            except FileNotFoundError:
                os.mkdir(part, 0o700, dir_fd=fd)
                nxt = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=fd)
            os.close(fd)
            fd = nxt
    except BaseException:
        os.close(fd)
        raise
    return fd


@dataclass(slots=True)
class RestoreResult:
    files: int = 0
    bytes: int = 0
    skipped: list[str] = field(default_factory=list)


def selected(manifest: mf.Manifest, pattern: str | None) -> list[dict[str, Any]]:
    if pattern is None:
        return manifest.entries
    return [e for e in manifest.entries if fnmatch.fnmatchcase(e["path"], pattern)]


def restore(
    objects: Path,
    key: bytes,
    manifest: mf.Manifest,
    target: Path,
    *,
    pattern: str | None,
    overwrite: bool,
    on_file: Callable[[int, int], None],
) -> RestoreResult:
    entries = selected(manifest, pattern)
    for entry in entries:
        parts_of(entry["path"])  # every name checked before anything is written
        if entry["type"] == "hardlink":
            parts_of(entry["link"])
    root_fd = os.open(target, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    result = RestoreResult()
    readers: dict[str, tuple[Any, stream.Reader]] = {}
    try:
        for entry in entries:
            _restore_one(objects, key, manifest, root_fd, entry, overwrite, readers, result)
            on_file(result.files, result.bytes)
        for entry in reversed(entries):  # folders' times last, deepest first
            if entry["type"] == "dir":
                _set_times(root_fd, entry)
    finally:
        for fh, _ in readers.values():
            fh.close()
        os.close(root_fd)
    return result


def _set_times(root_fd: int, entry: dict[str, Any]) -> None:
    parts = parts_of(entry["path"])
    parent = _dir_fd(root_fd, parts[:-1])
    try:
        os.utime(parts[-1], ns=(entry["atime_ns"], entry["mtime_ns"]), dir_fd=parent, follow_symlinks=False)
    finally:
        os.close(parent)


def _restore_one(
    objects: Path,
    key: bytes,
    manifest: mf.Manifest,
    root_fd: int,
    entry: dict[str, Any],
    overwrite: bool,
    readers: dict[str, tuple[Any, stream.Reader]],
    result: RestoreResult,
) -> None:
    parts = parts_of(entry["path"])
    kind = entry["type"]
    if kind == "dir":
        os.close(_dir_fd(root_fd, parts))
        return
    parent = _dir_fd(root_fd, parts[:-1])
    name = parts[-1]
    try:
        if _exists(parent, name):
            if not overwrite:
                raise Exists(entry["path"])
            if stat.S_ISDIR(os.lstat(name, dir_fd=parent).st_mode):
                raise Exists(entry["path"])
            os.unlink(name, dir_fd=parent)
        if kind == "symlink":
            os.symlink(entry["target"], name, dir_fd=parent)
        elif kind == "hardlink":
            link_parts = parts_of(entry["link"])
            src_parent = _dir_fd(root_fd, link_parts[:-1])
            try:
                os.link(link_parts[-1], name, src_dir_fd=src_parent, dst_dir_fd=parent, follow_symlinks=False)
            finally:
                os.close(src_parent)
            result.files += 1
        else:
            _write_file(objects, key, manifest, parent, name, entry, readers)
            result.files += 1
            result.bytes += int(entry["size"])
        if kind != "hardlink":
            os.utime(name, ns=(entry["atime_ns"], entry["mtime_ns"]), dir_fd=parent, follow_symlinks=False)
            if kind == "file":
                os.chmod(name, entry["mode"], dir_fd=parent)
    finally:
        os.close(parent)


def _exists(parent: int, name: str) -> bool:
    try:
        os.lstat(name, dir_fd=parent)
    except FileNotFoundError:
        return False
    return True


def _reader(objects: Path, key: bytes, manifest: mf.Manifest, pack: str, readers: dict[str, Any]) -> stream.Reader:
    if pack not in readers:
        mf.parts_ok(pack)
        fh = open(objects / pack, "rb")  # noqa: SIM115 - cached across files of one pack
        readers[pack] = (fh, stream.Reader(key, fh, manifest.packs[pack]))
    reader: stream.Reader = readers[pack][1]
    return reader


def _write_file(
    objects: Path,
    key: bytes,
    manifest: mf.Manifest,
    parent: int,
    name: str,
    entry: dict[str, Any],
    readers: dict[str, Any],
) -> None:
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600, dir_fd=parent)
    digest = hashlib.sha256()
    try:
        size = int(entry["size"])
        if size:
            reader = _reader(objects, key, manifest, entry["pack"], readers)
            try:
                for piece in reader.read(int(entry["offset"]), size):
                    digest.update(piece)
                    os.write(fd, piece)
            except stream.Tampered:
                raise TamperedObject(entry["path"], entry["pack"]) from None
    finally:
        os.close(fd)
    if digest.hexdigest() != entry["sha256"]:
        raise TamperedObject(entry["path"], entry.get("pack", ""))


@dataclass(slots=True)
class CheckResult:
    files: int = 0
    missing: list[str] = field(default_factory=list)
    different: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing and not self.different


def check(manifest: mf.Manifest, against: Path) -> CheckResult:
    """Every file of the manifest against the folder: missing, or a different size or SHA-256."""
    result = CheckResult()
    sizes = {e["path"]: e for e in manifest.entries if e["type"] == "file"}
    for entry in manifest.entries:
        if entry["type"] not in ("file", "hardlink"):
            continue
        result.files += 1
        original = sizes.get(entry["link"]) if entry["type"] == "hardlink" else entry
        path = against / entry["path"]
        try:
            st = os.lstat(path)
        except OSError:
            result.missing.append(entry["path"])
            continue
        if (
            original is None
            or not stat.S_ISREG(st.st_mode)
            or st.st_size != int(original["size"])
            or _sha256(path) != original["sha256"]
        ):
            result.different.append(entry["path"])
    return result


def _sha256(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()
