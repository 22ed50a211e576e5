"""How fast the console opens and refreshes with many records: the dashboard and the record list.

    .venv/bin/python bench/tui_bench.py [--records 10000,100000] [--runs 3] [--db PATH]

Seeds a SQLite file once: `--service` records (default 2 000) through the ordinary services (slow: each
writes its audit event), then copies of those drives and records by plain SQL up to each size (the
console reads records, drives and customers, not the audit chain). `--db` keeps the file for the next
run. For each size it times, a few times each and against references measured in the same run:

- opening: from starting the App (or pushing the record list) to its first full refresh (the dashboard:
  the most urgent due rows and the counts; the record list: its first page drawn), and the record
  list until every record is in (read by a worker meanwhile, the console answering keys); reference:
  a bare Textual app mounting the same widgets (header, a RowTable with the same rows, footer);
- the store read: the console's rows (tui.queries) against the bare SQL query of the same rows;
- one refresh's cost on the UI thread (the rows were read in a worker): the dashboard's and the
  record list's apply(); reference: RowTable.set_rows() of the same rows in the bare app.

Targets (issue 15): open < 0.5 s with 10 000 records, < 1 s with 100 000; refresh < 50 ms of the UI thread.
Not a test: the numbers are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from datetime import time as dtime
from functools import partial
from pathlib import Path
from typing import Any, cast

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker
from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Input

from tui.app import WipestationApp
from tui.queries import RecordRow, due_page, due_rows, record_rows
from tui.rowtable import RowTable
from tui.screens.dashboard import DUE_SHOWN
from tui.screens.records import COLUMNS, RecordsScreen, format_record
from tui.services import ConsoleServices
from wipestation.common.config import Config
from wipestation.common.devices import DetectedDrive
from wipestation.common.env import Env
from wipestation.shop.demo import seed_demo
from wipestation.store.db import open_store
from wipestation.store.models import CustodyRecord

TODAY = date(2026, 11, 25)
BARE_SQL = (
    "SELECT r.id, r.kind, r.state, d.serial, r.customer_id, c.name, r.job_ref, r.due_on, r.deletion_requested_on, "
    "r.location FROM custody_records r JOIN drives d ON d.id = r.drive_id JOIN customers c ON c.id = r.customer_id "
    "ORDER BY r.id"
)


class FixedClock:
    def now(self) -> datetime:
        return datetime.combine(TODAY, dtime(9, 0), tzinfo=UTC)


class NoDrives:
    def list_drives(self) -> list[DetectedDrive]:
        return []

    def identify(self, device: str) -> DetectedDrive:
        raise LookupError(device)

    def identify_fd(self, fd: int) -> DetectedDrive:
        raise LookupError(fd)


class BareApp(App[None]):
    """The reference: the same widgets, no store, no console."""

    def __init__(self, rows: list[RecordRow]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield Header()
        yield RowTable(COLUMNS, format_record, id="records")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#records", RowTable).set_rows(self.rows)


def count(sessions: sessionmaker[Session]) -> int:
    with sessions.begin() as s:
        return int(s.execute(select(func.count(CustodyRecord.id))).scalar() or 0)


def grow(sessions: sessionmaker[Session], target: int) -> None:
    """Copies of the service-made drives and records (new serials) until there are `target` records."""
    with sessions.begin() as s:
        conn = s.connection()
        base = conn.execute(text("SELECT min(id), max(id) FROM custody_records WHERE job_ref LIKE 'JOB-B%'")).one()
        first, last = int(base[0]), int(base[1])
        copy = 0
        while (have := int(conn.execute(text("SELECT count(*) FROM custody_records")).scalar() or 0)) < target:
            copy += 1
            limit = min(target - have, last - first + 1)
            conn.execute(
                text(
                    "INSERT INTO drives (serial, model, capacity_bytes, bus, media, owner, erase_count, created_at) "
                    "SELECT d.serial || :suffix, d.model, d.capacity_bytes, d.bus, d.media, d.owner, 0, d.created_at "
                    "FROM custody_records r JOIN drives d ON d.id = r.drive_id WHERE r.id BETWEEN :a AND :b"
                ),
                {"suffix": f"-C{copy}-{have}", "a": first, "b": first + limit - 1},
            )
            conn.execute(
                text(
                    "INSERT INTO custody_records (kind, state, drive_id, customer_id, job_ref, started_on, due_on, "
                    "location, created_at, created_by) SELECT r.kind, r.state, d2.id, r.customer_id, r.job_ref, "
                    "r.started_on, r.due_on, r.location, r.created_at, r.created_by FROM custody_records r "
                    "JOIN drives d ON d.id = r.drive_id JOIN drives d2 ON d2.serial = d.serial || :suffix "
                    "WHERE r.id BETWEEN :a AND :b"
                ),
                {"suffix": f"-C{copy}-{have}", "a": first, "b": first + limit - 1},
            )


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


drawn: list[float] = []  # when the record list first drew a line of rows (the terminal shows it then)


def spy_on_drawing() -> None:
    """Note when the record list first draws a line with rows: with the rest being read in a worker,
    the event loop stays busy and `pilot.pause()` returns only later than the picture."""
    draw = RowTable.render_line

    def render_line(self: RowTable[Any], y: int) -> Any:
        if self.id == "records" and self.rows and not drawn:
            drawn.append(time.perf_counter())
        return draw(self, y)

    RowTable.render_line = render_line  # type: ignore[method-assign]


async def measure(services: ConsoleServices, runs: int) -> dict[str, list[float]]:
    t: dict[str, list[float]] = {}

    def add(name: str, seconds: float) -> None:
        t.setdefault(name, []).append(seconds)

    for _ in range(runs):
        with services.sessions.begin() as s:
            took, _ = timed(lambda: s.connection().exec_driver_sql(BARE_SQL).fetchall())
            add("ref: bare SQL of every record", took)
            took, rows = timed(partial(record_rows, s, TODAY))
            add("console rows of every record (tui.queries)", took)
            took, _ = timed(partial(due_rows, s, TODAY))
            add("every due row (wipestation due)", took)
            took, _ = timed(partial(due_page, s, TODAY, DUE_SHOWN))
            add("the dashboard's due page and counts", took)
        bare = BareApp(rows)
        start = time.perf_counter()
        async with bare.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            add("ref: bare app with the same widgets, open", time.perf_counter() - start)
            table = bare.query_one("#records", RowTable)
            took, _ = timed(lambda table=table, rows=rows: table.set_rows(list(rows)))  # type: ignore[misc]
            add("ref: bare RowTable.set_rows (UI thread)", took)

        app = WipestationApp(services)
        start = time.perf_counter()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            add("dashboard open", time.perf_counter() - start)
            dash = cast(Any, app.screen)
            data = dash.load()  # a worker's part of a live refresh
            took, _ = timed(partial(dash.apply, data))
            add("dashboard refresh, apply (UI thread)", took)
            drawn.clear()
            start = time.perf_counter()
            app.push_screen(RecordsScreen())
            records = cast(Any, app.screen)
            while not drawn or not records.complete:
                await asyncio.sleep(0.002)
            add("record list open (first rows drawn)", drawn[0] - start)
            add("record list, every record in", time.perf_counter() - start)
            await pilot.pause()
            loaded = records.load()
            took, _ = timed(partial(records.apply, loaded))
            add("record list refresh, apply (UI thread)", took)
            search = records.query_one("#search", Input)
            search.value = "wd"  # one key typed in the search field: the list filtered on the UI thread
            took, _ = timed(records.apply_filter)
            add("record list search, one key (UI thread)", took)
            search.value = ""
            await pilot.pause()
    return t


def report(size: int, t: dict[str, list[float]]) -> None:
    def med(name: str) -> float:
        return statistics.median(t[name])

    def line(name: str, ref: str | None, target: float | None) -> None:
        m = med(name)
        parts = [f"  {name:<46} median {m * 1000:8.1f} ms (max {max(t[name]) * 1000:.1f})"]
        if ref is not None:
            parts.append(f"  = {m / med(ref):.1f}x {ref.removeprefix('ref: ')}")
        if target is not None:
            parts.append(f"  target < {target * 1000:.0f} ms: {'met' if m < target else 'NOT met'}")
        print("".join(parts))

    open_target = 0.5 if size <= 10_000 else 1.0
    print(f"with {size} records:")
    line("ref: bare SQL of every record", None, None)
    line("console rows of every record (tui.queries)", "ref: bare SQL of every record", None)
    line("every due row (wipestation due)", "ref: bare SQL of every record", None)
    line("the dashboard's due page and counts", "ref: bare SQL of every record", None)
    line("ref: bare app with the same widgets, open", None, None)
    line("dashboard open", "ref: bare app with the same widgets, open", open_target)
    line("record list open (first rows drawn)", "ref: bare app with the same widgets, open", open_target)
    line("record list, every record in", "ref: bare app with the same widgets, open", None)
    line("ref: bare RowTable.set_rows (UI thread)", None, None)
    line("dashboard refresh, apply (UI thread)", "ref: bare RowTable.set_rows (UI thread)", 0.05)
    line("record list refresh, apply (UI thread)", "ref: bare RowTable.set_rows (UI thread)", 0.05)
    line("record list search, one key (UI thread)", "ref: bare RowTable.set_rows (UI thread)", 0.05)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", default="10000,100000", help="sizes, comma-separated")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--service", type=int, default=2000, help="records made through the services")
    parser.add_argument("--db", type=Path, help="keep (and reuse) the seeded SQLite file here")
    args = parser.parse_args()
    sizes = sorted(int(n) for n in args.records.split(","))
    spy_on_drawing()
    with tempfile.TemporaryDirectory(prefix="wipestation-bench-") as tmp:
        db = args.db or Path(tmp) / "bench.sqlite3"
        config = Config(data_dir=Path(tmp) / "data")
        env = Env(FixedClock(), config, "bench")
        engine, sessions = open_store(f"sqlite:///{db}")
        if count(sessions) == 0:
            took, _ = timed(lambda: _seed(sessions, env, min(args.service, sizes[0])))
            print(f"seeded {count(sessions)} records through the services in {took:.1f} s (setup, not timed)")
        services = ConsoleServices(sessions=sessions, env=env, drive_source=NoDrives())
        for size in sizes:
            if count(sessions) > size * 1.1:
                print(f"skipped {size}: the store already has {count(sessions)} records (use another --db)")
                continue
            if count(sessions) < size:
                took, _ = timed(partial(grow, sessions, size))
                print(f"copied records by SQL up to {count(sessions)} in {took:.1f} s (setup, not timed)")
            report(count(sessions), asyncio.run(measure(services, args.runs)))
        engine.dispose()
    print("open: App start (or pushing the list) to the first full refresh, includes App start-up and the")
    print("store read; apply: the UI thread's part of one live refresh (the read runs in a worker)")


def _seed(sessions: sessionmaker[Session], env: Env, n: int) -> None:
    with sessions.begin() as s:
        seed_demo(s, env, extra_records=n)


if __name__ == "__main__":
    main()
