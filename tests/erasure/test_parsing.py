"""Capability detection and command building against recorded tool outputs (fixtures written from
the tools' documented formats; no such drives are attached here)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.erasure.conftest import FakeBlockDevice, FakeRunner, fixture_text
from wipestation.common.commands import CommandResult
from wipestation.common.errors import InvalidState
from wipestation.common.identity import DriveIdentity
from wipestation.erasure.engine import OpenedDevice
from wipestation.erasure.firmware import (
    FROZEN_TEXT,
    SANITIZE_DONE,
    SANITIZE_FAILED,
    SANITIZE_RUNNING,
    FirmwareEngine,
    FirmwarePlan,
    FirmwareSupport,
    build_commands,
    detect_support,
    nvme_namespaces,
    parse_hdparm_hpa,
    parse_hdparm_identify,
    parse_hdparm_sanitize_running,
    parse_nvme_id_ctrl,
    parse_nvme_sanitize_log,
    parse_percent,
    parse_sg_opcodes_sanitize,
    parse_smartctl_info,
)
from wipestation.erasure.methods import METHODS, nist_category

HDD = DriveIdentity(
    serial="WD-WCC6Y0TESTHDD", model="WDC WD10EZEX-08WN4A0", capacity_bytes=1 << 20, bus="ata", media="hdd"
)
SSD = DriveIdentity(
    serial="S3Z1NB0TESTSSD", model="Samsung SSD 860 EVO", capacity_bytes=1 << 20, bus="ata", media="ssd"
)
NVME = DriveIdentity(serial="S4EWNX0TESTNVME", model="Samsung SSD 970", capacity_bytes=1 << 20, bus="nvme", media="ssd")


def ok(name: str) -> CommandResult:
    return CommandResult(0, fixture_text(name))


def test_hdparm_identify_hdd() -> None:
    info = parse_hdparm_identify(fixture_text("hdparm_I_hdd.txt"))
    assert info.serial == "WD-WCC6Y0TESTHDD" and info.model == "WDC WD10EZEX-08WN4A0"
    assert info.rotational is True
    assert info.security_supported and not info.security_enabled and not info.locked and not info.frozen
    assert info.enhanced_erase and info.erase_minutes == 118 and info.enhanced_erase_minutes == 118
    assert not info.sanitize and info.hpa_feature


def test_hdparm_identify_frozen_ssd() -> None:
    info = parse_hdparm_identify(fixture_text("hdparm_I_ssd_frozen.txt"))
    assert info.rotational is False and info.frozen and not info.locked
    assert info.sanitize and info.crypto_scramble and info.block_erase and not info.overwrite
    assert (info.erase_minutes, info.enhanced_erase_minutes) == (2, 8)


def test_hdparm_hpa_and_sanitize_status() -> None:
    hpa = parse_hdparm_hpa(fixture_text("hdparm_N.txt"))
    assert hpa is not None and not hpa.enabled and hpa.native_sectors == 1953525168
    running = fixture_text("hdparm_sanitize_status_running.txt")
    assert parse_hdparm_sanitize_running(running) and parse_percent(running) == 0.5
    assert not parse_hdparm_sanitize_running(fixture_text("hdparm_sanitize_status_idle.txt"))


def test_nvme_id_ctrl() -> None:
    ctrl = parse_nvme_id_ctrl(fixture_text("nvme_id_ctrl.json"))
    assert ctrl.serial == "S4EWNX0TESTNVME" and ctrl.format_supported and ctrl.crypto_erase_on_format
    assert ctrl.sanitize_crypto and ctrl.sanitize_block and not ctrl.sanitize_overwrite
    cheap = parse_nvme_id_ctrl(fixture_text("nvme_id_ctrl_no_sanitize.json"))
    assert cheap.format_supported and not cheap.crypto_erase_on_format and not cheap.sanitize


def test_nvme_sanitize_log_versions() -> None:
    running = parse_nvme_sanitize_log(fixture_text("nvme_sanitize_log_running.json"))
    assert running.state == SANITIZE_RUNNING and running.progress == pytest.approx(0.25)
    done = parse_nvme_sanitize_log(fixture_text("nvme_sanitize_log_done.json"))
    assert done.state == SANITIZE_DONE and done.succeeded and done.progress == 1.0
    failed = parse_nvme_sanitize_log(fixture_text("nvme_sanitize_log_failed_int.json"))
    assert failed.state == SANITIZE_FAILED


def test_smartctl_json() -> None:
    ata = parse_smartctl_info(fixture_text("smartctl_ata.json"))
    assert ata.protocol == "ATA" and ata.media == "hdd" and ata.capacity_bytes == 1000204886016
    assert ata.smartctl_version == "7.3" and ata.security_frozen is True
    nvme = parse_smartctl_info(fixture_text("smartctl_nvme.json"))
    assert nvme.protocol == "NVMe" and nvme.media == "ssd" and nvme.serial == "S4EWNX0TESTNVME"


@pytest.mark.parametrize(
    ("name", "model", "firmware", "serial"),
    [
        ("smartctl_sas_revision.json", "TOSHIBA MBF2300RC", "DA0B", "XXXXXXXXXXXX"),  # smartctl 7.0: revision
        ("smartctl_sas_scsi_revision.json", "SEAGATE ST20000NM002D", "E001", "ZVT61A060000C308C6K6"),  # 7.4
    ],
)
def test_smartctl_json_of_sas_drives_gives_the_firmware_revision(
    name: str, model: str, firmware: str, serial: str
) -> None:
    """Real published outputs (tests/fixtures/tools/README.md): a SAS drive's firmware is its SCSI revision."""
    sas = parse_smartctl_info(fixture_text(name))
    assert (sas.protocol, sas.model, sas.firmware, sas.serial) == ("SCSI", model, firmware, serial)
    assert sas.media == "hdd"


def test_sg_opcodes_and_requests() -> None:
    assert parse_sg_opcodes_sanitize(fixture_text("sg_opcodes.txt")) >= {"block erase", "cryptographic erase"}
    assert parse_percent(fixture_text("sg_requests_progress.txt")) == pytest.approx(0.375)


def ata_runner(identify: str) -> FakeRunner:
    return FakeRunner(
        {
            ("hdparm", "-I"): ok(identify),
            ("hdparm", "-N"): ok("hdparm_N.txt"),
            ("sg_opcodes",): CommandResult(0, ""),
            ("hdparm", "-V"): CommandResult(0, "hdparm v9.65\n"),
        }
    )


def test_ata_hdd_enhanced_secure_erase_is_purge() -> None:
    support = detect_support(ata_runner("hdparm_I_hdd.txt"), HDD, "/dev/sdb")
    secure = support["ata-secure-erase"]
    assert secure.supported and secure.action == "enhanced" and secure.purge
    assert nist_category(METHODS["ata-secure-erase"], HDD, enhanced=True) == "Purge"
    assert not support["ata-sanitize"].supported and not support["nvme-format"].supported
    plan = build_commands(secure, "/dev/sdb", password="pw1")
    assert plan.commands == (
        ("hdparm", "--user-master", "u", "--security-set-pass", "pw1", "/dev/sdb"),
        ("hdparm", "--user-master", "u", "--security-erase-enhanced", "pw1", "/dev/sdb"),
    )
    assert plan.timeout >= 118 * 60


def test_ata_frozen_is_explained_and_secure_erase_on_flash_is_clear() -> None:
    support = detect_support(ata_runner("hdparm_I_ssd_frozen.txt"), SSD, "/dev/sdc")
    assert not support["ata-secure-erase"].supported
    assert support["ata-secure-erase"].reason == FROZEN_TEXT and "suspend" in FROZEN_TEXT
    assert not support["ata-sanitize"].supported
    with pytest.raises(InvalidState, match="frozen"):
        build_commands(support["ata-secure-erase"], "/dev/sdc")
    assert nist_category(METHODS["ata-secure-erase"], SSD, enhanced=True) == "Clear"
    assert nist_category(METHODS["random"], SSD) == "Clear"


def test_ata_sanitize_when_not_frozen() -> None:
    text = fixture_text("hdparm_I_ssd_frozen.txt").replace("\t\tfrozen", "\tnot\tfrozen")
    runner = FakeRunner(
        {
            ("hdparm", "-I"): CommandResult(0, text),
            ("hdparm", "-N"): CommandResult(1, ""),
            ("hdparm", "--sanitize-status"): ok("hdparm_sanitize_status_idle.txt"),
        }
    )
    support = detect_support(runner, SSD, "/dev/sdc")
    assert support["ata-secure-erase"].supported and not support["ata-secure-erase"].purge  # flash: Clear
    san = support["ata-sanitize"]
    assert san.supported and san.action == "crypto" and san.purge
    plan = build_commands(san, "/dev/sdc")
    assert plan.commands == (("hdparm", "--yes-i-know-what-i-am-doing", "--sanitize-crypto-scramble", "/dev/sdc"),)
    assert plan.poll == ("hdparm", "--sanitize-status", "/dev/sdc")


def test_nvme_format_always_with_ses_and_sanitize_crypto() -> None:
    runner = FakeRunner({("nvme", "id-ctrl"): ok("nvme_id_ctrl.json")})
    support = detect_support(runner, NVME, "/dev/nvme0n1")
    fmt = build_commands(support["nvme-format"], "/dev/nvme0n1")
    assert fmt.commands == (("nvme", "format", "/dev/nvme0n1", "--ses=2", "--force"),)
    san = build_commands(support["nvme-sanitize"], "/dev/nvme0n1")
    assert san.commands == (("nvme", "sanitize", "/dev/nvme0n1", "--sanact=4"),)
    assert san.poll == ("nvme", "sanitize-log", "/dev/nvme0n1", "-o", "json")
    cheap = detect_support(FakeRunner({("nvme", "id-ctrl"): ok("nvme_id_ctrl_no_sanitize.json")}), NVME, "/dev/nvme1n1")
    assert build_commands(cheap["nvme-format"], "/dev/nvme1n1").commands[0][3] == "--ses=1"
    assert not cheap["nvme-sanitize"].supported


def test_scsi_sanitize_prefers_crypto() -> None:
    runner = FakeRunner({("hdparm",): CommandResult(1, ""), ("sg_opcodes",): ok("sg_opcodes.txt")})
    ident = DriveIdentity(serial="SAS1", capacity_bytes=1 << 20, bus="scsi", media="hdd")
    san = detect_support(runner, ident, "/dev/sdd")["scsi-sanitize"]
    assert san.supported and san.action == "crypto"
    plan = build_commands(san, "/dev/sdd")
    assert plan.commands == (("sg_sanitize", "--crypto", "--quick", "--early", "/dev/sdd"),)


def test_loop_devices_support_no_firmware_method() -> None:
    ident = DriveIdentity(serial="LOOP-x", capacity_bytes=1 << 20, bus="loop")
    assert not any(s.supported for s in detect_support(FakeRunner({}), ident, "/dev/loop0").values())


@pytest.mark.parametrize("changes_data", [True, False])
def test_firmware_engine_polls_and_checks_that_data_changed(changes_data: bool) -> None:
    dev = FakeBlockDevice(1 << 20)
    runner = FakeRunner({("nvme", "id-ctrl"): ok("nvme_id_ctrl.json")})
    support = detect_support(runner, NVME, "/dev/nvme0n1")["nvme-sanitize"]
    plan = build_commands(support, "/dev/nvme0n1")

    class Sanitizing(FakeRunner):
        def run(self, args: Sequence[str], *, timeout: float | None = None) -> CommandResult:
            if args[:2] == ("nvme", "sanitize") and changes_data:
                dev.data[:] = bytes(len(dev.data))
            return super().run(args, timeout=timeout)

    fw = Sanitizing(
        {
            ("nvme", "sanitize-log"): [ok("nvme_sanitize_log_running.json"), ok("nvme_sanitize_log_done.json")],
            ("nvme", "sanitize"): CommandResult(0, "Sanitize device: Success\n"),
        }
    )
    seen: list[float] = []
    engine = FirmwareEngine(fw, on_progress=lambda p: seen.append(p.fraction), sleep=lambda s: None)
    result = engine.run(OpenedDevice("/dev/nvme0n1", dev), plan, dev.size)
    assert ("nvme", "sanitize", "/dev/nvme0n1", "--sanact=4") in fw.calls
    assert 0.25 in seen and seen[-1] == 1.0
    if changes_data:
        assert result.outcome == "succeeded" and result.verify_result == "passed"
    else:
        assert (
            result.outcome == "failed" and result.verify_result == "failed" and "did not change" in (result.error or "")
        )


def test_firmware_engine_heartbeats_while_a_command_blocks_and_joins_its_thread() -> None:
    import threading

    dev = FakeBlockDevice(1 << 20)
    runner = FakeRunner({("nvme", "id-ctrl"): ok("nvme_id_ctrl.json")})
    plan = build_commands(detect_support(runner, NVME, "/dev/nvme0n1")["nvme-format"], "/dev/nvme0n1")
    beats = threading.Event()

    class Formatting(FakeRunner):
        def run(self, args: Sequence[str], *, timeout: float | None = None) -> CommandResult:
            if args[:2] == ("nvme", "format"):
                assert beats.wait(5), "no heartbeat while the format ran"
                dev.data[:] = bytes(len(dev.data))
            return super().run(args, timeout=timeout)

    fw = Formatting({("nvme", "format"): CommandResult(0, "Success formatting namespace:1\n")})
    engine = FirmwareEngine(fw, heartbeat=beats.set, heartbeat_seconds=0.01)
    result = engine.run(OpenedDevice("/dev/nvme0n1", dev), plan, dev.size)
    assert result.outcome == "succeeded"
    assert not any(t.name == "firmware-heartbeat" for t in threading.enumerate())


def _secure_erase_plan() -> FirmwarePlan:
    support = detect_support(ata_runner("hdparm_I_hdd.txt"), HDD, "/dev/sdb")["ata-secure-erase"]
    return build_commands(support, "/dev/sdb", password="pw1")


@pytest.mark.parametrize("disable_works", [True, False])
def test_a_failed_secure_erase_removes_its_temporary_password_or_names_it(disable_works: bool) -> None:
    """The password is set, then the erase fails: left set, the drive locks at its next power-on with
    a password nobody knows. It is removed again, and the error names it in case that fails too."""
    plan = _secure_erase_plan()
    fw = FakeRunner(
        {
            ("hdparm", "--user-master", "u", "--security-set-pass"): CommandResult(0, "security_password: pw1\n"),
            ("hdparm", "--user-master", "u", "--security-erase-enhanced"): CommandResult(5, "", "SG_IO: bad sense"),
            ("hdparm", "--user-master", "u", "--security-disable"): CommandResult(0 if disable_works else 5, ""),
        }
    )
    result = FirmwareEngine(fw, sleep=lambda s: None).run(
        OpenedDevice("/dev/sdb", FakeBlockDevice(1 << 20)), plan, 1 << 20
    )
    assert result.outcome == "failed"
    assert ("hdparm", "--user-master", "u", "--security-disable", "pw1", "/dev/sdb") in fw.calls
    assert "'pw1'" in (result.error or "")
    assert ("removed again" in (result.error or "")) is disable_works


def test_a_failed_first_command_runs_no_recovery() -> None:
    plan = _secure_erase_plan()
    fw = FakeRunner({("hdparm", "--user-master", "u", "--security-set-pass"): CommandResult(5, "", "frozen")})
    result = FirmwareEngine(fw).run(OpenedDevice("/dev/sdb", FakeBlockDevice(1 << 20)), plan, 1 << 20)
    assert result.outcome == "failed" and len(fw.calls) == 1


def _ssd_sanitize(features: str) -> FirmwareSupport:
    text = fixture_text("hdparm_I_ssd_frozen.txt").replace("\t\tfrozen", "\tnot\tfrozen")
    text = text.replace("\t   *\tCRYPTO_SCRAMBLE_EXT command\n\t   *\tBLOCK_ERASE_EXT command\n", features)
    runner = FakeRunner(
        {
            ("hdparm", "-I"): CommandResult(0, text),
            ("hdparm", "-N"): CommandResult(1, ""),
            ("hdparm", "--sanitize-status"): ok("hdparm_sanitize_status_idle.txt"),
        }
    )
    return detect_support(runner, SSD, "/dev/sdc")["ata-sanitize"]


def test_ata_sanitize_overwrite_on_flash_is_clear_not_purge() -> None:
    san = _ssd_sanitize("\t   *\tOVERWRITE_EXT command\n")
    assert san.supported and san.action == "overwrite" and not san.purge and "Clear" in san.reason


@pytest.mark.parametrize(
    ("status", "succeeded"),
    [
        ("hdparm_sanitize_status_idle.txt", True),  # "Last Sanitize Operation Completed Without Error"
        ("idle, no success flag", False),
    ],
)
def test_hdparm_sanitize_counts_only_a_reported_success(status: str, succeeded: bool) -> None:
    dev = FakeBlockDevice(1 << 20)
    done = (
        fixture_text(status)
        if status.endswith(".txt")
        else "/dev/sdc:\nIssuing SANITIZE_STATUS command\nSanitize status:\n    State:    SD0 Sanitize Idle\n"
    )

    class Sanitizing(FakeRunner):
        def run(self, args: Sequence[str], *, timeout: float | None = None) -> CommandResult:
            if "--sanitize-crypto-scramble" in args:
                dev.data[:] = bytes(len(dev.data))
            return super().run(args, timeout=timeout)

    plan = build_commands(_ssd_sanitize("\t   *\tCRYPTO_SCRAMBLE_EXT command\n"), "/dev/sdc")
    fw = Sanitizing(
        {
            ("hdparm", "--sanitize-status"): [ok("hdparm_sanitize_status_running.txt"), CommandResult(0, done)],
            ("hdparm", "--yes-i-know-what-i-am-doing"): CommandResult(0, ""),
        }
    )
    result = FirmwareEngine(fw, sleep=lambda s: None).run(OpenedDevice("/dev/sdc", dev), plan, dev.size)
    assert (result.outcome == "succeeded") is succeeded
    if not succeeded:
        assert "without error" in (result.error or "")


def test_nvme_sanitize_and_format_of_all_namespaces_refused_when_the_controller_has_others(tmp_path: Path) -> None:
    """Sanitize (and Format when FNA applies it to all) erases every namespace of the controller: with a
    second namespace that is another disk to the system, possibly the protected one, they are refused."""
    controller = tmp_path / "devices" / "nvme0"
    for ns in ("nvme0n1", "nvme0n2", "nvme0c0n1"):
        (controller / ns).mkdir(parents=True)
    (tmp_path / "class" / "block" / "nvme0n1").mkdir(parents=True)
    (tmp_path / "class" / "block" / "nvme0n1" / "device").symlink_to(controller)
    assert nvme_namespaces("/dev/nvme0n1", str(tmp_path)) == ["nvme0n1", "nvme0n2"]
    assert nvme_namespaces("/dev/nvme9n1", str(tmp_path)) == ["nvme9n1"]

    runner = FakeRunner({("nvme", "id-ctrl"): ok("nvme_id_ctrl.json")})
    two = detect_support(runner, NVME, "/dev/nvme0n1", namespaces=lambda d: ["nvme0n1", "nvme0n2"])
    assert not two["nvme-sanitize"].supported and "nvme0n2" in two["nvme-sanitize"].reason
    assert not two["nvme-format"].supported and "every namespace" in two["nvme-format"].reason
    with pytest.raises(InvalidState):
        build_commands(two["nvme-sanitize"], "/dev/nvme0n1")
    one = detect_support(runner, NVME, "/dev/nvme0n1", namespaces=lambda d: ["nvme0n1"])
    assert one["nvme-sanitize"].supported and one["nvme-format"].supported
