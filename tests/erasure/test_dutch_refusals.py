"""The erasure's refusals in Dutch (the one-line `fout: …` of `wipestation --lang nl erase`); nothing
is written when it refuses."""

from __future__ import annotations

from tests.conftest import Cli
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
