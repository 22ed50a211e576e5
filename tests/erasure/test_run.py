"""The orchestration (erasure/run.py) with fakes: what is recorded when an erasure stops on an error
that the engine does not know."""

from __future__ import annotations

import errno
import json
from collections.abc import Sequence
from dataclasses import replace

import pytest

from tests.conftest import Cli
from tests.erasure.conftest import FakeBlockDevice, FakeOpener, FakeRunner
from tests.erasure.test_custody_blockdev import FakeRenderer
from wipestation.app import Overrides
from wipestation.common.devices import DetectedDrive
from wipestation.common.identity import DriveIdentity
from wipestation.common.outcome import ErasureOutcome

SIZE = 1 << 20
SERIAL = "WD-FAKE0001"
IDENTITY = DriveIdentity(
    serial=SERIAL, model="Fake Disk", capacity_bytes=SIZE, bus="usb", media="hdd", device="/dev/sdz"
)


class OneDrive:
    def __init__(self, detected: DetectedDrive) -> None:
        self.detected = detected

    def list_drives(self) -> list[DetectedDrive]:
        return [self.detected]

    def identify(self, device: str) -> DetectedDrive:
        return self.detected

    def identify_fd(self, fd: int) -> DetectedDrive:
        return self.detected


class Unwritable(FakeBlockDevice):
    """A write error the engine does not classify (neither a bad block nor a vanished device)."""

    def pwrite(self, data: memoryview, offset: int) -> int:
        self.writes += 1
        raise OSError(errno.EINVAL, "Invalid argument")


def _services(dev: FakeBlockDevice) -> Overrides:
    return Overrides(
        drive_source=OneDrive(DetectedDrive(IDENTITY)),
        block_opener=FakeOpener(dev),
        command_runner=FakeRunner({}),
        certificate_renderer=FakeRenderer(),
    )


def test_an_unexpected_error_leaves_the_erasure_interrupted_and_the_record_given_back(cli: Cli) -> None:
    customer = cli.ok("customer", "add", "--name", "C. Klant")
    record = cli.ok("backup", "register", "--serial", SERIAL, "--customer", str(customer["id"]), "--job", "J-9")
    assert cli("request-deletion", str(record["id"])).exit_code == 0
    dev = Unwritable(SIZE)
    cli.overrides = _services(dev)
    result = cli("erase", "/dev/sdz", "--method", "zero", "--confirm", SERIAL)
    assert result.exit_code != 0 and dev.writes > 0 and dev.closed
    ((outcome, error),) = cli.sql("select outcome, error from erasures")
    assert outcome == "interrupted" and "unexpected error" in error and "Invalid argument" in error
    assert cli.ok("show", str(record["id"]))["state"] != "erasing"
    # not "already being erased": the technician can run it again at once (here: with a working disk)
    cli.overrides = _services(FakeBlockDevice(SIZE))
    again = cli("erase", "/dev/sdz", "--method", "zero", "--confirm", SERIAL, "--json")
    assert again.exit_code == 0, again.stderr
    final = json.loads(again.stdout.strip().splitlines()[-1])
    assert final["outcome"] == "succeeded" and final["resumed"] == 1
    # the log explains every state the erasure, the record and its certificate went through
    assert cli.ok("audit", "verify")["ok"] is True


def test_a_firmware_method_that_is_no_purge_on_this_drive_is_recorded_as_clear(cli: Cli) -> None:
    """SANITIZE OVERWRITE on an SSD: the record says Clear, as the capability check did."""
    from tests.erasure.conftest import fixture_text
    from wipestation.common.commands import CommandResult

    ssd = DriveIdentity(serial="S3Z1NB0TESTSSD", model="Samsung SSD 860", capacity_bytes=SIZE, bus="ata", media="ssd")
    text = fixture_text("hdparm_I_ssd_frozen.txt").replace("\t\tfrozen", "\tnot\tfrozen")
    text = text.replace("CRYPTO_SCRAMBLE_EXT command", "OVERWRITE_EXT command").replace(
        "\t   *\tBLOCK_ERASE_EXT command\n", ""
    )
    dev = FakeBlockDevice(SIZE)

    class Drive(FakeRunner):
        def run(self, args: Sequence[str], *, timeout: float | None = None) -> CommandResult:
            if "--sanitize-overwrite" in args:
                dev.data[:] = bytes(len(dev.data))
            return super().run(args, timeout=timeout)

    runner = Drive(
        {
            ("hdparm", "-I"): CommandResult(0, text),
            ("hdparm", "-N"): CommandResult(1, ""),
            ("hdparm", "-V"): CommandResult(0, "hdparm v9.65\n"),
            ("sg_opcodes",): CommandResult(0, ""),
            ("hdparm", "--yes-i-know-what-i-am-doing"): CommandResult(0, ""),
            ("hdparm", "--sanitize-status"): CommandResult(0, fixture_text("hdparm_sanitize_status_idle.txt")),
        }
    )
    cli.overrides = replace(
        cli.overrides,
        drive_source=OneDrive(DetectedDrive(ssd)),
        block_opener=FakeOpener(dev),
        command_runner=runner,
        certificate_renderer=FakeRenderer(),
    )
    done = cli("erase", "/dev/sdc", "--method", "ata-sanitize", "--confirm", ssd.serial, "--json")
    assert done.exit_code == 0, done.stderr
    final = json.loads(done.stdout.strip().splitlines()[-1])
    assert final["outcome"] == "succeeded" and final["nist_category"] == "Clear"


ERASE_JSON_KEYS = [
    "erasure_id",
    "drive_id",
    "record_id",
    "device",
    "method",
    "passes",
    "nist_category",
    "outcome",
    "bytes_total",
    "bytes_written",
    "bytes_verified",
    "verify_mode",
    "verify_result",
    "verify_seed",
    "verify_coverage",
    "bad_ranges",
    "error",
    "checkpoint_pass",
    "checkpoint_offset",
    "tool",
    "started_at",
    "ended_at",
    "resumed",
    "hpa_dco",
    "sectors_not_written",
    "hidden_restored",
    "health",
    "certificate",
    "certificate_error",
    "mail",
    "mail_warning",
]


def test_the_json_of_an_erasure_is_its_typed_result_field_by_field(cli: Cli) -> None:
    """`erase --json` prints the frozen result's fields, in the order and with the values it always had."""
    import dataclasses

    from wipestation.erasure.result import ErasureResult
    from wipestation.store.db import open_store
    from wipestation.store.models import Erasure

    customer = cli.ok("customer", "add", "--name", "C. Klant")
    record = cli.ok("backup", "register", "--serial", SERIAL, "--customer", str(customer["id"]), "--job", "J-9")
    assert cli("request-deletion", str(record["id"])).exit_code == 0
    cli.overrides = _services(FakeBlockDevice(SIZE))
    result = cli("erase", "/dev/sdz", "--method", "zero", "--verify", "sample", "--confirm", SERIAL, "--json")
    assert result.exit_code == 0, result.stderr
    final = json.loads(result.stdout.strip().splitlines()[-1])
    assert list(final) == ERASE_JSON_KEYS
    assert final["outcome"] == "succeeded" and final["record_id"] == record["id"] and final["device"] == "/dev/sdz"
    assert final["bytes_written"] == SIZE and final["verify_mode"] == "sample" and final["bad_ranges"] == []
    assert final["certificate"] and final["certificate_error"] is None
    assert final["health"] == "unknown"  # the shop's backup drive: its SMART was read (the fake runner has none)
    ((number,),) = cli.sql("select number from certificates")
    assert final["certificate"] == str(number)
    _, sessions = open_store(cli.url)
    with sessions.begin() as s:
        stored = ErasureResult.stored(s.get_one(Erasure, final["erasure_id"]))
    whole = dataclasses.replace(stored, health=final["health"], certificate=final["certificate"])
    as_json = final | {"started_at": stored.started_at, "ended_at": stored.ended_at}  # JSON has them as text
    assert whole.to_dict() == as_json and final["ended_at"] == stored.ended_at.isoformat()  # type: ignore[union-attr]
    with pytest.raises(dataclasses.FrozenInstanceError):
        stored.outcome = ErasureOutcome.FAILED  # type: ignore[misc]
    assert stored.finished_well and not dataclasses.replace(stored, outcome=ErasureOutcome.INTERRUPTED).finished_well
