"""`drives`, `watch` and `install-udev-rules` in-process, with a fake drive source and watcher."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tests.detection.conftest import FIXTURES, FixedClock, make_config
from wipestation.app import Overrides
from wipestation.cli import main
from wipestation.common.config import Config
from wipestation.common.devices import DetectedDrive
from wipestation.common.errors import NotFound
from wipestation.common.identity import DriveIdentity
from wipestation.detection.udev_rules import render_rules
from wipestation.detection.watcher import DriveEvent
from wipestation.store.db import open_store
from wipestation.store.models import CustodyKind, CustodyRecord, CustodyState, Customer, Drive, DriveOwner, Hold

CLOCK = FixedClock()
TODAY = date(2026, 3, 10)

HDD = DriveIdentity(
    serial="WD-WCC6Y3KJ1234",
    model="WDC WD10EZEX-08WN4A0",
    vendor="WDC",
    capacity_bytes=1000204886016,
    bus="ata",
    media="hdd",
    device="/dev/sdb",
    id_path="pci-0000:00:17.0-ata-3",
)
SYSTEM = DriveIdentity(
    serial="S4EWNX0R123456K", model="Samsung SSD 970", bus="nvme", media="ssd", device="/dev/nvme0n1"
)


class FakeSource:
    def __init__(self, drives: list[DetectedDrive]) -> None:
        self.drives = drives

    def list_drives(self) -> list[DetectedDrive]:
        return list(self.drives)

    def identify(self, device: str) -> DetectedDrive:
        for drive in self.drives:
            if drive.identity.device == device:
                return drive
        raise NotFound(f"no such device: {device}")


def run(tmp_path: Path, args: list[str], *, config: Config | None = None, **seams: Any) -> Result:
    obj = Overrides(clock=CLOCK, config=config or make_config(tmp_path), **seams)
    return CliRunner().invoke(main, ["--db", db_url(tmp_path), *args], obj=obj, catch_exceptions=False)


def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 't.db'}"


def add_backup_record(tmp_path: Path, serial: str, due_on: date) -> tuple[int, int]:
    """A customer and an open backup record for `serial`, written straight into the store."""
    engine, sessions = open_store(db_url(tmp_path))
    now = CLOCK.now()
    try:
        with sessions.begin() as session:
            customer = Customer(name="Jan Jansen", created_at=now, updated_at=now)
            drive = Drive(serial=serial, owner=DriveOwner.SHOP, erase_count=0, created_at=now)
            session.add_all([customer, drive])
            session.flush()
            record = CustodyRecord(
                kind=CustodyKind.BACKUP,
                state=CustodyState.HOLDING,
                drive_id=drive.id,
                customer_id=customer.id,
                started_on=due_on - timedelta(days=30),
                due_on=due_on,
                created_at=now,
                created_by="tester",
            )
            session.add(record)
            session.flush()
            return record.id, customer.id
    finally:
        engine.dispose()


def test_drives_json_lists_identity_protection_bay_and_record(tmp_path: Path) -> None:
    record_id, customer_id = add_backup_record(tmp_path, HDD.serial, TODAY + timedelta(days=3))
    source = FakeSource([DetectedDrive(HDD), DetectedDrive(SYSTEM, "holds the root file system / (on nvme0n1p2)")])
    config = make_config(tmp_path, wipe_bay_paths=("pci-0000:00:17.0-ata-3",))
    result = run(tmp_path, ["drives", "--json"], config=config, drive_source=source)
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["device"] for r in rows] == ["/dev/sdb", "/dev/nvme0n1"]
    hdd, system = rows
    assert hdd["serial"] == HDD.serial
    assert (hdd["capacity_bytes"], hdd["bus"], hdd["media"], hdd["bay"]) == (1000204886016, "ata", "hdd", True)
    assert (hdd["protected"], hdd["protected_reason"]) == (False, None)
    assert hdd["record"] == {
        "drive_id": 1,
        "owner": "shop",
        "id": record_id,
        "kind": "backup",
        "customer_id": customer_id,
        "customer_name": "Jan Jansen",
        "state": "holding",
        "due_on": "2026-03-13",
        "days_left": 3,
        "hold_until": None,
    }
    assert (system["protected"], system["protected_reason"]) == (True, "holds the root file system / (on nvme0n1p2)")
    assert (system["bay"], system["record"]) == (False, None)


def test_drives_text_names_the_record_and_the_protection(tmp_path: Path) -> None:
    add_backup_record(tmp_path, HDD.serial, TODAY - timedelta(days=2))
    source = FakeSource([DetectedDrive(HDD), DetectedDrive(SYSTEM, "holds the root file system / (on nvme0n1p2)")])
    result = run(tmp_path, ["drives"], drive_source=source)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("/dev/sdb")
    assert "1.0 TB" in lines[0]
    assert lines[0].endswith("backup of Jan Jansen (customer 1), overdue by 2 days")  # the console's words
    assert "unknown drive" in lines[1]
    assert lines[2].strip() == "PROTECTED: holds the root file system / (on nvme0n1p2)"


def test_known_drive_without_open_record(tmp_path: Path) -> None:
    engine, sessions = open_store(db_url(tmp_path))
    with sessions.begin() as session:
        session.add(Drive(serial=HDD.serial, owner=DriveOwner.SHOP, erase_count=2, created_at=CLOCK.now()))
    engine.dispose()
    result = run(tmp_path, ["drives", "--json"], drive_source=FakeSource([DetectedDrive(HDD)]))
    [row] = json.loads(result.stdout)
    assert (row["record"]["owner"], row["record"]["id"], row["record"]["due_on"]) == ("shop", None, None)
    text = run(tmp_path, ["drives"], drive_source=FakeSource([DetectedDrive(HDD)])).stdout
    assert text.rstrip().endswith("shop backup drive, available")


def test_drives_with_nothing_attached(tmp_path: Path) -> None:
    assert run(tmp_path, ["drives", "--json"], drive_source=FakeSource([])).stdout.strip() == "[]"
    assert run(tmp_path, ["drives"], drive_source=FakeSource([])).stdout.strip() == "no drives attached"


class FakeWatcher:
    """Emits the given events from start(), then sends this process SIGTERM, as a shell would."""

    instances: list[FakeWatcher] = []

    def __init__(self, events: list[DriveEvent], config: Config, sink: Callable[[DriveEvent], None]) -> None:
        self.events, self.config, self.sink = events, config, sink
        self.stopped = False
        FakeWatcher.instances.append(self)

    def start(self) -> None:
        for event in self.events:
            self.sink(event)
        os.kill(os.getpid(), signal.SIGTERM)

    def stop(self) -> None:
        self.stopped = True


def watcher_factory(events: list[DriveEvent]) -> Callable[[Config, Callable[[DriveEvent], None]], FakeWatcher]:
    return lambda config, sink: FakeWatcher(events, config, sink)


def test_watch_prints_one_json_object_per_event_and_exits_0_on_sigterm(tmp_path: Path) -> None:
    record_id, customer_id = add_backup_record(tmp_path, HDD.serial, TODAY + timedelta(days=3))
    events = [
        DriveEvent("attached", "/dev/sdb", HDD, bay=True),
        DriveEvent("attached", "/dev/nvme0n1", SYSTEM, "holds the root file system / (on nvme0n1p2)"),
        DriveEvent("detached", "/dev/sdb", HDD, bay=True),
    ]
    previous = signal.getsignal(signal.SIGTERM)
    FakeWatcher.instances.clear()
    result = run(tmp_path, ["watch", "--json"], watcher_factory=watcher_factory(events))
    assert result.exit_code == 0
    assert "watching for drives" in result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["action"], r["serial"]) for r in rows] == [
        ("attached", HDD.serial),
        ("attached", SYSTEM.serial),
        ("detached", HDD.serial),
    ]
    assert rows[0]["record"]["id"] == record_id
    assert rows[0]["record"]["customer_id"] == customer_id
    assert rows[0]["bay"] is True
    assert (rows[1]["protected"], rows[1]["record"]) == (True, None)
    assert FakeWatcher.instances[0].stopped
    assert signal.getsignal(signal.SIGTERM) is previous  # the handler is put back


def test_watch_text_names_the_known_record(tmp_path: Path) -> None:
    add_backup_record(tmp_path, HDD.serial, TODAY + timedelta(days=3))
    events = [DriveEvent("attached", "/dev/sdb", HDD), DriveEvent("detached", "/dev/sdc", None)]
    result = run(tmp_path, ["watch"], watcher_factory=watcher_factory(events))
    assert result.exit_code == 0
    first, second = result.stdout.splitlines()
    assert first.startswith("attached  /dev/sdb  WD-WCC6Y3KJ1234")
    assert first.endswith("backup of Jan Jansen (customer 1), due in 3 days")
    assert second.startswith("detached  /dev/sdc  (no serial)")


def test_install_udev_rules_writes_the_bay_ports(tmp_path: Path) -> None:
    bays = ("pci-0000:00:17.0-ata-3", "pci-0000:00:14.0-usb-0:2*")
    dest = tmp_path / "rules.d"
    result = run(
        tmp_path, ["install-udev-rules", "--dest", str(dest)], config=make_config(tmp_path, wipe_bay_paths=bays)
    )
    assert result.exit_code == 0, result.stderr
    written = (dest / "60-wipestation.rules").read_text()
    assert written == render_rules(bays)
    assert 'ENV{ID_PATH}=="pci-0000:00:14.0-usb-0:2*", ENV{WIPESTATION_BAY}="1"' in written
    assert oct((dest / "60-wipestation.rules").stat().st_mode & 0o777) == "0o644"
    assert result.stdout.strip() == f"wrote {dest / '60-wipestation.rules'} (2 wipe-bay ports)"


def test_install_udev_rules_refuses_a_malformed_port(tmp_path: Path) -> None:
    config = make_config(tmp_path, wipe_bay_paths=('pci-0"\nRUN+="/bin/sh',))
    dest = tmp_path / "rules.d"
    result = run(tmp_path, ["install-udev-rules", "--dest", str(dest)], config=config)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: config: [devices] wipe_bay_paths: not a udev ID_PATH")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (dest / "60-wipestation.rules").exists()


def test_repository_rules_file_is_the_rendering_without_bays() -> None:
    shipped = FIXTURES.parents[2] / "udev" / "60-wipestation.rules"
    assert shipped.read_text() == render_rules(())


@pytest.mark.parametrize("command", ["drives", "watch", "install-udev-rules"])
def test_every_command_has_help(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"], catch_exceptions=False)
    assert result.exit_code == 0
    assert f" {command} [OPTIONS]" in result.stdout


def test_drives_names_the_model_once_with_its_vendor(tmp_path: Path) -> None:
    """The model is shown when it starts with the vendor (it always does on a loop device, whose vendor
    is unknown): it used to be dropped, leaving "?"."""
    from wipestation.detection.identity import LOOP_MODEL

    loop = DriveIdentity(serial="LOOP-disk.img", model=LOOP_MODEL, bus="loop", device="/dev/loop7")
    usb = DriveIdentity(serial="U1", model="Samsung T7", vendor="Samsung", bus="usb", device="/dev/sdc")
    odd = DriveIdentity(serial="U2", model="T5", vendor="Samsung", bus="usb", device="/dev/sdd")
    source = FakeSource([DetectedDrive(loop), DetectedDrive(usb), DetectedDrive(odd), DetectedDrive(HDD)])
    lines = run(tmp_path, ["drives"], drive_source=source).stdout.splitlines()
    names = [LOOP_MODEL, "Samsung T7", "Samsung T5", "WDC WD10EZEX-08WN4A0"]
    assert [line.split()[2 : 2 + len(name.split())] for line, name in zip(lines, names, strict=True)] == [
        name.split() for name in names
    ]


def test_drives_and_the_console_say_the_same_status(tmp_path: Path) -> None:
    """One status line (`views.drive_status`): `drives` ends with what the console's drive pane says,
    held or not, for a known, a shop and an unknown drive (they used to differ in the hold and the name)."""
    from tui.queries import drive_row

    record_id, _customer = add_backup_record(tmp_path, HDD.serial, TODAY - timedelta(days=2))
    engine, sessions = open_store(db_url(tmp_path))
    try:
        with sessions.begin() as session:
            session.add(Drive(serial="SHOP-1", owner=DriveOwner.SHOP, erase_count=0, created_at=CLOCK.now()))
            session.add(
                Hold(
                    record_id=record_id,
                    until=TODAY + timedelta(days=9),
                    reason="r",
                    created_at=CLOCK.now(),
                    created_by="t",
                )
            )
        shop = DriveIdentity(serial="SHOP-1", model="Pool", bus="usb", device="/dev/sdd")
        stranger = DriveIdentity(serial="X-1", model="Other", bus="usb", device="/dev/sde")
        drives = [DetectedDrive(HDD), DetectedDrive(shop), DetectedDrive(stranger)]
        with sessions.begin() as session:
            console = [drive_row(session, TODAY, d).status for d in drives]
    finally:
        engine.dispose()
    lines = run(tmp_path, ["drives"], drive_source=FakeSource(drives)).stdout.splitlines()
    assert console[0].endswith(f"(on hold until {TODAY + timedelta(days=9)})")
    assert [line.endswith(status) for line, status in zip(lines, console, strict=True)] == [True, True, True]
