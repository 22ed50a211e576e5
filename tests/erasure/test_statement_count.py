"""The SQL of one erase (a due backup: erase, verify, record, certificate), counted on the engine
(`before_cursor_execute`, and `begin` for the transactions): a test that fails when the work grows
beyond the recorded numbers (issue 26, point 2). Lower the numbers when the work shrinks; raise them
only with a reason in docs/architecture.md ("One erase, end to end")."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from tests.conftest import Cli
from tests.erasure.conftest import FakeBlockDevice, FakeOpener, FakeRunner
from tests.erasure.test_custody_blockdev import FakeRenderer
from tests.erasure.test_run import IDENTITY, SERIAL, SIZE, OneDrive
from wipestation.app import Overrides
from wipestation.common.devices import DetectedDrive

# Recorded 2026-12-08 (branch i26c): one erase of a due backup, certificate included. SQLite 74
# statements (its `BEGIN IMMEDIATE` counted), PostgreSQL 66; 8 transactions and 7 reads of the record on both
# (i26b: 9 transactions, 76 and 67; main had grown to 77 and 68 with the backups' merge: the health
# reading's first transaction, whether the drive is the shop's, is now answered by the begin transaction).
STATEMENTS = 74
TRANSACTIONS = 8
RECORD_READS = 7  # SELECTs from custody_records


@dataclass
class Count:
    statements: list[str] = field(default_factory=list)
    transactions: int = 0

    @property
    def sql(self) -> list[str]:
        return [s for s in self.statements if s != "-- BEGIN"]

    @property
    def record_reads(self) -> int:
        return sum(1 for s in self.sql if re.search(r"^\s*SELECT\b.*\bFROM custody_records\b", s, re.S))


@contextmanager
def counted() -> Iterator[Count]:
    count = Count()

    def statement(conn: Any, cursor: Any, sql: str, *args: Any) -> None:
        count.statements.append(sql)

    def begin(conn: Any) -> None:
        count.transactions += 1
        count.statements.append("-- BEGIN")

    event.listen(Engine, "before_cursor_execute", statement)
    event.listen(Engine, "begin", begin)
    try:
        yield count
    finally:
        event.remove(Engine, "before_cursor_execute", statement)
        event.remove(Engine, "begin", begin)


def test_one_erase_stays_within_its_recorded_statements_and_transactions(cli: Cli) -> None:
    customer = cli.ok("customer", "add", "--name", "C. Klant")
    cli.ok("backup", "register", "--serial", SERIAL, "--customer", str(customer["id"]), "--job", "J-1")
    cli.ok("request-deletion", SERIAL)  # due today
    cli.overrides = Overrides(
        drive_source=OneDrive(DetectedDrive(IDENTITY)),
        block_opener=FakeOpener(FakeBlockDevice(SIZE)),
        command_runner=FakeRunner({}),
        certificate_renderer=FakeRenderer(),
        clock=cli.overrides.clock,
        config=cli.overrides.config,
    )
    with counted() as count:
        done = cli("erase", "/dev/sdz", "--method", "zero", "--confirm", SERIAL, "--json")
    assert done.exit_code == 0, done.stderr
    final = json.loads(done.stdout.strip().splitlines()[-1])
    assert final["outcome"] == "succeeded" and final["certificate"]
    trace = "\n".join(" ".join(s.split())[:110] for s in count.statements)  # shown when it fails
    assert len(count.sql) <= STATEMENTS, trace
    assert count.transactions <= TRANSACTIONS, trace
    assert count.record_reads <= RECORD_READS, trace
