"""Room on disk for what closes a record: a certificate (its PDF is stored in the database), its audit
events, and the database's journal. Checked before a record is closed, so that a full disk stops the
work with a message saying what to free, instead of failing halfway."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from wipestation.common.errors import InvalidState
from wipestation.common.i18n import _

# A signed certificate is about 100 KB; its row, its audit events, the WAL pages and the evidence
# copies' names come on top. 4 MiB leaves a margin of more than ten times that.
CERTIFICATE_ROOM = 4 << 20


class NoRoom(InvalidState):
    """The data folder's (or the database's) file system has too little free space."""


def _free(path: Path) -> int:
    info = os.statvfs(path)
    return info.f_bavail * info.f_frsize


def store_folders(data_dir: Path, db: sessionmaker[Session] | Session | None) -> list[Path]:
    """The data folder, and the folder of a SQLite database (PostgreSQL's room is its server's)."""
    folders = [data_dir]
    bind = db.get_bind() if isinstance(db, Session) else db.kw.get("bind") if db is not None else None
    url = getattr(bind, "url", None)
    if url is not None and url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        folders.append(Path(url.database).resolve().parent)
    return folders


def check_room(data_dir: Path, db: sessionmaker[Session] | Session | None, need: int = CERTIFICATE_ROOM) -> None:
    """Refuse (NoRoom) when a folder the certificate is written to has less than `need` bytes free."""
    for folder in store_folders(data_dir, db):
        try:
            free = _free(folder)
        except OSError:
            continue  # a folder that cannot be measured is found by the write itself
        if free < need:
            raise NoRoom(
                _(
                    "only {free} KiB free on the file system of {folder}; closing the record with its "
                    "certificate needs {need} KiB: free space there (old database backups, exported PDFs, "
                    "other files on that disk) and run it again; nothing was closed"
                ).format(free=free // 1024, folder=folder, need=need // 1024)
            )
