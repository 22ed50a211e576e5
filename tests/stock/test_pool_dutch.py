"""`wipestation --lang nl pool ...`: the pool's refusals are one Dutch line, and nothing changes."""

from __future__ import annotations

from tests.conftest import Cli
from tests.stock.test_pool import _customer


def _dutch_refusal(cli: Cli, *args: str) -> str:
    before = cli.snapshot()
    result = cli("--lang", "nl", "pool", *args)
    assert result.exit_code == 1, result.stdout
    assert cli.snapshot() == before
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return str(lines[0])


def test_pool_refusals_are_dutch(cli: Cli) -> None:
    cid = _customer(cli)
    cli.ok("abandoned", "register", "--serial", "CUST-1", "--model", "M", "--capacity", "1TB", "--customer", str(cid))
    assert _dutch_refusal(cli, "queue-destruction", "NOPE") == "fout: geen schijf met serienummer 'NOPE'"
    assert _dutch_refusal(cli, "queue-destruction", "CUST-1") == (
        "fout: schijf CUST-1 is een schijf van een klant, geen back-upschijf van de winkel"
    )
    assert _dutch_refusal(cli, "retire", "CUST-1", "--reason", "versleten") == (
        "fout: schijf CUST-1 is een schijf van een klant, geen back-upschijf van de winkel"
    )
