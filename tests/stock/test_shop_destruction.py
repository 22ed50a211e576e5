"""A backup drive that fails its health limits is retired and, when `[health] destroy_failed` says so,
queued for destruction as a shop-owned disk: a record of kind shop with no customer, due at once (or
`destroy_after_days` later), in the due list and the pool; `destroy` issues a certificate for the
shop's own records. Through the CLI with fake devices and a fake clock."""

from __future__ import annotations

import dataclasses
import datetime
import json
from typing import Any

import pytest

from tests.conftest import Cli
from tests.erasure.conftest import FakeRunner, fixture_text
from tests.erasure.test_run import OneDrive
from tests.stock.test_pool import KeepingRenderer, _customer, _erase, _erase_services, _pool, from_db
from wipestation.common.commands import CommandResult
from wipestation.common.config import load_config
from wipestation.common.devices import DetectedDrive
from wipestation.common.errors import ConfigError
from wipestation.common.identity import DriveIdentity
from wipestation.store.models import CustodyState
from wipestation.views import DriveInfo, RecordView

FAILING = "smartctl_a_usb_jmicron_failing.json"
HEALTHY = "smartctl_a_ata_wd140edfz.json"


def _destroy_failed(cli: Cli, *, on: bool = True, after_days: int = 0) -> None:
    health = dataclasses.replace(cli.config.health, destroy_failed=on, destroy_after_days=after_days)
    cli.config = dataclasses.replace(cli.config, health=health)


def _fails(cli: Cli, *args: str) -> str:
    result = cli(*args)
    assert result.exit_code == 1, result.stdout
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result.stderr


def _actions(cli: Cli) -> list[str]:
    return [a for (a,) in cli.sql("select action from audit_events order by id")]


def test_a_failing_drive_is_queued_destroyed_and_certified_as_the_shops_own(cli: Cli) -> None:
    _destroy_failed(cli)
    renderer = KeepingRenderer()
    _erase_services(cli, "POOL-F", FAILING, renderer)
    final = _erase(cli, "POOL-F")  # a drive new to the records: a shop drive, erased, health failing
    assert final["health"] == "failing" and final["certificate"] is None
    p = _pool(cli)["POOL-F"]
    assert (p["state"], p["destruction"], p["destruction_due_on"]) == ("retired", "queued", "2026-11-25")
    assert p["record_id"] is None and p["destruction_record_id"] is not None
    assert "queued for destruction (record" in cli("pool").stdout
    record_id = p["destruction_record_id"]
    (due,) = cli.ok("due")
    assert (due["id"], due["kind"], due["customer_id"], due["state"]) == (record_id, "shop", None, "due")
    assert due["serial"] == "POOL-F" and due["destroy_reason"].startswith("health: the drive's SMART self-assess")
    assert "shop's own" in cli("due").stdout and "shop's own drive" in cli("show", str(record_id)).stdout
    assert [r["id"] for r in cli.ok("list", "--kind", "shop")] == [record_id]
    assert _actions(cli)[-5:] == [
        "drive.health_checked",
        "drive.retired",
        "record.registered",
        "drive.queued",
        "erasure.succeeded",
    ]
    ((after,),) = cli.sql("select after from audit_events where action = 'drive.queued'")
    assert from_db(after)["record_id"] == record_id and from_db(after)["verdict"] == "failing"
    assert "SMART" not in json.dumps(from_db(after))  # the reason stays on the row, out of the chain

    out = cli.ok("destroy", "POOL-F", "--method", "shred", "--level", "H-4", "--witness", "Piet")
    assert out["record"] == record_id and out["certificate"] == "WS-2026-000001"
    (data,) = renderer.data
    assert data.kind == "destruction" and data.customer is None and not data.anonymised
    assert data.destruction.owner == "shop"
    assert data.destruction.shop_reason.startswith("health: the drive's SMART self-assessment failed")
    assert data.destruction.health.startswith("health failing; reallocated 1975")
    stored = from_db(cli.sql("select data from certificates")[0][0])
    assert stored["customer"] is None and stored["destruction"]["owner"] == "shop"
    assert cli.sql("select customer_id from audit_events where action like 'destruction.%'") == [(None,)]
    p = _pool(cli)["POOL-F"]
    assert (p["state"], p["destruction"], p["destruction_due_on"]) == ("retired", "destroyed", None)
    assert cli.ok("due") == []
    assert cli.ok("audit", "verify")["ok"] is True


def test_a_customers_destruction_certificate_keeps_its_data_shape(cli: Cli) -> None:
    """The new facts are left out of a customer's disk's certificate (its canonical bytes unchanged)."""
    renderer = KeepingRenderer()
    cli.overrides = dataclasses.replace(cli.overrides, certificate_renderer=renderer)
    cid = _customer(cli)
    cli.ok("abandoned", "register", "--serial", "AB-1", "--model", "M", "--capacity", "1TB", "--customer", str(cid))
    cli.clock.advance(days=100)
    cli.ok("destroy", "AB-1", "--method", "shred", "--level", "H-4")
    stored = from_db(cli.sql("select data from certificates")[0][0])
    assert not {"owner", "shop_reason", "health"} & set(stored["destruction"])
    assert renderer.data[0].customer.name == "P. Klant"


def test_config_off_leaves_a_failing_drive_merely_retired(cli: Cli) -> None:
    _erase_services(cli, "POOL-F", FAILING)
    assert _erase(cli, "POOL-F")["health"] == "failing"
    p = _pool(cli)["POOL-F"]
    assert (p["state"], p["destruction"], p["destruction_record_id"]) == ("retired", None, None)
    assert cli.ok("due") == [] and cli.ok("list") == []
    assert "drive.queued" not in _actions(cli)
    # queued by hand later: then due at once
    out = cli.ok("pool", "queue-destruction", "POOL-F")
    assert out["destruction"] == "queued" and out["destruction_due_on"] == "2026-11-25"
    assert [r["kind"] for r in cli.ok("due")] == ["shop"]


def test_queued_when_the_config_says_later(cli: Cli) -> None:
    _destroy_failed(cli, after_days=7)
    renderer = KeepingRenderer()
    _erase_services(cli, "POOL-F", FAILING, renderer)
    _erase(cli, "POOL-F")
    assert _pool(cli)["POOL-F"]["destruction_due_on"] == "2026-12-02"
    assert cli.ok("due") == [] and [r["id"] for r in cli.ok("due", "--on", "2026-12-02")] != []
    before = cli.snapshot()
    assert "is not due until 2026-12-02" in _fails(cli, "destroy", "POOL-F", "--method", "shred", "--level", "H-4")
    assert cli.snapshot() == before
    cli.clock.advance(days=7)
    assert [r["kind"] for r in cli.ok("due")] == ["shop"]
    assert cli.ok("destroy", "POOL-F", "--method", "shred", "--level", "H-4")["certificate"]


def test_a_failing_drive_holding_a_backup_is_queued_once_the_backup_is_erased(cli: Cli) -> None:
    _destroy_failed(cli)
    cid = _customer(cli)
    rec = cli.ok("backup", "register", "--serial", "POOL-N", "--customer", str(cid), "--job", "J-1")
    nvme = DriveIdentity(serial="POOL-N", model="Samsung SSD 970", capacity_bytes=1 << 20, bus="nvme", media="ssd")
    cli.overrides = dataclasses.replace(
        cli.overrides,
        drive_source=OneDrive(DetectedDrive(nvme)),
        command_runner=FakeRunner(
            {("smartctl",): CommandResult(0, fixture_text("smartctl_x_nvme_samsung970_media_errors.json"))}
        ),
    )
    assert cli.ok("health", "/dev/nvme0n1")["verdict"] == "failing"
    p = _pool(cli)["POOL-N"]
    assert (p["state"], p["destruction"], p["record_id"]) == ("holding", None, rec["id"])  # retired, not queued
    before = cli.snapshot()
    assert "holds backup record 1 (holding); erase it before" in _fails(cli, "pool", "queue-destruction", "POOL-N")
    assert cli.snapshot() == before
    cli("request-deletion", str(rec["id"]))
    _erase_services(cli, "POOL-N", FAILING)
    final = _erase(cli, "POOL-N")
    assert final["certificate"] and final["health"] == "failing"  # the customer's backup: erased and certified
    p = _pool(cli)["POOL-N"]
    assert (p["state"], p["destruction"], p["record_id"]) == ("retired", "queued", None)
    assert _actions(cli)[-3:] == ["record.registered", "drive.queued", "certificate.issued"]
    assert cli.ok("audit", "verify")["ok"] is True


def test_retire_by_hand_with_destroy(cli: Cli) -> None:
    renderer = KeepingRenderer()
    _erase_services(cli, "POOL-W", HEALTHY, renderer)
    _erase(cli, "POOL-W")
    out = cli.ok("pool", "retire", "POOL-W", "--reason", "worn out after 400 erasures", "--destroy")
    assert (out["state"], out["destruction"]) == ("retired", "queued")
    cli.ok("destroy", "POOL-W", "--method", "shred", "--level", "H-4")
    (data,) = renderer.data
    assert data.destruction.shop_reason == "worn out after 400 erasures"
    assert data.destruction.health.startswith("health healthy")


def test_queueing_bad_input_is_one_line_and_changes_nothing(cli: Cli) -> None:
    cid = _customer(cli)
    cli.ok("abandoned", "register", "--serial", "CUST-1", "--model", "M", "--capacity", "1TB", "--customer", str(cid))
    _erase_services(cli, "POOL-A", HEALTHY)
    _erase(cli, "POOL-A")  # available, in the pool
    before = cli.snapshot()
    for args, message in (
        (("POOL-A",), "error: drive POOL-A is still in the pool: retire it first"),
        (("CUST-1",), "error: drive CUST-1 is a customer disk, not a shop backup drive"),
        (("NOPE",), "error: no drive with serial 'NOPE'"),
    ):
        assert _fails(cli, "pool", "queue-destruction", *args).startswith(message)
    assert cli.snapshot() == before
    cli.ok("pool", "retire", "POOL-A", "--reason", "dropped", "--destroy")
    before = cli.snapshot()
    assert _fails(cli, "pool", "queue-destruction", "POOL-A").startswith(
        "error: drive POOL-A is queued for destruction already (record 2, due 2026-11-25)"
    )
    assert "was retired already" in _fails(cli, "pool", "retire", "POOL-A", "--reason", "x", "--destroy")
    assert _fails(cli, "pool", "queue-destruction", "POOL-A", "--reason", "a\x1b[2Jb")  # refused before anything
    assert cli.snapshot() == before
    cli.ok("destroy", "POOL-A", "--method", "shred", "--level", "H-4")
    before = cli.snapshot()
    assert "was destroyed already (record 2)" in _fails(cli, "pool", "queue-destruction", "POOL-A")
    assert "was destroyed already" in _fails(cli, "destroy", "2", "--method", "shred", "--level", "H-4")
    assert cli.snapshot() == before


def test_a_backup_drive_still_in_use_cannot_be_destroyed(cli: Cli) -> None:
    cid = _customer(cli)
    cli.ok("backup", "register", "--serial", "POOL-B", "--customer", str(cid), "--job", "J-1")
    before = cli.snapshot()
    assert "is a backup: backups are erased, not destroyed" in _fails(
        cli, "destroy", "POOL-B", "--method", "shred", "--level", "H-4"
    )
    assert cli.snapshot() == before


def test_anonymising_a_customer_never_touches_the_shops_drive(cli: Cli) -> None:
    _destroy_failed(cli)
    cid = _customer(cli)
    rec = cli.ok("backup", "register", "--serial", "POOL-C", "--customer", str(cid), "--job", "J-1")
    cli("request-deletion", str(rec["id"]))
    _erase_services(cli, "POOL-C", FAILING)
    _erase(cli, "POOL-C")  # the customer's backup erased; the failing drive queued as the shop's own
    cli.ok("destroy", "POOL-C", "--method", "shred", "--level", "H-4")

    def shop_rows() -> Any:
        record = cli.sql("select * from custody_records where kind = 'shop'")
        certificate = cli.sql("select number, data, sha256 from certificates where kind = 'destruction'")
        return record, certificate

    before = shop_rows()
    assert before[0] and before[1]
    cli.ok("customer", "anonymise", str(cid))
    assert shop_rows() == before
    assert cli.ok("audit", "verify")["ok"] is True


def test_destroy_failed_needs_retire_failing(tmp_path: Any) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[health]\ndestroy_failed = true\nretire_failing = false\n")
    with pytest.raises(ConfigError, match="destroy_failed needs retire_failing = true"):
        load_config(path, env={})
    path.write_text("[health]\ndestroy_failed = true\ndestroy_after_days = 14\n")
    health = load_config(path, env={}).health
    assert (health.destroy_failed, health.destroy_after_days) == (True, 14)
    assert load_config(None, env={}).health.destroy_failed is False


DAY = datetime.date(2026, 1, 5)


def _record_view() -> RecordView:
    when = datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC)
    drive = DriveInfo("S", None, None, None, None, None, None, "shop")
    return RecordView(
        3, "shop", "due", CustodyState.STORED, None, "-", None, DAY, DAY, DAY, -2, None, None, None, None, (), None,
        None, None, None, drive, when, "test", None,
    )  # fmt: skip


def test_drives_describes_the_shops_own_queued_drive() -> None:
    """`drives` words a record as the console's drive pane does (one status line, `views.drive_status`),
    holds included."""
    from wipestation.cli.drives import describe_record
    from wipestation.views import KnownDrive

    shop = _record_view()._replace(kind="shop", customer_id=None, days_left=-2)
    assert (
        describe_record(KnownDrive(1, "shop", shop)) == "shop drive retired, queued for destruction, overdue by 2 days"
    )
    backup = shop._replace(kind="backup", customer_id=7, customer_name="Jan", days_left=4, hold_until=DAY.replace(2027))
    assert describe_record(KnownDrive(1, "shop", backup)) == (
        "backup of Jan (customer 7), due in 4 days (on hold until 2027-01-05)"
    )


def test_a_shelf_label_for_the_shops_own_queued_drive(cli: Cli, tmp_path: Any) -> None:
    import subprocess

    _erase_services(cli, "POOL-L", HEALTHY)
    _erase(cli, "POOL-L")
    cli.ok("pool", "retire", "POOL-L", "--reason", "worn", "--destroy")
    out = tmp_path / "label.pdf"
    result = cli("label", "POOL-L", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "shop" in text and "shop's own drive" in text and "customer" not in text
