"""The erasure's refusals in Dutch (the one-line `fout: …` of `wipestation --lang nl erase`); nothing
is written when it refuses."""

from __future__ import annotations

import json

from tests.conftest import Cli
from tests.erasure import test_firmware_node as firmware_node
from tests.erasure.conftest import FakeBlockDevice
from tests.erasure.test_run import SERIAL, SIZE, _services


def _refusal(cli: Cli, *args: str) -> str:
    dev = FakeBlockDevice(SIZE)
    cli.overrides = _services(dev)
    result = cli("--lang", "nl", "erase", "/dev/sdz", "--method", "zero", *args)
    assert result.exit_code != 0 and dev.writes == 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return str(lines[0])


def test_a_wrong_serial_is_refused_in_dutch(cli: Cli) -> None:
    line = _refusal(cli, "--confirm", "WD-OTHER")
    assert line == "fout: het bevestigde serienummer komt niet overeen met dat van /dev/sdz; er is niets geschreven"


def test_a_backup_still_kept_is_refused_in_dutch(cli: Cli) -> None:
    customer = cli.ok("customer", "add", "--name", "C. Klant")
    record = cli.ok("backup", "register", "--serial", SERIAL, "--customer", str(customer["id"]), "--job", "J-9")
    line = _refusal(cli, "--confirm", SERIAL)
    assert line.startswith(f"fout: dossier {record['id']}: de back-up wordt bewaard tot ")
    assert line.endswith(f"voer dan eerst `wipestation request-deletion {record['id']}` uit")


def test_nothing_to_resume_is_refused_in_dutch(cli: Cli) -> None:
    line = _refusal(cli, "--confirm", SERIAL, "--resume")
    assert line == f"fout: schijf {SERIAL} heeft geen onderbroken wissing om te hervatten"


def test_a_drive_that_changed_before_the_open_is_refused_in_dutch(cli: Cli) -> None:
    """The checks of the open (block I/O, the device held open) come before the erasure's record: Dutch."""
    dev = FakeBlockDevice(SIZE)
    cli.overrides = firmware_node.run_overrides(cli, dev, firmware_node.Source(held_ok=0))
    result = cli("--lang", "nl", "erase", firmware_node.LINK, "--method", "zero", "--confirm", firmware_node.SSD.serial)
    assert result.exit_code == 3 and dev.writes == 0
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"fout: {firmware_node.NODE}: het geopende apparaat is /dev/sdd, niet het bevestigde; er is niets geschreven"
    ]
    assert cli.sql("SELECT count(*) FROM erasures") == [(0,)]


def test_a_refusal_stored_with_a_started_erasure_stays_english(cli: Cli) -> None:
    """Once the erasure's record has started, a refusal goes into its error: English, also in Dutch."""
    dev = FakeBlockDevice(SIZE)
    cli.overrides = firmware_node.run_overrides(cli, dev, firmware_node.Source(held_ok=2))
    args = ["erase", firmware_node.LINK, "--method", "ata-sanitize", "--confirm", firmware_node.SSD.serial, "--json"]
    result = cli("--lang", "nl", *args)
    assert result.exit_code == 4, result.stderr
    final = json.loads(result.stdout.strip().splitlines()[-1])
    expected = "the device held open is /dev/sdd, not the confirmed one; nothing was written"
    assert final["error"].startswith("the firmware command's result is not trusted: ")
    assert expected in final["error"]
    assert cli.sql("SELECT error FROM erasures") == [(final["error"],)]
