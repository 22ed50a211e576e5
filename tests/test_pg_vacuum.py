"""On a real PostgreSQL server: after `customer anonymise` and a CHECKPOINT, the old name, phone and
reasons are not in the table files (the dead row versions are vacuumed, not left for autovacuum)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Cli

NAME = "Ëlise van Dijk-Smit"
TRACES = ("van Dijk-Smit", "06-98765432", "disputes the invoice", "HP of Ëlise")
TABLES = ("customers", "custody_records", "holds", "destructions", "certificates", "certificate_documents")


def _table_files(cli: Cli) -> list[Path]:
    data_dir = Path(cli.sql("select current_setting('data_directory')")[0][0])
    files = []
    for table in TABLES:
        rows = cli.sql(
            "select pg_relation_filepath(c.oid), pg_relation_filepath(nullif(c.reltoastrelid, 0)) "
            "from pg_class c where c.relname = :t and c.relkind = 'r'",
            t=table,
        )
        for path in rows[0]:
            if path:
                files.extend(sorted(data_dir.glob(path + "*")))  # with its .1, _fsm, _vm forks
    return files


def _blob(cli: Cli) -> bytes:
    cli.sql("CHECKPOINT")
    return b"".join(p.read_bytes() for p in _table_files(cli))


def test_anonymise_leaves_no_old_row_in_the_table_files(cli: Cli, tmp_path: Path) -> None:
    if cli.is_sqlite:
        pytest.skip("PostgreSQL only")
    cid = cli.ok("customer", "add", "--name", NAME, "--phone", "06-98765432")["id"]
    cli.ok("backup", "register", "--serial", "P1", "--customer", str(cid), "--job", "J1")
    cli.ok(
        "abandoned", "register", "--serial", "P2", "--model", "M", "--capacity", "1TB", "--media", "hdd",
        "--customer", str(cid), "--abandoned-on", "2026-07-01", "--computer", f"HP of {NAME}",
    )  # fmt: skip
    cli.ok("hold", "P1", "--until", "2027-01-01", "--reason", f"{NAME} disputes the invoice")
    cli.ok("destroy", "P2", "--method", "shred", "--level", "H-5")
    before = _blob(cli)
    assert all(t.encode() in before for t in TRACES)  # the search does look in the right files
    assert cli("customer", "anonymise", str(cid)).exit_code == 0
    after = _blob(cli)
    left = [t for t in TRACES if t.encode() in after]
    assert left == []


def test_a_concurrent_reader_makes_the_scrub_pending_until_the_next_command(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    if cli.is_sqlite:
        pytest.skip("PostgreSQL only (SQLite: test_scrub_pending.py)")
    from sqlalchemy import create_engine, text

    monkeypatch.setattr("wipestation.store.db.SCRUB_WAIT_SECONDS", 0.5)
    cid = cli.ok("customer", "add", "--name", NAME, "--phone", "06-98765432")["id"]
    reader = create_engine(cli.url)
    marker = cli.config.data_dir / "postgresql-scrub-pending"
    try:
        with reader.connect() as conn:
            conn.execute(text("select name from customers")).all()  # holds its lock until the rollback
            result = cli("customer", "anonymise", str(cid))
            assert result.exit_code == 1
            assert "values are replaced" in result.stderr and "scrub is pending" in result.stderr
            assert len(result.stderr.splitlines()) == 1
            assert marker.exists()
            conn.rollback()
    finally:
        reader.dispose()
    assert cli("customer", "list").exit_code == 0
    assert not marker.exists()
    after = _blob(cli)
    assert b"van Dijk-Smit" not in after and b"06-98765432" not in after
