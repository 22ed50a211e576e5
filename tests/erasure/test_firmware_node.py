"""Firmware commands and the one resolution of the path (issue 12, point 1), with recorded hdparm
outputs: the commands name the node the path resolved to; right before them that node must still be
the drive held open and confirmed, and their result only counts if it still is afterwards."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

import pytest

from tests.conftest import Cli
from tests.erasure.conftest import FakeBlockDevice, FakeOpener, FakeRunner, fixture_text
from tests.erasure.test_custody_blockdev import FakeRenderer
from wipestation.app import Overrides
from wipestation.common.commands import CommandResult
from wipestation.common.devices import DetectedDrive
from wipestation.common.identity import DriveIdentity

SIZE = 1 << 20
NODE = "/dev/sdc"
LINK = "/dev/disk/by-id/ata-Samsung_SSD_860_S3Z1NB0TESTSSD"
SSD = DriveIdentity(serial="S3Z1NB0TESTSSD", model="Samsung SSD 860", capacity_bytes=SIZE, bus="ata", media="ssd")
OTHER = replace(SSD, serial="S3Z1NB0OTHERSSD", device="/dev/sdd")


class Source:
    """The path resolves to NODE; what the descriptor names changes after `held_ok` identifications."""

    def __init__(self, held_ok: int) -> None:
        self.held_ok = held_ok
        self.held_calls = 0

    def list_drives(self) -> list[DetectedDrive]:
        return [DetectedDrive(replace(SSD, device=NODE))]

    def identify(self, device: str) -> DetectedDrive:
        return DetectedDrive(replace(SSD, device=NODE))

    def identify_fd(self, fd: int) -> DetectedDrive:
        self.held_calls += 1
        return DetectedDrive(replace(SSD, device=NODE) if self.held_calls <= self.held_ok else OTHER)


def sanitize_runner(dev: FakeBlockDevice) -> FakeRunner:
    text = fixture_text("hdparm_I_ssd_frozen.txt").replace("\t\tfrozen", "\tnot\tfrozen")
    text = text.replace("CRYPTO_SCRAMBLE_EXT command", "OVERWRITE_EXT command").replace(
        "\t   *\tBLOCK_ERASE_EXT command\n", ""
    )

    class Drive(FakeRunner):
        def run(self, args: Sequence[str], *, timeout: float | None = None) -> CommandResult:
            if "--sanitize-overwrite" in args:
                dev.data[:] = bytes(len(dev.data))
            return super().run(args, timeout=timeout)

    return Drive(
        {
            ("hdparm", "-I"): CommandResult(0, text),
            ("hdparm", "-N"): CommandResult(1, ""),
            ("hdparm", "-V"): CommandResult(0, "hdparm v9.65\n"),
            ("sg_opcodes",): CommandResult(0, ""),
            ("hdparm", "--yes-i-know-what-i-am-doing"): CommandResult(0, ""),
            ("hdparm", "--sanitize-status"): CommandResult(0, fixture_text("hdparm_sanitize_status_idle.txt")),
        }
    )


def run_overrides(cli: Cli, dev: FakeBlockDevice, source: Source) -> Overrides:
    return replace(
        cli.overrides,
        drive_source=source,
        block_opener=FakeOpener(dev),
        command_runner=sanitize_runner(dev),
        certificate_renderer=FakeRenderer(),
    )


def run(cli: Cli, held_ok: int) -> tuple[object, FakeBlockDevice, FakeRunner]:
    dev = FakeBlockDevice(SIZE)
    dev.data[:] = b"\x5a" * SIZE
    cli.overrides = run_overrides(cli, dev, Source(held_ok))
    runner = cli.overrides.command_runner
    assert isinstance(runner, FakeRunner)
    return cli("erase", LINK, "--method", "ata-sanitize", "--confirm", SSD.serial, "--json"), dev, runner


def sanitize_calls(runner: FakeRunner) -> list[tuple[str, ...]]:
    return [c for c in runner.calls if "--yes-i-know-what-i-am-doing" in c]


def test_commands_name_the_resolved_node_not_the_path(cli: Cli) -> None:
    result, _, runner = run(cli, held_ok=99)
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert json.loads(result.stdout.strip().splitlines()[-1])["outcome"] == "succeeded"  # type: ignore[attr-defined]
    assert runner.calls and all(call[-1] == NODE for call in runner.calls if call[0] == "hdparm" and call[1] != "-V")
    assert all(LINK not in call for call in runner.calls)


def test_no_command_when_the_node_is_no_longer_the_drive_held_open(cli: Cli) -> None:
    result, dev, runner = run(cli, held_ok=1)  # the open's check passes, the one right before the command not
    assert result.exit_code == 3, result.stderr  # type: ignore[attr-defined]
    lines = result.stderr.strip().splitlines()  # type: ignore[attr-defined]
    err = [line for line in lines if line.startswith("error:")]  # "starting erasure N" comes first
    assert len(err) == 1 and "the device held open is /dev/sdd, not the confirmed one" in err[0]
    assert sanitize_calls(runner) == [] and dev.writes == 0 and dev.data == b"\x5a" * SIZE


@pytest.mark.parametrize("held_ok", [2])
def test_a_result_is_not_trusted_when_the_node_changed_meanwhile(cli: Cli, held_ok: int) -> None:
    result, _, runner = run(cli, held_ok=held_ok)
    assert sanitize_calls(runner)  # the command ran on the confirmed drive
    assert result.exit_code == 4, result.stderr  # type: ignore[attr-defined]
    final = json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[attr-defined]
    assert final["outcome"] == "failed" and "not trusted" in final["error"]
    assert final["certificate"] is None
