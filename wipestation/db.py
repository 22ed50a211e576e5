"""Engines, sessions and schema upgrades.

SQLite: WAL, foreign keys, busy timeout, secure_delete (so anonymised text does not linger in free
pages), and every transaction begins IMMEDIATE so a write decision is never taken on a stale read.
PostgreSQL: the same models through psycopg 3.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from wipestation.config import Config
from wipestation.errors import ConfigError, WipestationError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000


def default_db_url(config: Config) -> str:
    return f"sqlite:///{config.data_dir / 'wipestation.sqlite3'}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
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


def _sqlite_begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """An engine for URL, with the SQLite pragmas above where it is SQLite."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(f"not a database URL: {url}") from None
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
        raise ConfigError(f"cannot use database {parsed.render_as_string()}: {exc}") from None


def alembic_config(engine: Engine) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


_upgrade_lock = threading.Lock()


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (no-op when it is there already)."""
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


def open_store(url: str) -> tuple[Engine, sessionmaker[Session]]:
    """An engine and a session factory for URL, with the schema upgraded."""
    engine = make_engine(url)
    try:
        upgrade(engine)
    except OperationalError as exc:
        engine.dispose()
        raise WipestationError(f"cannot open database: {exc.orig}") from None
    return engine, sessionmaker(engine, expire_on_commit=False)


def scrub_sqlite(engine: Engine) -> None:
    """SQLite keeps old page images in the WAL until a checkpoint; secure_delete zeroes freed cells.
    Checkpoint and truncate the WAL so replaced personal data is not left in any file."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        conn.rollback()
        raw = conn.connection.dbapi_connection
        assert raw is not None
        cur = raw.cursor()
        cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cur.close()
