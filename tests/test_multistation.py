"""Several workstations on one database: no lost, duplicated or corrupted record (issue 7).

Each test runs on an SQLite file and on the real PostgreSQL server that scripts/test starts.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta

from tests import stress_worker
from tests.conftest import PG_URL, TEST_SHOP, Cli
from tests.fakes import FakeClock
from wipestation.common.config import Config
from wipestation.documents.certify import load_renderer

PROCESSES = 4
OPERATIONS = 200


def _prepare_key(data_dir: Path) -> None:
    """The workstations share one shop key (as a shop configures it); create it once up front."""
    load_renderer(Config(data_dir=data_dir, shop=TEST_SHOP)).prepare()


@pytest.mark.slow
def test_four_workstations_two_hundred_operations_each(db_url: str, tmp_path: Path, cli: Cli) -> None:
    data_dir = tmp_path / "shared-data"
    _prepare_key(data_dir)
    cli.ok("list")  # the schema exists before the workstations start
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Manager().Barrier(PROCESSES)
    with ctx.Pool(PROCESSES) as pool:
        results = pool.starmap(
            stress_worker.workstation,
            [(db_url, str(data_dir), f"WS{n}", OPERATIONS, barrier) for n in range(PROCESSES)],
        )
    assert [r["errors"] for r in results] == [[]] * PROCESSES
    per = OPERATIONS // 4
    assert all(r["backups"] == per and r["holds"] == per and r["events"] == per for r in results)

    certificates = cli.ok("certificate", "list")
    numbers = [c["number"] for c in certificates]
    issued = sorted(n for r in results for n in r["certificates"])
    assert sorted(numbers) == issued
    assert len(set(numbers)) == len(numbers) == PROCESSES * per
    seqs = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert seqs == list(range(1, len(numbers) + 1))  # unique and consecutive, no gap

    records = cli.ok("list")
    assert Counter(r["kind"] for r in records) == {"backup": PROCESSES * per, "abandoned": PROCESSES * per}
    assert len({r["serial"] for r in records}) == len(records)
    assert sum(1 for r in records if r["on_hold"]) == PROCESSES * per
    assert all(r["state"] == "destroyed" for r in records if r["kind"] == "abandoned")

    chain = cli.ok("audit", "verify")
    assert chain["ok"] is True
    # customer.add + register for each backup and each abandoned disk, one hold event, one stress event,
    # and destroy + certificate events for each destruction
    assert chain["events"] >= PROCESSES * per * 7


@pytest.mark.slow
def test_two_workstations_racing_to_destroy_the_same_disk(db_url: str, tmp_path: Path, cli: Cli) -> None:
    data_dir = tmp_path / "shared-data"
    _prepare_key(data_dir)
    cid = cli.ok("customer", "add", "--name", "Race Owner")["id"]
    abandoned_on = (cli.clock.now().date() - relativedelta(months=4)).isoformat()
    serials = [f"RACE-{n}" for n in range(3)]
    for serial in serials:
        cli.ok(
            "abandoned",
            "register",
            "--serial",
            serial,
            "--model",
            "M",
            "--capacity",
            "1TB",
            "--media",
            "hdd",
            "--customer",
            str(cid),
            "--abandoned-on",
            abandoned_on,
        )
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        for serial in serials:
            barrier = ctx.Manager().Barrier(2)
            outcomes = pool.starmap(
                stress_worker.race_to_destroy,
                [(cli.url, str(data_dir), name, serial, barrier) for name in ("WS1", "WS2")],
            )
            assert sorted(outcomes)[0] == "ok", outcomes
            assert sorted(outcomes)[1].startswith("refused: "), outcomes
            assert "destroyed" in sorted(outcomes)[1]
    assert len(cli.ok("certificate", "list")) == len(serials)
    assert cli.ok("audit", "verify")["ok"] is True


@pytest.mark.slow
def test_two_workstations_racing_to_erase_the_same_backup(db_url: str, tmp_path: Path, cli: Cli) -> None:
    cid = cli.ok("customer", "add", "--name", "Race Customer")["id"]
    serials = [f"ERACE-{n}" for n in range(3)]
    for serial in serials:
        cli.ok(
            "backup", "register", "--serial", serial, "--customer", str(cid), "--job", "J", "--made-on", "2026-10-01"
        )
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        for serial in serials:
            barrier = ctx.Manager().Barrier(2)
            outcomes = sorted(
                pool.starmap(
                    stress_worker.race_to_erase,
                    [(cli.url, str(tmp_path), name, serial, barrier) for name in ("WS1", "WS2")],
                )
            )
            assert outcomes[0] == "ok", outcomes
            assert outcomes[1].startswith("refused: "), outcomes
            assert "being erased" in outcomes[1]
            state = cli.sql(
                "select r.state from custody_records r join drives d on d.id = r.drive_id where d.serial = :s", s=serial
            )
            assert state == [("erasing",)]
    assert cli.ok("audit", "verify")["ok"] is True


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="no PostgreSQL server: WIPESTATION_TEST_PG is not set (scripts/test starts one)")
def test_sqlite_store_copied_into_postgresql(
    fresh_pg_database: str, tmp_path: Path, clock: FakeClock, config: Config
) -> None:
    cli = Cli(url=f"sqlite:///{tmp_path / 'workstation.sqlite3'}", clock=clock, config=config)
    cid = cli.ok("customer", "add", "--name", "Jan de Vries", "--email", "jan@example.nl")["id"]
    cli.ok("backup", "register", "--serial", "CP-1", "--customer", str(cid), "--job", "R-1", "--made-on", "2026-11-01")
    cli.ok("hold", "CP-1", "--until", "2027-01-10", "--reason", "dispute")
    cli.ok(
        "abandoned",
        "register",
        "--serial",
        "CP-2",
        "--model",
        "WD10",
        "--capacity",
        "1TB",
        "--media",
        "hdd",
        "--customer",
        str(cid),
        "--abandoned-on",
        "2026-07-01",
    )
    destroyed = cli.ok("destroy", "CP-2", "--method", "shred", "--level", "H-5", "--witness", "Piet")
    pdf = tmp_path / "cert.pdf"
    assert cli("certificate", "pdf", destroyed["certificate"], "-o", str(pdf)).exit_code == 0

    copied = cli.ok("db", "copy", "--to", fresh_pg_database)
    assert copied["audit_chain"] == "intact"
    assert copied["rows"]["certificates"] == 1

    pg = Cli(url=fresh_pg_database, clock=cli.clock, config=cli.config)
    assert pg.ok("list") == cli.ok("list")
    assert pg("customer", "export", str(cid)).stdout == cli("customer", "export", str(cid)).stdout
    assert pg.ok("certificate", "list") == cli.ok("certificate", "list")
    assert pg.ok("audit", "verify") == cli.ok("audit", "verify")
    assert pg("certificate", "verify", str(pdf)).exit_code == 0
    pdf2 = tmp_path / "again.pdf"
    assert pg("certificate", "pdf", destroyed["certificate"], "-o", str(pdf2)).exit_code == 0
    assert pdf2.read_bytes() == pdf.read_bytes()
    # the copy goes on: new ids follow the copied ones
    new = pg.ok("customer", "add", "--name", "Next Customer")
    assert new["id"] == cid + 1
    assert pg.ok("audit", "verify")["events"] == copied["audit_events"] + 1
    # a second copy into a database that holds records is refused, and changes nothing
    again = cli("db", "copy", "--to", fresh_pg_database)
    assert again.exit_code == 1
    assert "already holds records" in again.stderr


def test_copying_a_store_into_itself_is_refused_at_once(cli: Cli) -> None:
    cli.ok("customer", "add", "--name", "Only Customer")
    before = cli.snapshot()
    result = cli("db", "copy", "--to", cli.url)
    assert result.exit_code == 1
    assert result.stderr == "error: the target is the database in use: copy into another, empty database\n"
    assert cli.snapshot() == before
