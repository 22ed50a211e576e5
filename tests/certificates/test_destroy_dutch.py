"""`wipestation --lang nl destroy`: its refusals are one Dutch line, and nothing changes."""

from __future__ import annotations

import pytest

from tests.certificates.conftest import Shop
from tests.conftest import Cli
from wipestation.store.models import CustodyKind

SHRED = ["--method", "shred"]
DUTCH = [
    (
        ["BACKUP", *SHRED, "--level", "H-5"],
        "fout: dossier {BACKUP} (BACKUP) is een back-up: back-ups worden gewist, niet vernietigd",
    ),
    (
        ["SSD", *SHRED, "--level", "H-5"],
        "fout: dossier {SSD} (SSD) is flashgeheugen (ssd): gebruik een E-niveau, een H-niveau geldt niet voor flash",
    ),
    (
        ["HDD", *SHRED, "--level", "H-9"],
        "fout: onbekend veiligheidsniveau 'H-9' (H-1..H-7 voor magnetische schijven, E-1..E-7 voor flash)",
    ),
    (
        ["HDD", "--method", "degauss", "--level", "E-5"],
        "fout: dossier {HDD} (HDD) is een magnetische schijf (hdd): "
        "gebruik een H-niveau, een E-niveau geldt daar niet voor",
    ),
    (
        ["HDD", *SHRED, "--level", "H-3"],
        "fout: niveau H-3 ligt onder het minimum H-4 voor persoonsgegevens "
        "(gebruik --accept-lower REDEN om het toch te aanvaarden)",
    ),
]


@pytest.mark.parametrize(("args", "expected"), DUTCH, ids=[a[0] + a[-1] for a, _ in DUTCH])
def test_a_destruction_refusal_is_one_dutch_line(cli: Cli, shop: Shop, args: list[str], expected: str) -> None:
    ids = {
        "HDD": shop.record("HDD"),
        "SSD": shop.record("SSD", media="ssd"),
        "BACKUP": shop.record("BACKUP", kind=CustodyKind.BACKUP),
    }
    before = cli.snapshot()
    result = cli("--lang", "nl", "destroy", *args)
    assert result.exit_code == 1, result.stdout
    assert result.stderr.strip() == expected.format(**ids)
    assert cli.snapshot() == before
