"""What interrupted work leaves in the data folder, removed at the next start.

A destruction copies its evidence to `evidence/<batch>/` first (as `NN.part`, renamed when complete),
then records the destruction in one transaction. A process killed in between leaves partial copies,
or complete copies of a batch that was never recorded. Every process that copies evidence holds a
shared lock on the `evidence` folder until it ends; the next start of any command takes the lock
exclusively, without waiting, and when it gets it (no copy is under way anywhere) removes every
partial copy and every batch folder no destruction names. When another process holds the lock the
clean-up waits for a later start; `doctor` lists what is left.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

log = logging.getLogger(__name__)

EVIDENCE = "evidence"
PARTIAL_SUFFIX = ".part"
BATCH = re.compile(r"^D-\d{8}-[0-9a-f]{8}$")

_held: dict[Path, int] = {}  # the evidence folders this process holds shared, until it ends


def evidence_folder(data_dir: Path) -> Path:
    return data_dir / EVIDENCE


def hold_evidence_folder(data_dir: Path) -> None:
    """Hold `evidence/` shared for the rest of this process: no start elsewhere removes the copies this
    process is making (or has made, for a transaction not yet committed)."""
    folder = evidence_folder(data_dir)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = folder.resolve()
    if key in _held:
        return
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    fcntl.flock(fd, fcntl.LOCK_SH)
    _held[key] = fd


@contextlib.contextmanager
def _exclusive(folder: Path) -> Iterator[bool]:
    """True while this process holds `folder` exclusively; False when another holds it."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        yield False
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def _batches(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if p.is_dir() and BATCH.match(p.name))
    except OSError:
        return []


def find_leftovers(data_dir: Path, recorded: Callable[[], set[str]]) -> list[Path]:
    """Partial evidence copies, and batch folders no destruction names (`recorded()`: the batches)."""
    folder = evidence_folder(data_dir)
    if not folder.is_dir():
        return []
    found: list[Path] = []
    batches = _batches(folder)
    known = recorded() if batches else set()
    for batch in batches:
        if batch.name not in known:
            found.append(batch)
            continue
        found += sorted(p for p in batch.iterdir() if p.name.endswith(PARTIAL_SUFFIX))
    return found


def clean_leftovers(data_dir: Path, recorded: Callable[[], set[str]]) -> list[Path]:
    """Remove what `find_leftovers` finds, when no process is copying evidence; returns what was removed."""
    folder = evidence_folder(data_dir)
    if not folder.is_dir():
        return []
    removed: list[Path] = []
    with _exclusive(folder) as alone:
        if not alone:
            return []
        for path in find_leftovers(data_dir, recorded):
            try:
                if path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink()
            except OSError as exc:
                log.warning("could not remove %s: %s", path, exc.strerror or exc)
                continue
            removed.append(path)
    return removed
