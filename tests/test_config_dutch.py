"""A bad config is refused in one Dutch line with `--lang nl` (the config's own `language` cannot be
read from a config that is refused)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from tests.conftest import Cli
from wipestation.cli import main


def test_a_bad_config_is_one_dutch_line(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[mail]\nport = 70000\n")
    result = CliRunner().invoke(main, ["--lang", "nl", "--config", str(bad), "--db", cli.url, "list"])
    assert result.exit_code == 1
    assert result.stderr == "fout: configuratie: [mail] port moet tussen 1 en 65535 liggen\n"
    bad.write_text("[retention]\nbackup_days = 'thirty'\n")
    result = CliRunner().invoke(main, ["--lang", "nl", "--config", str(bad), "--db", cli.url, "list"])
    assert result.stderr == "fout: configuratie: [retention] backup_days moet een geheel getal >= 0 zijn\n"
