"""ATA SANITIZE availability comes from the sanitize state (`hdparm --sanitize-status`) and the
SANITIZE feature set in `hdparm -I`, not from the security freeze (issue 12, point 6).

The two identify outputs are real, published `hdparm -I` outputs of security-frozen drives with the
SANITIZE feature set (tests/fixtures/tools/README.md says where each came from)."""

from __future__ import annotations

import pytest

from tests.erasure.conftest import FakeRunner, fixture_text
from wipestation.erasure.firmware import (
    SANITIZE_FROZEN_TEXT,
    CommandResult,
    build_commands,
    detect_support,
    parse_hdparm_identify,
    parse_hdparm_sanitize_state,
)
from wipestation.identity import DriveIdentity

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
