"""`wipestation db backup DIR [--keep N]`: a verified copy of the records, rotated; and a restore."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from tests.conftest import PG_URL, Cli
from tests.fakes import FakeClock
from wipestation.common.config import Config
from wipestation.shop.dbbackup import postgres_advice


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock, config: Config) -> Cli:
    return Cli(url=f"sqlite:///{tmp_path / 'data' / 'wipestation.sqlite3'}", clock=clock, config=config)


def _customer(cli: Cli, name: str) -> int:
    return int(cli.ok("customer", "add", "--name", name)["id"])


def test_a_backup_is_restored_and_verified(store: Cli, tmp_path: Path, clock: FakeClock) -> None:
    cid = _customer(store, "Jan de Vries")
    store.ok("backup", "register", "--serial", "WD-1", "--customer", str(cid), "--job", "R-1")
    out = store.ok("db", "backup", str(tmp_path / "backups"))
    copy = Path(out["file"])
    assert copy.name == "wipestation-20261125T120000Z.sqlite3"
    assert out["audit_events"] == 2 and out["audit_chain"] == "intact"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600  # personal data: owner only
    assert not list(copy.parent.glob("*.partial")) and not list(copy.parent.glob("*-wal"))

    # Work goes on after the backup; then the database file is lost.
    clock.advance(hours=2)
    _customer(store, "Piet Jansen")
    store.ok("backup", "register", "--serial", "WD-2", "--customer", "2", "--job", "R-2")
    db = store.db_path
    db.unlink()

    # The restore of the README: copy the backup into place, without any -wal/-shm beside it.
    for leftover in (db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copy2(copy, db)
    verified = store("audit", "verify")
    assert verified.exit_code == 0, verified.stderr
    assert "2 events" in verified.stdout
    assert [r["serial"] for r in store.ok("list")] == ["WD-1"]
    assert [c["name"] for c in store.ok("customer", "list")] == ["Jan de Vries"]
    # and the restored store takes new work
    store.ok("backup", "register", "--serial", "WD-3", "--customer", str(cid), "--job", "R-3")
    assert store("audit", "verify").exit_code == 0


def test_rotation_keeps_the_newest(store: Cli, tmp_path: Path, clock: FakeClock) -> None:
    _customer(store, "Jan")
    target = tmp_path / "backups"
    made = []
    for _ in range(4):
        made.append(store.ok("db", "backup", str(target), "--keep", "2"))
        clock.advance(days=1)
    assert sorted(p.name for p in target.iterdir()) == [
        "wipestation-20261127T120000Z.sqlite3",
        "wipestation-20261128T120000Z.sqlite3",
    ]
    assert made[2]["removed"] == [str(target / "wipestation-20261125T120000Z.sqlite3")]
    assert made[3]["removed"] == [str(target / "wipestation-20261126T120000Z.sqlite3")]
    (target / "notes.txt").write_text("not a backup")
    store.ok("db", "backup", str(target), "--keep", "1")
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt", "wipestation-20261129T120000Z.sqlite3"]


def test_two_backups_in_one_second_do_not_overwrite(store: Cli, tmp_path: Path) -> None:
    _customer(store, "Jan")
    a = store.ok("db", "backup", str(tmp_path / "b"))["file"]
    b = store.ok("db", "backup", str(tmp_path / "b"))["file"]
    assert a != b and Path(a).exists() and Path(b).exists()


def test_backups_in_one_second_with_keep_1_keep_the_newest(store: Cli, tmp_path: Path) -> None:
    """The third backup of a second, after the first was rotated away: it must not take the free
    first name (which sorts before `-2`) and be removed by its own rotation."""
    _customer(store, "Jan")
    made = [store.ok("db", "backup", str(tmp_path / "b"), "--keep", "1")["file"] for _ in range(4)]
    assert [Path(f).name for f in made] == [
        "wipestation-20261125T120000Z.sqlite3",
        "wipestation-20261125T120000Z-2.sqlite3",
        "wipestation-20261125T120000Z-3.sqlite3",
        "wipestation-20261125T120000Z-4.sqlite3",
    ]
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == ["wipestation-20261125T120000Z-4.sqlite3"]


def test_the_copy_is_online_and_holds_only_committed_work(store: Cli, tmp_path: Path) -> None:
    _customer(store, "Jan")
    writer = sqlite3.connect(store.db_path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # another workstation is in the middle of a write
        writer.execute(
            "INSERT INTO customers (name, created_at, updated_at) VALUES ('Half', '2026-11-25', '2026-11-25')"
        )
        out = store.ok("db", "backup", str(tmp_path / "b"))
        writer.execute("ROLLBACK")
    finally:
        writer.close()
    copy = sqlite3.connect(out["file"])
    try:
        assert copy.execute("SELECT name FROM customers").fetchall() == [("Jan",)]
    finally:
        copy.close()


def test_a_broken_audit_chain_is_no_backup(store: Cli, tmp_path: Path) -> None:
    _customer(store, "Jan")
    store.sql("UPDATE audit_events SET actor = 'someone else' WHERE id = 1")
    result = store("db", "backup", str(tmp_path / "b"))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "error: backup discarded: the audit chain of the copy does not verify: event 1 was changed after it was written"
    ]
    assert list((tmp_path / "b").iterdir()) == []


def test_a_shared_folder_gives_the_group_read_access(store: Cli, tmp_path: Path) -> None:
    _customer(store, "Jan")
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o2770)
    out = store.ok("db", "backup", str(shared))
    assert stat.S_IMODE(Path(out["file"]).stat().st_mode) == 0o640


@pytest.mark.parametrize("bad", [["--keep", "0"], ["--keep", "x"]])
def test_bad_keep_is_one_line(store: Cli, tmp_path: Path, bad: list[str]) -> None:
    result = store("db", "backup", str(tmp_path / "b"), *bad)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: --keep must be a whole number from 1 to 10000")
    assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "b").exists()


def test_a_file_in_the_way_is_one_line(store: Cli, tmp_path: Path) -> None:
    _customer(store, "Jan")
    (tmp_path / "file").write_text("x")
    result = store("db", "backup", str(tmp_path / "file" / "sub"))
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1


def test_postgres_advice_names_pg_dump_and_whether_it_is_there() -> None:
    assert "pg_dump (/usr/bin/pg_dump)" in postgres_advice(lambda name: f"/usr/bin/{name}")
    assert "not installed here (Debian package postgresql-client)" in postgres_advice(lambda name: None)


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="no PostgreSQL server: WIPESTATION_TEST_PG is not set (scripts/test starts one)")
def test_on_postgresql_it_says_to_use_pg_dump(fresh_pg_database: str, clock: FakeClock, config: Config) -> None:
    cli = Cli(url=fresh_pg_database, clock=clock, config=config)
    result = cli("db", "backup", "/nonexistent/backups")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "back it up with pg_dump" in lines[0]
    assert ("not installed" in lines[0]) == (shutil.which("pg_dump") is None)
    assert not Path("/nonexistent/backups").exists()
