"""The backup-drive pool through the CLI: states with a fake clock, erasures with fake devices,
health recorded after each erasure (from recorded smartctl outputs), retiring, and the refusal to
register a backup on a retired drive."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from tests.conftest import Cli
from tests.erasure.conftest import FakeBlockDevice, FakeOpener, FakeRunner, fixture_text
from tests.erasure.test_custody_blockdev import FakeRenderer
from tests.erasure.test_run import OneDrive
from wipestation.common.commands import CommandResult
from wipestation.common.devices import DetectedDrive
from wipestation.common.identity import DriveIdentity

SIZE = 1 << 20


def from_db(value: Any) -> Any:
    """A JSON column as read back: text on SQLite, already parsed on PostgreSQL."""
    return json.loads(value) if isinstance(value, str | bytes) else value


class KeepingRenderer(FakeRenderer):
    def __init__(self) -> None:
        self.data: list[Any] = []

    def render(self, data: Any, lang: str) -> bytes:
        self.data.append(data)
        return super().render(data, lang)


def _identity(serial: str) -> DriveIdentity:
    return DriveIdentity(
        serial=serial, model="WDC WD5000", capacity_bytes=SIZE, bus="usb", media="hdd", device="/dev/sdz"
    )


def _erase_services(cli: Cli, serial: str, smartctl: str | None, renderer: FakeRenderer | None = None) -> None:
    answers: dict[tuple[str, ...], CommandResult] = (
        {} if smartctl is None else {("smartctl", "-j", "-a"): CommandResult(0, fixture_text(smartctl))}
    )
    cli.overrides = replace(
        cli.overrides,
        drive_source=OneDrive(DetectedDrive(_identity(serial))),
        block_opener=FakeOpener(FakeBlockDevice(SIZE)),
        command_runner=FakeRunner(answers),
        certificate_renderer=renderer or FakeRenderer(),
    )


def _erase(cli: Cli, serial: str) -> dict[str, Any]:
    done = cli("erase", "/dev/sdz", "--method", "zero", "--verify", "full", "--confirm", serial, "--json")
    assert done.exit_code == 0, done.stderr
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _pool(cli: Cli) -> dict[str, dict[str, Any]]:
    return {p["serial"]: p for p in cli.ok("pool")}


def _customer(cli: Cli) -> int:
    return int(cli.ok("customer", "add", "--name", "P. Klant")["id"])


def test_pool_states_follow_the_clock_and_the_erasures(cli: Cli) -> None:
    cid = _customer(cli)
    rec = cli.ok("backup", "register", "--serial", "POOL-1", "--customer", str(cid), "--job", "J-1")
    cli.ok("backup", "register", "--serial", "POOL-2", "--customer", str(cid), "--job", "J-2")
    pool = _pool(cli)
    assert pool["POOL-1"]["state"] == "holding" and pool["POOL-1"]["due_on"] == "2026-12-25"
    assert pool["POOL-1"]["record_id"] == rec["id"] and pool["POOL-1"]["erase_count"] == 0
    assert pool["POOL-1"]["health"] == "unknown" and pool["POOL-1"]["health_at"] is None
    cli.clock.advance(days=30)
    assert {s: p["state"] for s, p in _pool(cli).items()} == {"POOL-1": "due", "POOL-2": "due"}
    assert [p["serial"] for p in cli.ok("pool", "--state", "due")] == ["POOL-1", "POOL-2"]
    _erase_services(cli, "POOL-1", "smartctl_a_ata_wd140edfz.json")
    cli.clock.advance(hours=1)
    final = _erase(cli, "POOL-1")
    assert final["health"] == "healthy" and final["certificate"]
    pool = _pool(cli)
    assert pool["POOL-1"]["state"] == "available" and pool["POOL-1"]["erase_count"] == 1
    assert pool["POOL-1"]["health"] == "healthy" and pool["POOL-1"]["health_at"].startswith("2026-12-25T13:00")
    assert pool["POOL-1"]["last_erased_at"].startswith("2026-12-25T13:00") and pool["POOL-1"]["record_id"] is None
    assert pool["POOL-2"]["state"] == "due"
    human = cli("pool")
    assert "POOL-1" in human.stdout and "available" in human.stdout and "erased 1x" in human.stdout
    # the drive goes back to work
    again = cli.ok("backup", "register", "--serial", "POOL-1", "--customer", str(cid), "--job", "J-3")
    assert _pool(cli)["POOL-1"]["state"] == "holding" and again["drive"]["serial"] == "POOL-1"


def test_health_after_erasure_is_recorded_and_on_the_certificate(cli: Cli) -> None:
    cid = _customer(cli)
    rec = cli.ok("backup", "register", "--serial", "POOL-H", "--customer", str(cid), "--job", "J-1")
    cli("request-deletion", str(rec["id"]))
    renderer = KeepingRenderer()
    _erase_services(cli, "POOL-H", "smartctl_a_ata_wd140edfz.json", renderer)
    final = _erase(cli, "POOL-H")
    (data,) = renderer.data
    assert data.erasure.health == (
        "health healthy; reallocated 0, pending 0, offline-uncorrectable 0, CRC errors 0, power-on 1730 h, 32 C"
    )
    ((verdict, erasure_id, figures),) = cli.sql("select verdict, erasure_id, figures from drive_health")
    assert (verdict, erasure_id) == ("healthy", final["erasure_id"])
    assert from_db(figures)["erase_io_errors"] == 0
    stored = from_db(cli.sql("select data from certificates")[0][0])
    assert stored["erasure"]["health"] == data.erasure.health


def test_a_failing_drive_leaves_the_pool_and_cannot_take_a_backup(cli: Cli) -> None:
    cid = _customer(cli)
    _erase_services(cli, "POOL-F", "smartctl_a_usb_jmicron_failing.json")
    final = _erase(cli, "POOL-F")  # a drive new to the records: registered as a shop drive by the erasure
    assert final["health"] == "failing"
    p = _pool(cli)["POOL-F"]
    assert p["state"] == "retired" and p["health"] == "failing" and p["erase_count"] == 1
    assert p["retired_reason"].startswith("health: the drive's SMART self-assessment failed; reallocated sectors 1975")
    before = cli.snapshot()
    refused = cli("backup", "register", "--serial", "POOL-F", "--customer", str(cid), "--job", "J-1")
    assert refused.exit_code == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.startswith("error: drive POOL-F was retired from the backup pool on 2026-11-25")
    assert len(refused.stderr.strip().splitlines()) == 1
    assert cli.snapshot() == before
    actions = [a for (a,) in cli.sql("select action from audit_events order by id")]
    assert actions[-3:] == ["drive.health_checked", "drive.retired", "erasure.succeeded"]


def test_a_drive_without_smart_is_unknown_and_stays_in_the_pool(cli: Cli) -> None:
    _erase_services(cli, "POOL-U", None)  # smartctl answers nothing usable
    final = _erase(cli, "POOL-U")
    assert final["health"] == "unknown"
    p = _pool(cli)["POOL-U"]
    assert (p["state"], p["health"], p["erase_count"]) == ("available", "unknown", 1)
    _erase_services(cli, "POOL-U", None)
    human = cli("erase", "/dev/sdz", "--method", "zero", "--confirm", "POOL-U")
    assert human.exit_code == 0 and "drive health: unknown" in human.stdout
    assert _pool(cli)["POOL-U"]["erase_count"] == 2


def test_retire_by_hand_and_its_refusals(cli: Cli) -> None:
    cid = _customer(cli)
    cli.ok("backup", "register", "--serial", "POOL-R", "--customer", str(cid), "--job", "J-1")
    cli.ok("abandoned", "register", "--serial", "CUST-1", "--model", "M", "--capacity", "1TB", "--customer", str(cid))
    before = cli.snapshot()
    for args, message in (
        (("POOL-R", "--reason", "dropped"), "error: drive POOL-R holds backup record 1 (holding); erase it before"),
        (("CUST-1", "--reason", "x"), "error: drive CUST-1 is a customer disk, not a shop backup drive"),
        (("NOPE", "--reason", "x"), "error: no drive with serial 'NOPE'"),
        (("POOL-R", "--reason", "  "), "error: "),
    ):
        result = cli("pool", "retire", *args)
        assert result.exit_code == 1 and result.stderr.startswith(message), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert cli.snapshot() == before
    _erase_services(cli, "POOL-R", None)
    cli("request-deletion", "1")
    _erase(cli, "POOL-R")
    out = cli.ok("pool", "retire", "POOL-R", "--reason", "dropped on the floor")
    assert out["state"] == "retired" and out["retired_reason"] == "dropped on the floor"
    again = cli("pool", "retire", "POOL-R", "--reason", "x")
    assert again.exit_code == 1 and "was retired already on 2026-11-25" in again.stderr
    event = cli.sql("select action, after from audit_events where action = 'drive.retired'")
    assert event and "dropped" not in json.dumps(from_db(event[0][1]))


def test_health_command_records_a_known_drive(cli: Cli, tmp_path: Path) -> None:
    cid = _customer(cli)
    cli.ok("backup", "register", "--serial", "POOL-N", "--customer", str(cid), "--job", "J-1")
    nvme = DriveIdentity(serial="POOL-N", model="Samsung SSD 970", capacity_bytes=SIZE, bus="nvme", media="ssd")
    cli.overrides = replace(
        cli.overrides,
        drive_source=OneDrive(DetectedDrive(nvme)),
        command_runner=FakeRunner(
            {("smartctl",): CommandResult(0, fixture_text("smartctl_x_nvme_samsung970_media_errors.json"))}
        ),
    )
    out = cli.ok("health", "/dev/nvme0n1")
    assert out["recorded"] and out["verdict"] == "failing" and out["media_errors"] == 7
    assert out["reasons"] == ["NVMe media errors 7 > 0"] and out["serial"] == "POOL-N"
    human = cli("health", "/dev/nvme0n1")
    assert "health failing; media errors 7, used 3 %, critical warning 0, power-on 12798 h, 35 C" in human.stdout
    # failing: retired at once, but it still holds a backup, which must be erased first
    p = _pool(cli)["POOL-N"]
    assert (p["health"], p["state"], p["record_id"]) == ("failing", "holding", 1)
    assert p["retired_reason"] == "health: NVMe media errors 7 > 0"
    cid2 = _customer(cli)
    refused = cli("backup", "register", "--serial", "POOL-N", "--customer", str(cid2), "--job", "J-2")
    assert refused.exit_code == 1 and "already holds an open backup" in refused.stderr
    # an unknown drive is read but not recorded
    other_drive = OneDrive(DetectedDrive(DriveIdentity(serial="OTHER", bus="usb", media="hdd")))
    cli.overrides = replace(cli.overrides, drive_source=other_drive, command_runner=FakeRunner({}))
    other = cli.ok("health", "/dev/sdx")
    assert other["recorded"] is False and other["verdict"] == "unknown"
    assert cli.sql("select count(*) from drive_health") == [(2,)]


def test_health_and_pool_bad_input(cli: Cli) -> None:
    class Nowhere:
        def list_drives(self) -> list[DetectedDrive]:
            return []

        def identify(self, device: str) -> DetectedDrive:
            from wipestation.common.errors import NotFound

            raise NotFound(f"no such device {device}")

        def identify_fd(self, fd: int) -> DetectedDrive:
            from wipestation.common.errors import NotFound

            raise NotFound(f"no drive held open on descriptor {fd}")

    cli.overrides = replace(cli.overrides, drive_source=Nowhere())
    assert cli.ok("pool") == []  # the schema exists (on PostgreSQL every row is compared)
    before = cli.snapshot()
    missing = cli("health", "/dev/sdq")
    assert missing.exit_code == 1 and missing.stderr == "error: no such device /dev/sdq\n"
    bad_state = cli("pool", "--state", "lost")
    assert bad_state.exit_code == 2 and "Invalid value for '--state'" in bad_state.stderr
    assert cli.snapshot() == before
