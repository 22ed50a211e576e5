"""Destruction levels for a USB mass-storage device of unknown media (issue 12, point 7): it is taken
as flash, so an H level and degaussing are refused (a stick behind a cheap controller reports
rotational=1, which detection no longer reads as a hard disk)."""

from __future__ import annotations

import pytest

from tests.certificates.conftest import Shop
from tests.conftest import Cli


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--method", "shred", "--level", "H-5"], "unknown media on USB, taken as flash): use an E level"),
        (["--method", "degauss", "--level", "E-5"], "degaussing does not destroy flash"),
    ],
)
def test_unknown_media_on_usb_is_refused_magnetic_levels(cli: Cli, shop: Shop, args: list[str], message: str) -> None:
    shop.record("STICK", media="unknown", bus="usb")
    before = cli.snapshot()
    result = cli("destroy", "STICK", *args)
    assert result.exit_code == 1, result.stdout
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert cli.snapshot() == before
    assert cli.ok("destroy", "STICK", "--method", "shred", "--level", "E-5")["certificate"] == "WS-2026-000001"


def test_unknown_media_elsewhere_keeps_both_level_kinds(cli: Cli, shop: Shop) -> None:
    """Only USB makes unknown media flash: an unknown ATA drive may still be destroyed at an H level."""
    shop.record("ODD", media="unknown", bus="ata")
    assert cli.ok("destroy", "ODD", "--method", "shred", "--level", "H-5")["certificate"] == "WS-2026-000001"
