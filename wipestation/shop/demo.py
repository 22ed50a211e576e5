"""Sample data for `wipestation tui --demo` and for benchmarks: invented customers (no real
people), backup and abandoned records spread over past, today and future due dates, a few holds.

Everything goes through the ordinary services, so the demo database has a valid audit chain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from wipestation.common.config import ShopConfig
from wipestation.common.env import Env
from wipestation.common.identity import DriveIdentity
from wipestation.records import custody, registration
from wipestation.records.customers import CustomerInput, add_customer

# The demo's own invented shop: its certificates name it when the configuration has no [shop] (a
# real shop's name never stands in for it).
DEMO_SHOP = ShopConfig(name="Demowinkel (voorbeeld)", address="Proefstraat 1, Fictiedorp", contact="demo@example.nl")

# Invented names; e-mail addresses under example.nl (reserved), phone numbers from a fictional range.
DEMO_CUSTOMERS: tuple[CustomerInput, ...] = (
    CustomerInput("Fietsenmakerij Voorbeeld", "werkplaats@voorbeeld.example.nl", "0592-000101", "Proefstraat 1, Assen"),
    CustomerInput("A. Testbewoner", "a.testbewoner@example.nl", "06-00000102", "Demolaan 2, Assen"),
    CustomerInput("Bakkerij Het Nepbrood", None, "0592-000103", "Markt 3, Fictiedorp"),
    CustomerInput("K. Verzonnen", "k.verzonnen@example.nl", None, None),
    CustomerInput("Stichting Oefenclub", "bestuur@oefenclub.example.nl", "0592-000105", "Sportpad 5, Assen"),
    CustomerInput("M. de Proef", None, "06-00000106", "Kanaalweg 6, Fictiedorp"),
    CustomerInput("Huisartsenpraktijk Voorbeeld", "praktijk@voorbeeld.example.nl", "0592-000107", None),
    CustomerInput("J. Doe-Demo", "jdd@example.nl", None, "Stationsplein 8, Assen"),
)

_MODELS = (
    ("WD Elements 2TB", 2_000_398_934_016, "hdd", "usb"),
    ("Samsung T7 1TB", 1_000_204_886_016, "ssd", "usb"),
    ("Seagate Expansion 4TB", 4_000_787_030_016, "hdd", "usb"),
    ("Crucial MX500 500GB", 500_107_862_016, "ssd", "ata"),
    ("WD Blue 1TB", 1_000_204_886_016, "hdd", "ata"),
    ("Samsung 970 EVO 500GB", 500_107_862_016, "ssd", "nvme"),
)


@dataclass(frozen=True)
class DemoSummary:
    customers: list[int]
    records: list[int]


def _identity(serial: str, i: int) -> DriveIdentity:
    model, size, media, bus = _MODELS[i % len(_MODELS)]
    return DriveIdentity(serial=serial, model=model, capacity_bytes=size, media=media, bus=bus)


def seed_demo(
    session: Session,
    env: Env,
    *,
    backup_serials: Sequence[str] = (),
    extra_records: int = 0,
) -> DemoSummary:
    """Fill an empty store with sample customers and records, relative to `env.today()`.

    backup_serials: drives (e.g. the demo's loop devices, `LOOP-<file>`) to register as backups that
    are due today, so erasing them can be tried at once.
    extra_records: more backup records, due between 28 days ago and 29 days ahead (for benchmarks).
    """
    today = env.today()
    backup_days = env.config.retention.backup_days
    customers = [add_customer(session, env, data).id for data in DEMO_CUSTOMERS]
    records: list[int] = []

    def backup(serial: str, i: int, due_in: int, job: str, location: str | None = None) -> int:
        made_on = today - timedelta(days=backup_days - due_in)
        reg = custody.Registration(customers[i % len(customers)], job, made_on, location)
        record = registration.register_backup(session, env, _identity(serial, i), reg)
        records.append(record.id)
        return record.id

    def abandoned(serial: str, i: int, months_ago: int, days_ago: int, location: str) -> int:
        started = today - relativedelta(months=months_ago) - timedelta(days=days_ago)
        reg = custody.Registration(
            customers[i % len(customers)],
            None,
            started,
            location,
            host_computer=f"Demo-PC {i}",
            seal_number=f"Z{1000 + i}",
        )
        record = registration.register_abandoned(session, env, _identity(serial, i + 3), reg)
        records.append(record.id)
        return record.id

    # Backups: overdue, due today, due soon, due later.
    for i, due_in in enumerate((-9, -4, -1, 0, 0, 2, 5, 11, 17, 26)):
        backup(f"DEMO-BK-{i + 1:04d}", i, due_in, f"JOB-{2400 + i}", f"Kast B{1 + i % 3}")
    # Abandoned disks: due (over 3 months ago), due today, and still stored.
    for i, (months, days) in enumerate(((3, 12), (3, 2), (3, 0), (2, 20), (1, 5), (0, 3))):
        abandoned(f"DEMO-AB-{i + 1:04d}", i, months, days, f"Plank A{1 + i}")
    # Holds: a dispute on an overdue backup, a police request on an abandoned disk.
    custody.hold(session, env, str(records[0]), today + timedelta(days=20), "klant betwist de factuur (dispute)")
    custody.hold(session, env, str(records[11]), today + timedelta(days=45), "politieverzoek (police request)")
    # An early deletion request.
    custody.request_deletion(session, env, str(records[8]))
    for j, serial in enumerate(backup_serials):
        backup(serial, j, 0, f"JOB-LOOP-{j + 1}", "Wisstation")
    for k in range(extra_records):
        backup(f"BENCH-{k + 1:06d}", k, (k % 58) - 28, f"JOB-B{k + 1}", f"Kast C{k % 9}")
    session.flush()
    return DemoSummary(customers=customers, records=records)
