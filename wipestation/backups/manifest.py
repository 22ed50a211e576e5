"""The manifest of a backup: every file, folder and link with its metadata and SHA-256, and every file
that could not be read with the reason. Stored only encrypted (an object like the packs)."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wipestation.backups import stream

PACK_LIMIT = 32 << 20  # plaintext bytes per pack before it is sealed


def new_object_name() -> str:
    return secrets.token_hex(16)


@dataclass(slots=True)
class Manifest:
    entries: list[dict[str, Any]] = field(default_factory=list)
    unreadable: list[dict[str, str]] = field(default_factory=list)
    packs: dict[str, int] = field(default_factory=dict)  # object name -> plaintext size

    def to_bytes(self) -> bytes:
        doc = {"version": 1, "entries": self.entries, "unreadable": self.unreadable, "packs": self.packs}
        return json.dumps(doc, ensure_ascii=True, separators=(",", ":")).encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> Manifest:
        doc = json.loads(raw)
        return cls(list(doc["entries"]), list(doc["unreadable"]), dict(doc["packs"]))

    @property
    def files(self) -> list[dict[str, Any]]:
        return [e for e in self.entries if e["type"] in ("file", "hardlink")]

    @property
    def file_bytes(self) -> int:
        return sum(int(e["size"]) for e in self.entries if e["type"] == "file")


def write_object(objects: Path, name: str, key: bytes, payload: bytes) -> None:
    """An encrypted object written whole, synced, then put in place by rename (never half-visible)."""
    part = objects / f"{name}.part"
    with open(part, "wb") as fh:
        writer = stream.Writer(key, fh)
        writer.write(payload)
        writer.close()
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(part, objects / name)


def read_object(objects: Path, name: str, key: bytes) -> bytes:
    with open(objects / name, "rb") as fh:
        return stream.decrypt_all(key, fh)


def overwrite_and_delete(path: Path) -> int:
    """Overwrite a file's bytes in place with random data, sync, then delete it; the bytes overwritten."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return 0
    try:
        size = os.fstat(fd).st_size
        done = 0
        while done < size:
            n = min(1 << 20, size - done)
            done += os.pwrite(fd, os.urandom(n), done)
        os.fsync(fd)
    finally:
        os.close(fd)
    path.unlink()
    return size


def parts_ok(name: str) -> str:
    """An object name is 32 hex digits (from the manifest or the database): never a path."""
    if len(name) != 32 or any(c not in "0123456789abcdef" for c in name):
        raise ValueError(f"not an object name: {name!r}")
    return name
