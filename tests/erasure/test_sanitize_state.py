"""ATA SANITIZE availability comes from the sanitize state (`hdparm --sanitize-status`) and the
SANITIZE feature set in `hdparm -I`, not from the security freeze (issue 12, point 6).

The two identify outputs are real, published `hdparm -I` outputs of security-frozen drives with the
SANITIZE feature set (tests/fixtures/tools/README.md says where each came from)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from tests.erasure.conftest import FakeRunner, fixture_text
from wipestation.app import Overrides
from wipestation.common.commands import CommandResult
from wipestation.common.identity import DriveIdentity
from wipestation.erasure.firmware import (
    SANITIZE_FROZEN_TEXT,
    build_commands,
    detect_support,
    parse_hdparm_identify,
    parse_hdparm_sanitize_state,
)

SSD = DriveIdentity(serial="S", model="M", capacity_bytes=512 << 30, bus="ata", media="ssd")


def ok(name: str) -> CommandResult:
    return CommandResult(0, fixture_text(name))


def runner(identify: str, status: CommandResult) -> FakeRunner:
    return FakeRunner(
        {
            ("hdparm", "-I"): ok(identify),
            ("hdparm", "-N"): ok("hdparm_N.txt"),
            ("hdparm", "--sanitize-status"): status,
            ("sg_opcodes",): CommandResult(0, ""),
        }
    )


@pytest.mark.parametrize(
    ("identify", "action", "flag"),
    [
        ("hdparm_I_frozen_sanitize_micron5300.txt", "crypto", "--sanitize-crypto-scramble"),
        ("hdparm_I_frozen_sanitize_zhitai.txt", "block", "--sanitize-block-erase"),
    ],
)
def test_security_frozen_drive_with_sanitize_may_be_sanitized(identify: str, action: str, flag: str) -> None:
    info = parse_hdparm_identify(fixture_text(identify))
    assert info.frozen and info.sanitize  # the real drives: security-frozen, SANITIZE feature set
    support = detect_support(runner(identify, ok("hdparm_sanitize_status_idle.txt")), SSD, "/dev/sda")
    assert not support["ata-secure-erase"].supported  # the security freeze blocks SECURITY ERASE only
    san = support["ata-sanitize"]
    assert san.supported, san.reason
    assert san.action == action and san.purge
    plan = build_commands(san, "/dev/sda")
    assert plan.commands == (("hdparm", "--yes-i-know-what-i-am-doing", flag, "/dev/sda"),)


@pytest.mark.parametrize("identify", ["hdparm_I_frozen_sanitize_micron5300.txt", "hdparm_I_frozen_sanitize_zhitai.txt"])
def test_sanitize_frozen_drive_is_refused_with_the_remedy(identify: str) -> None:
    support = detect_support(runner(identify, ok("hdparm_sanitize_status_frozen.txt")), SSD, "/dev/sda")
    san = support["ata-sanitize"]
    assert not san.supported and san.reason == SANITIZE_FROZEN_TEXT
    assert "suspend" in san.reason and "hot-plug" in san.reason and "\n" not in san.reason


def test_sanitize_state_unreadable_fails_closed() -> None:
    failed = CommandResult(5, "", "SG_IO: bad/missing sense data, sb[]:  70 00 05 00")
    san = detect_support(runner("hdparm_I_frozen_sanitize_zhitai.txt", failed), SSD, "/dev/sda")["ata-sanitize"]
    assert not san.supported and "sanitize state could not be read" in san.reason


def test_sanitize_already_running_is_refused() -> None:
    san = detect_support(
        runner("hdparm_I_frozen_sanitize_zhitai.txt", ok("hdparm_sanitize_status_running.txt")), SSD, "/dev/sda"
    )["ata-sanitize"]
    assert not san.supported and "in progress" in san.reason


def test_parse_sanitize_states() -> None:
    assert parse_hdparm_sanitize_state(fixture_text("hdparm_sanitize_status_frozen.txt")) == "SD1"
    assert parse_hdparm_sanitize_state(fixture_text("hdparm_sanitize_status_idle.txt")) == "SD0"
    assert parse_hdparm_sanitize_state(fixture_text("hdparm_sanitize_status_running.txt")) == "SD2"
    assert parse_hdparm_sanitize_state("SANITIZE device error reason: Device in FROZEN state\n") == "SD1"
    assert parse_hdparm_sanitize_state("SG_IO: bad/missing sense data") is None


# -- through `wipestation erase` ------------------------------------------------------------------


def _erase_services(status: CommandResult, dev: object) -> Overrides:
    from tests.erasure.conftest import FakeOpener
    from tests.erasure.test_custody_blockdev import FakeRenderer
    from tests.erasure.test_run import OneDrive
    from wipestation.common.devices import DetectedDrive

    micron = DriveIdentity(
        serial="214031A57D1D", model="Micron_5300_MTFDDAK1T9TDS", capacity_bytes=1 << 20, bus="ata", media="ssd"
    )

    class Drive(FakeRunner):
        def run(self, args: Sequence[str], *, timeout: float | None = None) -> CommandResult:
            if "--sanitize-crypto-scramble" in args:
                dev.data[:] = bytes(len(dev.data))  # type: ignore[attr-defined]
            return super().run(args, timeout=timeout)

    runner = Drive(
        {
            ("hdparm", "-I"): ok("hdparm_I_frozen_sanitize_micron5300.txt"),
            ("hdparm", "-N"): ok("hdparm_N.txt"),
            ("hdparm", "-V"): CommandResult(0, "hdparm v9.65\n"),
            ("hdparm", "--sanitize-status"): [status, ok("hdparm_sanitize_status_idle.txt")],
            ("hdparm", "--yes-i-know-what-i-am-doing"): CommandResult(0, ""),
            ("sg_opcodes",): CommandResult(0, ""),
        }
    )
    return Overrides(
        drive_source=OneDrive(DetectedDrive(micron)),
        block_opener=FakeOpener(dev),  # type: ignore[arg-type]
        command_runner=runner,
        certificate_renderer=FakeRenderer(),
    )


def test_erase_sanitizes_a_security_frozen_drive_and_refuses_a_sanitize_frozen_one(cli) -> None:
    import json

    from tests.erasure.conftest import FakeBlockDevice

    frozen = FakeBlockDevice(1 << 20)
    frozen.data[:] = b"\x42" * len(frozen.data)
    cli.overrides = _erase_services(ok("hdparm_sanitize_status_frozen.txt"), frozen)
    refused = cli("erase", "/dev/sda", "--method", "ata-sanitize", "--confirm", "214031A57D1D")
    assert refused.exit_code == 3
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and "SANITIZE is frozen" in lines[0] and "suspend" in lines[0] and "hot-plug" in lines[0]
    assert frozen.writes == 0 and bytes(frozen.data) == b"\x42" * len(frozen.data)
    assert cli.sql("select count(*) from erasures") == [(0,)]

    idle = FakeBlockDevice(1 << 20)
    cli.overrides = _erase_services(ok("hdparm_sanitize_status_idle.txt"), idle)
    done = cli("erase", "/dev/sda", "--method", "ata-sanitize", "--confirm", "214031A57D1D", "--json")
    assert done.exit_code == 0, done.stderr
    final = json.loads(done.stdout.strip().splitlines()[-1])
    assert final["outcome"] == "succeeded" and final["nist_category"] == "Purge" and final["method"] == "ata-sanitize"
