"""Health parsing on real published outputs of `smartctl -j` and `nvme smart-log -o json`
(tests/fixtures/tools/README.md says where each came from), and the verdict against the limits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from wipestation.common.commands import CommandResult
from wipestation.common.config import HealthConfig
from wipestation.erasure.firmware import parse_smartctl_info
from wipestation.stock.health import (
    FAILING,
    HEALTHY,
    UNKNOWN,
    ErasureSigns,
    assess,
    parse_nvme_smart_log,
    parse_smartctl_health,
    read_health,
    summary,
)

TOOLS = Path(__file__).resolve().parent.parent / "fixtures" / "tools"
LIMITS = HealthConfig()


def text(name: str) -> str:
    return (TOOLS / name).read_text()


def test_ata_disk_healthy_with_its_counters() -> None:
    r = parse_smartctl_health(text("smartctl_a_ata_wd140edfz.json"))
    assert (r.protocol, r.serial, r.smart_passed) == ("ATA", "9RK1XXXX", True)
    assert (r.reallocated_sectors, r.pending_sectors, r.offline_uncorrectable, r.crc_errors) == (0, 0, 0, 0)
    assert (r.power_on_hours, r.temperature_c) == (1730, 32)  # not the packed raw value of attribute 194
    assert assess(r, LIMITS).verdict == HEALTHY


def test_usb_bridged_disk_reporting_failed_is_failing() -> None:
    r = parse_smartctl_health(text("smartctl_a_usb_jmicron_failing.json"))
    assert (r.device_type, r.model, r.smart_passed) == ("usbjmicron", "Hitachi HDS721050DLE630", False)
    assert (r.reallocated_sectors, r.pending_sectors, r.offline_uncorrectable, r.crc_errors) == (1975, 8, 0, 0)
    assert (r.power_on_hours, r.temperature_c) == (65592, 25)
    judged = assess(r, LIMITS)
    assert judged.verdict == FAILING
    assert "the drive's SMART self-assessment failed" in judged.reasons
    assert "reallocated sectors 1975 > 10" in judged.reasons and "pending sectors 8 > 0" in judged.reasons


def test_nvme_healthy_and_nvme_with_media_errors() -> None:
    ok = parse_smartctl_health(text("smartctl_a_nvme_intel660p.json"))
    assert (ok.protocol, ok.smart_passed, ok.nvme_critical_warning, ok.media_errors) == ("NVMe", True, 0, 0)
    assert ok.percentage_used is not None and ok.power_on_hours is not None
    assert assess(ok, LIMITS).verdict == HEALTHY
    worn = parse_smartctl_health(text("smartctl_x_nvme_samsung970_media_errors.json"))
    assert (worn.smart_passed, worn.media_errors, worn.percentage_used, worn.power_on_hours) == (True, 7, 3, 12798)
    assert worn.temperature_c == 35
    judged = assess(worn, LIMITS)
    assert judged.verdict == FAILING and judged.reasons == ("NVMe media errors 7 > 0",)
    # a shop that tolerates some media errors says so in the config
    assert assess(worn, replace(LIMITS, max_media_errors=10)).verdict == HEALTHY


def test_sas_disks_firmware_revision_and_grown_defects() -> None:
    sas = parse_smartctl_health(text("smartctl_a_sas_st1200mm0088.json"))
    assert (sas.protocol, sas.firmware, sas.smart_passed) == ("SCSI", "N004", True)
    assert (sas.grown_defects, sas.uncorrected_errors, sas.power_on_hours, sas.temperature_c) == (0, 0, 5675, 31)
    assert assess(sas, LIMITS).verdict == HEALTHY
    defects = parse_smartctl_health(text("smartctl_a_sas_st4000nm0043_grown_defects.json"))
    assert (defects.firmware, defects.grown_defects) == ("MS03", 56)
    assert assess(defects, LIMITS).reasons == ("grown defects 56 > 10",)


def test_parse_smartctl_info_reads_the_sas_firmware_revision() -> None:
    info = parse_smartctl_info(text("smartctl_a_sas_st1200mm0088.json"))
    assert (info.protocol, info.serial, info.firmware) == ("SCSI", "Z4028VRY0000C810BZXB", "N004")


def test_a_drive_that_could_not_be_opened_is_unknown_with_the_reason() -> None:
    r = parse_smartctl_health(text("smartctl_a_open_failed.json"))
    judged = assess(r, LIMITS)
    assert judged.verdict == UNKNOWN
    assert judged.reasons == (r"Smartctl open device: /dev/sda failed: \\.\PhysicalDrive0: Open failed, Error=5",)


@pytest.mark.parametrize("name", ["nvme_smart_log_old_style.json", "nvme_smart_log_new_style.json"])
def test_nvme_smart_log_both_json_styles(name: str) -> None:
    r = parse_nvme_smart_log(text(name))
    assert r.nvme_critical_warning == 0 and r.smart_passed is True and r.media_errors == 0
    assert r.temperature_c == {"nvme_smart_log_old_style.json": 37, "nvme_smart_log_new_style.json": 23}[name]
    assert r.power_on_hours == {"nvme_smart_log_old_style.json": 6282, "nvme_smart_log_new_style.json": 907}[name]
    assert r.percentage_used == 0 and r.available_spare == 100


class Runner:
    def __init__(self, answers: dict[str, CommandResult]) -> None:
        self.answers = answers
        self.calls: list[tuple[str, ...]] = []

    def run(self, args: Sequence[str], *, timeout: float | None = None) -> CommandResult:
        call = tuple(args)
        self.calls.append(call)
        return self.answers.get(call[0], CommandResult(127, "", f"{call[0]}: not installed"))


def test_read_health_fills_in_from_nvme_smart_log_when_smartctl_says_less() -> None:
    runner = Runner(
        {
            "smartctl": CommandResult(2, "", "Smartctl open device: /dev/nvme0n1 failed: Permission denied"),
            "nvme": CommandResult(0, text("nvme_smart_log_new_style.json")),
        }
    )
    r = read_health(runner, "/dev/nvme0n1", bus="nvme")
    assert runner.calls == [
        ("smartctl", "-j", "-a", "/dev/nvme0n1"),
        ("nvme", "smart-log", "/dev/nvme0n1", "-o", "json"),
    ]
    assert (r.source, r.smart_passed, r.power_on_hours, r.temperature_c) == ("nvme", True, 907, 23)
    assert assess(r, LIMITS).verdict == HEALTHY


def test_read_health_with_smartctl_and_nvme() -> None:
    runner = Runner(
        {
            "smartctl": CommandResult(0, text("smartctl_a_nvme_intel660p.json")),
            "nvme": CommandResult(0, text("nvme_smart_log_old_style.json")),
        }
    )
    r = read_health(runner, "/dev/nvme0", bus="nvme")
    assert r.source == "smartctl" and r.serial == "BTNH93710FS91P0B"  # nvme said nothing smartctl did not


@pytest.mark.parametrize(
    ("device", "bus", "answers", "why"),
    [
        ("/dev/loop3", "loop", {}, "a loop device has no SMART"),
        ("/dev/sdc", "usb", {}, "smartctl is not installed"),
        (
            "/dev/sdc",
            "usb",
            {"smartctl": CommandResult(1, "", "/dev/sdc: Unknown USB bridge [0x152d:0x0578 (0x209)]\n")},
            "smartctl: /dev/sdc: Unknown USB bridge [0x152d:0x0578 (0x209)]",
        ),
        ("/dev/sdc", "usb", {"smartctl": CommandResult(0, "garbage")}, "smartctl output unreadable (not JSON)"),
    ],
)
def test_no_smart_is_unknown_never_healthy(device: str, bus: str, answers: dict[str, CommandResult], why: str) -> None:
    r = read_health(Runner(answers), device, bus=bus)
    judged = assess(r, LIMITS)
    assert judged.verdict == UNKNOWN and judged.reasons == (why,)


def test_erasure_io_errors_and_a_slow_run_count() -> None:
    r = parse_smartctl_health(text("smartctl_a_ata_wd140edfz.json"))
    assert assess(r, LIMITS, ErasureSigns(io_errors=2)).reasons == ("the erasure hit 2 unwritable range(s)",)
    slow = ErasureSigns(bytes_per_second=40e6, earlier_bytes_per_second=(180e6, 200e6, 190e6))
    # a slow run alone is no sign of a sick drive (a shared hub, a busy CPU): it never fails it
    assert assess(r, LIMITS, slow) == assess(r, LIMITS, ErasureSigns()) and assess(r, LIMITS, slow).verdict == HEALTHY
    # beside a second sign it is named with it
    judged = assess(r, LIMITS, replace(slow, io_errors=2))
    assert judged.verdict == FAILING
    assert judged.reasons == (
        "the erasure hit 2 unwritable range(s)",
        "the erasure ran at 40.0 MB/s, 21 % of its usual 190.0 MB/s (limit 50 %)",
    )
    assert assess(r, LIMITS, replace(slow, io_errors=2, bytes_per_second=120e6)).reasons == (
        "the erasure hit 2 unwritable range(s)",
    )
    assert len(assess(r, replace(LIMITS, min_speed_percent=0), replace(slow, io_errors=2)).reasons) == 1


def test_a_failing_smart_reading_and_a_slow_run_fail_the_drive() -> None:
    r = parse_smartctl_health(text("smartctl_a_usb_jmicron_failing.json"))
    slow = ErasureSigns(bytes_per_second=40e6, earlier_bytes_per_second=(180e6, 200e6, 190e6))
    judged = assess(r, LIMITS, slow)
    assert judged.verdict == FAILING
    assert "the drive's SMART self-assessment failed" in judged.reasons
    assert "the erasure ran at 40.0 MB/s, 21 % of its usual 190.0 MB/s (limit 50 %)" in judged.reasons
    # a drive without SMART stays unknown unless its erasure showed a fault
    assert assess(read_health(Runner({}), "/dev/loop1"), LIMITS, ErasureSigns()).verdict == UNKNOWN


def test_summary_line_for_the_certificate() -> None:
    r = parse_smartctl_health(text("smartctl_a_ata_wd140edfz.json"))
    assert summary(HEALTHY, r) == (
        "health healthy; reallocated 0, pending 0, offline-uncorrectable 0, CRC errors 0, power-on 1730 h, 32 C"
    )
    assert summary(UNKNOWN, {}, ["a loop device has no SMART"]) == "health unknown; a loop device has no SMART"
