"""`methods DEV` marks one method as recommended for the drive: flash with a firmware Purge -> that
Purge; flash without -> an overwrite, saying it is only Clear; a hard disk -> one pass with sampled
verification."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tests.conftest import Cli
from tests.erasure.conftest import FakeRunner, fixture_text
from tests.erasure.test_run import OneDrive
from wipestation.common.commands import CommandResult
from wipestation.common.devices import DetectedDrive
from wipestation.common.identity import DriveIdentity

GB = 10**9


def _methods(cli: Cli, identity: DriveIdentity, answers: dict[tuple[str, ...], Any]) -> list[dict[str, Any]]:
    cli.overrides = replace(
        cli.overrides, drive_source=OneDrive(DetectedDrive(identity)), command_runner=FakeRunner(answers)
    )
    return list(cli.ok("methods", "/dev/x"))


def _recommended(rows: list[dict[str, Any]]) -> dict[str, Any]:
    (row,) = [r for r in rows if r["recommended"]]
    return row


def test_nvme_ssd_with_sanitize_gets_its_firmware_purge(cli: Cli) -> None:
    ssd = DriveIdentity(serial="NV1", model="Samsung 970", capacity_bytes=500 * GB, bus="nvme", media="ssd")
    rows = _methods(cli, ssd, {("nvme", "id-ctrl"): CommandResult(0, fixture_text("nvme_id_ctrl.json"))})
    best = _recommended(rows)
    assert best["name"] == "nvme-sanitize" and best["nist_category"] == "Purge" and best["supported"]
    assert best["recommended_verify"] is None and "Purge" in best["recommendation"]
    human = cli("methods", "/dev/x")
    assert "nvme-sanitize" in human.stdout and "recommended" in human.stdout


def test_flash_without_a_firmware_purge_gets_an_overwrite_that_is_only_clear(cli: Cli) -> None:
    stick = DriveIdentity(serial="USB1", model="Cruzer", capacity_bytes=32 * GB, bus="usb", media="flash")
    rows = _methods(cli, stick, {})  # hdparm, sg_opcodes: nothing through this bridge
    best = _recommended(rows)
    assert best["name"] == "zero" and best["nist_category"] == "Clear" and best["recommended_verify"] == "full"
    assert "only Clear" in best["recommendation"]


def test_hard_disk_gets_one_pass_with_sampled_verification(cli: Cli) -> None:
    hdd = DriveIdentity(serial="HD1", model="WD10", capacity_bytes=1000 * GB, bus="ata", media="hdd")
    rows = _methods(
        cli,
        hdd,
        {
            ("hdparm", "-I"): CommandResult(0, fixture_text("hdparm_I_hdd.txt")),
            ("hdparm", "-N"): CommandResult(0, fixture_text("hdparm_N.txt")),
            ("sg_opcodes",): CommandResult(0, fixture_text("sg_opcodes.txt")),
        },
    )
    best = _recommended(rows)
    assert (best["name"], best["passes"], best["recommended_verify"]) == ("zero", 1, "sample")
    assert "one pass" in best["recommendation"]


def test_no_recommendation_without_a_drive_or_for_a_protected_one(cli: Cli) -> None:
    rows = cli.ok("methods")
    assert all("recommended" not in r for r in rows)
    hdd = DriveIdentity(serial="SYS", model="WD10", capacity_bytes=1000 * GB, bus="ata", media="hdd")
    cli.overrides = replace(
        cli.overrides, drive_source=OneDrive(DetectedDrive(hdd, "holds /")), command_runner=FakeRunner({})
    )
    assert not any(r["recommended"] for r in cli.ok("methods", "/dev/sda"))
