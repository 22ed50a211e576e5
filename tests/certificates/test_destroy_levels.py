"""A destruction certificate claims only the DIN 66399 level the method (and the shop's machine)
can reach; a batch of hard disks and SSDs takes a level per disk."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tests.certificates.conftest import Shop
from tests.conftest import Cli
from wipestation.common.config import DestructionMachine, load_config
from wipestation.common.errors import ConfigError

OVERCLAIMS = [
    (
        ["HDD", "--method", "drill", "--level", "H-7"],
        "level H-7 (particles <= 5 mm²) is beyond what drilling can reach (H-3 at most",
    ),
    (["HDD", "--method", "degauss", "--level", "H-6"], "beyond what degaussing can reach (H-3 at most"),
    (["SSD", "--method", "crush", "--level", "E-4"], "beyond what crushing can reach (E-2 at most"),
    (["SSD", "--method", "shred", "--level", "E-7"], "beyond what shredding can reach (E-5 at most"),
]


@pytest.mark.parametrize(("args", "message"), OVERCLAIMS, ids=[a[2] + a[4] for a, _ in OVERCLAIMS])
def test_a_level_beyond_the_methods_reach_is_refused_with_the_reason(
    cli: Cli, shop: Shop, args: list[str], message: str
) -> None:
    shop.record("HDD")
    shop.record("SSD", media="ssd")
    result = cli("destroy", *args)
    assert result.exit_code == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert cli.sql("SELECT count(*) FROM certificates") == [(0,)]


def test_the_shops_machine_caps_the_level(cli: Cli, shop: Shop) -> None:
    cli.config = dataclasses.replace(
        cli.config, machines=(DestructionMachine(name="HSM Powerline HDS 230", method="shred", levels=("H-5",)),)
    )
    shop.record("HDD-1")
    shop.record("SSD-1", media="ssd")
    over = cli("destroy", "HDD-1", "--method", "shred", "--level", "H-6", "--equipment", "hsm powerline  HDS 230")
    assert over.exit_code == 1 and "above machine 'HSM Powerline HDS 230''s certified level H-5" in over.stderr
    wrong = cli(
        "destroy", "HDD-1", "--method", "disintegrate", "--level", "H-5", "--equipment", "HSM Powerline HDS 230"
    )
    assert wrong.exit_code == 1 and "does shred, not disintegrate" in wrong.stderr
    flash = cli("destroy", "SSD-1", "--method", "shred", "--level", "E-4", "--equipment", "HSM Powerline HDS 230")
    assert flash.exit_code == 1 and "is not certified for flash memory" in flash.stderr
    ok = cli.ok("destroy", "HDD-1", "--method", "shred", "--level", "H-5", "--equipment", "HSM Powerline HDS 230")
    assert ok["level"] == "H-5"


def test_a_mixed_batch_takes_a_level_per_disk(cli: Cli, shop: Shop) -> None:
    shop.record("HDD-M")
    shop.record("SSD-M", media="ssd")
    out = cli.ok("destroy", "HDD-M", "SSD-M", "--method", "shred", "--level", "H-5", "--level", "E-4")
    assert [(o["serial"], o["level"]) for o in out] == [("HDD-M", "H-5"), ("SSD-M", "E-4")]
    assert len({o["batch"] for o in out}) == 1
    rows = cli.sql("SELECT level FROM destructions ORDER BY id")
    assert rows == [("H-5",), ("E-4",)]


def test_two_levels_of_one_category_are_refused(cli: Cli, shop: Shop) -> None:
    shop.record("HDD-T")
    result = cli("destroy", "HDD-T", "--method", "shred", "--level", "H-5", "--level", "H-4")
    assert result.exit_code == 1 and "two H levels given (H-5 and H-4)" in result.stderr


def test_machines_in_the_config(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[machines]\n"HSM Powerline HDS 230" = "shred H-5 e4"\n', encoding="utf-8")
    assert load_config(path, env={}).machines == (
        DestructionMachine(name="HSM Powerline HDS 230", method="shred", levels=("H-5", "E-4")),
    )
    path.write_text('[machines]\n"x" = "shred level-five"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="must be"):
        load_config(path, env={})
