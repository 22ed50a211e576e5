"""A destruction's evidence (photos, videos): copied into the shop's data folder under neutral names,
hashed as they are copied, and removed again when the destruction is not recorded."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from wipestation.common.env import Env

_EXTENSION = re.compile(r"^\.[a-z0-9]{1,8}$")


def _neutral_name(index: int, sha256: str, source: Path) -> str:
    """`01-<hash>.jpg`: the original name may name the customer; it is kept only in the row, which
    anonymising scrubs."""
    ext = source.suffix.lower()
    return f"{index:02d}-{sha256[:16]}{ext if _EXTENSION.match(ext) else ''}"


def copy_evidence(env: Env, batch: str, files: tuple[Path, ...]) -> tuple[list[dict[str, str]], list[Path]]:
    """Copy each file to `data_dir/evidence/<batch>/` under a neutral name (owner-only); return its
    entries and the copies made."""
    target_dir = env.config.data_dir / "evidence" / batch
    entries: list[dict[str, str]] = []
    copies: list[Path] = []
    try:
        for index, source in enumerate(files, start=1):
            target_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            partial = target_dir / f"{index:02d}.part"
            digest = hashlib.sha256()
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            copies.append(partial)
            with open(source, "rb") as src, os.fdopen(fd, "wb") as dst:
                for chunk in iter(lambda: src.read(1 << 20), b""):
                    digest.update(chunk)
                    dst.write(chunk)
                target = target_dir / _neutral_name(index, digest.hexdigest(), source)
                partial.rename(target)
            copies[-1] = target
            entries.append(
                {"file": f"{batch}/{target.name}", "sha256": digest.hexdigest(), "original_name": source.name}
            )
    except OSError:
        remove_copies(copies)
        raise
    return entries, copies


def remove_copies(copies: list[Path]) -> None:
    for path in copies:
        path.unlink(missing_ok=True)
    parents = {p.parent for p in copies}
    for parent in parents:
        if parent.exists() and not any(parent.iterdir()):
            parent.rmdir()
