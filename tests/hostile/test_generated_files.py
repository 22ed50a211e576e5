"""setup-workstation writes each path into systemd units, timers and a profile script with the quoting
rules of their format: every field fed a space, a quote, `%` and `$` gives files that `systemd-analyze
verify` and `sh -n` accept and that mean the path itself; a newline or `..` is refused before anything
is written."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.helpers.loop import IS_ROOT
from wipestation.common.config import BackupConfig, Config, DigestConfig
from wipestation.shop.workstation_files import unit_word

SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
needs_root = pytest.mark.skipif(not IS_ROOT, reason="setup-workstation sets root ownership: needs root")
needs_systemd = pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze (Debian package systemd)")

ODD = {"space": "a b", "quote": 'it\'s "q"', "percent": "100%n", "dollar": "$HOME", "backslash": "a\\b"}
FIELDS = ("data_dir", "config", "backup_dir", "executable")


def _run(cli: Cli, tmp_path: Path, field: str, odd: str) -> tuple[Path, dict[str, str]] | None:
    folder = f"/srv/ws {odd}"
    exe = tmp_path / "bin" / (f"wipe {odd}" if field == "executable" else "wipestation")
    exe.parent.mkdir(parents=True, exist_ok=True)
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    cli.overrides = replace(cli.overrides, executables=(str(exe), str(tmp_path / "bin/wipestation-helper")))
    backup = BackupConfig(dir=folder + "/backups" if field == "backup_dir" else "", keep=7, hour="19:30")
    cli.config = replace(cli.config, backup=backup, digest=DigestConfig(to=("w@somcom.nl",), hour="07:45"))
    root = tmp_path / "stage"
    args = ["setup-workstation", "--root", str(root)]
    if field == "data_dir":
        args += ["--data-dir", folder]
    config = f"{folder}/wipestation.toml" if field == "config" else "/etc/wipestation.toml"
    result = cli("--config", config, *args)
    if field == "executable" and any(char in odd for char in "\\\"'"):
        assert result.exit_code == 1 and "may not hold a quote or a backslash" in result.stderr
        return None  # systemd takes no such executable name: refused, nothing written
    assert result.exit_code == 0, result.stderr
    want = {
        "exe": str(exe),
        "config": config,
        "data": folder if field == "data_dir" else "/var/lib/wipestation",
        "backups": backup.dir or ((folder if field == "data_dir" else "/var/lib/wipestation") + "/backups"),
    }
    return root, want


@needs_root
@needs_systemd
@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("odd", sorted(ODD))
def test_odd_paths_are_quoted_for_systemd_and_sh(cli: Cli, tmp_path: Path, field: str, odd: str) -> None:
    ran = _run(cli, tmp_path, field, ODD[odd])
    if ran is None:
        assert not (tmp_path / "stage").exists()
        return
    root, want = ran
    units = sorted((root / "etc/systemd/system").glob("wipestation-*"))
    assert len(units) == 4
    assert SYSTEMD_ANALYZE is not None
    verify = subprocess.run(
        [SYSTEMD_ANALYZE, "verify", "--man=no", *map(str, units)], capture_output=True, text=True, timeout=120
    )
    ours = [line for line in (verify.stdout + verify.stderr).splitlines() if "wipestation-" in line]
    assert verify.returncode == 0 and ours == [], verify.stderr
    service = (root / "etc/systemd/system/wipestation-backup.service").read_text()
    keys = [line.split("=", 1)[0] for line in service.splitlines() if "=" in line and not line.startswith("#")]
    assert keys.count("ExecStart") == 1 and "ExecStartPre" not in keys  # nothing injected
    exec_line = next(line for line in service.splitlines() if line.startswith("ExecStart="))
    words = ["--config", want["config"], "db", "backup", want["backups"], "--keep", "7"]
    assert exec_line == "ExecStart=" + " ".join([unit_word(want["exe"], dollar=False), *map(unit_word, words)])
    profile = root / "etc/profile.d/wipestation.sh"
    assert subprocess.run(["sh", "-n", str(profile)], capture_output=True, timeout=30).returncode == 0
    shown = subprocess.run(
        ["sh", "-c", '. "$1"; printf "%s\\n%s" "$WIPESTATION_CONFIG" "$WIPESTATION_DATA_DIR"', "sh", str(profile)],
        capture_output=True,
        text=True,
        timeout=30,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert shown.stdout == f"{want['config']}\n{want['data']}"  # the profile means the path itself


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("bad", ["/srv/a\nExecStartPre=+/bin/sh -c id", "/srv/../../etc"])
def test_a_newline_or_dot_dot_is_refused_before_anything_is_written(
    cli: Cli, tmp_path: Path, field: str, bad: str
) -> None:
    exe = bad if field == "executable" else "/usr/local/bin/wipestation"
    cli.overrides = replace(cli.overrides, executables=(exe, "/usr/local/bin/wipestation-helper"))
    if field == "backup_dir":
        cli.config = replace(cli.config, backup=BackupConfig(dir=bad))
    root = tmp_path / "stage"
    args = ["setup-workstation", "--root", str(root)]
    if field == "data_dir":
        args += ["--data-dir", bad]
    config = bad if field == "config" else "/etc/wipestation.toml"
    result = cli("--config", config, *args)
    assert result.exit_code == 1, result.stdout
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("error: ")
    assert "control character (0x0a)" in result.stderr or "'..'" in result.stderr
    assert not root.exists()


def test_unit_words_quote_what_systemd_would_read_otherwise() -> None:
    assert unit_word("/usr/bin/wipestation") == "/usr/bin/wipestation"
    assert unit_word("/a b") == '"/a b"'
    assert unit_word('/a"b\\c') == '"/a\\"b\\\\c"'
    assert unit_word("/100%n") == '"/100%%n"'
    assert unit_word("/$HOME") == '"/$$HOME"' and unit_word("/$HOME", dollar=False) == '"/$HOME"'


def test_the_config_keys_of_the_timers_are_whole_values(config: Config, tmp_path: Path) -> None:
    from wipestation.common.config import load_config
    from wipestation.common.errors import ConfigError

    for text in ('[digest]\nhour = "08:30\\n"\n', '[backup]\nhour = "19:00 "\n', '[digest]\nhour = "7:30"\n'):
        path = tmp_path / "c.toml"
        path.write_text(f'data_dir = "{tmp_path}"\n' + text)
        with pytest.raises(ConfigError, match="hour must be HH:MM"):
            load_config(path)
