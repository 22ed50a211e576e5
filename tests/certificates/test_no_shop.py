"""Without a `[shop]` section no certificate is issued: a document must never name another shop
(the defaults once named SOMCOM, its address and phone). The refusal is one line and changes nothing."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from tests.certificates.conftest import Shop
from tests.conftest import Cli
from wipestation.common.config import Config, ShopConfig, load_config


def test_the_defaults_name_no_shop(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[retention]\nbackup_days = 30\n")
    for config in (Config(), load_config(path)):
        assert not config.shop.configured
        assert "SOMCOM" not in repr(config) and "somcom" not in repr(config) and "Assen" not in repr(config)


def test_a_destruction_without_a_shop_is_refused_in_one_line_and_changes_nothing(cli: Cli, shop: Shop) -> None:
    record = shop.record("HDD-NOSHOP")
    cli.config = dataclasses.replace(cli.config, shop=ShopConfig())
    before = cli.snapshot()
    result = cli("--lang", "en", "destroy", str(record), "--method", "shred", "--level", "H-5")
    assert result.exit_code == 1, result.stdout
    assert result.stderr.strip().splitlines() == [
        "error: the shop is not configured: add a [shop] section with name, address and contact to the "
        "configuration; no certificate is issued without it"
    ]
    assert cli.snapshot() == before
    dutch = cli("--lang", "nl", "destroy", str(record), "--method", "shred", "--level", "H-5")
    assert dutch.exit_code == 1 and dutch.stderr.startswith("fout: de winkel is niet ingesteld")
    cli.config = dataclasses.replace(cli.config, shop=ShopConfig(name="Fietsenmaker Jansen"))
    assert cli("destroy", str(record), "--method", "shred", "--level", "H-5").exit_code == 0
