"""Move a store to another database (an SQLite file into a shop's PostgreSQL server)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, Integer, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from wipestation.audit.log import verify_chain
from wipestation.common.errors import BadValue, InvalidState, WipestationError
from wipestation.common.i18n import _, shown
from wipestation.store.db import open_store
from wipestation.store.models import Base

BATCH = 1000


@dataclass(frozen=True)
class CopyReport:
    rows: dict[str, int]
    audit_events: int


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in Base.metadata.sorted_tables
        }


def _same_database(source: Engine, target_url: str) -> bool:
    try:
        target = make_url(target_url)
    except ArgumentError:
        return False
    here = source.url
    if here.get_backend_name() == "sqlite" and target.get_backend_name() == "sqlite":
        return bool(here.database) and Path(here.database or "").resolve() == Path(target.database or "").resolve()
    return here.render_as_string(hide_password=True) == target.render_as_string(hide_password=True)


def copy_store(source: Engine, target_url: str) -> CopyReport:
    """Copy every row of every table, ids kept, into an empty target; then check counts and the chain."""
    if _same_database(source, target_url):
        raise BadValue(_("the target is the database in use: copy into another, empty database"))
    target, target_sessions = open_store(target_url)
    try:
        if any(_counts(target).values()):
            raise InvalidState(_("the target database already holds records: copy only into an empty database"))
        source_counts = _counts(source)
        with source.connect() as src, target.begin() as dst:
            for table in Base.metadata.sorted_tables:
                result = src.execution_options(yield_per=BATCH).execute(select(table).order_by(*table.primary_key))
                for chunk in result.mappings().partitions(BATCH):
                    dst.execute(table.insert(), [dict(row) for row in chunk])
            if target.dialect.name == "postgresql":
                _advance_sequences(dst)
        copied = _counts(target)
        if copied != source_counts:
            raise WipestationError(
                _("copy incomplete: {source} rows in the source, {copied} in the target").format(
                    source=source_counts, copied=copied
                )
            )
        with target_sessions.begin() as session:
            report = verify_chain(session)
        if not report.ok:
            raise WipestationError(
                _("the copied audit chain does not verify: {problem}").format(problem=shown(report.problem or ""))
            )
        return CopyReport(rows=copied, audit_events=report.events)
    finally:
        target.dispose()


def _advance_sequences(conn: object) -> None:
    """Explicit ids were inserted: move each serial column's sequence past them."""
    for table in Base.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, Integer) or pk[0].autoincrement is False:
            continue
        seq = conn.execute(  # type: ignore[attr-defined]
            text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": pk[0].name}
        ).scalar()
        if seq:
            conn.execute(  # type: ignore[attr-defined]
                text(f'SELECT setval(:s, COALESCE((SELECT MAX("{pk[0].name}") FROM "{table.name}"), 0) + 1, false)'),
                {"s": seq},
            )
