from __future__ import annotations

from pathlib import Path

import pytest

from wipestation.common.config import Config, load_config
from wipestation.common.errors import ConfigError


def test_defaults_keep_the_privacy_policy() -> None:
    config = load_config(None, env={})
    assert (config.retention.backup_days, config.retention.abandoned_months, config.retention.record_years) == (
        30,
        3,
        7,
    )
    assert config.devices.allow_loop is False
    assert config.certificates.language == "nl"


def test_a_full_file(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        f'data_dir = "{tmp_path / "d"}"\n'
        '[shop]\nname = "SOMCOM"\nkvk = "01234567"\n[retention]\nbackup_days = 14\n'
        '[devices]\nprotected_serials = ["S1", "S2"]\nallow_loop = true\n'
        '[certificates]\nlanguage = "en"\nprefix = "AS1"\n'
    )
    config = load_config(path, env={})
    assert config.shop.kvk == "01234567"
    assert config.retention.backup_days == 14
    assert config.retention.abandoned_months == 3
    assert config.devices.protected_serials == ("S1", "S2")
    assert config.devices.allow_loop is True
    assert config.certificates.prefix == "AS1"
    assert config.data_dir == tmp_path / "d"


def test_env_allows_loop_devices() -> None:
    assert load_config(None, env={"WIPESTATION_ALLOW_LOOP": "1"}).devices.allow_loop is True
    assert load_config(None, env={"WIPESTATION_ALLOW_LOOP": "0"}).devices.allow_loop is False


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[retention]\nbackup_days = -1\n", "backup_days must be a whole number"),
        ("[devices]\nallow_loop = 'yes'\n", "allow_loop must be true or false"),
        ("[devices]\nprotected_serials = 'S1'\n", "must be a list of strings"),
        ("[shop]\ncolour = 'red'\n", "unknown key 'colour'"),
        ("[certificates]\nlanguage = 'de'\n", "language must be 'nl' or 'en'"),
        ("weird = 1\n", "unknown or malformed key 'weird'"),
    ],
)
def test_bad_files_are_named(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_config(path, env={})


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml", env={})


def test_config_is_frozen() -> None:
    with pytest.raises(AttributeError):
        Config().timezone = "UTC"  # type: ignore[misc]
