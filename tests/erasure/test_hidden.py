"""HPA/DCO detection and the decision before an overwrite, on recorded outputs of the real hdparm
(issue 12, point 5; tests/fixtures/tools/README.md says where each recording came from)."""

from __future__ import annotations

import pytest

from tests.erasure.conftest import FakeRunner, fixture_text
from wipestation.common.commands import CommandResult
from wipestation.common.errors import SafetyRefusal
from wipestation.common.identity import DriveIdentity
from wipestation.erasure.firmware import parse_hdparm_hpa
from wipestation.erasure.hidden import parse_hdparm_dco, probe_hidden, restore_commands, settle_hidden


def ok(name: str) -> CommandResult:
    return CommandResult(0, fixture_text(name))


NO_DCO = CommandResult(5, "", "HDIO_DRIVE_CMD(dco_identify) failed: Input/output error")
# hdparm -N of the WD5003AZEX whose DCO made it 926773168 sectors (the book shows `hdparm -I` with that
# size and the DCO; its `-N` line, in hdparm's format, follows from them: no HPA on top of the DCO)
DCO_DRIVE_N = CommandResult(0, "\n/dev/sdl:\n max sectors   = 926773168/926773168, HPA is disabled\n")


def drive(visible: int, bus: str = "ata") -> DriveIdentity:
    return DriveIdentity(serial="WD-1", model="WDC", capacity_bytes=visible * 512, bus=bus, media="hdd")


def test_parsers_on_recordings() -> None:
    hpa = parse_hdparm_hpa(fixture_text("hdparm_N_hpa_enabled.txt"))
    assert hpa is not None and (hpa.visible_sectors, hpa.native_sectors, hpa.enabled) == (312579695, 312581808, True)
    assert parse_hdparm_hpa(fixture_text("hdparm_N_usb_bridge.txt")) is None  # '0/1': no answer, not an HPA
    assert parse_hdparm_dco(fixture_text("hdparm_dco_identify_reduced.txt")) == 976773168
    assert parse_hdparm_dco(fixture_text("hdparm_dco_identify_full.txt")) == 5860533168
    assert parse_hdparm_dco("Real max sectors: 1\n") is None
    restored = parse_hdparm_hpa(fixture_text("hdparm_N_set_temporary.txt"))
    assert restored is not None and not restored.enabled and restored.visible_sectors == restored.native_sectors


def test_hpa_hides_sectors() -> None:
    runner = FakeRunner({("hdparm", "-N"): ok("hdparm_N_hpa_enabled.txt"), ("hdparm", "--dco-identify"): NO_DCO})
    area = probe_hidden(runner, "/dev/sdb", "ata")
    assert area.state == "hidden" and area.hidden_sectors == 2113 and area.hpa_hidden and not area.dco_hidden
    assert "2113 hidden" in area.text and "HPA hides 2113" in area.text
    assert restore_commands(area, "/dev/sdb") == [
        ("hdparm", "--yes-i-know-what-i-am-doing", "-N", "312581808", "/dev/sdb")
    ]


def test_dco_reduces_the_size() -> None:
    runner = FakeRunner(
        {("hdparm", "-N"): DCO_DRIVE_N, ("hdparm", "--dco-identify"): ok("hdparm_dco_identify_reduced.txt")}
    )
    area = probe_hidden(runner, "/dev/sdl", "ata")
    assert area.state == "hidden" and area.dco_hidden and not area.hpa_hidden
    assert area.hidden_sectors == 976773168 - 926773168
    assert restore_commands(area, "/dev/sdl") == [
        ("hdparm", "--yes-i-know-what-i-am-doing", "--dco-restore", "/dev/sdl")
    ]


def test_full_size_drive_hides_nothing() -> None:
    full_n = CommandResult(0, "\n/dev/sdh:\n max sectors   = 5860533168/5860533168, HPA is disabled\n")
    runner = FakeRunner({("hdparm", "-N"): full_n, ("hdparm", "--dco-identify"): ok("hdparm_dco_identify_full.txt")})
    area = probe_hidden(runner, "/dev/sdh", "ata")
    assert area.state == "none" and area.hidden_sectors == 0 and area.text.startswith("none:")
    plain = FakeRunner({("hdparm", "-N"): ok("hdparm_N.txt"), ("hdparm", "--dco-identify"): NO_DCO})
    assert probe_hidden(plain, "/dev/sdb", "ata").state == "none"


@pytest.mark.parametrize(
    ("answer", "bus", "state", "words"),
    [
        (ok("hdparm_N_usb_bridge.txt"), "usb", "unknown", "USB bridge"),
        (CommandResult(127, "", "hdparm: not installed"), "ata", "unknown", "not installed"),
        (CommandResult(25, "", "Inappropriate ioctl for device"), "loop", "not-applicable", "loop device"),
        (ok("hdparm_N_hpa_enabled.txt"), "nvme", "not-applicable", "NVMe"),
    ],
)
def test_unreadable_or_inapplicable(answer: CommandResult, bus: str, state: str, words: str) -> None:
    area = probe_hidden(FakeRunner({("hdparm", "-N"): answer}), "/dev/sdx", bus)
    assert area.state == state and words in area.text and area.hidden_sectors == 0


def test_decision_without_restore_counts_the_sectors_not_written() -> None:
    runner = FakeRunner({("hdparm", "-N"): ok("hdparm_N_hpa_enabled.txt"), ("hdparm", "--dco-identify"): NO_DCO})
    identity = drive(312579695)
    decision = settle_hidden(
        runner, "/dev/sdb", identity, restore=False, rescan=lambda d: None, reread=lambda: identity
    )
    assert decision.sectors_not_written == 2113 and decision.sector_size == 512
    assert decision.details.sectors_not_written == 2113 and decision.identity is identity
    assert not [c for c in runner.calls if "--yes-i-know-what-i-am-doing" in c]  # nothing changed on the drive


def test_restore_lifts_the_hpa_then_erases_the_native_size() -> None:
    before, after = (
        ok("hdparm_N_hpa_enabled.txt"),
        CommandResult(0, "\n/dev/sdb:\n max sectors   = 312581808/312581808, HPA is disabled\n"),
    )
    runner = FakeRunner(
        {
            ("hdparm", "--yes-i-know-what-i-am-doing", "-N"): ok("hdparm_N_set_temporary.txt"),
            ("hdparm", "-N"): [before, after],
            ("hdparm", "--dco-identify"): NO_DCO,
        }
    )
    rescanned: list[str] = []
    grown = drive(312581808)
    decision = settle_hidden(
        runner, "/dev/sdb", drive(312579695), restore=True, rescan=rescanned.append, reread=lambda: grown
    )
    assert ("hdparm", "--yes-i-know-what-i-am-doing", "-N", "312581808", "/dev/sdb") in runner.calls
    assert rescanned == ["/dev/sdb"] and decision.identity is grown and decision.sectors_not_written == 0
    assert decision.details.restored is not None and decision.details.restored.restored_sectors == 2113


@pytest.mark.parametrize(
    ("answers", "words"),
    [
        ({("hdparm", "-N"): ok("hdparm_N_usb_bridge.txt")}, "cannot be read"),
        (
            {
                ("hdparm", "--yes-i-know-what-i-am-doing"): CommandResult(5, "", "SG_IO: bad/missing sense data"),
                ("hdparm", "-N"): ok("hdparm_N_hpa_enabled.txt"),
                ("hdparm", "--dco-identify"): NO_DCO,
            },
            "failed",
        ),
        (
            {
                ("hdparm", "--yes-i-know-what-i-am-doing"): CommandResult(0, ""),
                ("hdparm", "-N"): ok("hdparm_N_hpa_enabled.txt"),  # still hidden afterwards
                ("hdparm", "--dco-identify"): NO_DCO,
            },
            "still hides",
        ),
    ],
)
def test_restore_refuses_when_it_cannot_make_every_sector_visible(
    answers: dict[tuple[str, ...], CommandResult], words: str
) -> None:
    identity = drive(312579695, bus="usb")
    with pytest.raises(SafetyRefusal, match=words) as err:
        settle_hidden(
            FakeRunner(answers), "/dev/sdf", identity, restore=True, rescan=lambda d: None, reread=lambda: identity
        )
    assert "nothing was written" in str(err.value) and "\n" not in str(err.value)
