"""How fast the console opens with 10 000 records: the dashboard and the record list.

    .venv/bin/python bench/tui_bench.py [--records 10000]

Seeds a temporary SQLite file once (through the ordinary services, so it takes a while), then times,
each a few times, from pushing the screen to its first full refresh. Target: < 0.5 s each.
Not a test: the numbers are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any, cast

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tui.app import WipestationApp
from tui.screens.records import RecordsScreen
from tui.services import ConsoleServices
from wipestation.config import Config
from wipestation.db import open_store
from wipestation.demo import seed_demo
from wipestation.devices import DetectedDrive
from wipestation.env import Env


class FixedClock:
    def now(self) -> datetime:
        return datetime.combine(date(2026, 11, 25), dtime(9, 0), tzinfo=UTC)


class NoDrives:
    def list_drives(self) -> list[DetectedDrive]:
        return []

    def identify(self, device: str) -> DetectedDrive:
        raise LookupError(device)

    def identify_fd(self, fd: int) -> DetectedDrive:
        raise LookupError(fd)


REFRESH: dict[str, list[float]] = {
    "dashboard load (worker)": [],
    "dashboard apply (UI thread)": [],
    "records apply (UI thread)": [],
}


async def measure(services: ConsoleServices, runs: int) -> tuple[list[float], list[float], int, int]:
    dash_times, list_times = [], []
    due = rows = 0
    for _ in range(runs):
        app = WipestationApp(services)
        start = time.perf_counter()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            dash_times.append(time.perf_counter() - start)
            dash = cast(Any, app.screen)
            due = dash.due_table.row_count
            # one live refresh: the store is read in a worker, the UI thread only applies the rows
            start = time.perf_counter()
            data = dash.load()
            REFRESH["dashboard load (worker)"].append(time.perf_counter() - start)
            start = time.perf_counter()
            dash.apply(data)
            REFRESH["dashboard apply (UI thread)"].append(time.perf_counter() - start)
            start = time.perf_counter()
            app.push_screen(RecordsScreen())
            await pilot.pause()
            list_times.append(time.perf_counter() - start)
            records = cast(Any, app.screen)
            rows = records.table.row_count
            loaded = records.load()
            start = time.perf_counter()
            records.apply(loaded)
            REFRESH["records apply (UI thread)"].append(time.perf_counter() - start)
    return dash_times, list_times, due, rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wipestation-bench-") as tmp:
        config = Config(data_dir=Path(tmp) / "data")
        env = Env(FixedClock(), config, "bench")
        engine, sessions = open_store(f"sqlite:///{tmp}/bench.sqlite3")
        t = time.perf_counter()
        with sessions.begin() as s:
            seed_demo(s, env, extra_records=args.records)
        print(f"seeded {args.records} extra records (+ demo set) in {time.perf_counter() - t:.1f} s (setup, not timed)")
        services = ConsoleServices(sessions=sessions, env=env, drive_source=NoDrives())
        dash, lst, due, rows = asyncio.run(measure(services, args.runs))
        engine.dispose()
    print(
        f"dashboard open ({due} due rows):     median {statistics.median(dash):.3f} s  "
        f"(min {min(dash):.3f}, max {max(dash):.3f}, {args.runs} runs; includes App start-up)"
    )
    print(
        f"record list open ({rows} rows):   median {statistics.median(lst):.3f} s  "
        f"(min {min(lst):.3f}, max {max(lst):.3f})"
    )
    for name, times in REFRESH.items():
        print(f"one refresh, {name}: median {statistics.median(times) * 1000:.1f} ms (max {max(times) * 1000:.1f})")
    print("targets: open < 0.5 s each with 10 000 records (< 1 s with 100 000); refresh < 50 ms of the UI thread")


if __name__ == "__main__":
    main()
