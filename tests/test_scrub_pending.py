"""`customer anonymise` says done only when the old text has left the SQLite file and its WAL: with
another process reading, it exits non-zero saying the scrub is pending, and the next command finishes it."""

from __future__ import annotations

import sqlite3

import pytest

from tests.conftest import Cli

TRACES = (b"Elise van Dijk", b"elise@voorbeeld.nl", b"disputes the invoice")


def _blob(cli: Cli) -> bytes:
    return b"".join(p.read_bytes() for p in cli.db_path.parent.iterdir() if p.name.startswith(cli.db_path.name))


@pytest.fixture
def sqlite_cli(cli: Cli) -> Cli:
    if not cli.is_sqlite:
        pytest.skip("the checkpoint is SQLite's; PostgreSQL is in test_pg_vacuum.py")
    return cli


def test_a_concurrent_reader_makes_the_scrub_pending_until_the_next_command(
    sqlite_cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = sqlite_cli
    monkeypatch.setattr("wipestation.store.db.SCRUB_WAIT_SECONDS", 0.3)
    cid = cli.ok("customer", "add", "--name", "Elise van Dijk", "--email", "elise@voorbeeld.nl")["id"]
    cli.ok("backup", "register", "--serial", "S1", "--customer", str(cid), "--job", "J1")
    cli.ok("hold", "S1", "--until", "2027-01-01", "--reason", "Elise van Dijk disputes the invoice")
    reader = sqlite3.connect(cli.db_path, isolation_level=None)
    try:
        reader.execute("BEGIN")
        assert reader.execute("select name from customers").fetchall() == [("Elise van Dijk",)]
        result = cli("customer", "anonymise", str(cid))
        assert result.exit_code == 1
        assert len(result.stderr.splitlines()) == 1
        assert "values are replaced" in result.stderr and "scrub is pending" in result.stderr
        assert cli.sql("select name, email from customers") == [(f"anonymised customer {cid}", None)]
        assert any(t in _blob(cli) for t in TRACES)  # honest: the old pages are still on disk
        assert cli.db_path.with_name(cli.db_path.name + "-scrub-pending").exists()
    finally:
        reader.execute("ROLLBACK")
        reader.close()
    assert cli("customer", "list").exit_code == 0  # the next command finishes the scrub
    blob = _blob(cli)
    for trace in TRACES:
        assert trace not in blob, trace
    assert not cli.db_path.with_name(cli.db_path.name + "-scrub-pending").exists()


def test_without_a_reader_anonymise_scrubs_at_once(sqlite_cli: Cli) -> None:
    cli = sqlite_cli
    cid = cli.ok("customer", "add", "--name", "Elise van Dijk", "--email", "elise@voorbeeld.nl")["id"]
    assert cli("customer", "anonymise", str(cid)).exit_code == 0
    for trace in TRACES[:2]:
        assert trace not in _blob(cli)
    assert not cli.db_path.with_name(cli.db_path.name + "-scrub-pending").exists()
