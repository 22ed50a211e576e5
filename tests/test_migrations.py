"""The models and the migrations agree; the schema is created and upgraded by any command."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from tests.conftest import Cli
from wipestation.db import alembic_config, make_engine, open_store
from wipestation.models import Base


def test_models_and_migrations_agree(tmp_path: Path) -> None:
    engine, _ = open_store(f"sqlite:///{tmp_path / 'm.db'}")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    engine.dispose()
    assert diff == []


def test_one_head(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'h.db'}")
    heads = ScriptDirectory.from_config(alembic_config(engine)).get_heads()
    engine.dispose()
    assert len(heads) == 1


def test_any_command_creates_the_schema_in_wal_mode(cli: Cli) -> None:
    assert cli.ok("list") == []
    con = sqlite3.connect(cli.db_path)
    tables = {r[0] for r in con.execute("select name from sqlite_master where type = 'table'")}
    mode = con.execute("pragma journal_mode").fetchone()[0]
    con.close()
    assert {
        "customers",
        "drives",
        "custody_records",
        "holds",
        "erasures",
        "destructions",
        "certificates",
        "audit_events",
        "alembic_version",
    } <= tables
    assert mode == "wal"
