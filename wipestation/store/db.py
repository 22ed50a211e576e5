"""Engines, sessions and schema upgrades.

SQLite: WAL, foreign keys, busy timeout, secure_delete (so anonymised text does not linger in free
pages), and every transaction begins IMMEDIATE so a write decision is never taken on a stale read.
PostgreSQL: the same models through psycopg 3.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool

from wipestation.common.errors import ConfigError, WipestationError
from wipestation.common.i18n import _
from wipestation.common.room import CERTIFICATE_ROOM

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

# The newest migration. A store already there is opened without loading Alembic (a quick start for
# every command); tests/test_migrations.py checks that this is the head of the migrations.
SCHEMA_HEAD = "0007_backups"

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
    # The driver must not open transactions by itself: we say BEGIN IMMEDIATE ourselves.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA secure_delete = ON")
    cursor.execute("PRAGMA journal_mode")
    mode = cursor.fetchone()[0]
    if mode not in ("wal", "memory"):
        cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """An engine for URL, with the SQLite pragmas above where it is SQLite."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(_("not a database URL: {url}").format(url=url)) from None
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        kwargs: dict[str, Any] = {}
        if database in ("", ":memory:"):
            kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
        else:
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            kwargs = {"connect_args": {"check_same_thread": False, "timeout": 30}}
        engine = create_engine(parsed, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    try:
        return create_engine(parsed, pool_pre_ping=True)
    except (ImportError, ArgumentError) as exc:  # the dialect or driver could not be loaded
        raise ConfigError(
            _("cannot use database {url}: {error}").format(url=parsed.render_as_string(), error=exc)
        ) from None


def alembic_config(engine: Engine) -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


_upgrade_lock = threading.Lock()


def _stored_version(engine: Engine) -> str | None:
    """The migration the store is at, read with plain SQL (None: no schema yet, or unreadable)."""
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
            conn.rollback()
    except SQLAlchemyError:  # no schema yet, or the store cannot be read: Alembic's path says which
        return None
    return str(rows[0][0]) if len(rows) == 1 else None


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (no-op when it is there already)."""
    if _stored_version(engine) == SCHEMA_HEAD:
        return
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    cfg = alembic_config(engine)
    head = ScriptDirectory.from_config(cfg).get_current_head()
    with _upgrade_lock:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
            conn.rollback()
        if current == head:
            return
        if engine.dialect.name == "postgresql":
            # One upgrade at a time across workstations.
            with engine.begin() as conn:
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(727001)")
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        else:
            command.upgrade(cfg, "head")


def _room_hint(engine: Engine) -> str:
    """What to free, when the SQLite database's file system is (nearly) full."""
    database = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    if not database or database == ":memory:":
        return ""
    folder = Path(database).resolve().parent
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return ""
    if free >= CERTIFICATE_ROOM:
        return ""
    return _(" (only {free} KiB free on the file system of {folder}: free space there and run it again)").format(
        free=free // 1024, folder=folder
    )


def open_store(url: str) -> tuple[Engine, sessionmaker[Session]]:
    """An engine and a session factory for URL, with the schema upgraded."""
    engine = make_engine(url)
    try:
        upgrade(engine)
    except OperationalError as exc:
        engine.dispose()
        message = _("cannot open database: {error}").format(error=exc.orig)
        raise WipestationError(message + _room_hint(engine)) from None
    return engine, sessionmaker(engine, expire_on_commit=False)


# Tables whose rows anonymising rewrites (wipestation.records.privacy.SCRUBBED).
SCRUBBED_TABLES = ("customers", "custody_records", "holds", "destructions", "certificates", "certificate_documents")
SCRUB_WAIT_SECONDS = 10.0  # how long a scrub waits for other processes' read transactions to end


def scrub_pending_marker(engine: Engine, data_dir: Path | None = None) -> Path | None:
    """The file that says a scrub is still to be done: beside an SQLite database, or in the data folder
    for a PostgreSQL one."""
    if engine.dialect.name == "postgresql" and data_dir is not None:
        return data_dir / "postgresql-scrub-pending"
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database or ""
    if database in ("", ":memory:"):
        return None
    return Path(database).expanduser().with_name(Path(database).name + "-scrub-pending")


def _checkpoint(raw: DBAPIConnection, wait: float) -> bool:
    """`wal_checkpoint(TRUNCATE)` until it reports done (busy = 0) or `wait` seconds have passed."""
    deadline = time.monotonic() + wait
    cur = raw.cursor()
    try:
        cur.execute("PRAGMA busy_timeout = 100")
        while True:
            try:
                cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                row = cur.fetchone()
                if row is not None and row[0] == 0:
                    return True
            except sqlite3.OperationalError:  # locked: try again until the deadline
                pass
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
    finally:
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cur.close()


def _vacuum_full(engine: Engine, wait: float) -> bool:
    """VACUUM FULL the anonymised tables: a plain VACUUM marks the old row versions free but leaves
    their bytes in the page until something overwrites them; FULL writes new files with the live rows
    only. It locks each (small) table for a moment; it gives up after `wait` seconds of waiting."""
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f"SET lock_timeout = {max(1, int(wait * 1000))}")
            for table in SCRUBBED_TABLES:
                conn.exec_driver_sql(f'VACUUM FULL "{table}"')
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) == "55P03":  # lock_not_available
            return False
        raise
    return True


def scrub_sqlite(engine: Engine, wait: float | None = None, data_dir: Path | None = None) -> bool:
    """After personal data was overwritten, leave no old copy in any file. SQLite: secure_delete
    zeroes freed cells, but the old page images stay in the main file until a checkpoint copies the
    new ones over them, and in the WAL until it is truncated; a checkpoint cannot finish while another
    process reads an older snapshot, so it is retried for `wait` seconds. PostgreSQL: VACUUM the
    anonymised tables, so the old row versions leave the table files (the WAL keeps them until the
    server recycles its segments). Returns False when the old text could not be removed yet."""
    wait = SCRUB_WAIT_SECONDS if wait is None else wait
    if engine.dialect.name == "postgresql":
        done = _vacuum_full(engine, wait)
    elif engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.rollback()
            raw = conn.connection.dbapi_connection
            assert raw is not None
            done = _checkpoint(raw, wait)
    else:
        return True
    marker = scrub_pending_marker(engine, data_dir)
    if marker is not None:
        if done:
            marker.unlink(missing_ok=True)
        else:
            marker.touch(mode=0o600)
    return done


def finish_pending_scrub(engine: Engine, data_dir: Path | None = None) -> None:
    """At the start of a command: finish a scrub an earlier command could not (scrub_sqlite)."""
    marker = scrub_pending_marker(engine, data_dir)
    if marker is not None and marker.exists():
        scrub_sqlite(engine, wait=1.0, data_dir=data_dir)
