"""Backups of the records: a consistent copy of the SQLite store, verified before it counts.

SQLite's online backup API copies the database page by page while other workstations keep working
(it restarts by itself when a writer changes a page it already copied). The copy is written under a
temporary name, checked (`PRAGMA integrity_check` and the audit chain, read-only), and only then
renamed to `wipestation-YYYYMMDDTHHMMSSZ.sqlite3`; `keep` then removes the oldest copies beyond N.
A PostgreSQL store is backed up with the server's own tool, pg_dump.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import URL, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session

from wipestation.audit.log import verify_chain
from wipestation.common.errors import BadValue, ConfigError, WipestationError
from wipestation.common.i18n import _, shown

BACKUP_NAME = re.compile(r"^wipestation-\d{8}T\d{6}Z(-\d+)?\.sqlite3$")


@dataclass(frozen=True)
class BackupReport:
    path: Path
    size: int
    audit_events: int
    removed: list[Path] = field(default_factory=list)


def _sqlite_path(url: URL) -> Path:
    database = url.database or ""
    if database in ("", ":memory:"):
        raise BadValue(_("db backup needs a database file; this store is in memory"))
    return Path(database).expanduser()


def postgres_advice(which: Callable[[str], str | None] = shutil.which) -> str:
    found = which("pg_dump")
    if found:
        return _(
            "this store is on PostgreSQL: back it up with pg_dump ({path}), e.g. pg_dump -Fc -f FILE DBNAME"
        ).format(path=found)
    return _(
        "this store is on PostgreSQL: back it up with pg_dump, which is not installed here "
        "(Debian package postgresql-client)"
    )


def backup_store(
    db_url: str,
    directory: Path,
    *,
    now: datetime,
    keep: int | None = None,
    which: Callable[[str], str | None] = shutil.which,
) -> BackupReport:
    """Copy the store at `db_url` into `directory`, verify the copy, then rotate (keep the newest `keep`).

    It takes no lock and opens no session on the store: the copy runs beside the workstations' work."""
    if keep is not None and keep < 1:
        raise BadValue(_("--keep must be at least 1"))
    try:
        url = make_url(db_url)
    except ArgumentError:
        raise ConfigError(_("not a database URL: {url}").format(url=db_url)) from None
    if url.get_backend_name() == "postgresql":
        raise ConfigError(postgres_advice(which))
    if url.get_backend_name() != "sqlite":
        raise ConfigError(
            _("db backup copies SQLite stores; this one is {backend}").format(backend=url.get_backend_name())
        )
    source = _sqlite_path(url)
    if not source.exists():
        raise WipestationError(_("no database file at {path}").format(path=source))
    directory = directory.expanduser()
    if directory.exists() and not directory.is_dir():
        raise BadValue(_("not a directory: {path}").format(path=directory))
    directory.mkdir(parents=True, exist_ok=True)
    final = _free_name(directory, now)
    partial = directory / f".{final.name}.partial"
    try:
        _copy(source, partial)
        events = _verify(partial)
        os.chmod(partial, _file_mode(directory))
        os.replace(partial, final)
        _fsync_dir(directory)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    removed = rotate(directory, keep) if keep is not None else []
    return BackupReport(final, final.stat().st_size, events, removed)


def _free_name(directory: Path, now: datetime) -> Path:
    """A name that sorts after every backup of the same second, even one rotated away meanwhile (reusing
    the free plain name would sort the new copy before `-2`, and rotation would remove it at once)."""
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    same_second = [n for s, n in map(_sort_key, backups_in(directory)) if s == stamp]
    n = max(same_second, default=0) + 1
    candidate = directory / (f"wipestation-{stamp}.sqlite3" if n == 1 else f"wipestation-{stamp}-{n}.sqlite3")
    while candidate.exists():
        n += 1
        candidate = directory / f"wipestation-{stamp}-{n}.sqlite3"
    return candidate


def _copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst, pages=1024)
            # The copy stands alone: a rollback journal, no -wal/-shm files beside it.
            dst.execute("PRAGMA journal_mode = DELETE")
            dst.commit()
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise WipestationError(_("backup failed: {error}").format(error=exc)) from None
    finally:
        src.close()
    with open(target, "rb+") as fh:
        os.fsync(fh.fileno())


def _verify(path: Path) -> int:
    """The copy is a sound SQLite file and its audit chain verifies (read only). Returns the events."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.Error as exc:
        raise WipestationError(
            _("backup discarded: the copy is not a sound database: {error}").format(error=exc)
        ) from None
    finally:
        conn.close()
    if result != "ok":
        raise WipestationError(_("backup discarded: the copy is not a sound database: {error}").format(error=result))
    engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        with Session(engine) as session:
            report = verify_chain(session)
    finally:
        engine.dispose()
    if not report.ok:
        raise WipestationError(
            _("backup discarded: the audit chain of the copy does not verify: {problem}").format(
                problem=shown(report.problem or "")
            )
        )
    return report.events


def _file_mode(directory: Path) -> int:
    """Owner only; the group may read where the folder is the shop's shared, set-group-id folder."""
    return 0o640 if directory.stat().st_mode & stat.S_ISGID else 0o600


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backups_in(directory: Path) -> list[Path]:
    """The backups in `directory`, oldest first (their names sort by time)."""
    if not directory.is_dir():
        return []
    return sorted((p for p in directory.iterdir() if BACKUP_NAME.match(p.name)), key=_sort_key)


def _sort_key(path: Path) -> tuple[str, int]:
    stem = path.name.removesuffix(".sqlite3").removeprefix("wipestation-")
    stamp, _, n = stem.partition("-")
    return stamp, int(n or 1)


def rotate(directory: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` backups; returns what was removed."""
    existing = backups_in(directory)
    gone = existing[: max(0, len(existing) - keep)]
    for path in gone:
        path.unlink()
    return gone
