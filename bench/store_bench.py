"""The store's read side over 100 000 records: `due` and `list` against a bare SQL query of the same rows.

    .venv/bin/python bench/store_bench.py [--records 100000] [--repeat 5]

Builds a temporary SQLite file with the real schema (migrations), fills it with bulk inserts (three
years of a busy shop: most records closed, some open ones neglected, 1 % on hold), then times, in
interleaved rounds, each read the CLI does (`wipestation.views.due_list` / `record_list`, and with
their JSON dicts) against the bare query of the same rows through `sqlite3` on the same file. Prints
the best CPU time of each and the median of the per-round ratios; the due list should cost at most
2x its bare query.
Not a test: no timed assertions anywhere.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker

from wipestation import views
from wipestation.store.db import open_store
from wipestation.store.models import CustodyKind, CustodyRecord, CustodyState, Customer, Drive, DriveOwner, Hold

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

# The same rows as the views read: the records with their drive and customer (and, for the due list,
# the open ones whose rule date or early-deletion request has come and no hold runs past today), with their
# holds: one query each.
COLUMNS = """r.id, r.kind, r.state, r.customer_id, r.job_ref, r.started_on, r.due_on, r.deletion_requested_on,
    r.deletion_reason, r.location, r.host_computer, r.seal_number, r.received_on, r.created_at, r.created_by,
    r.closed_at, d.serial, d.model, d.vendor, d.capacity_bytes, d.bus, d.media, d.wwn, d.owner, c.name,
    h.id, h.until, h.reason, h.created_by, h.released_at, h.release_reason"""
FROM = (
    "custody_records r JOIN drives d ON d.id = r.drive_id JOIN customers c ON c.id = r.customer_id "
    "LEFT OUTER JOIN holds h ON h.record_id = r.id"
)
DUE_WHERE = (
    "r.state IN ('holding', 'stored', 'erasing') AND (r.due_on <= :on OR r.deletion_requested_on <= :on) "
    "AND r.id NOT IN (SELECT record_id FROM holds WHERE released_at IS NULL AND until > :on)"
)
BARE_DUE = f"SELECT {COLUMNS} FROM {FROM} WHERE {DUE_WHERE} ORDER BY r.id, h.id"
BARE_LIST = f"SELECT {COLUMNS} FROM {FROM} ORDER BY r.id, h.id"


def seed(sessions: sessionmaker[Session], n: int) -> None:
    rng = random.Random(14)
    customers = max(1, n // 10)
    with sessions.begin() as s:
        s.execute(
            insert(Customer),
            [
                {"id": i, "name": f"Customer {i}", "email": f"c{i}@example.nl", "created_at": NOW, "updated_at": NOW}
                for i in range(1, customers + 1)
            ],
        )
        s.execute(
            insert(Drive),
            [
                {
                    "id": i,
                    "serial": f"SN{i:08d}",
                    "model": "WD Elements",
                    "vendor": "WD",
                    "capacity_bytes": 10**12,
                    "bus": "usb",
                    "media": "hdd",
                    "owner": DriveOwner.SHOP if i % 10 < 7 else DriveOwner.CUSTOMER,
                    "erase_count": 0,
                    "created_at": NOW,
                }
                for i in range(1, n + 1)
            ],
        )
        records, holds = [], []
        for i in range(1, n + 1):
            backup = i % 10 < 7
            started = TODAY - timedelta(days=rng.randrange(3 * 365))
            due = started + (timedelta(days=30) if backup else timedelta(days=91))
            closed = due < TODAY - timedelta(days=60) and rng.random() > 0.02  # 2 %: neglected, still open
            if closed:
                state = CustodyState.ERASED if backup else CustodyState.DESTROYED
            else:
                state = CustodyState.HOLDING if backup else CustodyState.STORED
            records.append(
                {
                    "id": i,
                    "kind": CustodyKind.BACKUP if backup else CustodyKind.ABANDONED,
                    "state": state,
                    "drive_id": i,
                    "customer_id": rng.randrange(1, customers + 1),
                    "job_ref": f"J-{i}",
                    "started_on": started,
                    "due_on": due,
                    "location": f"shelf {i % 40}",
                    "created_at": NOW,
                    "created_by": "bench",
                    "closed_at": NOW if closed else None,
                    "deletion_requested_on": TODAY - timedelta(days=3) if i % 97 == 0 and not closed else None,
                }
            )
            if i % 100 == 0:
                holds.append(
                    {
                        "record_id": i,
                        "until": TODAY + timedelta(days=30),
                        "reason": "dispute",
                        "created_at": NOW,
                        "created_by": "bench",
                    }
                )
        s.execute(insert(CustodyRecord), records)
        s.execute(insert(Hold), holds)


def cpu(fn: Callable[[], Any]) -> float:
    """CPU seconds of this process (SQLite runs in it too): on a shared machine wall time mostly
    measures the neighbours."""
    start = time.process_time()
    fn()
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        engine, sessions = open_store(f"sqlite:///{path}")
        start = time.perf_counter()
        seed(sessions, args.records)
        print(f"seeded {args.records} records in {time.perf_counter() - start:.1f} s ({path.stat().st_size >> 20} MiB)")
        bare = sqlite3.connect(path)

        def bare_rows(*queries: str) -> int:
            return sum(len(bare.execute(q, {"on": TODAY.isoformat()}).fetchall()) for q in queries)

        def view(fn: Callable[[Session], list[Any]], as_dicts: bool = False) -> Callable[[], int]:
            def run() -> int:
                with sessions.begin() as s:
                    rows = fn(s)
                    return len([r.to_dict() for r in rows] if as_dicts else rows)

            return run

        cases = [
            ("due", BARE_DUE, lambda s: views.due_list(s, TODAY)),
            ("list", BARE_LIST, lambda s: views.record_list(s, TODAY)),
        ]
        print(f"CPU time, best of {args.repeat} interleaved rounds; ratio: median of the per-round ratios")
        print(
            f"{'read':<6} {'rows':>7} {'bare SQL':>10} {'view':>10} {'ratio':>6} {'view+JSON dicts':>16} {'ratio':>6}"
        )
        for name, query, fn in cases:
            rounds: list[tuple[float, float, float]] = []
            for _ in range(args.repeat):  # bare, view, view with dicts; again
                rounds.append((cpu(partial(bare_rows, query)), cpu(view(fn)), cpu(view(fn, True))))
            bare_t, view_t, dict_t = (min(r[i] for r in rounds) for i in range(3))
            view_ratio = statistics.median(r[1] / r[0] for r in rounds)
            dict_ratio = statistics.median(r[2] / r[0] for r in rounds)
            rows = view(fn)()
            print(
                f"{name:<6} {rows:>7} {bare_t * 1000:>8.1f}ms {view_t * 1000:>8.1f}ms {view_ratio:>5.2f}x "
                f"{dict_t * 1000:>14.1f}ms {dict_ratio:>5.2f}x"
            )
        bare.close()
        engine.dispose()


if __name__ == "__main__":
    main()
