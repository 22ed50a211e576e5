"""The models and the migrations agree; the schema is created and upgraded by any command."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from tests.conftest import Cli
from wipestation.store.db import SCHEMA_HEAD, alembic_config, make_engine, open_store
from wipestation.store.models import Base


def test_models_and_migrations_agree(db_url: str) -> None:
    engine, _ = open_store(db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    engine.dispose()
    assert diff == []


def test_one_head(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'h.db'}")
    heads = ScriptDirectory.from_config(alembic_config(engine)).get_heads()
    engine.dispose()
    assert len(heads) == 1
    assert heads == [SCHEMA_HEAD]  # the quick check in open_store knows the head


def test_the_files_are_numbered_in_the_order_they_apply(tmp_path: Path) -> None:
    """A newcomer reads the migrations in file order: the numbers follow the revision chain, base to head."""
    engine = make_engine(f"sqlite:///{tmp_path / 'o.db'}")
    script = ScriptDirectory.from_config(alembic_config(engine))
    engine.dispose()
    chain = list(reversed(list(script.walk_revisions("base", "heads"))))
    names = [Path(str(rev.path)).name for rev in chain]
    assert names == sorted(names)
    assert [int(n.split("_")[0]) for n in names] == list(range(1, len(names) + 1))
    assert chain[-1].revision == SCHEMA_HEAD
    # the ids released before the numbering keep their names (databases record them); every later one is numbered
    released = {"0001_initial", "0002_reasons", "i16_0003", "i17_0003", "i17_0004", "i15_0005"}
    for name, rev in zip(names, chain, strict=True):
        assert rev.revision in released or rev.revision.startswith(name[:5]), (name, rev.revision)


def test_any_command_creates_the_schema(cli: Cli) -> None:
    assert cli.ok("list") == []
    engine = make_engine(cli.url)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    expected = {"customers", "drives", "custody_records", "holds", "erasures", "destructions", "certificates"}
    assert expected | {"audit_events", "alembic_version"} <= tables
    if cli.is_sqlite:
        assert cli.sql("pragma journal_mode") == [("wal",)]


def test_upgrading_a_database_from_the_first_schema_keeps_its_records(tmp_path: Path) -> None:
    from alembic import command

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    command.upgrade(alembic_config(engine), "0001_initial")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "insert into customers (id, name, created_at, updated_at) values (1, 'Old Customer', "
            "'2026-01-01 10:00:00', '2026-01-01 10:00:00')"
        )
    engine.dispose()
    engine, sessions = open_store(url)  # what every command does: upgrade to head
    with sessions.begin() as s:
        from wipestation.store.models import Customer

        assert s.get_one(Customer, 1).name == "Old Customer"
    with engine.connect() as conn:
        assert (
            MigrationContext.configure(conn).get_current_revision()
            == ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
        )
    engine.dispose()
